/**
 * What moderators read in /review (and operators in /operator reports): one report per page with its question, the
 * quote, its source, how many members flagged it and why; the question's top candidates to pin, with their scores;
 * the server's exclusions and pins, each removable. Every button's custom id starts with `review:` (or `operator:`),
 * so only members the router lets through can use it.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from "discord.js";
import type { Flag, ReportReason, Source } from "../../core/index.js";
import { operatorCustomId, reviewCustomId } from "../ids.js";
import { clipInline, fitQuote } from "./cut.js";
import { REASON_LABELS } from "./feedback.js";
import { renderNotice } from "./notice.js";
import { DISCORD_LIMITS, plural, type MessagePayload } from "./payload.js";
import { attribution } from "./sources.js";

export const LIST_PAGE_SIZE = 5;
const QUOTE_MAX = 700;
const EXCERPT_MAX = 220;
const NOTE_MAX = 160;
const NOTES_SHOWN = 3;

const when = (iso: string) => `<t:${Math.floor(Date.parse(iso) / 1000)}:R>`;
const button = (customId: string, label: string, style = ButtonStyle.Secondary, disabled = false) =>
  new ButtonBuilder().setCustomId(customId).setLabel(label).setStyle(style).setDisabled(disabled);

/** A report as moderators see it: the quote as the document holds it now, or why it cannot be shown. */
export interface ReportView {
  id: string;
  question: string;
  quote: { text: string; source: Source } | null;
  /** Why the quote is not shown: the answer quoted nothing, the document was removed, or it changed. */
  missing: "none" | "removed" | "changed" | null;
  flags: readonly Flag[];
  lastAt: string;
}

function tally(flags: readonly Flag[]): string {
  const counts = new Map<ReportReason, number>();
  for (const f of flags) counts.set(f.reason, (counts.get(f.reason) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${REASON_LABELS[reason]} ×${n}`)
    .join(" · ");
}

/** The body of a report: question, quote, source, flags, reasons and a few notes. */
function describeReport(view: ReportView, where: string | null): string {
  const lines: string[] = [];
  const members = new Set(view.flags.map((f) => f.userId)).size;
  lines.push(
    `Flagged by ${plural(members, "member")}, last ${when(view.lastAt)}${where === null ? "" : ` · ${where}`}`,
  );
  lines.push(`**Q:** ${clipInline(view.question, 300)}`);
  if (view.quote !== null) {
    const fitted = fitQuote(view.quote.text, QUOTE_MAX);
    lines.push(fitted.rendered);
    if (fitted.omitted > 0) lines.push(`-# […] ${plural(fitted.omitted, "more character")} in the quote.`);
    lines.push(`— ${attribution(view.quote.source)}`);
  } else if (view.missing === "none") lines.push("*The answer was “Not in the corpus”.*");
  else if (view.missing === "removed") lines.push("*The quoted document has since been removed.*");
  else if (view.missing === "changed") lines.push("*The quoted document has changed; the passage no longer exists.*");
  lines.push(`**Why:** ${tally(view.flags)}`);
  const notes = view.flags.filter((f) => f.note !== undefined && f.note.trim() !== "").slice(0, NOTES_SHOWN);
  for (const f of notes) lines.push(`> “${clipInline(f.note ?? "", NOTE_MAX)}”`);
  return lines.join("\n");
}

/** Keeps a moderator's message inside Discord's limit whatever the notes and titles hold. */
function fit(text: string): string {
  return text.length <= DISCORD_LIMITS.content ? text : `${text.slice(0, DISCORD_LIMITS.content - 1)}…`;
}

function pager(kind: "reports" | "exclusions" | "pins", page: number, pages: number) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    button(reviewCustomId({ kind, page: Math.max(1, page - 1) }), "Previous", ButtonStyle.Secondary, page <= 1),
    // The two ends point at different pages, so the ids never collide (page 1 of 1 shows no pager).
    button(reviewCustomId({ kind, page: page + 1 }), "Next", ButtonStyle.Secondary, page >= pages),
  );
}

/** One page of the review queue: a report and what can be done about it. */
export function renderReportPage(view: ReportView | null, page: number, total: number): MessagePayload {
  if (view === null) {
    return renderNotice(
      total === 0
        ? "No open reports. When members press **Wrong quote** under an answer, the report appears here."
        : `There is no report ${page}; the queue has ${plural(total, "open report")}.`,
    );
  }
  const text = fit(`**Report ${page} of ${total}**\n${describeReport(view, null)}`);
  const actions = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button(reviewCustomId({ kind: "dismiss", item: view.id, page }), "Dismiss"),
    button(
      reviewCustomId({ kind: "exclude", item: view.id, page }),
      "Exclude passage",
      ButtonStyle.Danger,
      view.quote === null,
    ),
    button(reviewCustomId({ kind: "choose", item: view.id, page }), "Pin another passage…", ButtonStyle.Primary),
  );
  const rows = [actions.toJSON()];
  if (total > 1) rows.push(pager("reports", page, total).toJSON());
  return { ...renderNotice(text), components: rows };
}

export interface CandidateView {
  text: string;
  score: number;
  source: Source;
  /** The reported quote itself. */
  reported: boolean;
  /** Pinned already for this question. */
  pinned: boolean;
  /** 8 hex digits identifying the candidate, checked when its button comes back. */
  check: string;
}

/** The question's top candidates with their scores, each with a Pin button. */
export function renderCandidates(view: ReportView, candidates: readonly CandidateView[], page: number): MessagePayload {
  const lines = [`**Pin the right passage** for “${clipInline(view.question, 200)}”`];
  if (candidates.length === 0) lines.push("Nothing in the corpus comes close to this question.");
  candidates.forEach((c, i) => {
    const fitted = fitQuote(c.text, EXCERPT_MAX);
    const tags = [c.reported ? "reported" : null, c.pinned ? "pinned" : null].filter((t) => t !== null);
    lines.push(
      `**${i + 1}.** score ${c.score.toFixed(2)}${tags.length > 0 ? ` · ${tags.join(", ")}` : ""} · ${clipInline(attributionName(c.source), 100)}`,
    );
    lines.push(`${fitted.rendered}${fitted.omitted > 0 ? " […]" : ""}`);
  });
  lines.push(
    "-# The pinned passage leads the answer to this question and near-identical ones in this server, marked as chosen by its moderators.",
  );
  const pins = new ActionRowBuilder<ButtonBuilder>().addComponents(
    candidates
      .slice(0, 5)
      .map((c, i) =>
        button(reviewCustomId({ kind: "pin", item: view.id, candidate: i, check: c.check, page }), `Pin ${i + 1}`),
      ),
  );
  const back = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button(reviewCustomId({ kind: "reports", page }), "Back to the report"),
  );
  const rows = candidates.length > 0 ? [pins.toJSON(), back.toJSON()] : [back.toJSON()];
  return { ...renderNotice(fit(lines.join("\n"))), components: rows };
}

function attributionName(source: Source): string {
  return source.title?.trim() || source.path?.trim() || source.id;
}

/** After an action: what was done, and a way back to the queue. */
export function renderReviewDone(text: string, page: number): MessagePayload {
  const back = new ActionRowBuilder<ButtonBuilder>().addComponents(
    button(reviewCustomId({ kind: "reports", page: Math.max(1, page) }), "Back to the queue"),
  );
  return { ...renderNotice(text), components: [back.toJSON()] };
}

export function describePinned(question: string, quote: string, source: Source): string {
  const fitted = fitQuote(quote, 600);
  return [
    `**Pinned.** From now on “${clipInline(question, 200)}” and near-identical questions in this server lead with:`,
    `${fitted.rendered}${fitted.omitted > 0 ? " […]" : ""}`,
    `— ${attribution(source)}`,
    "-# Marked “chosen by this server's moderators”. See or remove pins with `/review pins`.",
  ].join("\n");
}

export const describeDismissed = (question: string) => `**Dismissed** the report on “${clipInline(question, 200)}”.`;
export const describeUnpinned = (question: string) => `**Removed** the pin for “${clipInline(question, 200)}”.`;
export const REVIEW_LINES = {
  gone: "That report is no longer open (another moderator may have acted on it).",
  restored: "**Restored** the passage to this server's answers.",
  alreadyRestored: "That exclusion was already removed.",
  alreadyUnpinned: "That pin was already removed.",
  nothingToExclude: "That answer quoted nothing, so there is no passage to exclude.",
  passageGone:
    "That passage no longer exists as it was (its document was removed or changed); dismiss the report instead.",
  candidatesChanged: "The candidates changed since that list was shown; pick again.",
} as const;

/** The candidates again, after a stale Pin button: said first, then the current list. */
export function renderCandidatesAgain(
  view: ReportView,
  candidates: readonly CandidateView[],
  page: number,
): MessagePayload {
  const fresh = renderCandidates(view, candidates, page);
  return { ...fresh, content: fit(`${REVIEW_LINES.candidatesChanged}\n${fresh.content ?? ""}`) };
}

export function describeExcluded(quote: string, source: Source): string {
  const fitted = fitQuote(quote, 600);
  return [
    "**Excluded** this passage from this server's answers (it stays in the document, and Passage still shows it):",
    `${fitted.rendered}${fitted.omitted > 0 ? " […]" : ""}`,
    `— ${attribution(source)}`,
    "-# Restore it with `/review exclusions`.",
  ].join("\n");
}

/** An exclusion or a pin as listed: what it is about, now, and who made it. */
export interface ListedView {
  id: string;
  /** Null when the passage no longer exists as it was (document removed or changed). */
  excerpt: string | null;
  source: Source | null;
  question?: string;
  by: string;
  at: string;
}

function renderList(
  kind: "exclusions" | "pins",
  items: readonly ListedView[],
  page: number,
  empty: string,
  heading: string,
  action: string,
  notice?: string,
): MessagePayload {
  const pages = Math.max(1, Math.ceil(items.length / LIST_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const shown = items.slice((current - 1) * LIST_PAGE_SIZE, current * LIST_PAGE_SIZE);
  if (items.length === 0)
    return { ...renderNotice(notice === undefined ? empty : `${notice}\n${empty}`), components: [] };
  const lines = [`**${heading}** (page ${current} of ${pages}, ${items.length} in all)`];
  if (notice !== undefined) lines.unshift(notice);
  shown.forEach((item, i) => {
    const n = (current - 1) * LIST_PAGE_SIZE + i + 1;
    const what = item.source === null ? "a removed document" : clipInline(attributionName(item.source), 100);
    const question = item.question === undefined ? "" : ` · for “${clipInline(item.question, 120)}”`;
    lines.push(`**${n}.** ${what}${question} · by <@${item.by}> ${when(item.at)}`);
    if (item.excerpt === null) lines.push("-# The passage no longer exists as it was; this has no effect.");
    else {
      const fitted = fitQuote(item.excerpt, EXCERPT_MAX);
      lines.push(`${fitted.rendered}${fitted.omitted > 0 ? " […]" : ""}`);
    }
  });
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    shown.map((item, i) =>
      button(
        reviewCustomId({ kind: kind === "exclusions" ? "restore" : "unpin", id: item.id, page: current }),
        `${action} ${(current - 1) * LIST_PAGE_SIZE + i + 1}`,
      ),
    ),
  );
  const rows = [buttons.toJSON()];
  if (pages > 1) rows.push(pager(kind, current, pages).toJSON());
  return { ...renderNotice(fit(lines.join("\n"))), components: rows };
}

export function renderExclusions(items: readonly ListedView[], page: number, notice?: string): MessagePayload {
  return renderList(
    "exclusions",
    items,
    page,
    "This server excludes no passages. Moderators exclude one from a report in `/review reports`.",
    "Passages excluded from this server's answers",
    "Restore",
    notice,
  );
}

export function renderPins(items: readonly ListedView[], page: number, notice?: string): MessagePayload {
  return renderList(
    "pins",
    items,
    page,
    "This server has no pinned passages. Moderators pin one from a report in `/review reports`.",
    "Pinned passages",
    "Remove",
    notice,
  );
}

/** Where a report was made, as the operator sees it. */
export type ReportPlace = { dm: true } | { dm: false; name: string | null; id: string };

/** "server Guild A (123…)" / "direct messages", escaped. */
function whereLabel(scope: ReportPlace): string {
  return scope.dm
    ? "direct messages"
    : `server ${scope.name === null ? "" : `${clipInline(scope.name, 100)} `}(${scope.id})`;
}

/** The operator's view of every open report: where it is, and (for DMs, which have no moderators) a Dismiss. */
export function renderOperatorReports(
  entry: { view: ReportView; where: ReportPlace; dismissable: boolean } | null,
  page: number,
  total: number,
): MessagePayload {
  if (entry === null) return renderNotice(total === 0 ? "No open reports anywhere." : `There is no report ${page}.`);
  const text = fit(
    `**Report ${page} of ${total}** (all servers and DMs)\n${describeReport(entry.view, whereLabel(entry.where))}`,
  );
  const row = new ActionRowBuilder<ButtonBuilder>();
  if (entry.dismissable)
    row.addComponents(button(operatorCustomId({ kind: "dismiss", item: entry.view.id, page }), "Dismiss"));
  if (total > 1)
    row.addComponents(
      button(
        operatorCustomId({ kind: "reports", page: Math.max(1, page - 1) }),
        "Previous",
        ButtonStyle.Secondary,
        page <= 1,
      ),
      button(operatorCustomId({ kind: "reports", page: page + 1 }), "Next", ButtonStyle.Secondary, page >= total),
    );
  return { ...renderNotice(text), components: row.components.length > 0 ? [row.toJSON()] : [] };
}

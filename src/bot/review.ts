/**
 * The moderators' side of the trust loop, as the review queue shows it: reports with their quotes as the documents
 * hold them now, the question's top candidates to pin (each with a short check so a stale button cannot pin the wrong
 * passage), and the server's exclusions and pins. Pure reads of memory; the writes are in commands/review.ts.
 */
import { createHash } from "node:crypto";
import type { AnsweredQuote, Exclusion, Pin, Quote, ReportItem, Source } from "../core/index.js";
import type { CandidateView, ListedView, ReportView } from "../discord/render/index.js";
import type { CommandContext } from "./command.js";

/** The text of a recorded quote as its document holds it now, or why it cannot be shown. */
export function quoteNow(
  context: CommandContext,
  scope: string | undefined,
  quote: AnsweredQuote,
): { text: string; source: Source } | "removed" | "changed" {
  const view = context.answerer.passage(quote.passageId, scope);
  if (view === null || view.ref.fingerprint !== quote.fingerprint || quote.start < view.start || quote.end > view.end) {
    return context.answerer.document(quote.sourceId, scope) === null ? "removed" : "changed";
  }
  return { text: view.text.slice(quote.start - view.start, quote.end - view.start), source: view.source };
}

export function reportView(context: CommandContext, guildId: string | null, item: ReportItem): ReportView {
  const base = { id: item.id, question: item.question, flags: item.flags, lastAt: item.lastAt };
  if (item.quote === null) return { ...base, quote: null, missing: "none" };
  const now = quoteNow(context, guildId ?? undefined, item.quote);
  if (typeof now === "string") return { ...base, quote: null, missing: now };
  return { ...base, quote: now, missing: null };
}

/** 8 hex digits naming a candidate (its passage, fingerprint and span). */
export function candidateCheck(quote: { passageId: string; fingerprint: string; start: number; end: number }): string {
  return createHash("sha256")
    .update(`${quote.passageId}|${quote.fingerprint}|${quote.start}|${quote.end}`)
    .digest("hex")
    .slice(0, 8);
}

export interface Candidate {
  quote: Quote;
  ref: AnsweredQuote;
  view: CandidateView;
}

/** The question's top candidates in the server (its exclusions applied), the reported one and the current pin marked. */
export function candidatesFor(context: CommandContext, guildId: string, item: ReportItem): Candidate[] {
  const feedback = context.guilds?.feedback;
  const exclude = feedback?.exclusions(guildId).map((e) => e.ref) ?? [];
  const pin = feedback?.pinFor(guildId, item.question);
  const found = context.answerer.candidates(item.question, {
    scope: guildId,
    limit: 5,
    ...(exclude.length > 0 ? { exclude } : {}),
  });
  const same = (a: { passageId: string; start: number; end: number } | null | undefined, q: Quote) =>
    a !== null && a !== undefined && a.passageId === q.passage?.passageId && a.start < q.end && q.start < a.end;
  return found.flatMap((quote) => {
    if (quote.passage === undefined) return [];
    const ref: AnsweredQuote = { ...quote.passage, start: quote.start, end: quote.end, sourceId: quote.source.id };
    return [
      {
        quote,
        ref,
        view: {
          text: quote.text,
          score: quote.score,
          source: quote.source,
          reported: same(item.quote, quote),
          pinned: same(pin?.quote, quote),
          check: candidateCheck(ref),
        },
      },
    ];
  });
}

const newestFirst = <T extends { at: string }>(items: readonly T[]) =>
  [...items].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

export function listedExclusions(context: CommandContext, guildId: string, items: readonly Exclusion[]): ListedView[] {
  return newestFirst(items).map((e) => {
    const view = context.answerer.passage(e.ref.passageId, guildId);
    const current = view !== null && view.ref.fingerprint === e.ref.fingerprint;
    const source = context.answerer.document(e.sourceId, guildId)?.source ?? null;
    return {
      id: e.id,
      excerpt: current ? view.text : null,
      source,
      ...(e.question === undefined ? {} : { question: e.question }),
      by: e.by,
      at: e.at,
    };
  });
}

export function listedPins(context: CommandContext, guildId: string, items: readonly Pin[]): ListedView[] {
  return newestFirst(items).map((p) => {
    const now = quoteNow(context, guildId, p.quote);
    return {
      id: p.id,
      excerpt: typeof now === "string" ? null : now.text,
      source:
        typeof now === "string" ? (context.answerer.document(p.quote.sourceId, guildId)?.source ?? null) : now.source,
      question: p.question,
      by: p.by,
      at: p.at,
    };
  });
}

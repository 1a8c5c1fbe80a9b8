/**
 * The member's side of the trust loop: every answer (/ask, mentions, DMs, "Ask Verbatim") is recorded durably before
 * it is sent, so the buttons under it — Passage, Source, Helpful, Wrong quote — carry only the record's short id and
 * keep working after a restart (for ANSWER_RETENTION_DAYS). Every click is acknowledged before any disk write: reads
 * of memory answer at once, a vote defers first, "Wrong quote" answers with its form.
 */
import { MessageFlags, type ButtonInteraction, type ModalSubmitInteraction } from "discord.js";
import {
  DM_SCOPE,
  REPORT_REASONS,
  type Answer,
  type AnswerRecord,
  type ReportReason,
  type Source,
} from "../core/index.js";
import { describeError, PayloadError, UserError } from "../discord/errors.js";
import { parseAnswerCustomId, type AnswerAction } from "../discord/ids.js";
import {
  REFUSALS,
  ANSWER_PROBLEMS,
  modalProblems,
  renderAnswer,
  renderAnswerProblem,
  renderDocument,
  renderPassage,
  renderVote,
  reportModal,
  withAnswerButtons,
  type MessagePayload,
} from "../discord/render/index.js";
import { respond, update } from "../discord/respond.js";
import type { CommandContext } from "./command.js";

/** Where an answer is given and to whom. */
export interface AnswerPlace {
  guildId: string | null;
  channelId: string;
  userId: string;
  /** Only the asker sees it (a hidden answer). DMs are private too. */
  ephemeral: boolean;
}

/**
 * Lets waiting events run first: under a burst of questions, every pending interaction gets acknowledged before this
 * one's answer takes the CPU (answering is synchronous work; acknowledging is a few microseconds each).
 */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Answers in the place's scope (its server's documents plus the bundled corpus), with the server's exclusions and the
 * pin for a near-identical question; records the question for /stats (a private one without its text) and the answer
 * for its buttons. Resolves with the messages to send, buttons included when the answer was recorded.
 */
export async function answerFor(
  context: CommandContext,
  place: AnswerPlace,
  question: string,
): Promise<MessagePayload[]> {
  await yieldToEvents();
  const { guildId } = place;
  const scope = guildId ?? DM_SCOPE;
  const feedback = context.guilds?.feedback;
  const moderation = feedback?.askOptions(scope, question) ?? {};
  const answer = context.answerer.answer(question, { ...(guildId === null ? {} : { scope: guildId }), ...moderation });
  const isPrivate = place.ephemeral || guildId === null;
  // What members ask is theirs: logged only at debug, and a private question not even then.
  context.logger.debug({ guildId, answered: answer.answered, ...(isPrivate ? {} : { question }) }, "question answered");
  // "hey", "ok so?": nothing was asked, so it is no gap in the corpus for /stats and has nothing to report.
  if (answer.nothingAsked === true) return renderAnswer(answer, { ephemeral: place.ephemeral });
  if (guildId !== null && context.guilds !== undefined) {
    // For /stats, in the background: the member's answer never waits for this write. A private question is counted,
    // its text never stored.
    void context.guilds.store
      .recordQuestion(guildId, {
        at: new Date().toISOString(),
        question: isPrivate ? "" : question,
        answered: answer.answered,
        ...(isPrivate ? { private: true as const } : {}),
      })
      .catch((error: unknown) =>
        context.logger.warn({ err: describeError(error), guildId }, "could not record a question"),
      );
  }
  const writes: Promise<unknown>[] = [];
  let record: AnswerRecord | null = null;
  // Buttons name quotes by position: only an answer whose every quote is shown and located can carry them.
  const locatable = !answer.answered || answer.quotes.every((q) => q.passage !== undefined && q.text.trim() !== "");
  if (feedback !== undefined && locatable) {
    const candidate = recordOf(
      feedback.newAnswerId(),
      new Date(feedback.now()).toISOString(),
      scope,
      place,
      isPrivate,
      answer,
    );
    writes.push(
      feedback.recordAnswer(candidate).then(
        () => (record = candidate),
        // Without a durable record the buttons could not work after a restart: send the answer without them.
        (error: unknown) =>
          context.logger.warn({ err: error, scope }, "could not record an answer; sent without buttons"),
      ),
    );
  }
  await Promise.all(writes);
  const payloads = renderAnswer(answer, { ephemeral: place.ephemeral, numbered: record !== null });
  if (record === null) return payloads;
  const kept: AnswerRecord = record;
  return withAnswerButtons(payloads, {
    answerId: kept.id,
    answered: kept.answered,
    items: kept.answered ? kept.quotes.length : kept.closest.length,
  });
}

function recordOf(
  id: string,
  at: string,
  scope: string,
  place: AnswerPlace,
  isPrivate: boolean,
  answer: Answer,
): AnswerRecord {
  const quotes = answer.answered
    ? answer.quotes.flatMap((q) =>
        q.passage === undefined
          ? []
          : [
              {
                ...q.passage,
                start: q.start,
                end: q.end,
                sourceId: q.source.id,
                ...(q.pinned === true ? { pinned: true } : {}),
              },
            ],
      )
    : [];
  return {
    id,
    at,
    scope,
    channelId: place.channelId,
    userId: place.userId,
    private: isPrivate,
    question: answer.question,
    answered: answer.answered && quotes.length > 0,
    quotes: quotes.slice(0, 3),
    closest: answer.answered ? [] : answer.closest.slice(0, 3).map((s) => s.id),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Clicks and the report form.

interface Found {
  scope: string;
  guildId: string | null;
  record: AnswerRecord;
}

/** The answer a button belongs to, or a UserError with the one line that explains why it cannot be used. */
function findAnswer(
  interaction: ButtonInteraction | ModalSubmitInteraction,
  context: CommandContext,
  answerId: string,
): Found {
  const feedback = context.guilds?.feedback;
  const problem = (kind: keyof typeof ANSWER_PROBLEMS) => new UserError(`answer-${kind}`, ANSWER_PROBLEMS[kind]);
  if (feedback === undefined) throw problem("unavailable");
  const guildId = interaction.guildId;
  if (guildId !== null && !context.client.guilds.cache.has(guildId)) throw problem("leftServer");
  const scope = guildId ?? DM_SCOPE;
  const lookup = feedback.answer(scope, answerId);
  if (lookup.status === "expired") throw problem("expired");
  if (lookup.status === "unknown") throw problem("unknown");
  if (lookup.record.private && lookup.record.userId !== interaction.user.id) throw problem("notYours");
  return { scope, guildId, record: lookup.record };
}

const docIdOf = (passageId: string) => passageId.slice(0, passageId.lastIndexOf("#"));

function who(guildId: string | null): string {
  return guildId === null ? "the bot's operators" : "this server's moderators";
}

/** A source for the report form's labels: from the library, or a bare id when the document is gone. */
function sourceFor(context: CommandContext, id: string, guildId: string | null): Source {
  return (
    context.answerer.document(id, guildId ?? undefined)?.source ?? {
      id,
      title: null,
      publisher: null,
      author: null,
      date: null,
      url: null,
      path: null,
    }
  );
}

/** The Passage view of an answer's quote `q`, at its own passage or at `ordinal` of the same document. */
function passagePayload(context: CommandContext, found: Found, q: number, ordinal?: number): MessagePayload {
  const quote = found.record.quotes[q];
  if (quote === undefined) return renderAnswerProblem("noQuote");
  const scope = found.guildId ?? undefined;
  const own = context.answerer.passage(quote.passageId, scope);
  if (own === null || own.ref.fingerprint !== quote.fingerprint) {
    const exists = context.answerer.document(quote.sourceId, scope) !== null;
    return renderAnswerProblem(exists ? "changed" : "removed");
  }
  const view =
    ordinal === undefined || ordinal === own.index
      ? own
      : context.answerer.passage(`${docIdOf(quote.passageId)}#${ordinal}`, scope);
  if (view === null) return renderAnswerProblem("changed");
  const span = quote.start >= view.start && quote.end <= view.end ? { start: quote.start, end: quote.end } : null;
  return renderPassage(view, { answerId: found.record.id, quote: q, span });
}

function sourcePayloads(context: CommandContext, found: Found, sourceId: string | undefined): MessagePayload[] {
  if (sourceId === undefined) return [renderAnswerProblem("noQuote")];
  const view = context.answerer.document(sourceId, found.guildId ?? undefined);
  if (view === null) return [renderAnswerProblem("removed")];
  return renderDocument(view, { ephemeral: true });
}

/** Every button under an answer (and on its Passage and vote messages): ids `ask:<action>:<answer id>…`. */
export async function handleAnswerButton(interaction: ButtonInteraction, context: CommandContext): Promise<void> {
  const action = parseAnswerCustomId(interaction.customId);
  if (action === null || action.kind === "report") throw new UserError("stale-component", REFUSALS.unknownAnswerButton);
  const found = findAnswer(interaction, context, action.answerId);
  await act(interaction, context, found, action);
}

async function act(
  interaction: ButtonInteraction,
  context: CommandContext,
  found: Found,
  action: Exclude<AnswerAction, { kind: "report" }>,
): Promise<void> {
  const feedback = context.guilds?.feedback;
  if (feedback === undefined) return;
  const { record, scope } = found;
  const userId = interaction.user.id;
  switch (action.kind) {
    case "passage":
      await respond(interaction, [passagePayload(context, found, action.quote)]);
      return;
    case "nav":
      // Moves within the private Passage message the button is on.
      await update(interaction, passagePayload(context, found, action.quote, action.ordinal));
      return;
    case "source":
      await respond(interaction, sourcePayloads(context, found, record.quotes[action.quote]?.sourceId));
      return;
    case "closest":
      await respond(interaction, sourcePayloads(context, found, record.closest[action.index]));
      return;
    case "wrong": {
      const sources = record.quotes.map((q) => sourceFor(context, q.sourceId, found.guildId));
      const modal = reportModal(record.id, { answered: record.answered, quotes: sources }, who(found.guildId));
      // Like every message (respond.ts), a form over Discord's limits is a rendering bug: never sent.
      const problems = modalProblems(modal);
      if (problems.length > 0) throw new PayloadError(problems);
      await interaction.showModal(modal);
      return;
    }
    case "helpful": {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const before = feedback.voteOf(scope, record.id, userId);
      if (before?.vote === "helpful") {
        await respond(interaction, [renderVote(record.id, { kind: "already-helpful" })]);
        return;
      }
      await feedback.castVote(scope, {
        at: new Date(feedback.now()).toISOString(),
        answerId: record.id,
        userId,
        vote: "helpful",
      });
      await respond(interaction, [renderVote(record.id, { kind: "helpful", changed: before !== undefined })]);
      return;
    }
    case "withdraw": {
      await interaction.deferUpdate();
      if (feedback.voteOf(scope, record.id, userId) === undefined) {
        await update(interaction, renderVote(record.id, { kind: "no-vote" }));
        return;
      }
      await feedback.castVote(scope, {
        at: new Date(feedback.now()).toISOString(),
        answerId: record.id,
        userId,
        vote: "withdrawn",
      });
      await update(interaction, renderVote(record.id, { kind: "withdrawn" }));
      return;
    }
  }
}

const NOTE_MAX = 300;

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
function clip(text: string, max: number): string {
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** The "Wrong quote" form's submission: `ask:report:<answer id>`. */
export async function handleReportForm(interaction: ModalSubmitInteraction, context: CommandContext): Promise<void> {
  const action = parseAnswerCustomId(interaction.customId);
  if (action?.kind !== "report") throw new UserError("stale-component", REFUSALS.unknownAnswerForm);
  const found = findAnswer(interaction, context, action.answerId);
  const { record, scope } = found;
  // Read and check every field before acknowledging: a forged form is refused, never half-stored.
  let reason: string | undefined;
  let quoteIndex = 0;
  let note = "";
  try {
    reason = interaction.fields.getStringSelectValues("reason")[0];
    const quoteField = interaction.fields.fields.get("quote");
    if (quoteField !== undefined) quoteIndex = Number(interaction.fields.getStringSelectValues("quote")[0] ?? "0");
    note = interaction.fields.fields.has("note") ? interaction.fields.getTextInputValue("note").trim() : "";
  } catch {
    throw new UserError("bad-form", REFUSALS.incompleteReportForm);
  }
  const allowed: readonly ReportReason[] = record.answered
    ? REPORT_REASONS.filter((r) => r !== "missed")
    : ["missed", "other"];
  if (reason === undefined || !(allowed as readonly string[]).includes(reason))
    throw new UserError("bad-form", REFUSALS.reportNeedsReason);
  if (!Number.isInteger(quoteIndex) || quoteIndex < 0 || (record.answered && quoteIndex >= record.quotes.length))
    throw new UserError("bad-form", REFUSALS.reportNeedsQuote);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const feedback = context.guilds?.feedback;
  if (feedback === undefined) return;
  const before = feedback.voteOf(scope, record.id, interaction.user.id);
  await feedback.castVote(scope, {
    at: new Date(feedback.now()).toISOString(),
    answerId: record.id,
    userId: interaction.user.id,
    vote: "wrong",
    reason: reason as ReportReason,
    ...(note === "" ? {} : { note: clip(note, NOTE_MAX) }),
    ...(record.answered ? { quote: quoteIndex } : {}),
    subject: {
      question: record.question,
      quote: record.answered ? (record.quotes[quoteIndex] ?? null) : null,
      private: record.private,
    },
  });
  await respond(interaction, [
    renderVote(record.id, {
      kind: "reported",
      reason: reason as ReportReason,
      changed: before !== undefined,
      who: who(found.guildId),
    }),
  ]);
}

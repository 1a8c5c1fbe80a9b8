/**
 * What members see of the trust loop: the buttons under every answer, the report form, and the private lines that
 * acknowledge a vote or explain why a button cannot do its job (an answer too old, a document removed, a server the
 * bot has left). Built with discord.js's builders, checked against Discord's component limits (components.ts).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  LabelBuilder,
  ModalBuilder,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import type { APIModalInteractionResponseCallbackData } from "discord-api-types/v10";
import { ANSWER_RETENTION_DAYS, ANSWERS_KEPT, type ReportReason, sourceLabel, type Source } from "../../core/index.js";
import { answerCustomId } from "../ids.js";
import { renderNotice } from "./notice.js";
import type { MessagePayload } from "./payload.js";

/** What the buttons under an answer need to know about it. */
export interface AnswerButtons {
  answerId: string;
  answered: boolean;
  /** How many quotes (answered) or closest sources (not answered) the answer shows; at most 3 get buttons. */
  items: number;
}

const MAX_ITEMS = 3;

const button = (customId: string, label: string, style = ButtonStyle.Secondary) =>
  new ButtonBuilder().setCustomId(customId).setLabel(label).setStyle(style);

/**
 * The buttons under an answer. One quote: [Passage] [Source] [Helpful] [Wrong quote] in one row. Several: a row of
 * Passage 1…n, a row of Source 1…n (the numbers of the attributions), then [Helpful] [Wrong quote]. "Not in the
 * corpus": a Source button per closest source, then [Helpful] [Wrong answer].
 */
export function answerRows(answer: AnswerButtons): ReturnType<ActionRowBuilder<ButtonBuilder>["toJSON"]>[] {
  const { answerId } = answer;
  const n = Math.min(MAX_ITEMS, Math.max(0, answer.items));
  const feedback = [
    button(answerCustomId({ kind: "helpful", answerId }), "Helpful", ButtonStyle.Success),
    button(answerCustomId({ kind: "wrong", answerId }), answer.answered ? "Wrong quote" : "Wrong answer"),
  ];
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  if (answer.answered && n === 1) {
    rows.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        button(answerCustomId({ kind: "passage", answerId, quote: 0 }), "Passage"),
        button(answerCustomId({ kind: "source", answerId, quote: 0 }), "Source"),
        ...feedback,
      ),
    );
  } else {
    const numbered = (kind: "passage" | "source", label: string) =>
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        Array.from({ length: n }, (_, i) => button(answerCustomId({ kind, answerId, quote: i }), `${label} ${i + 1}`)),
      );
    if (answer.answered && n > 0) rows.push(numbered("passage", "Passage"), numbered("source", "Source"));
    if (!answer.answered && n > 0)
      rows.push(
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          Array.from({ length: n }, (_, i) =>
            button(answerCustomId({ kind: "closest", answerId, index: i }), n === 1 ? "Source" : `Source ${i + 1}`),
          ),
        ),
      );
    rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(...feedback));
  }
  return rows.map((row) => row.toJSON());
}

/** The answer's messages with its buttons under the last one. */
export function withAnswerButtons(payloads: readonly MessagePayload[], answer: AnswerButtons): MessagePayload[] {
  return payloads.map((p, i) => (i === payloads.length - 1 ? { ...p, components: answerRows(answer) } : p));
}

export const REASON_LABELS: Record<ReportReason, string> = {
  "does-not-answer": "It does not answer the question",
  "wrong-source": "It quotes the wrong source",
  outdated: "It is outdated",
  missed: "The documents do answer this",
  other: "Something else",
};

/**
 * The "Wrong quote" form: why (required), which quote (when there are several), and an optional note. `who` names
 * who will read it ("this server's moderators", "the bot's operators").
 */
export function reportModal(
  answerId: string,
  answer: { answered: boolean; quotes: readonly Source[] },
  who: string,
): APIModalInteractionResponseCallbackData {
  const reasons: ReportReason[] = answer.answered
    ? ["does-not-answer", "wrong-source", "outdated", "other"]
    : ["missed", "other"];
  const modal = new ModalBuilder()
    .setCustomId(answerCustomId({ kind: "report", answerId }))
    .setTitle(answer.answered ? "Report a wrong quote" : "Report a wrong answer");
  modal.addLabelComponents(
    new LabelBuilder().setLabel("What is wrong?").setStringSelectMenuComponent(
      new StringSelectMenuBuilder()
        .setCustomId("reason")
        .setMinValues(1)
        .setMaxValues(1)
        .addOptions(reasons.map((r) => new StringSelectMenuOptionBuilder().setLabel(REASON_LABELS[r]).setValue(r))),
    ),
  );
  const quotes = answer.quotes.slice(0, MAX_ITEMS);
  if (answer.answered && quotes.length > 1) {
    modal.addLabelComponents(
      new LabelBuilder().setLabel("Which quote?").setStringSelectMenuComponent(
        new StringSelectMenuBuilder()
          .setCustomId("quote")
          .setMinValues(1)
          .setMaxValues(1)
          .addOptions(
            quotes.map((source, i) =>
              new StringSelectMenuOptionBuilder()
                .setLabel(`Quote ${i + 1}`)
                .setDescription(clipPlain(sourceLabel(source).label, 100))
                .setValue(String(i))
                .setDefault(i === 0),
            ),
          ),
      ),
    );
  }
  modal.addLabelComponents(
    new LabelBuilder()
      .setLabel("Note (optional)")
      .setDescription(clipPlain(`Seen by ${who}, with your question and the quote.`, 100))
      .setTextInputComponent(
        new TextInputBuilder()
          .setCustomId("note")
          .setStyle(TextInputStyle.Paragraph)
          .setRequired(false)
          .setMaxLength(300),
      ),
  );
  return modal.toJSON();
}

/** Plain text (select descriptions are not markdown) cut to `max` UTF-16 units (Discord's count), whole code points. */
function clipPlain(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  let out = "";
  for (const point of flat) {
    if (out.length + point.length > max - 1) break;
    out += point;
  }
  return `${out}…`;
}

const withdrawRow = (answerId: string) =>
  new ActionRowBuilder<ButtonBuilder>()
    .addComponents(button(answerCustomId({ kind: "withdraw", answerId }), "Withdraw my vote"))
    .toJSON();

export type VoteOutcome =
  | { kind: "helpful"; changed: boolean }
  | { kind: "already-helpful" }
  | { kind: "reported"; reason: ReportReason; changed: boolean; who: string }
  | { kind: "withdrawn" }
  | { kind: "no-vote" };

/** The private line that acknowledges a vote, with a button to withdraw it. */
export function renderVote(answerId: string, outcome: VoteOutcome): MessagePayload {
  switch (outcome.kind) {
    case "helpful":
      return {
        ...renderNotice(
          outcome.changed
            ? "Thanks: your vote is now **helpful** (your report was withdrawn)."
            : "Thanks: you marked this answer **helpful**.",
        ),
        components: [withdrawRow(answerId)],
      };
    case "already-helpful":
      return {
        ...renderNotice("You already marked this answer **helpful**."),
        components: [withdrawRow(answerId)],
      };
    case "reported":
      return {
        ...renderNotice(
          `Thanks: your report (“${REASON_LABELS[outcome.reason]}”) is with ${outcome.who}.${outcome.changed ? " It replaces your earlier vote." : ""}`,
        ),
        components: [withdrawRow(answerId)],
      };
    case "withdrawn":
      return renderNotice("Your vote on this answer is withdrawn.");
    case "no-vote":
      return renderNotice("You have no vote on this answer to withdraw.");
  }
}

/** Why a button on an answer cannot do what it says: one clear private line each. */
export const ANSWER_PROBLEMS = {
  expired: `That answer is too old for its buttons: I keep answers for ${ANSWER_RETENTION_DAYS} days (and at most the ${ANSWERS_KEPT.toLocaleString("en-US")} most recent per server). Ask again for a fresh one.`,
  unknown:
    "I don't know that answer. Its buttons work only in the server or DM where it was given; ask again for a fresh one.",
  notYours: "That answer was private to the person who asked; only they can use its buttons.",
  leftServer: "I'm no longer in this server, so the buttons on my old answers here don't work.",
  removed: "The document that quote came from has been removed, so I can't show it any more.",
  changed: "The document that quote came from has changed since this answer was given. Ask again for a fresh answer.",
  noQuote: "That answer has no quote there.",
  unavailable: "Answers are not being remembered on this bot (it runs without a data folder), so buttons can't work.",
} as const;

export function renderAnswerProblem(problem: keyof typeof ANSWER_PROBLEMS): MessagePayload {
  return renderNotice(ANSWER_PROBLEMS[problem]);
}

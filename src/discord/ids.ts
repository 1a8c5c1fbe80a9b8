/**
 * The custom ids of the trust loop's buttons and forms: built here and parsed here, strictly (a forged or mangled id
 * parses to null and is refused). Every id starts with the command that handles it (`ask:`, `review:`, `operator:`),
 * so the router checks that command's requirement — Manage Server for `review:` — before anything runs. An answer's
 * buttons carry its record's id, so they work after a restart; nothing else they need is kept in memory.
 */

const ANSWER = "[0-9a-z]{12}";
const ITEM = "[0-9a-f]{10}";
const KEY = "[0-9a-f]{8}";
const N = "\\d{1,6}";

export type AnswerAction =
  | { kind: "passage"; answerId: string; quote: number }
  | { kind: "source"; answerId: string; quote: number }
  | { kind: "closest"; answerId: string; index: number }
  | { kind: "nav"; answerId: string; quote: number; ordinal: number }
  | { kind: "helpful"; answerId: string }
  | { kind: "wrong"; answerId: string }
  | { kind: "withdraw"; answerId: string }
  /** The report form's submission. */
  | { kind: "report"; answerId: string };

export function answerCustomId(action: AnswerAction): string {
  switch (action.kind) {
    case "passage":
    case "source":
      return `ask:${action.kind}:${action.answerId}:${action.quote}`;
    case "closest":
      return `ask:closest:${action.answerId}:${action.index}`;
    case "nav":
      return `ask:nav:${action.answerId}:${action.quote}:${action.ordinal}`;
    default:
      return `ask:${action.kind}:${action.answerId}`;
  }
}

const ANSWER_IDS: Array<[RegExp, (m: RegExpExecArray) => AnswerAction]> = [
  [
    new RegExp(`^ask:(passage|source):(${ANSWER}):(\\d)$`),
    (m) => ({
      kind: m[1] as "passage" | "source",
      answerId: m[2] as string,
      quote: Number(m[3]),
    }),
  ],
  [
    new RegExp(`^ask:closest:(${ANSWER}):(\\d)$`),
    (m) => ({ kind: "closest", answerId: m[1] as string, index: Number(m[2]) }),
  ],
  [
    new RegExp(`^ask:nav:(${ANSWER}):(\\d):(${N})$`),
    (m) => ({
      kind: "nav",
      answerId: m[1] as string,
      quote: Number(m[2]),
      ordinal: Number(m[3]),
    }),
  ],
  [
    new RegExp(`^ask:(helpful|wrong|withdraw|report):(${ANSWER})$`),
    (m) => ({
      kind: m[1] as "helpful" | "wrong" | "withdraw" | "report",
      answerId: m[2] as string,
    }),
  ],
];

export function parseAnswerCustomId(id: string): AnswerAction | null {
  for (const [pattern, build] of ANSWER_IDS) {
    const m = pattern.exec(id);
    if (m !== null) return build(m);
  }
  return null;
}

export type ReviewAction =
  | { kind: "reports"; page: number }
  | { kind: "dismiss" | "exclude" | "choose"; item: string; page: number }
  | { kind: "pin"; item: string; candidate: number; check: string; page: number }
  | { kind: "exclusions"; page: number }
  | { kind: "restore"; id: string; page: number }
  | { kind: "pins"; page: number }
  | { kind: "unpin"; id: string; page: number };

export function reviewCustomId(action: ReviewAction): string {
  switch (action.kind) {
    case "reports":
    case "exclusions":
    case "pins":
      return `review:${action.kind}:${action.page}`;
    case "dismiss":
    case "exclude":
    case "choose":
      return `review:${action.kind}:${action.item}:${action.page}`;
    case "pin":
      return `review:pin:${action.item}:${action.candidate}:${action.check}:${action.page}`;
    case "restore":
    case "unpin":
      return `review:${action.kind}:${action.id}:${action.page}`;
  }
}

const REVIEW_IDS: Array<[RegExp, (m: RegExpExecArray) => ReviewAction]> = [
  [
    new RegExp(`^review:(reports|exclusions|pins):(${N})$`),
    (m) => ({
      kind: m[1] as "reports" | "exclusions" | "pins",
      page: Number(m[2]),
    }),
  ],
  [
    new RegExp(`^review:(dismiss|exclude|choose):(${ITEM}):(${N})$`),
    (m) => ({
      kind: m[1] as "dismiss" | "exclude" | "choose",
      item: m[2] as string,
      page: Number(m[3]),
    }),
  ],
  [
    new RegExp(`^review:pin:(${ITEM}):(\\d):(${KEY}):(${N})$`),
    (m) => ({
      kind: "pin",
      item: m[1] as string,
      candidate: Number(m[2]),
      check: m[3] as string,
      page: Number(m[4]),
    }),
  ],
  [
    new RegExp(`^review:(restore|unpin):(${KEY}):(${N})$`),
    (m) => ({
      kind: m[1] as "restore" | "unpin",
      id: m[2] as string,
      page: Number(m[3]),
    }),
  ],
];

export function parseReviewCustomId(id: string): ReviewAction | null {
  for (const [pattern, build] of REVIEW_IDS) {
    const m = pattern.exec(id);
    if (m !== null) return build(m);
  }
  return null;
}

export type OperatorAction = { kind: "reports"; page: number } | { kind: "dismiss"; item: string; page: number };

export function operatorCustomId(action: OperatorAction): string {
  return action.kind === "reports"
    ? `operator:reports:${action.page}`
    : `operator:dismiss:${action.item}:${action.page}`;
}

export function parseOperatorCustomId(id: string): OperatorAction | null {
  const reports = new RegExp(`^operator:reports:(${N})$`).exec(id);
  if (reports !== null) return { kind: "reports", page: Number(reports[1]) };
  const dismiss = new RegExp(`^operator:dismiss:(${ITEM}):(${N})$`).exec(id);
  if (dismiss !== null) return { kind: "dismiss", item: dismiss[1] as string, page: Number(dismiss[2]) };
  return null;
}

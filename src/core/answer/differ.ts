/**
 * "Sources differ": quotes from different documents that give different values of the kind the question asks for —
 * a date for "When…", a figure for "How many…", a name for "Who…". A pure function of the question and the quotes.
 *
 * It errs on the side of silence, since a false "sources differ" is itself a misleading statement:
 *   - Only quotes about the same thing are compared: each pair must share most of the question's terms (at least 60 %
 *     of them, every one for a question of one or two terms). A quote about another part of the story is not a rival.
 *   - Values the question itself states are ignored, and values are read the way people write them: "4 May 2021",
 *     "May 4, 2021" and "2021-05-04" are one date, "7:30" and "7.30" one time of day; "Oct. 5" agrees with "October 5, 2024" (the year is not given);
 *     "six", "6" and "6.0" are one number, "1.2 million" is 1,200,000; "Anna Berg" agrees with "Berg".
 *   - Two quotes differ when they have values that can be compared (dates sharing a field, any two numbers, any two
 *     names) and none of those pairs agree.
 * When any two quotes differ, the answer says so, and its quotes are ordered by their sources' dates, newest first
 * (undated last), a pinned quote staying first.
 */
import { analyze, analyzeQuestion } from "../search/analyze.js";
import type { Answer, Quote, SourcesDiffer } from "../types.js";
import { type AnswerType, answerTypeOf, questionWords } from "./answer-type.js";

const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH =
  "Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?";
const ORDINAL = "(?:st|nd|rd|th)?";
/** One scan finds every date form; the alternatives are tried left to right at each position. */
const DATE = new RegExp(
  [
    String.raw`\b(\d{4})-(\d{2})-(\d{2})\b`,
    String.raw`\b(${MONTH})\.?\s+(\d{1,2})${ORDINAL}\b(?:,?\s+(\d{4})\b)?`,
    String.raw`\b(\d{1,2})${ORDINAL}\s+(?:of\s+)?(${MONTH})\b\.?(?:,?\s+(\d{4})\b)?`,
    String.raw`\b(${MONTH})\.?,?\s+(\d{4})\b`,
    String.raw`\b(1[5-9]\d{2}|20\d{2})\b`,
    String.raw`\b([01]?\d|2[0-3])[:.]([0-5]\d)\b`,
  ].join("|"),
  "g",
);

/** A date or a time of day, with what the text states of it. */
interface DateValue {
  y?: number;
  m?: number;
  d?: number;
  /** Hour and minute ("7:30"). */
  t?: number;
}

function month(name: string): number {
  const lower = name.toLowerCase();
  return MONTH_NAMES.findIndex((m) => m.startsWith(lower.slice(0, 3))) + 1;
}

function dates(text: string): DateValue[] {
  const out: DateValue[] = [];
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  for (const m of text.matchAll(DATE)) {
    let value: DateValue;
    if (m[1] !== undefined) value = { y: num(m[1]), m: num(m[2]), d: num(m[3]) };
    else if (m[4] !== undefined) value = { m: month(m[4]), d: num(m[5]), y: num(m[6]) };
    else if (m[7] !== undefined) value = { d: num(m[7]), m: month(m[8] as string), y: num(m[9]) };
    else if (m[10] !== undefined) value = { m: month(m[10]), y: num(m[11]) };
    else if (m[12] !== undefined) value = { y: num(m[12]) };
    else value = { t: Number(m[13]) * 60 + Number(m[14]) };
    const clean: DateValue = {};
    if (value.y !== undefined) clean.y = value.y;
    if (value.m !== undefined && value.m >= 1 && value.m <= 12) clean.m = value.m;
    if (value.d !== undefined && value.d >= 1 && value.d <= 31) clean.d = value.d;
    if (value.t !== undefined) clean.t = value.t;
    if (Object.keys(clean).length > 0) out.push(clean);
  }
  return out;
}

/** Dates sharing a field are comparable; they agree when every shared field is equal. */
function compareDates(a: DateValue, b: DateValue): "agree" | "differ" | null {
  let shared = 0;
  for (const k of ["y", "m", "d", "t"] as const) {
    if (a[k] === undefined || b[k] === undefined) continue;
    shared++;
    if (a[k] !== b[k]) return "differ";
  }
  return shared === 0 ? null : "agree";
}

const SMALL: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  dozen: 12,
};
const SCALE: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const NUMBER = new RegExp(
  String.raw`(?<![\p{L}\p{N}.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(hundred|thousand|million|billion|trillion)\b)?` +
    String.raw`|\b(${Object.keys(SMALL).join("|")})(?:[\s-]+(one|two|three|four|five|six|seven|eight|nine))?\b(?:\s+(hundred|thousand|million|billion|trillion)\b)?`,
  "giu",
);

function numbers(text: string): number[] {
  // Dates are not counts: "Oct. 5" answers "when", not "how many".
  const undated = text.replace(DATE, (m) => " ".repeat(m.length));
  const out: number[] = [];
  for (const m of undated.matchAll(NUMBER)) {
    let value: number;
    if (m[1] !== undefined) {
      value = Number(`${m[1].replace(/,/g, "")}${m[2] ?? ""}`);
      if (m[3] !== undefined) value *= SCALE[m[3].toLowerCase()] ?? 1;
    } else {
      value =
        (SMALL[(m[4] as string).toLowerCase()] ?? 0) + (m[5] === undefined ? 0 : (SMALL[m[5].toLowerCase()] ?? 0));
      if (m[6] !== undefined) value *= SCALE[m[6].toLowerCase()] ?? 1;
    }
    if (Number.isFinite(value)) out.push(Math.round(value * 1e6) / 1e6);
  }
  return out;
}

const NAME = /\p{Lu}[\p{L}\p{N}'’-]*(?:\s+(?:(?:de|van|von|der|da|di|al|bin|el|la|le)\s+)?\p{Lu}[\p{L}\p{N}'’-]*)*/gu;
const NOT_NAMES = new Set([
  ...MONTH_NAMES,
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
  "the",
  "a",
  "an",
  "he",
  "she",
  "it",
  "they",
  "we",
  "i",
  "his",
  "her",
  "their",
  "this",
  "that",
  "these",
  "those",
  "in",
  "on",
  "at",
  "but",
  "and",
  "mr",
  "mrs",
  "ms",
  "dr",
]);

/** Capitalised word runs that are not a sentence's first word, as sets of folded words (question words removed). */
function names(text: string, asked: ReadonlySet<string>): Set<string>[] {
  const out: Set<string>[] = [];
  for (const m of text.matchAll(NAME)) {
    const before = text.slice(Math.max(0, m.index - 3), m.index);
    const opening = m.index === 0 || /[.!?]["”’)]?\s+["“‘(]?$/u.test(before) || /^["“‘(]$/u.test(before);
    const words = m[0]
      .toLowerCase()
      .split(/[\s'’-]+/)
      .filter((w) => w.length > 1 && !NOT_NAMES.has(w) && !asked.has(w));
    // A sentence's first word alone is no evidence of a name; the rest of a run starting there still is.
    if (opening) words.shift();
    if (words.length > 0) out.push(new Set(words));
  }
  return out;
}

type Kind = SourcesDiffer["kind"];

/** The kind of value compared for an answer type: people and places are names ("who" and "where" ask for one). */
const KIND: Record<Exclude<AnswerType, "reason">, Kind> = {
  time: "time",
  day: "time",
  occasion: "time",
  number: "number",
  count: "number",
  money: "number",
  percent: "number",
  measure: "number",
  person: "name",
  place: "name",
  name: "name",
};
const kindOf = (type: Exclude<AnswerType, "reason">): Kind => KIND[type];

function valuesOf(kind: Kind, text: string, asked: ReadonlySet<string>): unknown[] {
  if (kind === "time") return dates(text);
  if (kind === "number") return numbers(text);
  return names(text, asked);
}

function compare(kind: Kind, a: unknown, b: unknown): "agree" | "differ" | null {
  if (kind === "time") return compareDates(a as DateValue, b as DateValue);
  if (kind === "number") return a === b ? "agree" : "differ";
  for (const w of a as Set<string>) if ((b as Set<string>).has(w)) return "agree";
  return "differ";
}

/** Values the question itself states are not answers to it. */
function withoutAsked(kind: Kind, values: unknown[], asked: unknown[]): unknown[] {
  if (kind === "name") return values;
  return values.filter(
    (v) => !asked.some((a) => (kind === "time" ? JSON.stringify(a) === JSON.stringify(v) : a === v)),
  );
}

/** Whether two quotes' values can be compared and none of the comparable pairs agree. */
function differ(kind: Kind, a: unknown[], b: unknown[]): boolean {
  let comparable = false;
  for (const x of a)
    for (const y of b) {
      const verdict = compare(kind, x, y);
      if (verdict === "agree") return false;
      if (verdict === "differ") comparable = true;
    }
  return comparable;
}

/**
 * How two texts stand on the value of the kind `question` asks for, each text's values read once:
 * - `disagree`, for folding near-identical quotes into one ("also reported by"): they give different values. Two
 *   sentences alike but for the date must stay two quotes, or the answer would claim the sources agree.
 * - `agree`, for the answer model's margin: they give the same values ("in Geneva" and "the Geneva summit" for "Where
 *   was the summit held?"), each of either's agreeing with one of the other's. A rival that agrees corroborates the
 *   best quote rather than competes with it.
 * `type` and `asked` are the question's answer kind and words, when the caller has read them already.
 */
export function valueComparison(
  question: string,
  type: AnswerType | null = answerTypeOf(question),
  asked: ReadonlySet<string> = questionWords(question),
): {
  disagree: (a: string, b: string) => boolean;
  agree: (a: string, b: string) => boolean;
} {
  if (type === null || type === "reason") return { disagree: () => false, agree: () => false };
  const kind = kindOf(type);
  const askedValues = kind === "name" ? [] : valuesOf(kind, question, asked);
  const seen = new Map<string, unknown[]>();
  const values = (text: string) => {
    let found = seen.get(text);
    if (found === undefined) seen.set(text, (found = withoutAsked(kind, valuesOf(kind, text, asked), askedValues)));
    return found;
  };
  return {
    disagree: (a, b) => differ(kind, values(a), values(b)),
    agree: (a, b) => sameValues(kind, values(a), values(b)),
  };
}

/**
 * True only when each value of either quote agrees with one of the other's: one shared incidental value ("Soviet
 * envoys in Geneva" and "Soviet envoys … in Vienna") is no corroboration.
 */
function sameValues(kind: Kind, a: unknown[], b: unknown[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const covered = (xs: unknown[], ys: unknown[]) => xs.every((x) => ys.some((y) => compare(kind, x, y) === "agree"));
  return covered(a, b) && covered(b, a);
}

/** Null unless quotes from different documents, about the same thing, give different values of the asked kind. */
export function sourcesDiffer(question: string, quotes: readonly Quote[]): SourcesDiffer | null {
  const type = answerTypeOf(question);
  if (type === null || type === "reason" || quotes.length < 2) return null;
  const kind = kindOf(type);
  const questionTerms = new Set(analyzeQuestion(question).keys());
  if (questionTerms.size === 0) return null;
  const asked = questionWords(question);
  const askedValues = kind === "name" ? [] : valuesOf(kind, question, asked);
  const read = quotes.map((q) => ({
    id: q.source.id,
    terms: new Set(analyze(q.text).filter((t) => questionTerms.has(t))),
    values: withoutAsked(kind, valuesOf(kind, q.text, asked), askedValues),
  }));
  const need = questionTerms.size <= 2 ? questionTerms.size : Math.ceil(questionTerms.size * 0.6);
  for (let i = 0; i < read.length; i++)
    for (let j = i + 1; j < read.length; j++) {
      const a = read[i] as (typeof read)[number];
      const b = read[j] as (typeof read)[number];
      if (a.id === b.id || a.values.length === 0 || b.values.length === 0) continue;
      let shared = 0;
      for (const t of a.terms) if (b.terms.has(t)) shared++;
      if (shared < need) continue;
      if (differ(kind, a.values, b.values)) return { kind };
    }
  return null;
}

/** A source's date as a sortable number (ISO dates and timestamps), or null when it has none that parses. */
function dateKey(date: string | null): number | null {
  if (date === null) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date.trim());
  if (m === null) return null;
  return Number(m[1]) * 10_000 + Number(m[2] ?? 0) * 100 + Number(m[3] ?? 0);
}

/**
 * The answer with `sourcesDiffer` set and its quotes ordered by their sources' dates, newest first and undated last
 * (a pinned quote stays first), when its quotes differ; otherwise unchanged.
 */
export function arrangeBySourceDate(answer: Answer): Answer {
  if (!answer.answered) return answer;
  const differ = sourcesDiffer(answer.question, answer.quotes);
  if (differ === null) return answer;
  const pinned = answer.quotes.filter((q) => q.pinned === true);
  const rest = answer.quotes
    .filter((q) => q.pinned !== true)
    .map((quote, index) => ({ quote, index, key: dateKey(quote.source.date) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) return a.key === b.key ? a.index - b.index : a.key === null ? 1 : -1;
      return b.key - a.key || a.index - b.index;
    })
    .map((r) => r.quote);
  return { ...answer, quotes: [...pinned, ...rest], sourcesDiffer: differ };
}

/**
 * Typing slips for the question sets (`npx tsx scripts/eval-sets.ts --slips`): each question with one slip of the
 * keyboard in one of its content words of five letters or more, never in the first letter: a letter dropped, doubled,
 * swapped with the next, or replaced by a neighbour on the keyboard. Deterministic (a hash of the question's id), so a
 * run can be repeated and compared; questions are written by people, and people type fast.
 */
import { createHash } from "node:crypto";
import type { EvalQuestion } from "./questions.js";

const ROWS = "qwertyuiopasdfghjklzxcvbnm";
const NEIGHBOURS = [
  "wa",
  "qes",
  "wrd",
  "etf",
  "ryg",
  "tuh",
  "yij",
  "uok",
  "ipl",
  "ol",
  "qsz",
  "awdx",
  "sefc",
  "drgv",
  "fthb",
  "gyjn",
  "hukm",
  "jil",
  "kol",
  "asx",
  "zdc",
  "xfv",
  "cgb",
  "vhn",
  "bjm",
  "nk",
];
/** Words a slip is not put in: the question's own phrasing. */
const PHRASING = new Set(
  "about after again their there these those which where while would could should being other what when with from have does did into only also".split(
    " ",
  ),
);

const hash = (...parts: string[]): bigint => BigInt(`0x${createHash("sha1").update(parts.join("|")).digest("hex")}`);

/** `word` with one slip chosen by `seed`. */
export function slip(word: string, seed: bigint): string {
  const i = 1 + Number(seed % BigInt(word.length - 1));
  const kind = Number((seed / 97n) % 4n);
  if (kind === 0) return word.slice(0, i) + word.slice(i + 1);
  if (kind === 1) return word.slice(0, i) + word.charAt(i) + word.slice(i);
  if (kind === 2 && i + 1 < word.length)
    return word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2);
  const near = NEIGHBOURS[ROWS.indexOf(word.charAt(i).toLowerCase())] ?? "e";
  return word.slice(0, i) + near.charAt(Number(seed % BigInt(near.length))) + word.slice(i + 1);
}

/** The question with one slip, or null when it has no word to put one in. */
export function withSlip(q: EvalQuestion): EvalQuestion | null {
  const words = [...q.question.matchAll(/[A-Za-z]{5,}/g)].filter((m) => !PHRASING.has(m[0].toLowerCase()));
  const m = words[Number(hash(q.id) % BigInt(Math.max(1, words.length)))];
  if (m === undefined) return null;
  const slipped = slip(m[0], hash(q.id, "slip"));
  if (slipped.toLowerCase() === m[0].toLowerCase()) return null;
  return { ...q, question: q.question.slice(0, m.index) + slipped + q.question.slice(m.index + m[0].length) };
}

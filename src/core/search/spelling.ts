/**
 * Spelling: a question word the corpus never holds and no dictionary knows ("ambasador", "apointed", "airprot") is
 * read as the word one edit away (a letter left out, added, changed, or two letters swapped: Damerau's four kinds,
 * which cover most typing slips) whose index term the corpus holds most often. A word the dictionary knows is never
 * changed, however close to a corpus word it is: "major" is no slip for "mayor", and "airline" is asked, not mistyped.
 *
 * The edits of a word of n letters are about 54 n, each stemmed (uncached) and looked up once: linear in the
 * question's length, and only for the words the corpus lacks.
 */
import type { Reading } from "../types.js";
import { isPhrasing, stemOf } from "./analyze.js";

/** Shorter words have too many neighbours one edit away to guess among; longer ones are no typing slip. */
export const MIN_LENGTH = 5;
export const MAX_LENGTH = 30;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz";

/**
 * Every distinct word one edit from `word` (lower case letters) that keeps its first letter, `word` itself excluded: a
 * first letter is rarely the one mistyped, and without it "config" would read as "dconfig".
 */
export function edits(word: string): Set<string> {
  const out = new Set<string>();
  const letters = new Set(ALPHABET + word);
  for (let i = 1; i <= word.length; i++) {
    const head = word.slice(0, i);
    const tail = word.slice(i);
    if (tail.length > 0) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail.charAt(1) + tail.charAt(0) + tail.slice(2));
    for (const c of letters) {
      if (tail.length > 0) out.add(head + c + tail.slice(1));
      out.add(head + c + tail);
    }
  }
  out.delete(word);
  return out;
}

/** What tells a word from a slip: src/core/answer/dictionary.ts. */
export interface WordList {
  /** `word` is a word as written. */
  has(word: string): boolean;
  /** `word` is a word or a regular inflection of one ("tellies"). */
  hasForm(word: string): boolean;
}

export interface Correction extends Reading {
  /**
   * Its index term; null when the reading is a word questions are phrased with or a stop word ("whcih", "thier"),
   * which is not searched for at all.
   */
  term: string | null;
}

/**
 * True when `word` (folded) may be a slip: five to thirty letters, lower case, none outside the Basic Multilingual
 * Plane (edits cut UTF-16 units), and not a word of `dictionary` or an inflection of one. Only such words are tried.
 */
export function mistypable(word: string, dictionary: WordList): boolean {
  return (
    word.length >= MIN_LENGTH &&
    word.length <= MAX_LENGTH &&
    /^\p{Ll}+$/u.test(word) &&
    !/[\uD800-\uDFFF]/.test(word) &&
    !dictionary.hasForm(word)
  );
}

/**
 * The reading of `word` (folded) when it looks mistyped (`mistypable`), else null. A reading is one of its edits that
 * is a word of `dictionary` as written (an inflection rule would take "urles" for a plural of "url") or a word the
 * corpus writes (`written`: a name, "antonov"), and whose term the corpus holds (`df` > 0). A name asked (`name`: the
 * word was capitalised) is not read as the name with a letter added or dropped at its end: "Antonova" is another
 * person more often than a slip for "Antonov". A word
 * questions are phrased with ("which" for "whcih") wins outright; otherwise the most frequent term wins, and on a tie
 * a word the corpus writes, then the first in alphabetical order.
 */
export function correction(
  word: string,
  df: (term: string) => number,
  dictionary: WordList,
  /** True when a passage holding `term` has `word` in it as a word of its own. */
  written: (term: string, word: string) => boolean,
  name = false,
): Correction | null {
  if (!mistypable(word, dictionary)) return null;
  const readings: Array<Correction & { term: string; df: number; writes: boolean | undefined }> = [];
  const seen = new Map<string, number>();
  let phrasing: string | undefined;
  for (const read of edits(word)) {
    if (isPhrasing(read) && dictionary.has(read)) {
      if (phrasing === undefined || read < phrasing) phrasing = read;
      continue;
    }
    const term = stemOf(read);
    if (term === null) continue;
    let n = seen.get(term);
    if (n === undefined) seen.set(term, (n = df(term)));
    if (n === 0 || (name && (word.startsWith(read) || read.startsWith(word)))) continue;
    if (dictionary.has(read)) readings.push({ asked: word, read, term, df: n, writes: undefined });
    else if (written(term, read)) readings.push({ asked: word, read, term, df: n, writes: true });
  }
  if (phrasing !== undefined) return { asked: word, read: phrasing, term: null };
  // The most passages first; among as many, a word the corpus writes ("change" before "chang", both "chang"), then
  // the first in alphabetical order.
  let most = 0;
  for (const r of readings) most = Math.max(most, r.df);
  const tied = readings.filter((r) => r.df === most).sort((a, b) => (a.read < b.read ? -1 : 1));
  const best = tied.find((r) => (r.writes ??= written(r.term, r.read))) ?? tied[0];
  return best === undefined ? null : { asked: best.asked, read: best.read, term: best.term };
}

/** The readings as an answer reports them, without the terms searched. */
export const readingsOf = (corrections: readonly Correction[]): Reading[] =>
  corrections.map(({ asked, read }) => ({ asked, read }));

/**
 * “ambasador” as “ambassador”, …: the readings that fit in `maxChars` (the first always: at most 69 characters), then
 * how many more (for the line said with an answer).
 */
export function readAs(corrections: readonly Reading[], maxChars = 240): string {
  const all = corrections.map((c) => `“${c.asked}” as “${c.read}”`);
  let text = all[0] ?? "";
  let shown = all.length === 0 ? 0 : 1;
  // Room for " and N more" after the readings shown.
  while (shown < all.length && text.length + 2 + (all[shown] as string).length + 14 <= maxChars)
    text += `, ${all[shown++] as string}`;
  return shown < all.length ? `${text} and ${all.length - shown} more` : text;
}

/**
 * "The same or a near-identical question": what a moderator's pin applies to.
 *
 * A question is reduced to its form and its terms:
 *   - the form: its first question word, with the word after "how" ("how many", "how old"), and whether it is negated
 *     ("not", "never", "n't", "no"). "When did Antonov return?" and "Why did Antonov return?" share every term and ask
 *     different things; so do "Which officials met him?" and "Which officials did not meet him?".
 *   - the terms: its distinct content terms exactly as retrieval analyses them (case, diacritics, stop words, question
 *     words and inflection folded away: "returns"/"returned", "Russia's"/"Russia").
 * Two questions are near-identical when their forms are equal and the Jaccard similarity of their term sets is at least
 * NEAR_THRESHOLD. The threshold was measured (tests/core/guilds/similar.test.ts): on the bundled corpus's development
 * questions, no two questions with different expected answers reach it, while rewordings that keep the content words
 * (order, case, punctuation, inflection, "please tell me", one added or dropped word in a question of three or more
 * terms) all do. One substituted word in a question of up to five terms stays below it ("leave Moscow" is not "return
 * to Moscow").
 */
import { analyzeQuestion } from "../search/analyze.js";

/** The least Jaccard similarity of two questions' terms for them to count as near-identical (see above). */
export const NEAR_THRESHOLD = 0.7;

export interface QuestionKey {
  /** First question word (+ the word after "how"), "-" when none, then "!" when negated: "when", "how many!", "-". */
  form: string;
  /** Distinct content terms, sorted. */
  terms: string[];
}

const WH = /\b(what|which|who|whom|whose|when|where|why|how)\b(?:\s+(many|much|long|old|far|often|big|large))?/i;
const NEGATION = /\b(?:not|never|no|none|nobody|nothing|neither|nor|without)\b|n['’]t\b/i;

/** The form and terms of a question. Linear in its length. */
export function questionKey(question: string): QuestionKey {
  const m = WH.exec(question);
  const wh =
    m === null
      ? "-"
      : [m[1], m[2]]
          .filter((w) => w !== undefined)
          .join(" ")
          .toLowerCase();
  const form = `${wh === "whom" ? "who" : wh}${NEGATION.test(question) ? "!" : ""}`;
  return { form, terms: [...analyzeQuestion(question).keys()].sort() };
}

/** Jaccard similarity of two questions' terms, or 0 when their forms differ (or both have no terms). */
export function similarity(a: QuestionKey, b: QuestionKey): number {
  if (a.form !== b.form) return 0;
  if (a.terms.length === 0 && b.terms.length === 0) return 0;
  const other = new Set(b.terms);
  let shared = 0;
  for (const t of a.terms) if (other.has(t)) shared++;
  return shared / (a.terms.length + b.terms.length - shared);
}

export function nearIdentical(a: QuestionKey, b: QuestionKey): boolean {
  return similarity(a, b) >= NEAR_THRESHOLD;
}

/** A stable text form of the key ("when|antonov moscow return"), used to group reports of the same question. */
export function keyText(key: QuestionKey): string {
  return `${key.form}|${key.terms.join(" ")}`;
}

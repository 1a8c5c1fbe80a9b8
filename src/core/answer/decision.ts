/**
 * Answer or abstain: a logistic model of the chance that a quote answers the question, from features of the quote and
 * the question: how much of the question's weight it holds, exactly and in other words, over all terms and over the
 * most informative ones (a term its context holds counts as held: the document's title, the section's innermost
 * heading, the list item's head, as in a man page's "-0, --null" entry under OPTIONS of "xargs"); how rare the rarest
 * term it lacks is; whether it holds the kind of answer asked for; its margin over the best rival, a candidate that
 * says something else; …. Trained by scripts/train-decision.ts on SQuAD (each question asked of the corpus with its
 * article, and of the corpus without it: an honest negative) and the development question sets, with articles split in
 * two halves (train on one, test on the other, and swap) to measure it; the operating point is chosen on that measured
 * curve. The weights and the threshold are in src/core/answer/data/decision.json.
 */
import { shippedFile } from "./shipped.js";

export const FEATURES = [
  "heldCoverage",
  "softCoverage",
  "informativeHeld",
  "informativeSoft",
  "matchedShare",
  "missingIdf",
  "unknownShare",
  "typeWanted",
  "typeMissing",
  "figureMissing",
  "margin",
  "relative",
  "properNouns",
  "questionTerms",
  "definition",
  "pairs",
] as const;

export type FeatureName = (typeof FEATURES)[number];
export type Features = Record<FeatureName, number>;

export interface DecisionModel {
  features: readonly FeatureName[];
  /** Standardisation: (x − mean) / scale, then weights. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /** Answer when the chance is at least this. */
  threshold: number;
  /** How the model was made and measured (the training script's summary). */
  trained?: unknown;
}

export function vector(features: Features, names: readonly FeatureName[] = FEATURES): number[] {
  return names.map((n) => features[n]);
}

export function probability(model: DecisionModel, features: Features): number {
  let z = model.bias;
  model.features.forEach((name, i) => {
    // An unknown feature (NaN: no runner-up to measure a margin against) counts as average.
    const value = features[name];
    const x = Number.isFinite(value) ? (value - (model.mean[i] ?? 0)) / (model.scale[i] || 1) : 0;
    z += (model.weights[i] ?? 0) * x;
  });
  return 1 / (1 + Math.exp(-z));
}

/**
 * The chance a quote answers, as the product uses it: the model's, except that a question asking for a date or a
 * figure ("When…", "How many…", "How much did it cost…") is not answered by a quote that holds none, however much of
 * the question it repeats (the near miss: "How much damage did the Great Fire of 1901 cause?" and a sentence about the
 * fire). Measured on the question sets: a third fewer of the SQuAD-article near misses quoted, one answer in a hundred
 * lost (docs/DESIGN.md).
 */
export function answerChance(model: DecisionModel, features: Features): number {
  return gated(features.figureMissing) ? 0 : probability(model, features);
}

/** The gate alone, on the feature's value (the training script applies it to its rows). */
export const gated = (figureMissing: number | undefined): boolean => (figureMissing ?? 0) >= 0.99;

/** Used only when the shipped model is missing: the rule it replaced (30 % of the weight and two distinct terms). */
export const FALLBACK: DecisionModel = {
  features: ["heldCoverage", "matchedShare"],
  mean: [0.3, 0],
  scale: [0.01, 1],
  weights: [1, 0],
  bias: 0,
  threshold: 0.5,
};

/** The shipped model, read once (the fallback rule when it is missing or unreadable). */
export const shippedDecision: () => DecisionModel = shippedFile(
  "decision.json",
  (bytes) => {
    const model = JSON.parse(bytes.toString("utf8")) as DecisionModel;
    const ok =
      model.features.every((f) => (FEATURES as readonly string[]).includes(f)) &&
      model.weights.length === model.features.length;
    return ok ? model : FALLBACK;
  },
  FALLBACK,
);

/** Small fixtures for answer tests: one document indexed alone, and the ranking's quotes with abstention off. */
import { answerQuestion, DEFAULT_ANSWER, type AnswerParams } from "../../src/core/answer/quotes.js";
import { documentFromText } from "../../src/core/ingest/document.js";
import { loadDocument } from "../../src/core/ingest/load.js";
import { buildSegment, type Segment } from "../../src/core/search/segment.js";
import type { Quote } from "../../src/core/types.js";

/** A plain-text document, indexed alone. */
export const textSegment = (id: string, title: string, text: string): Segment =>
  buildSegment([documentFromText({ id, title, text })]);

/** A file's text read as the loader reads its kind (Markdown, HTML, …), indexed alone. */
export const fileSegment = async (name: string, text: string): Promise<Segment> =>
  buildSegment([await loadDocument(name, text)]);

/** The best `limit` quotes for `question`, whether or not the answer model would answer. */
export const rankedQuotes = (
  segments: readonly Segment[],
  question: string,
  limit = 1,
  params: AnswerParams = DEFAULT_ANSWER,
): Quote[] => answerQuestion(segments, question, limit, params, { abstain: false }).quotes;

/**
 * Cuts benchmark documents into the passages both systems index.
 *
 * A stand-in for the core's chunker (`chunkDocument` in src/core/ingest/chunk.ts), which Verbatim's own build
 * still uses: swapping it in here would make MiniSearch index exactly Verbatim's passages, but it makes
 * fewer, longer ones (about 110 words), so the corpus sizes and per-passage figures would change. Whole
 * sentences are grouped to about 80 words (40–120); a sentence longer than 120 words is cut at word
 * boundaries.
 */
import { sentencesWithOffsets, type BenchDoc } from "./corpus.js";

export interface BenchPassage {
  /** `${docId}#${ordinal}` */
  id: string;
  docId: string;
  title: string;
  /** Exactly `doc.text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
}

const TARGET_WORDS = 80;
const MIN_WORDS = 40;
const MAX_WORDS = 120;

interface Piece {
  start: number;
  end: number;
  words: number;
}

/** Sentence pieces of a document with offsets; over-long sentences split into ≤ 80-word pieces. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  for (const sentence of sentencesWithOffsets(text)) {
    if (sentence.words <= MAX_WORDS) {
      out.push({ start: sentence.start, end: sentence.start + sentence.text.length, words: sentence.words });
      continue;
    }
    const words = sentence.text.split(" ");
    let pos = sentence.start;
    for (let w = 0; w < words.length; w += TARGET_WORDS) {
      const slice = words.slice(w, w + TARGET_WORDS).join(" ");
      out.push({ start: pos, end: pos + slice.length, words: Math.min(TARGET_WORDS, words.length - w) });
      pos += slice.length + 1;
    }
  }
  return out;
}

export function chunkDocument(doc: BenchDoc): BenchPassage[] {
  const groups: Piece[] = [];
  let current: Piece | null = null;
  for (const piece of pieces(doc.text)) {
    if (
      current &&
      (current.words >= TARGET_WORDS || (current.words + piece.words > MAX_WORDS && current.words >= MIN_WORDS))
    ) {
      groups.push(current);
      current = null;
    }
    if (current) {
      current.end = piece.end;
      current.words += piece.words;
    } else current = { ...piece };
  }
  if (current) {
    const previous = groups.at(-1);
    // A short tail joins the previous passage when that keeps it near the limit.
    if (previous && current.words < MIN_WORDS && previous.words + current.words <= MAX_WORDS + MIN_WORDS / 2) {
      previous.end = current.end;
      previous.words += current.words;
    } else groups.push(current);
  }
  return groups.map((g, i) => ({
    id: `${doc.id}#${i}`,
    docId: doc.id,
    title: doc.title,
    text: doc.text.slice(g.start, g.end),
    start: g.start,
    end: g.end,
  }));
}

export function chunkDocuments(docs: readonly BenchDoc[]): BenchPassage[] {
  const out: BenchPassage[] = [];
  for (const doc of docs) for (const p of chunkDocument(doc)) out.push(p);
  return out;
}

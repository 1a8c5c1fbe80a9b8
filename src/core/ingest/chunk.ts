/**
 * Passages: runs of whole sentences, the unit the index ranks. A passage never spans text the cleaner dropped, so
 * `text.slice(passage.start, passage.end)` is always article text and safe to show.
 */
import { splitSentences } from "./sentences.js";
import type { CorpusDocument, Passage, Span } from "../types.js";

export interface ChunkOptions {
  /** A passage closes once it holds at least this many words (default 120). */
  targetWords: number;
}

export const DEFAULT_CHUNK: ChunkOptions = { targetWords: 120 };

function wordCount(text: string, span: Span): number {
  let n = 0;
  let inWord = false;
  for (let i = span.start; i < span.end; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Groups of content spans separated only by whitespace (a dropped line in between starts a new group). */
function contiguousRuns(doc: CorpusDocument): Span[][] {
  const runs: Span[][] = [];
  let current: Span[] = [];
  for (const span of doc.content) {
    const last = current[current.length - 1];
    if (last !== undefined && doc.text.slice(last.end, span.start).trim() !== "") {
      runs.push(current);
      current = [];
    }
    current.push(span);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

export function chunkDocument(doc: CorpusDocument, options: ChunkOptions = DEFAULT_CHUNK): Passage[] {
  const passages: Passage[] = [];
  for (const run of contiguousRuns(doc)) {
    let sentences: Span[] = [];
    let words = 0;
    const close = () => {
      const first = sentences[0];
      const last = sentences[sentences.length - 1];
      if (first === undefined || last === undefined) return;
      passages.push({
        id: `${doc.source.id}#${passages.length}`,
        docId: doc.source.id,
        start: first.start,
        end: last.end,
        sentences,
      });
      sentences = [];
      words = 0;
    };
    for (const span of run) {
      for (const sentence of splitSentences(doc.text, span)) {
        sentences.push(sentence);
        words += wordCount(doc.text, sentence);
        if (words >= options.targetWords) close();
      }
    }
    close();
  }
  return passages;
}

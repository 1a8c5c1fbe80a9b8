/**
 * Passages: runs of whole sentences, the unit the index ranks. A passage never spans text the cleaner dropped nor two
 * sections, so `text.slice(passage.start, passage.end)` is always kept text under one heading, and safe to show.
 *
 * Each sentence keeps the kind of block it comes from: a code block is one "sentence" of kind `code` (indexed, so it
 * can be found, but never quoted), a table row is one sentence, and a paragraph or list item is split by
 * sentences.ts. No sentence crosses a block.
 */
import { MAX_SENTENCE, splitSentences } from "./sentences.js";
import type { BlockKind, ContentSpan, CorpusDocument, Passage, Span } from "../types.js";

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

const sameSection = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => {
  if (a === b) return true;
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((name, i) => name === y[i]);
};

/**
 * Whether text was dropped between two kept spans: the gap holds a letter or digit (markup between blocks — list
 * markers, table rules, code fences — does not count).
 */
function droppedBetween(text: string, from: number, to: number): boolean {
  const gap = text.slice(from, to).replace(/^[ \t]*(`{3,}|~{3,})[^\n]*$/gmu, "");
  return /[\p{L}\p{N}]/u.test(gap);
}

/** Groups of content spans under one section with nothing dropped between them. */
function contiguousRuns(doc: CorpusDocument): ContentSpan[][] {
  const runs: ContentSpan[][] = [];
  let current: ContentSpan[] = [];
  for (const span of doc.content) {
    const last = current[current.length - 1];
    if (
      last !== undefined &&
      (!sameSection(last.section, span.section) || droppedBetween(doc.text, last.end, span.start))
    ) {
      runs.push(current);
      current = [];
    }
    current.push(span);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The sentences of one block, each with the block's kind. */
function blockSentences(text: string, span: ContentSpan): Span[] {
  const kind = span.kind ?? "prose";
  if (kind === "code" || (kind === "row" && span.end - span.start <= MAX_SENTENCE))
    return [{ start: span.start, end: span.end }];
  return splitSentences(text, span);
}

export function chunkDocument(doc: CorpusDocument, options: ChunkOptions = DEFAULT_CHUNK): Passage[] {
  const passages: Passage[] = [];
  for (const run of contiguousRuns(doc)) {
    let sentences: Span[] = [];
    let kinds: BlockKind[] = [];
    let breaks: boolean[] = [];
    let words = 0;
    const section = run[0]?.section ?? [];
    const close = () => {
      const first = sentences[0];
      const last = sentences[sentences.length - 1];
      if (first === undefined || last === undefined) return;
      const passage: Passage = {
        id: `${doc.source.id}#${passages.length}`,
        docId: doc.source.id,
        start: first.start,
        end: last.end,
        sentences,
      };
      if (kinds.some((k) => k !== "prose")) passage.kinds = kinds;
      if (breaks.some((b) => b)) passage.breaks = breaks;
      if (section.length > 0) passage.section = section;
      passages.push(passage);
      sentences = [];
      kinds = [];
      breaks = [];
      words = 0;
    };
    for (const span of run) {
      const kind = span.kind ?? "prose";
      for (const sentence of blockSentences(doc.text, span)) {
        const previous = sentences[sentences.length - 1];
        breaks.push(previous !== undefined && /\S/u.test(doc.text.slice(previous.end, sentence.start)));
        sentences.push(sentence);
        kinds.push(kind);
        words += wordCount(doc.text, sentence);
        if (words >= options.targetWords) close();
      }
    }
    close();
  }
  return passages;
}

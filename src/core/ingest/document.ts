/**
 * From stored text to content: the one place that decides, per format, which blocks of a document's stored text are
 * kept and under which sections. Loading a file, re-indexing a stored upload and indexing an evaluation collection all
 * come through here, so a document indexes the same however it arrives.
 */
import { createHash } from "node:crypto";
import { cleanBlocks, cleanPage, cleanText, isScrapedPage } from "./clean.js";
import { markdownBlocks } from "./markdown.js";
import { headingLike, plainBlocks } from "./plain.js";
import { type Block, parseRendered } from "./structure.js";
import type { ContentSpan, CorpusDocument, Source } from "../types.js";

/** How a document's stored text is laid out: Markdown source, plain text, or text extracted by Verbatim. */
export type TextFormat = "markdown" | "text" | "rendered";

/** The format of a stored text, from the document's file name (uploads keep it as `source.path`). */
export function textFormatOf(path: string | null): TextFormat {
  const lower = (path ?? "").toLowerCase();
  if (/\.(md|markdown)$/u.test(lower)) return "markdown";
  if (lower === "" || lower.endsWith(".txt")) return "text";
  return "rendered";
}

/** A document's blocks and whether it is a scraped page (judged line by line instead). */
export interface Structure {
  page: boolean;
  blocks: Block[];
}

export function structureOf(text: string, format: TextFormat): Structure {
  if (format === "rendered") return { page: false, blocks: parseRendered(text) };
  if (isScrapedPage(text)) return { page: true, blocks: [] };
  if (format === "markdown") {
    const blocks = markdownBlocks(text);
    // A short line standing alone at the top, above the text, is the document's heading, as in plain text.
    const first = blocks[0];
    if (
      first !== undefined &&
      first.kind === "prose" &&
      first.drop === undefined &&
      blocks.length > 1 &&
      !text.slice(first.start, first.end).includes("\n") &&
      headingLike(text.slice(first.start, first.end))
    ) {
      blocks[0] = { ...first, kind: "heading", level: 1, text: text.slice(first.start, first.end).trim() };
    }
    // Markdown the parser gave up on (past its nesting limit) is read as plain text.
    if (blocks.length > 0 || text.trim() === "") return { page: false, blocks };
  }
  return { page: false, blocks: plainBlocks(text) };
}

/** The kept content of a document's stored text. */
export function contentOf(text: string, structure: Structure, title: string | null): ContentSpan[] {
  if (structure.page) return cleanPage(text, { title });
  return cleanBlocks(text, structure.blocks, { title });
}

const isWord = /[\p{L}\p{N}]/u;

/** Words (runs of non-space characters with a letter or digit) in text[start, end). */
export function proseWords(text: string, start = 0, end = text.length): number {
  let n = 0;
  for (const token of text.slice(start, end).split(/\s+/u)) if (isWord.test(token)) n++;
  return n;
}

/**
 * The share of a document's prose words that cleaning kept: words in kept content over the words of its blocks.
 * Not counted as prose: headings (structure, shown as sections), markup between blocks (HTML tags, link definitions,
 * fences), and blocks that are not prose by their shape (badge rows, tables of contents, link lists). A scraped page
 * has no blocks: every word of it counts.
 */
export function wordsKept(
  text: string,
  structure: Structure,
  content: readonly ContentSpan[],
): { total: number; kept: number } {
  let kept = 0;
  for (const span of content) kept += proseWords(text, span.start, span.end);
  if (structure.page) return { total: Math.max(proseWords(text), kept), kept };
  let total = 0;
  for (const block of structure.blocks) {
    if (block.kind === "heading" || block.drop !== undefined) continue;
    total += proseWords(text, block.start, block.end);
  }
  return { total: Math.max(total, kept), kept };
}

/**
 * Documents that do not come from a file (evaluation collections, text typed into a form): same cleaning and hashing as
 * plain-text files, so they are indexed by exactly the bot's pipeline.
 */
export function documentFromText(input: { id: string; text: string } & Partial<Omit<Source, "id">>): CorpusDocument {
  const source: Source = {
    id: input.id,
    title: input.title ?? null,
    publisher: input.publisher ?? null,
    author: input.author ?? null,
    date: input.date ?? null,
    url: input.url ?? null,
    path: input.path ?? null,
  };
  if (input.dateInferred) source.dateInferred = true;
  return {
    source,
    text: input.text,
    content: cleanText(input.text, { title: source.title }),
    hash: createHash("sha256").update(input.text).digest("hex"),
  };
}

/** A stored document (a server's upload) ready to index: its content found again from its stored text and format. */
export function documentFromStored(stored: { source: Source; text: string; hash: string }): CorpusDocument {
  const structure = structureOf(stored.text, textFormatOf(stored.source.path));
  return {
    source: stored.source,
    text: stored.text,
    content: contentOf(stored.text, structure, stored.source.title),
    hash: stored.hash,
  };
}

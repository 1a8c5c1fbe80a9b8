/**
 * Document structure: blocks (headings, paragraphs, list items, table rows, code) as spans of the stored text.
 *
 * Every format comes down to the same thing: the stored text, and the blocks in it. Markdown and plain text are stored
 * as the file says them (their blocks are found in the source). HTML, man pages, PDF and DOCX are stored as text that
 * Verbatim extracts and lays out in one plain convention, written by `RenderedText` and read back by `parseRendered`
 * (so a stored document's structure can always be recovered from its stored text alone):
 *
 *   - blocks are separated by a blank line;
 *   - a heading is one line `# Text` (`##` … `######` for deeper levels);
 *   - a list item (an option of a man page, a `<dt>`/`<dd>` pair) starts with `• `; lines of the same item that follow
 *     are indented by two spaces;
 *   - a table row is one line `| cell | cell |`;
 *   - code sits between two lines of three or more backticks (the closing fence as long as the opening one);
 *   - anything else is a paragraph.
 *
 * Quotes are cut from the blocks' spans, which never include these markers. Everything here is linear in the text.
 */
import type { BlockKind, ContentSpan, Span } from "../types.js";

/** A block of the stored text. Headings are structure (a section's name), not content. */
export interface Block extends Span {
  kind: BlockKind | "heading";
  /** Heading level, 1 (outermost) to 6. */
  level?: number;
  /** A heading's text without markup. */
  text?: string;
  /** Set when the block is not content by its shape (a badge row, a table of contents): the rule's name. */
  drop?: string;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

/** [start, end) with surrounding whitespace removed (possibly empty). */
export function trimSpan(text: string, start: number, end: number): Span {
  let a = start;
  let b = end;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  return { start: a, end: b };
}

/** Words (runs of non-space characters) in text[start, end). */
export function countWords(text: string, start = 0, end = text.length): number {
  let n = 0;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Offsets at which each line starts (the first is 0); a line ends before its "\n". */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Whitespace collapsed to single spaces, trimmed: how extracted text is laid out inside one block. */
export function collapse(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/**
 * Writes the stored text of an extracted document in the convention above. Text handed to it is collapsed
 * (paragraphs, items, rows, headings) or kept as it is (code).
 */
export class RenderedText {
  private readonly parts: string[] = [];

  private push(block: string): void {
    if (block.trim() === "") return;
    this.parts.push(block);
  }

  heading(level: number, text: string): void {
    const clean = collapse(text);
    if (clean !== "") this.push(`${"#".repeat(Math.min(Math.max(level, 1), 6))} ${clean}`);
  }

  /** A paragraph; `\n` in `text` (from `<br>`) is kept as a line break inside it. */
  paragraph(text: string): void {
    const lines = text
      .split("\n")
      .map(collapse)
      .filter((line) => line !== "");
    // A paragraph that would read back as a marker of another kind of block is still a paragraph.
    if (lines.length > 0 && startsLikeMarker(lines[0] as string)) lines[0] = `\u200b${lines[0] as string}`;
    if (lines.length > 0) this.push(lines.join("\n"));
  }

  /** A list item: an optional term (an option's name, a `<dt>`) and its description. */
  item(term: string | null, body: string): void {
    const head = term === null ? "" : collapse(term);
    const rest = collapse(body);
    if (head === "" && rest === "") return;
    if (head === "") this.push(`• ${rest}`);
    else if (rest === "") this.push(`• ${head}`);
    else this.push(`• ${head}\n  ${rest}`);
  }

  row(cells: readonly string[]): void {
    const clean = cells.map((c) => collapse(c).replace(/\|/gu, "¦"));
    if (clean.some((c) => c !== "")) this.push(`| ${clean.join(" | ")} |`);
  }

  code(text: string): void {
    // Leading blank lines and trailing whitespace go (trimEnd, not a regex: `\s+$` is quadratic on long runs).
    const trimmed = text.trimEnd();
    let from = 0;
    for (
      let nl = trimmed.indexOf("\n");
      nl !== -1 && trimmed.slice(from, nl).trim() === "";
      nl = trimmed.indexOf("\n", from)
    )
      from = nl + 1;
    const body = trimmed.slice(from);
    if (body.trim() === "") return;
    let longest = 0;
    for (const m of body.matchAll(/^ {0,3}(`{3,})/gmu)) longest = Math.max(longest, (m[1] as string).length);
    const fence = "`".repeat(Math.max(3, longest + 1));
    this.push(`${fence}\n${body}\n${fence}`);
  }

  toString(): string {
    return this.parts.join("\n\n");
  }
}

function startsLikeMarker(line: string): boolean {
  return /^(#{1,6} |• |\| |`{3,})/u.test(line);
}

const FENCE = /^(`{3,})[^`]*$/u;

/** Reads the blocks of text written by `RenderedText` (and, for older stored documents, plain paragraphs). */
export function parseRendered(text: string): Block[] {
  const starts = lineStarts(text);
  const blocks: Block[] = [];
  const lineEnd = (i: number): number => (i + 1 < starts.length ? (starts[i + 1] as number) - 1 : text.length);
  let paragraphStart = -1;
  let paragraphEnd = -1;
  let item: Block | null = null;
  const closeParagraph = (): void => {
    if (paragraphStart >= 0) {
      const span = trimSpan(text, paragraphStart, paragraphEnd);
      if (span.end > span.start) blocks.push({ ...span, kind: "prose" });
    }
    paragraphStart = -1;
  };
  const closeItem = (): void => {
    if (item !== null) {
      const span = trimSpan(text, item.start, item.end);
      if (span.end > span.start) blocks.push({ ...span, kind: "item" });
    }
    item = null;
  };
  // Lines that are only a fence, by length, in order: each opening fence finds its closing one without rescanning.
  const fences = new Map<number, { lines: number[]; next: number }>();
  for (let i = 0; i < starts.length; i++) {
    const line = text.slice(starts[i] as number, lineEnd(i)).trim();
    if (line.length >= 3 && /^`+$/u.test(line)) {
      const entry = fences.get(line.length) ?? { lines: [], next: 0 };
      entry.lines.push(i);
      fences.set(line.length, entry);
    }
  }
  const closingFence = (length: number, after: number): number => {
    const entry = fences.get(length);
    if (entry === undefined) return -1;
    while (entry.next < entry.lines.length && (entry.lines[entry.next] as number) <= after) entry.next++;
    return entry.next < entry.lines.length ? (entry.lines[entry.next] as number) : -1;
  };
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    const end = lineEnd(i);
    const line = text.slice(start, end);
    if (line.trim() === "") {
      closeParagraph();
      closeItem();
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence && paragraphStart < 0 && item === null) {
      const j = closingFence((fence[1] as string).length, i);
      if (j >= 0) {
        const trimmed = trimSpan(text, starts[i + 1] as number, lineEnd(j - 1));
        if (j > i + 1 && trimmed.end > trimmed.start) blocks.push({ ...trimmed, kind: "code" });
        i = j;
        continue;
      }
      // No closing fence: an ordinary line.
    }
    const heading = /^(#{1,6}) (.*)$/u.exec(line);
    if (heading && paragraphStart < 0 && item === null) {
      const span = trimSpan(text, start + (heading[1] as string).length + 1, end);
      if (span.end > span.start) {
        blocks.push({
          ...span,
          kind: "heading",
          level: (heading[1] as string).length,
          text: collapse(heading[2] ?? ""),
        });
      }
      continue;
    }
    if (line.startsWith("• ")) {
      closeParagraph();
      closeItem();
      item = { start: start + 2, end, kind: "item" };
      continue;
    }
    if (item !== null && line.startsWith("  ")) {
      item.end = end;
      continue;
    }
    if (line.startsWith("| ") && line.trimEnd().endsWith(" |") && paragraphStart < 0) {
      closeItem();
      const span = trimSpan(text, start + 2, start + line.trimEnd().length - 2);
      if (span.end > span.start) blocks.push({ ...span, kind: "row" });
      continue;
    }
    closeItem();
    if (paragraphStart < 0) {
      // A zero-width space that keeps a paragraph from reading as a marker is not part of its text.
      paragraphStart = text.charCodeAt(start) === 0x200b ? start + 1 : start;
    }
    paragraphEnd = end;
  }
  closeParagraph();
  closeItem();
  return blocks;
}

const normalizeHeading = (s: string): string =>
  s.replace(/[‘’ʼ]/gu, "'").replace(/[“”]/gu, '"').replace(/\s+/gu, " ").trim().toLowerCase();

/**
 * The content spans of `blocks` (headings left out, dropped blocks left out), each with the trail of headings above
 * it. A top heading that is the document's title is not repeated as every section's first name.
 */
export function sectioned(blocks: readonly Block[], title: string | null): ContentSpan[] {
  const trail: Array<{ level: number; text: string }> = [];
  const wanted = title === null ? "" : normalizeHeading(title);
  const out: ContentSpan[] = [];
  let current: readonly string[] = [];
  for (const block of blocks) {
    if (block.drop !== undefined) continue;
    if (block.kind === "heading") {
      const level = block.level ?? 1;
      while (trail.length > 0 && (trail[trail.length - 1] as { level: number }).level >= level) trail.pop();
      const text = block.text ?? "";
      if (text !== "" && !(trail.length === 0 && normalizeHeading(text) === wanted)) trail.push({ level, text });
      current = trail.map((t) => t.text);
      continue;
    }
    const span: ContentSpan = { start: block.start, end: block.end };
    if (block.kind !== "prose") span.kind = block.kind;
    if (current.length > 0) span.section = current;
    out.push(span);
  }
  return out;
}

/**
 * The term a list item defines, when the sentence at [start, end) opens one: an option's name or a `<dt>` (the first
 * line of an item as ingest writes it, "• -n, --dry-run\n  Print the commands…"), or, in Markdown, a leading code span
 * or bold phrase ("- `--null`: …", "* **timeout** — …"). Null otherwise. Reads at most the sentence's first line.
 */
export function itemHead(text: string, start: number, end: number): string | null {
  // The item's marker opens its line ("• ", "- ", "12. " after any indentation): a sentence after "version 9. " is prose.
  const from = Math.max(0, start - 12);
  const before = text.slice(from, start);
  const newline = before.lastIndexOf("\n");
  if (newline < 0 && from > 0) return null;
  const opening = before.slice(newline + 1);
  const rendered = /^[ \t]*• $/u.test(opening);
  if (!rendered && !/^[ \t]*(?:[-*+]|\d{1,3}[.)]) $/u.test(opening)) return null;
  // Only the first MAX_HEAD characters are read: a head is short, and a sentence's first line may not be.
  const window = text.slice(start, Math.min(end, start + MAX_HEAD + 3));
  const lineEnd = window.indexOf("\n");
  if (rendered && lineEnd >= 0 && lineEnd <= MAX_HEAD && window.startsWith("\n  ", lineEnd))
    return window.slice(0, lineEnd);
  const marker = window.startsWith("**") ? "**" : window.startsWith("`") ? "`" : null;
  if (marker === null) return null;
  const close = window.indexOf(marker, marker.length);
  if (close <= marker.length || close > MAX_HEAD || (lineEnd >= 0 && close >= lineEnd)) return null;
  return window.slice(marker.length, close);
}
const MAX_HEAD = 120;

/** One cell of a Markdown table's delimiter row: hyphens, with a colon at either end for alignment. */
const DELIMITER_CELL = /^:?-+:?$/u;
/**
 * A Markdown table's delimiter row ("| --- | :-: |", "---|---", with a carriage return at its end in a CRLF file),
 * read cell by cell (no regex over the whole line: its runs of spaces would backtrack).
 */
function isDelimiterRow(line: string): boolean {
  let body = line.trim();
  if (!body.includes("|") && !body.includes("---")) return false;
  if (body.startsWith("|")) body = body.slice(1);
  if (body.endsWith("|")) body = body.slice(0, -1);
  if (body === "") return false;
  for (const cell of body.split("|")) if (!DELIMITER_CELL.test(cell.trim())) return false;
  return true;
}
/** Lines longer than this are never a table's (and are not read as one). */
const MAX_ROW_LINE = 4000;

/** Where each line of a document's tables starts its table: line start → the table's first row's start (-1: unknown). */
export type TableMemo = Map<number, number>;

/** A row's table header: its text (the whole line, pipes included) and where it starts, or null and -1. */
export interface TableHeader {
  header: string | null;
  headerStart: number;
  isHeader: boolean;
}

/**
 * The start of the line that holds offset `at` (a line's ending newline counts as its own), or -1 when that line is
 * longer than MAX_ROW_LINE.
 */
const lineStartOf = (text: string, at: number) => {
  const from = Math.max(0, at - MAX_ROW_LINE - 1);
  const nl = text.slice(from, at).lastIndexOf("\n");
  return nl >= 0 ? from + nl + 1 : from === 0 ? 0 : -1;
};
/** The line starting at `start` (a CRLF line with its "\r"), read at most MAX_ROW_LINE + 1 characters far. */
const lineAt = (text: string, start: number) => {
  const window = text.slice(start, start + MAX_ROW_LINE + 1);
  const nl = window.indexOf("\n");
  return nl < 0 ? window : window.slice(0, nl);
};
/** The line after the one starting at `start`. */
const nextLine = (text: string, start: number) => lineAt(text, start + lineAt(text, start).length + 1);

/**
 * The header row of the table a row sits in ("Mock Error | Mock Error Codes | Description"), whose column names say
 * what the row's cells are: the table's first row, when a Markdown delimiter row follows it or it is written as stored
 * rows are (`| cell | cell |`, a blank line apart). `isHeader` when the row at `start` is a Markdown table's header
 * itself. With `memo` (kept per document) each line is walked over once, so finding every row's header is linear in the
 * text.
 */
export function tableHeader(text: string, start: number, memo: TableMemo): TableHeader {
  const none: TableHeader = { header: null, headerStart: -1, isHeader: false };
  const own = lineStartOf(text, start);
  if (own < 0) return none;
  const ownLine = lineAt(text, own);
  if (ownLine.length > MAX_ROW_LINE || !ownLine.includes("|") || isDelimiterRow(ownLine)) return none;
  let first = memo.get(own);
  if (first === undefined) {
    const visited: number[] = [];
    let cur = own;
    first = -1;
    for (;;) {
      const known = memo.get(cur);
      if (known !== undefined) {
        first = known;
        break;
      }
      visited.push(cur);
      // A Markdown header (its delimiter row under it) is its table's first row, whatever the line above says.
      if (isDelimiterRow(nextLine(text, cur))) {
        first = cur;
        break;
      }
      if (cur === 0) {
        first = cur;
        break;
      }
      let previous = lineStartOf(text, cur - 1);
      // A line above too long to read: where the table starts is not known.
      if (previous < 0) break;
      // Stored rows are blocks, a blank line apart.
      if (previous > 0 && lineAt(text, previous).trim() === "") {
        const above = lineStartOf(text, previous - 1);
        if (above < 0) break;
        previous = lineAt(text, above).trimStart().startsWith("|") ? above : -1;
      }
      const line = previous < 0 ? "" : lineAt(text, previous);
      if (line.length > MAX_ROW_LINE) break;
      if (previous < 0 || !line.includes("|")) {
        first = cur;
        break;
      }
      cur = previous;
    }
    for (const v of visited) memo.set(v, first);
  }
  if (first < 0) return none;
  const firstLine = lineAt(text, first);
  if (isDelimiterRow(firstLine)) return none;
  const delimited = isDelimiterRow(nextLine(text, first));
  // The first row itself: a header for sure only above a delimiter row (stored rows do not say whether a table has
  // a header, and a one-row table has none), so only then is it never quoted.
  if (first === own) return { ...none, isHeader: delimited };
  const header = firstLine.endsWith("\r") ? firstLine.slice(0, -1) : firstLine;
  return delimited || firstLine.trimStart().startsWith("|") ? { header, headerStart: first, isHeader: false } : none;
}

/**
 * PDF through Mozilla's pdfjs-dist (5.4.530: the last line that runs on Node 20): the text layer with positions, laid
 * out as a document rather than as pages.
 *
 * - Text items become lines (by baseline), lines become paragraphs (by spacing, indentation and font size); a
 *   paragraph that runs over a page break is joined.
 * - Running headers and footers are dropped: a line at the top or bottom of a page, set apart from the text, whose
 *   words (numbers aside) recur on other pages, or that is only a page number.
 * - A word hyphenated at a line's end is joined back ("manip-" "ulation" → "manipulation"), unless the document spells
 *   that word with a hyphen elsewhere ("Front-" "Cover" stays "Front-Cover").
 * - Lines in a larger font are headings; lines set in a monospace font are code; dot-leader lines (a table of
 *   contents) are dropped; bullet lines are list items.
 * - Title, author, subject and creation date come from the info dictionary (or XMP `dc:title`).
 *
 * So the stored text is the PDF's own words in reading order, re-flowed: a quote is a substring of it, and reads in
 * the PDF the same word for word, but may cross a line or page break there, and a rejoined hyphen is gone.
 */
import { collapse, RenderedText } from "./structure.js";

export interface PdfDocument {
  text: string;
  title: string | null;
  author: string | null;
  subject: string | null;
  /** The info dictionary's creation date as YYYY-MM-DD, or null. */
  date: string | null;
  /** The first heading (the largest text on the first pages), a title of last resort. */
  firstHeading: string | null;
  pages: number;
}

/** Why a PDF cannot be read, for the person who supplied it. */
export class PdfError extends Error {
  override readonly name = "PdfError";
}

interface Line {
  text: string;
  x: number;
  y: number;
  right: number;
  size: number;
  mono: boolean;
  page: number;
}

interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
  fontName: string;
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | undefined;
const loadPdfJs = (): Promise<PdfJs> => (pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs"));

/** Most pages read from one file. */
export const MAX_PAGES = 2000;

/** "D:20250208122313Z" → "2025-02-08". */
function pdfDate(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/u.exec(value);
  if (!m) return null;
  return `${m[1] as string}-${m[2] ?? "01"}-${m[3] ?? "01"}`;
}

const text = (value: unknown): string | null => (typeof value === "string" ? collapse(value) || null : null);

/** The text items of one page grouped into lines, in the order the page draws them. */
function pageLines(
  items: readonly TextItemLike[],
  styles: Record<string, { fontFamily?: string }>,
  page: number,
): Line[] {
  const lines: Line[] = [];
  let current: Line | null = null;
  let monoChars = 0;
  let chars = 0;
  const close = (): void => {
    if (current !== null && current.text.trim() !== "") {
      current.text = current.text.replace(/\s+/gu, " ").trim();
      current.mono = chars > 0 && monoChars / chars > 0.8;
      lines.push(current);
    }
    current = null;
    monoChars = 0;
    chars = 0;
  };
  let breakNext = false;
  for (const item of items) {
    const [a = 0, b = 0, , d = 0, x = 0, y = 0] = item.transform;
    const size = Math.hypot(a, b) || Math.abs(d) || item.height || 1;
    const str = item.str;
    if (current !== null && (breakNext || Math.abs(y - current.y) > size * 0.5)) close();
    breakNext = item.hasEOL;
    if (str === "") continue;
    const mono = styles[item.fontName]?.fontFamily === "monospace";
    if (current === null) {
      current = { text: str, x, y, right: x + item.width, size, mono: false, page };
    } else {
      const gap = x - current.right;
      const needsSpace = gap > size * 0.15 && !current.text.endsWith(" ") && !str.startsWith(" ");
      current.text += needsSpace ? ` ${str}` : str;
      current.right = Math.max(current.right, x + item.width);
      current.size = Math.max(current.size, size);
    }
    const visible = str.replace(/\s/gu, "").length;
    chars += visible;
    if (mono) monoChars += visible;
  }
  close();
  return lines;
}

const PAGE_NUMBER = /^(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:of|\/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$/iu;
/** A line's shape for recognising it on other pages: numbers (and a page number in roman numerals) left out. */
const shape = (line: string): string =>
  line
    .toLowerCase()
    .replace(/\d+/gu, "#")
    .replace(/(^|\s)[ivxlc]{1,7}$/u, "$1#")
    .replace(/^[ivxlc]{1,7}(\s|$)/u, "#$1")
    .replace(/\s+/gu, " ")
    .trim();

/** Drops running headers, footers and page numbers: the lines set apart at a page's top or bottom. */
function withoutRunningLines(pages: Line[][]): Line[][] {
  const spacing = typicalSpacing(pages);
  const candidates = (lines: Line[]): Line[] => {
    const out: Line[] = [];
    // Top: the first lines of the page while each is set apart from the one below it.
    for (let i = 0; i < Math.min(2, lines.length - 1); i++) {
      const line = lines[i] as Line;
      const next = lines[i + 1] as Line;
      if (line.y - next.y > spacing * 1.6 || PAGE_NUMBER.test(line.text)) out.push(line);
      else break;
    }
    for (let i = lines.length - 1; i > Math.max(0, lines.length - 3); i--) {
      const line = lines[i] as Line;
      const previous = lines[i - 1] as Line;
      if (previous.y - line.y > spacing * 1.6 || PAGE_NUMBER.test(line.text)) out.push(line);
      else break;
    }
    return out;
  };
  const counts = new Map<string, number>();
  const perPage = pages.map(candidates);
  for (const lines of perPage)
    for (const s of new Set(lines.map((l) => shape(l.text)))) counts.set(s, (counts.get(s) ?? 0) + 1);
  // On three pages (or a fifth of a short document): a chapter's running title recurs on its chapter's pages.
  const recurring = Math.min(3, Math.max(2, Math.ceil(pages.length * 0.2)));
  const body = bodySize(pages.flat());
  return pages.map((lines, p) => {
    const drop = new Set(
      (perPage[p] as Line[]).filter(
        (l) =>
          PAGE_NUMBER.test(l.text) ||
          // Not in a heading's size: a heading that happens to open several pages is kept.
          ((counts.get(shape(l.text)) ?? 0) >= recurring &&
            l.text.split(/\s+/u).length <= 15 &&
            l.size <= body * 1.1) ||
          // A chapter's running title with its page number ("Chapter 2: ASN.1 structure handling 3"): numbered, and
          // on more than one page. A numbered heading set apart at a page's top ("1 Introduction") is on one page.
          ((counts.get(shape(l.text)) ?? 0) >= 2 &&
            /^\d{1,4}\s|\s\d{1,4}$/u.test(l.text) &&
            l.text.split(/\s+/u).length <= 12),
      ),
    );
    return lines.filter((l) => !drop.has(l));
  });
}

/** The most common distance between consecutive baselines of same-size lines. */
function typicalSpacing(pages: Line[][]): number {
  const counts = new Map<number, number>();
  for (const lines of pages) {
    for (let i = 1; i < lines.length; i++) {
      const gap = Math.round(((lines[i - 1] as Line).y - (lines[i] as Line).y) * 2) / 2;
      if (gap > 0 && gap < 60) counts.set(gap, (counts.get(gap) ?? 0) + 1);
    }
  }
  let best = 12;
  let most = 0;
  for (const [gap, n] of counts) if (n > most) [best, most] = [gap, n];
  return best;
}

/** The body text's font size: the size most characters are set in. */
function bodySize(lines: readonly Line[]): number {
  const counts = new Map<number, number>();
  for (const l of lines) {
    const size = Math.round(l.size * 2) / 2;
    counts.set(size, (counts.get(size) ?? 0) + l.text.length);
  }
  let best = 10;
  let most = 0;
  for (const [size, n] of counts) if (n > most) [best, most] = [size, n];
  return best;
}

const DOT_LEADER = /(?:\.\s?){4,}\s*[\divxlc]*\s*$/iu;
const BULLET = /^([•◦▪‣∙·–*]|\d{1,2}[.)])\s+/u;

/** Words written with a hyphen somewhere inside a line of the document ("front-cover", "non-zero"). */
function hyphenatedWords(lines: readonly Line[]): Set<string> {
  const words = new Set<string>();
  for (const l of lines) for (const m of l.text.matchAll(/\p{L}+-\p{L}+/gu)) words.add(m[0].toLowerCase());
  return words;
}

/** Joins two lines of a paragraph: a hyphen at the end of a word that goes on is removed, otherwise a space. */
function joinLines(before: string, after: string, hyphenated: ReadonlySet<string>): string {
  const tail = /(\p{L}+)-$/u.exec(before);
  const head = /^(\p{L}+)/u.exec(after);
  if (tail && head) {
    const compound = `${tail[1] as string}-${head[1] as string}`.toLowerCase();
    if (hyphenated.has(compound) || /^\p{Lu}/u.test(head[1] as string)) return before + after;
    return before.slice(0, -1) + after;
  }
  return `${before} ${after}`;
}

/** Lays the document's lines out as blocks. */
function layout(pages: Line[][], out: RenderedText, hyphenated: ReadonlySet<string>): string | null {
  const all = pages.flat();
  const body = bodySize(all);
  const spacing = typicalSpacing(pages);
  const sizes = [...new Set(all.filter((l) => l.size > body * 1.15).map((l) => Math.round(l.size)))].sort(
    (a, b) => b - a,
  );
  const level = (size: number): number => Math.min(6, sizes.indexOf(Math.round(size)) + 1 || 6);
  let firstHeading: string | null = null;
  let paragraph = "";
  let kind: "prose" | "item" | "heading" | "code" = "prose";
  let headingSize = 0;
  let itemX = 0;
  let code: string[] = [];
  let previous: Line | null = null;
  const flush = (): void => {
    if (kind === "code" && code.length > 0) out.code(code.join("\n"));
    else if (kind === "heading" && paragraph !== "") {
      out.heading(level(headingSize), paragraph);
      if (firstHeading === null && (previous?.page ?? 0) <= 3) firstHeading = collapse(paragraph);
    } else if (kind === "item") out.item(null, paragraph);
    else if (paragraph !== "") out.paragraph(paragraph);
    paragraph = "";
    code = [];
    kind = "prose";
  };
  for (const line of all) {
    // A dot leader sits at the line's end: only the end is searched.
    if (DOT_LEADER.test(line.text.slice(-160)) || /^(table of )?contents$/iu.test(line.text)) {
      flush();
      previous = line;
      continue;
    }
    const isHeading = line.size > body * 1.15 && line.text.split(/\s+/u).length <= 20 && !line.mono;
    const samePage = previous !== null && previous.page === line.page;
    const gap = previous !== null && samePage ? previous.y - line.y : 0;
    if (line.mono && !isHeading) {
      if (kind !== "code") flush();
      kind = "code";
      code.push(line.text);
      previous = line;
      continue;
    }
    if (isHeading) {
      const continues =
        kind === "heading" && Math.abs(line.size - headingSize) < 0.5 && samePage && gap < line.size * 1.8;
      if (!continues) flush();
      kind = "heading";
      headingSize = line.size;
      paragraph = paragraph === "" ? line.text : `${paragraph} ${line.text}`;
      previous = line;
      continue;
    }
    const bullet = BULLET.exec(line.text);
    let breaks = paragraph === "" || kind === "heading" || kind === "code";
    if (!breaks && previous !== null) {
      if (samePage && kind === "item") {
        // An item's lines hang under its text: a line further left, or after a gap, ends it.
        breaks = gap > spacing * 1.45 || gap < 0 || line.x < itemX - 1;
      } else if (samePage) {
        breaks =
          gap > spacing * 1.45 ||
          gap < 0 ||
          line.x > previous.x + line.size * 0.8 ||
          Math.abs(line.size - previous.size) > 1 ||
          (/[.!?:]["'”’)]?$/u.test(previous.text) &&
            previous.right < maxRight(pages[previous.page] ?? []) - line.size * 3);
      } else {
        // Over a page break, a paragraph goes on when its last line did not end a sentence.
        breaks = /[.!?:]["'”’)]?$/u.test(previous.text) || !/^[\p{Ll}\d(]/u.test(line.text);
      }
    }
    if (bullet) breaks = true;
    if (breaks) {
      flush();
      kind = bullet ? "item" : "prose";
      paragraph = bullet ? line.text.slice(bullet[0].length) : line.text;
      itemX = line.x;
    } else {
      paragraph = joinLines(paragraph, line.text, hyphenated);
    }
    previous = line;
  }
  flush();
  return firstHeading;
}

const rightEdges = new WeakMap<Line[], number>();
function maxRight(lines: Line[]): number {
  let edge = rightEdges.get(lines);
  if (edge === undefined) {
    const rights = lines.map((l) => l.right).sort((a, b) => a - b);
    edge = rights[Math.floor(rights.length * 0.9)] ?? 0;
    rightEdges.set(lines, edge);
  }
  return edge;
}

/** Reads a PDF. Throws `PdfError` when it is not a PDF, is encrypted, or has no text layer. */
export async function readPdf(bytes: Uint8Array): Promise<PdfDocument> {
  const { getDocument } = await loadPdfJs();
  // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let pdf;
  try {
    pdf = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    const name = (error as { name?: string }).name ?? "";
    if (name === "PasswordException")
      throw new PdfError("encrypted PDF (it needs a password); save an unprotected copy");
    throw new PdfError(`not a readable PDF (${(error as Error).message ?? String(error)})`);
  }
  try {
    const meta = await pdf.getMetadata().catch(() => null);
    const info = (meta?.info ?? {}) as Record<string, unknown>;
    const xmpTitle = (meta?.metadata as { get?: (k: string) => unknown } | null)?.get?.("dc:title");
    const pages: Line[][] = [];
    const count = Math.min(pdf.numPages, MAX_PAGES);
    let visible = 0;
    for (let p = 1; p <= count; p++) {
      const page = await pdf.getPage(p);
      const content = await page.getTextContent();
      const items = (content.items as unknown[]).filter(
        (item): item is TextItemLike => typeof item === "object" && item !== null && "str" in item,
      );
      const lines = pageLines(items, content.styles as Record<string, { fontFamily?: string }>, p - 1);
      for (const l of lines) visible += l.text.replace(/\s/gu, "").length;
      pages.push(lines);
      page.cleanup();
    }
    if (visible < 20 * Math.max(1, Math.min(count, 3))) {
      throw new PdfError("no text layer (a scanned PDF?): run it through OCR and add the result");
    }
    const kept = withoutRunningLines(pages);
    const out = new RenderedText();
    const firstHeading = layout(kept, out, hyphenatedWords(kept.flat()));
    return {
      text: out.toString(),
      title: text(info.Title) ?? text(xmpTitle),
      author: text(info.Author),
      subject: text(info.Subject),
      date: pdfDate(info.CreationDate),
      firstHeading,
      pages: pdf.numPages,
    };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

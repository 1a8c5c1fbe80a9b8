/**
 * Plain text's blocks: paragraphs are separated by blank lines, and a paragraph's lines are one unit however they are
 * wrapped. Inside that, the shapes plain-text documents use for structure: a short unpunctuated line standing alone
 * (or underlined with `===`/`---`, or numbered "2.1 Install") is a heading; lines opening with a bullet or a number are
 * list items; an indented block dense with symbols is code. Linear in the text.
 */
import { type Block, collapse, countWords, lineStarts, trimSpan } from "./structure.js";

interface Line {
  start: number;
  end: number;
  /** Leading whitespace, tabs counting 4. */
  indent: number;
  text: string;
}

const BULLET = /^(?:[-*•+·‣◦]|o|\d{1,3}[.)]|[a-z][.)]|\(\d{1,3}\)|\([a-z]\))\s+\S/u;
const UNDERLINE = /^(?:={3,}|-{3,}|~{3,}|\*{3,})$/u;
const NUMBERED_HEADING = /^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+\p{Lu}/u;
const TERMINAL = /[.!?:;,…]["'”’»)\]]?$/u;

function indentOf(text: string): number {
  let n = 0;
  for (const c of text) {
    if (c === " ") n++;
    else if (c === "\t") n += 4;
    else break;
  }
  return n;
}

/** A line that stands alone as a heading: short, no sentence punctuation at its end, with a letter in it. */
export function headingLike(text: string): boolean {
  if (text.length > 80 || countWords(text) > 12) return false;
  if (TERMINAL.test(text) || !/\p{L}/u.test(text)) return false;
  // "Installation", "INSTALLING ON WINDOWS", "2.1 Build options": a capital (or a number) opens it.
  return /^(?:\p{Lu}|\d)/u.test(text);
}

/** Share of characters that are neither letters nor spaces: code and tables of symbols score high. */
function symbolDensity(text: string): number {
  let symbols = 0;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    total++;
    // ASCII letters and digits, and anything beyond ASCII (letters of other scripts), are not symbols.
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
    if (!alnum) symbols++;
  }
  return total === 0 ? 0 : symbols / total;
}

/** The blocks of a plain-text document. */
export function plainBlocks(text: string): Block[] {
  const starts = lineStarts(text);
  const groups: Line[][] = [];
  let current: Line[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    const end = i + 1 < starts.length ? (starts[i + 1] as number) - 1 : text.length;
    const span = trimSpan(text, start, end);
    if (span.end <= span.start) {
      if (current.length > 0) groups.push(current);
      current = [];
      continue;
    }
    current.push({ ...span, indent: indentOf(text.slice(start, span.start)), text: text.slice(span.start, span.end) });
  }
  if (current.length > 0) groups.push(current);

  const blocks: Block[] = [];
  for (let g = 0; g < groups.length; g++) {
    let lines = groups[g] as Line[];
    const first = lines[0] as Line;
    // Setext-style heading: a line underlined with === or ---.
    if (lines.length >= 2 && UNDERLINE.test((lines[1] as Line).text) && headingLike(first.text)) {
      const level = (lines[1] as Line).text.startsWith("=") ? 1 : 2;
      blocks.push({ start: first.start, end: first.end, kind: "heading", level, text: collapse(first.text) });
      lines = lines.slice(2);
      if (lines.length === 0) continue;
    }
    const head = lines[0] as Line;
    // A short line alone above more text is a heading.
    if (lines.length === 1 && g + 1 < groups.length && headingLike(head.text) && !BULLET.test(head.text)) {
      const numbered = NUMBERED_HEADING.exec(head.text);
      const allCaps = head.text === head.text.toUpperCase() && /\p{Lu}{2}/u.test(head.text);
      // The document's first line, standing alone, is its title's heading (level 1).
      const level = numbered ? (numbered[1] as string).split(".").length : allCaps || blocks.length === 0 ? 1 : 2;
      blocks.push({ start: head.start, end: head.end, kind: "heading", level, text: collapse(head.text) });
      continue;
    }
    // Indented and dense with symbols: code (a command line, a configuration snippet).
    let minIndent = Infinity;
    for (const l of lines) minIndent = Math.min(minIndent, l.indent);
    const last = lines[lines.length - 1] as Line;
    const density = symbolDensity(text.slice(head.start, last.end));
    const prompt = minIndent >= 1 && lines.every((l) => /^[$%#>] \S/u.test(l.text));
    if (prompt || (minIndent >= 4 && density > 0.2) || (minIndent >= 2 && density > 0.3)) {
      blocks.push({ start: head.start, end: last.end, kind: "code" });
      continue;
    }
    // Lines opening with bullets: one item each, with the lines indented under it.
    if (BULLET.test(head.text)) {
      let item: Block | null = null;
      for (const line of lines) {
        if (BULLET.test(line.text)) {
          if (item !== null) blocks.push(item);
          const marker = /^\S+\s+/u.exec(line.text);
          item = { start: line.start + (marker?.[0].length ?? 0), end: line.end, kind: "item" };
        } else if (item !== null) {
          item.end = line.end;
        }
      }
      if (item !== null) blocks.push(item);
      continue;
    }
    blocks.push({ start: head.start, end: last.end, kind: "prose" });
  }
  return blocks;
}

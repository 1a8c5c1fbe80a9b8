/**
 * Markdown's blocks, found with markdown-it (CommonMark plus GitHub tables): headings, paragraphs, list items, table
 * rows, fenced and indented code, and the text inside HTML blocks. markdown-it gives every block its source lines;
 * the spans here are the exact characters of those lines (list markers, `|` and fences left out), so the stored text
 * stays the file's own Markdown and every quote is a substring of the file.
 *
 * markdown-it caps nesting (`maxNesting`), so deeply nested quotes or lists cannot exhaust the stack.
 */
import MarkdownIt, { type Token } from "markdown-it";
import container from "markdown-it-container";
import { type Block, collapse, lineStarts, trimSpan } from "./structure.js";

/**
 * Custom containers (`::: tip`, `:::warning Careful`, `:::: code-group` … `::::`), as VuePress, VitePress and
 * Docusaurus write admonitions: markdown-it-container reads any name, so the fence lines are markup and boundaries
 * (not words of the paragraph they open; a title after the name, "Careful", goes with them) and what is inside is
 * read as Markdown.
 */
const options = { html: true, linkify: false, typographer: false } as const;
const parser = MarkdownIt("default", options).use(container, "any", { validate: () => true });
/** Without containers: for a page whose code shows container syntax (see `parse`). */
const plainParser = MarkdownIt("default", options);

const CLOSING_FENCE = /^\s*(`{3,}|~{3,})\s*$/u;

/**
 * The tokens of `body`. markdown-it-container finds its closing `:::` by lines, fences or not, so a code block showing
 * container syntax inside a container ends the container early and leaves its fence unclosed (the rest of the page
 * would read as code): when a fence is left unclosed while containers were read, the page is read without them.
 */
function parse(body: string, unclosed: (fence: Token) => boolean): Token[] {
  const tokens = parser.parse(body, {});
  if (!tokens.some((t) => t.type === "container_any_open")) return tokens;
  return tokens.some(unclosed) ? plainParser.parse(body, {}) : tokens;
}

/** Inline facts a cleaning rule needs: words outside links, links and where they go, images. */
interface Inline {
  /** Words of text outside any link. */
  plainWords: number;
  /** Words of text inside links. */
  linkWords: number;
  links: string[];
  images: number;
  /** The text with markup removed (headings). */
  text: string;
}

function inlineFacts(token: Token | undefined): Inline {
  const facts: Inline = { plainWords: 0, linkWords: 0, links: [], images: 0, text: "" };
  let inLink = 0;
  const parts: string[] = [];
  for (const child of token?.children ?? []) {
    switch (child.type) {
      case "link_open":
        inLink++;
        facts.links.push(String(child.attrGet("href") ?? ""));
        break;
      case "link_close":
        inLink = Math.max(0, inLink - 1);
        break;
      case "image":
        facts.images++;
        break;
      case "text":
      case "code_inline": {
        parts.push(child.content);
        // Separators between badges or links ("|", "·", "-") are not words.
        const words = child.content.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
        if (inLink > 0) facts.linkWords += words;
        else facts.plainWords += words;
        break;
      }
      case "softbreak":
      case "hardbreak":
        parts.push(" ");
        break;
      case "html_inline":
        if (/^<br\b/iu.test(child.content)) parts.push(" ");
        break;
      default:
    }
  }
  facts.text = collapse(parts.join(""));
  return facts;
}

/** Why a paragraph or item of links and images is not prose, or undefined when it is. */
function linkOnlyRule(facts: Inline): string | undefined {
  if (facts.plainWords > 0) return undefined;
  if (facts.images > 0 && facts.linkWords === 0) return "badges";
  if (facts.links.length > 0 && facts.links.every((href) => href.startsWith("#"))) return "tableOfContents";
  if (facts.links.length >= 2) return "linkList";
  return undefined;
}

const HTML_HEADING = /^h([1-6])$/u;
const HTML_SKIPPED = new Set(["script", "style", "svg", "template", "noscript"]);

/**
 * The text runs of an HTML block (between tags, outside comments and scripts) as blocks: a run inside `<h1>`…`<h6>`
 * is a heading, other runs are paragraphs. Entities stay as written (the spans are the source's characters).
 */
function htmlBlocks(text: string, start: number, end: number, out: Block[]): void {
  let i = start;
  let skipping: string | null = null;
  let heading = 0;
  let runStart = -1;
  const flush = (at: number): void => {
    if (runStart < 0) return;
    const span = trimSpan(text, runStart, at);
    runStart = -1;
    if (span.end <= span.start || skipping !== null) return;
    const words = collapse(text.slice(span.start, span.end));
    if (!/[\p{L}\p{N}]/u.test(words)) return;
    if (heading > 0) out.push({ ...span, kind: "heading", level: heading, text: words });
    else out.push({ ...span, kind: "prose" });
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 60 /* < */) {
      if (runStart < 0) runStart = i;
      i++;
      continue;
    }
    if (text.startsWith("<!--", i)) {
      flush(i);
      const close = text.indexOf("-->", i + 4);
      i = close === -1 || close >= end ? end : close + 3;
      continue;
    }
    const close = text.indexOf(">", i + 1);
    if (close === -1 || close >= end) {
      if (runStart < 0) runStart = i;
      i++;
      continue;
    }
    const tag = /^<\/?([A-Za-z][A-Za-z0-9-]{0,20})/u.exec(text.slice(i, Math.min(close + 1, i + 24)));
    if (tag === null) {
      if (runStart < 0) runStart = i;
      i++;
      continue;
    }
    const name = (tag[1] as string).toLowerCase();
    const closing = text.charCodeAt(i + 1) === 47; /* / */
    // Inline tags (<b>, <a>, <code>…) do not end a run of text.
    const inline = /^(a|b|i|em|strong|code|kbd|span|sub|sup|small|tt|u|s|abbr|mark|q|cite|var|samp)$/u.test(name);
    if (!inline) flush(i);
    if (HTML_SKIPPED.has(name)) skipping = closing ? null : name;
    // A logo as the heading (`<h1><img alt="Chalk"></h1>`): its alt text names it.
    if (name === "img" && heading > 0 && close - i < 2000) {
      const alt = /\balt\s*=\s*"([^"<>]{1,200})"/u.exec(text.slice(i, close));
      if (alt && /[\p{L}\p{N}]/u.test(alt[1] as string)) {
        out.push({ start: i, end: close + 1, kind: "heading", level: heading, text: collapse(alt[1] as string) });
      }
    }
    const level = HTML_HEADING.exec(name);
    if (level) heading = closing ? 0 : Number(level[1]);
    i = close + 1;
  }
  flush(end);
}

/**
 * The blocks of a Markdown body. Headings carry their text (markup removed); paragraphs and items made only of badges,
 * anchor links or links are marked `drop` with the rule's name.
 */
export function markdownBlocks(body: string): Block[] {
  const starts = lineStarts(body);
  const lineEnd = (line: number): number => (line + 1 < starts.length ? (starts[line + 1] as number) - 1 : body.length);
  const linesSpan = (map: [number, number]): { start: number; end: number } => ({
    start: starts[map[0]] ?? body.length,
    end: lineEnd(Math.max(map[0], map[1] - 1)),
  });
  // A fence whose last line is no closing fence ran to the end of its container (or of the page).
  const unclosed = (token: Token): boolean => {
    if (token.type !== "fence" || token.map === null) return false;
    const last = (token.map as [number, number])[1] - 1;
    return !CLOSING_FENCE.test(body.slice(starts[last] ?? 0, lineEnd(last)));
  };
  let tokens: Token[];
  try {
    tokens = parse(body, unclosed);
  } catch {
    // Past markdown-it's nesting limit (or any parser failure): the body is read as plain paragraphs instead.
    return [];
  }
  const blocks: Block[] = [];
  let listDepth = 0;
  let rowOpen: [number, number] | null = null;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t] as Token;
    switch (token.type) {
      case "bullet_list_open":
      case "ordered_list_open":
        listDepth++;
        break;
      case "bullet_list_close":
      case "ordered_list_close":
        listDepth = Math.max(0, listDepth - 1);
        break;
      case "heading_open": {
        const inline = tokens[t + 1];
        if (token.map === null) break;
        const facts = inlineFacts(inline);
        const span = contentSpan(body, linesSpan(token.map as [number, number]), inline?.content ?? "");
        blocks.push({ ...span, kind: "heading", level: Number(token.tag.slice(1)), text: facts.text });
        break;
      }
      case "paragraph_open": {
        const inline = tokens[t + 1];
        if (token.map === null || inline === undefined) break;
        const span = contentSpan(body, linesSpan(token.map as [number, number]), inline.content);
        if (span.end <= span.start) break;
        const block: Block = { ...span, kind: listDepth > 0 ? "item" : "prose" };
        const rule = linkOnlyRule(inlineFacts(inline));
        if (rule !== undefined) block.drop = rule;
        blocks.push(block);
        break;
      }
      case "tr_open":
        rowOpen = token.map as [number, number] | null;
        break;
      case "tr_close":
        if (rowOpen !== null) {
          const { start, end } = linesSpan(rowOpen);
          let span = trimSpan(body, start, end);
          // The outer pipes are markup.
          if (body.charCodeAt(span.start) === 124) span = trimSpan(body, span.start + 1, span.end);
          if (body.charCodeAt(span.end - 1) === 124) span = trimSpan(body, span.start, span.end - 1);
          if (span.end > span.start) blocks.push({ ...span, kind: "row" });
        }
        rowOpen = null;
        break;
      case "fence":
      case "code_block": {
        if (token.map === null) break;
        const [first, last] = token.map as [number, number];
        const inner: [number, number] = token.type === "fence" ? [first + 1, last - 1] : [first, last];
        // An unclosed fence runs to the end of its container; its last line is then content, not a fence.
        if (unclosed(token)) inner[1] = last;
        if (inner[1] <= inner[0]) break;
        const span = trimSpan(body, starts[inner[0]] ?? body.length, lineEnd(inner[1] - 1));
        if (span.end > span.start) blocks.push({ ...span, kind: "code" });
        break;
      }
      case "html_block":
        if (token.map !== null) {
          const { start, end } = linesSpan(token.map as [number, number]);
          htmlBlocks(body, start, end, blocks);
        }
        break;
      default:
    }
  }
  return blocks;
}

/**
 * The span of a block's text inside its source lines: from where its first line of content starts (after a list
 * marker, `>` or a heading's `#`) to the end of its last line (a setext heading's underline left out).
 */
function contentSpan(
  body: string,
  lines: { start: number; end: number },
  content: string,
): { start: number; end: number } {
  const contentLines = content.split("\n");
  const first = (contentLines[0] ?? "").trim();
  const last = (contentLines[contentLines.length - 1] ?? "").trim();
  // Searched only inside the block's own lines, so a block costs its own length.
  const own = body.slice(lines.start, lines.end);
  const newline = own.indexOf("\n");
  const at = first === "" ? -1 : (newline === -1 ? own : own.slice(0, newline)).indexOf(first);
  const start = at >= 0 ? lines.start + at : lines.start;
  let end = lines.end;
  if (last !== "") {
    const found = own.lastIndexOf(last);
    if (found >= 0 && lines.start + found >= start) end = lines.start + found + last.length;
  }
  return trimSpan(body, start, Math.max(start, end));
}

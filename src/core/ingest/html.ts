/**
 * HTML: a page's text with its structure, and what the page says about itself.
 *
 * The content is what @mozilla/readability finds as the article, when it finds one that holds most of the page's main
 * text. Otherwise (documentation pages, manuals, FAQs: Readability often keeps one section of them, or nothing) it is
 * the page's main element (`<main>`, `role=main`, `<article>`, `#content`, else `<body>`) with navigation, headers,
 * footers, sidebars, breadcrumbs and forms removed. Either way it is written out block by block (structure.ts):
 * headings, paragraphs, list items (`<dt>`/`<dd>` pairs as one item), table rows, and `<pre>` as code.
 *
 * jsdom takes a while to load, so it is required on first use: corpora without HTML never pay for it. The walk over the
 * DOM is iterative, so no nesting depth can exhaust the stack.
 */
import { createRequire } from "node:module";
import type * as Jsdom from "jsdom";
import type * as ReadabilityModule from "@mozilla/readability";
import { RenderedText } from "./structure.js";

/** What an HTML page says about itself, plus its text. Unknown fields are null. */
export interface HtmlArticle {
  /** The page's text in the stored-text convention of structure.ts. */
  text: string;
  /** The page's own title metadata (Readability's reading of `og:title`/`<title>`), null when it has none. */
  title: string | null;
  /** The first heading of the content, a title of last resort. */
  firstHeading: string | null;
  author: string | null;
  publisher: string | null;
  /** As the page states it (`article:published_time` and similar); validated by the caller. */
  date: string | null;
  url: string | null;
  /** Whether the text is Readability's article (else the page's main content). */
  readability: boolean;
}

/** The page has no text to extract (only scripts and markup). */
export class NoArticleError extends Error {
  override readonly name = "NoArticleError";
}

interface Libraries {
  jsdom: typeof Jsdom;
  readability: typeof ReadabilityModule;
}

const loadCommonJs = createRequire(import.meta.url);
let libraries: Libraries | undefined;

function lazyLibraries(): Libraries {
  libraries ??= {
    jsdom: loadCommonJs("jsdom") as typeof Jsdom,
    readability: loadCommonJs("@mozilla/readability") as typeof ReadabilityModule,
  };
  return libraries;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Elements whose text is never content. */
const SKIPPED = new Set([
  "SCRIPT",
  "STYLE",
  "NOSCRIPT",
  "TEMPLATE",
  "FIGCAPTION",
  "BUTTON",
  "SELECT",
  "TEXTAREA",
  "SVG",
  "IFRAME",
  "OBJECT",
  "CANVAS",
  "HEAD",
  "TITLE",
  "INPUT",
]);

/** Elements that end a paragraph (the inline text before them is one block, after them another). */
const BLOCKS = new Set([
  "ADDRESS",
  "ARTICLE",
  "ASIDE",
  "BLOCKQUOTE",
  "CAPTION",
  "CENTER",
  "DETAILS",
  "DIV",
  "FIELDSET",
  "FIGURE",
  "FOOTER",
  "FORM",
  "HEADER",
  "HR",
  "MAIN",
  "NAV",
  "P",
  "SECTION",
  "SUMMARY",
  "BODY",
  "HTML",
]);

/** Chrome around a page's content, removed when the page is read without Readability. */
const CHROME_SELECTOR = [
  "nav",
  "header",
  "footer",
  "aside",
  "form",
  "[role=navigation]",
  "[role=banner]",
  "[role=contentinfo]",
  "[role=complementary]",
  "[role=search]",
  "[aria-hidden=true]",
  "[hidden]",
].join(",");
const CHROME_NAME =
  /(^|[\s_-])(nav|navbar|navheader|navfooter|navigation|menu|menubar|sidebar|side-bar|breadcrumbs?|toc|skip|skiplink|site-header|site-footer|masthead|footer|cookie|banner|share|social|pagination|pager|related|recommended|newsletter|subscribe|promo|advert|ads?)($|[\s_-])/iu;
/** Comment threads are never the page's text, however long. */
const COMMENTS_NAME = /(^|[\s_-])(comments?|disqus|responses)($|[\s_-])/iu;

type Out = RenderedText;

const ADMONITION = /^(note|tip|hint|warning|caution|important|attention|danger|example|see also)s?:?$/iu;

/** Text of an element's inline content, with `<br>` as a line break (block children are left out). */
function inlineText(root: Node, stopAtBlocks: boolean): string {
  const parts: string[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType === TEXT_NODE) {
      parts.push(node.nodeValue ?? "");
      continue;
    }
    if (node.nodeType !== ELEMENT_NODE) continue;
    const tag = (node as Element).tagName.toUpperCase();
    if (node !== root) {
      if (SKIPPED.has(tag)) continue;
      if (tag === "BR") {
        parts.push("\n");
        continue;
      }
      if (stopAtBlocks && isStructural(tag)) continue;
      if (tag === "IMG") continue;
    }
    const children = node.childNodes;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
  }
  return parts.join("");
}

function isStructural(tag: string): boolean {
  return (
    BLOCKS.has(tag) ||
    /^H[1-6]$/u.test(tag) ||
    tag === "UL" ||
    tag === "OL" ||
    tag === "DL" ||
    tag === "LI" ||
    tag === "DT" ||
    tag === "DD" ||
    tag === "TABLE" ||
    tag === "PRE"
  );
}

/**
 * Writes an element's content as blocks. An explicit stack of work items (enter a node, flush a paragraph) instead of
 * recursion.
 */
function render(root: Node, out: Out): void {
  let inline = "";
  const flush = (): void => {
    if (inline.trim() !== "") out.paragraph(inline.replace(/[ \t\r\f]+/gu, " "));
    inline = "";
  };
  type Work = { node: Node } | { flush: true };
  const stack: Work[] = [{ node: root }];
  // Descriptions already written with their term.
  const consumed = new Set<Node>();
  while (stack.length > 0) {
    const work = stack.pop() as Work;
    if ("flush" in work) {
      flush();
      continue;
    }
    const node = work.node;
    if (consumed.has(node)) continue;
    if (node.nodeType === TEXT_NODE) {
      inline += (node.nodeValue ?? "").replace(/[ \t\n\r\f]+/gu, " ");
      continue;
    }
    if (node.nodeType !== ELEMENT_NODE) continue;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (SKIPPED.has(tag)) continue;
    if (tag === "BR") {
      inline += "\n";
      continue;
    }
    const heading = /^H([1-6])$/u.exec(tag);
    if (heading) {
      flush();
      const title = inlineText(element, false);
      // "Note", "Tip", "Warning" over an admonition box label it; they are not sections of the page.
      if (!ADMONITION.test(title.trim())) out.heading(Number(heading[1]), title);
      continue;
    }
    if (tag === "PRE") {
      flush();
      out.code(element.textContent ?? "");
      continue;
    }
    if (tag === "TABLE") {
      flush();
      renderTable(element, out, stack);
      continue;
    }
    if (tag === "LI") {
      flush();
      const { text, usedFirst } = leadText(element);
      out.item(null, text);
      pushBlockChildren(element, stack, usedFirst);
      continue;
    }
    if (tag === "DT") {
      flush();
      // A term and the description right after it are one item: "--verbose  Print more."
      const next = element.nextElementSibling;
      if (next !== null && next.tagName.toUpperCase() === "DD") {
        const { text, usedFirst } = leadText(next);
        out.item(inlineText(element, false), text);
        consumed.add(next);
        pushBlockChildren(next, stack, usedFirst);
      } else {
        out.item(inlineText(element, false), "");
      }
      continue;
    }
    const block = isStructural(tag);
    if (block) {
      flush();
      stack.push({ flush: true });
    }
    pushChildren(element, stack);
  }
  flush();
}

function pushChildren(element: Element, stack: Array<{ node: Node } | { flush: true }>): void {
  const children = element.childNodes;
  for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as Node });
}

/** Pushes an item's structural children (nested lists, code, tables, paragraphs), the first one left out when used. */
function pushBlockChildren(element: Element, stack: Array<{ node: Node } | { flush: true }>, skipFirst: boolean): void {
  const children = Array.from(element.children).filter((c) => isStructural(c.tagName.toUpperCase()));
  const kept = skipFirst ? children.slice(1) : children;
  for (let i = kept.length - 1; i >= 0; i--) stack.push({ node: kept[i] as Node });
}

/** An item's own text: its inline text, or its first paragraph when it is made of paragraphs (then `usedFirst`). */
function leadText(element: Element): { text: string; usedFirst: boolean } {
  const own = inlineText(element, true);
  if (own.trim() !== "") return { text: own, usedFirst: false };
  const first = element.firstElementChild;
  if (first !== null && first.tagName.toUpperCase() === "P") return { text: inlineText(first, false), usedFirst: true };
  return { text: "", usedFirst: false };
}

function renderTable(table: Element, out: Out, stack: Array<{ node: Node } | { flush: true }>): void {
  const rows = Array.from(table.querySelectorAll("tr")).filter((tr) => tr.closest("table") === table);
  for (const tr of rows) {
    const cells = Array.from(tr.children).filter((c) => /^T[HD]$/u.test(c.tagName.toUpperCase()));
    // A layout table (one cell holding blocks) is not a table of data: its content is read as blocks.
    if (
      cells.length === 1 &&
      (cells[0] as Element).querySelector("p, div, pre, ul, ol, table, h1, h2, h3, h4") !== null
    ) {
      stack.push({ node: cells[0] as Node });
      continue;
    }
    out.row(cells.map((c) => inlineText(c, false)));
  }
  const caption = table.querySelector("caption");
  if (caption !== null) out.paragraph(inlineText(caption, false));
}

const nonEmpty = (value: string | null | undefined): string | null => {
  const trimmed = value?.replace(/\s+/gu, " ").trim();
  return trimmed ? trimmed : null;
};

/** Canonical URL of the page: `<link rel=canonical>`, else `og:url`. Relative links are resolved against `baseUrl`. */
function canonicalUrl(document: Document, baseUrl: string | undefined): string | null {
  const candidates = [
    document.querySelector('link[rel~="canonical" i]')?.getAttribute("href"),
    document.querySelector('meta[property="og:url" i]')?.getAttribute("content"),
  ];
  for (const candidate of candidates) {
    const href = nonEmpty(candidate);
    if (!href) continue;
    try {
      return new URL(href, baseUrl).href;
    } catch {
      // Relative with no base, or malformed: try the next source.
    }
  }
  return null;
}

const meta = (document: Document, selector: string): string | null =>
  nonEmpty(document.querySelector(selector)?.getAttribute("content"));

/** A "By Jane Doe" byline reads as the author's name. */
function authorFromByline(byline: string | null | undefined): string | null {
  return nonEmpty(byline?.replace(/^\s*by\s+/iu, ""));
}

const wordsOf = (text: string): number => (text.match(/[\p{L}\p{N}]+/gu) ?? []).length;

/**
 * How much of the main content's prose (its paragraphs of a dozen words or more, by words) Readability's article
 * holds. An article page loses only chrome; a manual page whose article is one section loses whole paragraphs.
 */
function proseCoverage(article: string, main: string): number {
  const kept = new Set(article.split("\n").map((line) => line.replace(/^(• |\| |#+ )/u, "").trim()));
  let total = 0;
  let covered = 0;
  for (const line of main.split("\n")) {
    const paragraph = line.replace(/^(• |\| |#+ )/u, "").trim();
    const words = wordsOf(paragraph);
    if (words < 12) continue;
    total += words;
    if (kept.has(paragraph)) covered += words;
  }
  return total === 0 ? 1 : covered / total;
}

/** The page's main content with its chrome removed. */
function mainContent(document: Document): Element {
  const root =
    document.querySelector("main, [role=main]") ??
    (document.querySelectorAll("article").length === 1 ? document.querySelector("article") : null) ??
    document.querySelector("#content, #main, .content, .main-content, #main-content") ??
    document.body ??
    document.documentElement;
  for (const element of Array.from(root.querySelectorAll(CHROME_SELECTOR))) element.remove();
  for (const element of Array.from(root.querySelectorAll("[class], [id]"))) {
    const names = `${element.getAttribute("class") ?? ""} ${element.getAttribute("id") ?? ""}`;
    // Only small containers: a wrapper named "page-header" around the whole article is not chrome.
    if (COMMENTS_NAME.test(names) || (CHROME_NAME.test(names) && wordsOf(element.textContent ?? "") < 400)) {
      element.remove();
    }
  }
  return root;
}

/** Deepest element nesting kept: deeper tags are dropped (their text stays), so no DOM walk can exhaust the stack. */
export const MAX_NESTING = 400;

const VOID = new Set("area base br col embed hr img input link meta source track wbr param keygen".split(" "));
/** Elements HTML closes by itself when the next one opens: they do not nest in practice. */
const SELF_CLOSING = new Set("p li dt dd tr td th option thead tbody tfoot colgroup caption rp rt".split(" "));

/**
 * The page with its nesting capped at `MAX_NESTING`: a single linear scan over the tags (each `<` is looked at once,
 * up to its `>`), dropping the tags that would open deeper than that and their closing tags.
 */
export function capNesting(html: string): string {
  const out: string[] = [];
  let depth = 0;
  let dropped = 0;
  let copied = 0;
  let i = html.indexOf("<");
  while (i !== -1) {
    const close = html.indexOf(">", i + 1);
    if (close === -1) break;
    const m = /^<(\/?)([A-Za-z][A-Za-z0-9-]{0,30})/u.exec(html.slice(i, Math.min(close + 1, i + 34)));
    if (m !== null) {
      const name = (m[2] as string).toLowerCase();
      const closing = m[1] === "/";
      const selfClosed = html.charCodeAt(close - 1) === 47;
      if (!VOID.has(name) && !SELF_CLOSING.has(name) && !selfClosed) {
        if (!closing) {
          depth++;
          if (depth > MAX_NESTING) {
            out.push(html.slice(copied, i));
            copied = close + 1;
            dropped++;
          }
        } else {
          if (depth > MAX_NESTING && dropped > 0) {
            out.push(html.slice(copied, i));
            copied = close + 1;
            dropped--;
          }
          depth = Math.max(0, depth - 1);
        }
      }
    }
    i = html.indexOf("<", close + 1);
  }
  if (copied === 0) return html;
  out.push(html.slice(copied));
  return out.join("");
}

/**
 * Extracts a page's text and metadata. Scripts never run and no resources are fetched. Throws `NoArticleError` when
 * there is no text.
 */
export function extractHtmlArticle(html: string, options: { url?: string } = {}): HtmlArticle {
  const { jsdom, readability } = lazyLibraries();
  // A silent console: malformed CSS or markup is not the reader's problem.
  const virtualConsole = new jsdom.VirtualConsole();
  const dom = new jsdom.JSDOM(capNesting(html), { virtualConsole, ...(options.url ? { url: options.url } : {}) });
  try {
    const document = dom.window.document;
    // Read what the page says about itself first: Readability rewrites the document it parses.
    const url = canonicalUrl(document, options.url);
    const ownTitle = meta(document, 'meta[property="og:title" i]') ?? nonEmpty(document.title);
    const siteName = meta(document, 'meta[property="og:site_name" i]');
    const metaAuthor = meta(document, 'meta[name="author" i]');
    const metaDate =
      meta(document, 'meta[property="article:published_time" i]') ?? meta(document, 'meta[name="date" i]');

    const fallback = new RenderedText();
    render(mainContent(document.cloneNode(true) as Document), fallback);
    const fallbackText = fallback.toString();

    // Comment threads and hidden parts are never the article, whatever Readability makes of them.
    for (const element of Array.from(document.querySelectorAll("[class], [id], [hidden], [aria-hidden=true]"))) {
      const names = `${element.getAttribute("class") ?? ""} ${element.getAttribute("id") ?? ""}`;
      if (
        COMMENTS_NAME.test(names) ||
        element.hasAttribute("hidden") ||
        element.getAttribute("aria-hidden") === "true"
      ) {
        element.remove();
      }
    }
    let article: ReturnType<ReadabilityModule.Readability<Node>["parse"]> = null;
    try {
      article = new readability.Readability<Node>(document, { serializer: (node) => node }).parse();
    } catch {
      article = null;
    }
    let text = fallbackText;
    let usedReadability = false;
    if (article?.content) {
      const out = new RenderedText();
      render(article.content, out);
      const readable = out.toString();
      // Readability's article, unless it left out much of the page's main prose (one section of a manual page).
      if (readable.trim() !== "" && proseCoverage(readable, fallbackText) >= 0.8) {
        text = readable;
        usedReadability = true;
      }
    }
    if (text.trim() === "") throw new NoArticleError("no text found in the HTML");
    // The page's first top-level heading, read before Readability (which drops the one it takes for the title).
    const firstHeading = /^# (.+)$/mu.exec(fallbackText)?.[1] ?? null;
    return {
      text,
      title: nonEmpty(article?.title) ?? ownTitle,
      firstHeading: nonEmpty(firstHeading),
      author: authorFromByline(article?.byline) ?? metaAuthor,
      publisher: nonEmpty(article?.siteName) ?? siteName,
      date: nonEmpty(article?.publishedTime) ?? metaDate,
      url,
      readability: usedReadability,
    };
  } finally {
    dom.window.close();
  }
}

/**
 * A fragment or page converted from another format (DOCX through mammoth): its whole body as blocks, no Readability
 * and no chrome removal (there is no site around it).
 */
export function renderHtmlBody(html: string): { text: string; firstHeading: string | null } {
  const { jsdom } = lazyLibraries();
  const dom = new jsdom.JSDOM(capNesting(html), { virtualConsole: new jsdom.VirtualConsole() });
  try {
    const out = new RenderedText();
    const body = dom.window.document.body ?? dom.window.document.documentElement;
    render(body, out);
    const text = out.toString();
    return { text, firstHeading: nonEmpty(/^#{1,6} (.+)$/mu.exec(text)?.[1]) };
  } finally {
    dom.window.close();
  }
}

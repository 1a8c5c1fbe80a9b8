/**
 * HTML article extraction: @mozilla/readability on a jsdom document, then the article's block
 * elements turned into plain text (one paragraph per block, blank lines between).
 *
 * jsdom takes a while to load, so it is required on first use: corpora without HTML never pay for it.
 */
import { createRequire } from "node:module";
import type * as Jsdom from "jsdom";
import type * as ReadabilityModule from "@mozilla/readability";

/** What an HTML page says about itself, plus its article text. Unknown fields are null. */
export interface HtmlArticle {
  /** Article text: paragraphs separated by a blank line, lines inside a paragraph (from `<br>`) by a newline. */
  text: string;
  title: string | null;
  author: string | null;
  publisher: string | null;
  /** As the page states it (`article:published_time` and similar); validated by the caller. */
  date: string | null;
  url: string | null;
}

/** The page has no article to extract (only scripts and markup, or nothing Readability accepts). */
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

/** Elements that start a new paragraph. */
const BLOCK_ELEMENTS = new Set([
  "ADDRESS",
  "ARTICLE",
  "ASIDE",
  "BLOCKQUOTE",
  "CAPTION",
  "DD",
  "DETAILS",
  "DIV",
  "DL",
  "DT",
  "FIELDSET",
  "FIGURE",
  "FOOTER",
  "FORM",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "HEADER",
  "HR",
  "LI",
  "MAIN",
  "NAV",
  "OL",
  "P",
  "PRE",
  "SECTION",
  "SUMMARY",
  "TABLE",
  "TBODY",
  "TD",
  "TFOOT",
  "TH",
  "THEAD",
  "TR",
  "UL",
]);

/** Elements whose text is never article text (Readability removes most; this is the belt to its braces). */
const SKIPPED_ELEMENTS = new Set([
  "SCRIPT",
  "STYLE",
  "NOSCRIPT",
  "TEMPLATE",
  "FIGCAPTION",
  "BUTTON",
  "SELECT",
  "TEXTAREA",
  "SVG",
]);

/** Plain text of an element's content, one paragraph per block element. */
function blocksToText(root: Node): string {
  const paragraphs: string[] = [];
  let inline = "";
  const flush = (): void => {
    const lines = inline
      .split("\n")
      .map((line) => line.replace(/ +/gu, " ").trim())
      .filter((line) => line.length > 0);
    if (lines.length > 0) paragraphs.push(lines.join("\n"));
    inline = "";
  };
  const walk = (node: Node): void => {
    if (node.nodeType === TEXT_NODE) {
      inline += (node.nodeValue ?? "").replace(/[ \t\n\r\f]+/gu, " ");
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const tag = (node as Element).tagName.toUpperCase();
    if (SKIPPED_ELEMENTS.has(tag)) return;
    if (tag === "BR") {
      inline += "\n";
      return;
    }
    const block = BLOCK_ELEMENTS.has(tag);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) flush();
  };
  walk(root);
  flush();
  return paragraphs.join("\n\n");
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

/** A "By Jane Doe" byline reads as the author's name. */
function authorFromByline(byline: string | null | undefined): string | null {
  return nonEmpty(byline?.replace(/^\s*by\s+/iu, ""));
}

/**
 * Extracts the article from an HTML page. Scripts never run and no resources are fetched.
 * Throws `NoArticleError` when there is no article text.
 */
export function extractHtmlArticle(html: string, options: { url?: string } = {}): HtmlArticle {
  const { jsdom, readability } = lazyLibraries();
  // A silent console: malformed CSS or markup is not the reader's problem.
  const virtualConsole = new jsdom.VirtualConsole();
  const dom = new jsdom.JSDOM(html, { virtualConsole, ...(options.url ? { url: options.url } : {}) });
  try {
    const document = dom.window.document;
    // Read the canonical link first: Readability rewrites the document it parses.
    const url = canonicalUrl(document, options.url);
    const article = new readability.Readability<Node>(document, { serializer: (node) => node }).parse();
    const text = article?.content ? blocksToText(article.content) : "";
    if (!article || text.trim() === "") throw new NoArticleError("no article text found");
    return {
      text,
      title: nonEmpty(article.title),
      author: authorFromByline(article.byline),
      publisher: nonEmpty(article.siteName),
      date: nonEmpty(article.publishedTime),
      url,
    };
  } finally {
    dom.window.close();
  }
}

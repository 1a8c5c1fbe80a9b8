import { describe, expect, it } from "vitest";
import { documentFromStored } from "../../../src/core/ingest/document.js";
import { capNesting, extractHtmlArticle, MAX_NESTING } from "../../../src/core/ingest/html.js";
import { loadDocument } from "../../../src/core/ingest/load.js";
import { parseRendered } from "../../../src/core/ingest/structure.js";
import type { CorpusDocument } from "../../../src/core/types.js";

/** A manual page: site header and navigation, a sidebar, a footer, and a body Readability would keep only part of. */
const DOCS_PAGE = `<!DOCTYPE html><html><head><title>VACUUM</title></head><body>
<header class="site-header"><a href="/">HEADER_TEXT home</a> <a href="/docs">Documentation</a></header>
<nav><ul><li><a href="/a">NAV_TEXT chapter one</a></li><li><a href="/b">Chapter two</a></li></ul></nav>
<div class="navheader"><table><tr><td>Prev</td><td>Up</td><td>Next</td></tr></table></div>
<aside class="sidebar"><p>SIDEBAR_TEXT related pages and other things to read.</p></aside>
<main>
  <h1>VACUUM</h1>
  <p>VACUUM — garbage-collect and optionally analyze a database</p>
  <h2>Synopsis</h2>
  <pre>VACUUM [ FULL ] [ FREEZE ] [ VERBOSE ] [ table_name ]</pre>
  <h2>Description</h2>
  <p>VACUUM reclaims storage occupied by dead tuples. Plain VACUUM can run in parallel with normal reading and
  writing of the table, as an exclusive lock is not obtained.</p>
  <div class="tip"><h3>Tip</h3><p>Run it often on tables that are updated often.</p></div>
  <h2>Parameters</h2>
  <dl>
    <dt>FULL</dt><dd><p>Selects full vacuum, which can reclaim more space, but takes much longer.</p><p>It needs extra disk space.</p></dd>
    <dt>VERBOSE</dt><dd>Prints a detailed vacuum activity report for each table.</dd>
  </dl>
  <table><tr><th>Mode</th><th>Lock</th></tr><tr><td>plain</td><td>SHARE UPDATE EXCLUSIVE</td></tr></table>
  <ul><li>first item of a list</li><li>second item <ul><li>nested item</li></ul></li></ul>
</main>
<footer class="site-footer"><p>FOOTER_TEXT Copyright 1996–2024 The Group. All rights reserved.</p></footer>
</body></html>`;

const kept = (doc: CorpusDocument) =>
  doc.content.map((s) => [s.kind ?? "prose", (s.section ?? []).join(" › "), doc.text.slice(s.start, s.end)]);

describe("HTML documentation pages", () => {
  it("keeps the main content as blocks, without the site's header, navigation, sidebar or footer", async () => {
    const doc = await loadDocument("vacuum.html", DOCS_PAGE);
    for (const chrome of ["HEADER_TEXT", "NAV_TEXT", "SIDEBAR_TEXT", "FOOTER_TEXT", "Prev"])
      expect(doc.text).not.toContain(chrome);
    expect(doc.source.title).toBe("VACUUM");
    expect(kept(doc)).toEqual([
      ["prose", "", "VACUUM — garbage-collect and optionally analyze a database"],
      ["code", "Synopsis", "VACUUM [ FULL ] [ FREEZE ] [ VERBOSE ] [ table_name ]"],
      [
        "prose",
        "Description",
        "VACUUM reclaims storage occupied by dead tuples. Plain VACUUM can run in parallel with normal reading and writing of the table, as an exclusive lock is not obtained.",
      ],
      // An admonition's label ("Tip") is not a section.
      ["prose", "Description", "Run it often on tables that are updated often."],
      ["item", "Parameters", "FULL\n  Selects full vacuum, which can reclaim more space, but takes much longer."],
      ["prose", "Parameters", "It needs extra disk space."],
      ["item", "Parameters", "VERBOSE\n  Prints a detailed vacuum activity report for each table."],
      ["row", "Parameters", "Mode | Lock"],
      ["row", "Parameters", "plain | SHARE UPDATE EXCLUSIVE"],
      ["item", "Parameters", "first item of a list"],
      ["item", "Parameters", "second item"],
      ["item", "Parameters", "nested item"],
    ]);
  });

  it("stores text that reads back to the same blocks (a stored upload is indexed the same after a restart)", async () => {
    const doc = await loadDocument("vacuum.html", DOCS_PAGE);
    expect(documentFromStored(doc).content).toEqual(doc.content);
    const blocks = parseRendered(extractHtmlArticle(DOCS_PAGE).text);
    expect(blocks.filter((b) => b.kind === "heading").map((b) => b.text)).toEqual([
      "Synopsis",
      "Description",
      "Parameters",
    ]);
  });

  it("uses Readability for an article page, and the page's own metadata", () => {
    const page = `<html><head><title>Bridge reopens | River Times</title><meta property="og:site_name" content="River Times"></head><body>
      <nav><a href="/">Home</a></nav>
      <article><h1>Bridge reopens</h1>
      <p>The old stone bridge reopened to cyclists on Friday morning, two years after it was closed for safety checks.</p>
      <p>Engineers replaced the worn paving and strengthened the parapets, the council said in a statement on Friday.</p>
      <p>The bridge will remain closed to cars, which the council said would protect the structure for decades.</p></article>
      <div class="comments"><p>COMMENT_TEXT I always said this bridge was a disgrace and a waste of public money.</p></div>
      </body></html>`;
    const article = extractHtmlArticle(page);
    expect(article.readability).toBe(true);
    expect(article.publisher).toBe("River Times");
    expect(article.text).not.toContain("COMMENT_TEXT");
    expect(article.text).toContain("The old stone bridge reopened");
  });

  it("caps nesting, so twenty thousand nested divs load like a page of ordinary depth", async () => {
    const deep = `<html><body>${"<div>".repeat(20_000)}<p>A sentence at the bottom of twenty thousand divs.</p>${"</div>".repeat(20_000)}</body></html>`;
    const capped = capNesting(deep);
    expect(capped.split("<div>").length - 1).toBe(MAX_NESTING - 2); // <html> and <body> count too
    expect(capped.split("</div>").length - 1).toBe(MAX_NESTING - 2); // <html> and <body> count too
    const doc = await loadDocument("deep.html", deep);
    expect(doc.text).toContain("A sentence at the bottom of twenty thousand divs.");
  });
});

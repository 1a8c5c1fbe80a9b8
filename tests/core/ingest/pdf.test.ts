import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadDocument, type LoadedDocument } from "../../../src/core/ingest/load.js";
import { REPO_ROOT } from "../../support/paths.js";

const pdf = (name: string): Buffer => readFileSync(path.join(REPO_ROOT, "eval/corpora/pdf-manuals/docs", name));

describe("PDF (libtasn1's 36-page manual, from Debian's libtasn1-doc)", () => {
  let doc: LoadedDocument;
  beforeAll(async () => {
    doc = await loadDocument("libtasn1.pdf", pdf("libtasn1.pdf"));
  });

  it("joins lines into paragraphs and rejoins words hyphenated at a line's end", () => {
    // In the PDF: "…Distinguished Encoding Rules (DER) manip-" / "ulation."
    expect(doc.text).toContain(
      "This manual is for GNU Libtasn1 (version 4.19.0, 18 August 2022), which is a library for Abstract Syntax Notation One (ASN.1) and Distinguished Encoding Rules (DER) manipulation.",
    );
    expect(doc.text).not.toMatch(/\p{Ll}-\n/u);
  });

  it("drops running headers, page numbers and the table of contents' dot leaders", () => {
    expect(doc.text).not.toMatch(/^Chapter \d+: .* \d+$/mu);
    expect(doc.text).not.toMatch(/^\d{1,3}$/mu);
    expect(doc.text).not.toMatch(/\. \. \. \./u);
  });

  it("reads headings as sections, monospace text as code and bullets as items", () => {
    const sections = new Set(doc.content.map((s) => (s.section ?? []).join(" › ")));
    expect([...sections].some((s) => s.includes("2.1 ASN.1 syntax"))).toBe(true);
    const code = doc.content.filter((s) => s.kind === "code").map((s) => doc.text.slice(s.start, s.end));
    expect(code).toContain("Version ::= INTEGER");
    const items = doc.content.filter((s) => s.kind === "item").map((s) => doc.text.slice(s.start, s.end));
    expect(items).toContain("Distinguished Encoding Rules (DER) encoding support.");
  });

  it("takes metadata from the info dictionary and, with no title there, the first heading", () => {
    expect(doc.source).toMatchObject({ title: "Libtasn1", date: "2025-02-08" });
    expect(doc.words.kept / doc.words.total).toBeGreaterThan(0.95);
  });
});

describe("PDF problems", () => {
  it("reports a scanned PDF with no text layer by name, instead of indexing it empty", async () => {
    await expect(loadDocument("scan.pdf", pdf("scanned-no-text.pdf"))).rejects.toThrow(
      /^scan\.pdf: no text layer \(a scanned PDF\?\)/,
    );
  });

  it("reports bytes that are not a PDF", async () => {
    await expect(loadDocument("x.pdf", "%PDF-1.4 and nothing else")).rejects.toThrow(/not a readable PDF/);
  });

  it("takes the info dictionary's title when it has one, and drops running titles with roman page numbers", async () => {
    const guide = await loadDocument("maint-guide.en.pdf", pdf("maint-guide.en.pdf"));
    expect(guide.source.title).toBe("Debian New Maintainers' Guide");
    expect(guide.text).not.toMatch(/^Debian New Maintainers’ Guide [ivx\d]+$/mu);
  });

  it("drops a chapter's running title that recurs on the chapter's pages, but keeps headings that recur", async () => {
    const fhs = await loadDocument("fhs-3.0.pdf", pdf("fhs-3.0.pdf"));
    expect(fhs.text).not.toMatch(/^The \/var Hierarchy$/mu);
    expect(fhs.text).toContain("# Chapter 5. The /var Hierarchy");
    expect(fhs.text.match(/^#+ Rationale$/gmu)?.length).toBeGreaterThan(10);
  });
});

import { describe, expect, it } from "vitest";
import {
  dateProblem,
  isPathLikeTitle,
  readableFileName,
  stripBidi,
  usableTitle,
} from "../../../src/core/ingest/metadata.js";
import { loadDocument } from "../../../src/core/ingest/load.js";

describe("dates", () => {
  it("refuses impossible days and times instead of moving them", () => {
    expect(dateProblem("2024-02-29")).toBeNull();
    expect(dateProblem("2024-02-30")).toBe("is not a real calendar date");
    expect(dateProblem("2023-02-29")).toBe("is not a real calendar date");
    expect(dateProblem("2024-13-01")).toBe("is not a real calendar date");
    expect(dateProblem("2024-10-06T05:58:00Z")).toBeNull();
    expect(dateProblem("2024-10-06T25:00:00Z")).toBe("is not a real time of day");
    expect(dateProblem("last Tuesday")).toBe("is not an ISO date (YYYY-MM-DD)");
  });
});

describe("one rule for path-like titles", () => {
  it("refuses paths and keeps titles with a slash", () => {
    for (const path of [
      "../../x",
      "C:\\Users\\me\\doc.docx",
      "/home/me/notes",
      "~/notes",
      "docs/intro.md",
      "a/b/c",
      "a\\b",
    ]) {
      expect(isPathLikeTitle(path), path).toBe(true);
    }
    for (const title of ["TCP/IP", "Input/Output", "AC/DC: a history", "Installation", "v2.0 release notes"]) {
      expect(isPathLikeTitle(title), title).toBe(false);
    }
  });

  it("applies to every source of a title: front matter, HTML <title>, and the fallbacks", async () => {
    const warnings: string[] = [];
    const fromFrontMatter = await loadDocument(
      "notes.md",
      "---\ntitle: ../../etc/passwd\n---\n# Harbour notes\n\nThe ferry runs daily.\n",
      {
        onWarning: (w) => warnings.push(w),
      },
    );
    expect(fromFrontMatter.source.title).toBe("Harbour notes");
    expect(warnings).toEqual([expect.stringMatching(/^title "..\/..\/etc\/passwd" looks like a file path/)]);
    const html = await loadDocument(
      "page.html",
      "<html><head><title>C:\\docs\\page.html</title></head><body><main><h1>Ferry timetable</h1><p>The ferry runs every hour from the harbour, all year.</p></main></body></html>",
    );
    expect(html.source.title).toBe("Ferry timetable");
  });

  it("never takes markup or a placeholder as a title", () => {
    expect(usableTitle('<p align="center">')).toBeNull();
    expect(usableTitle("[![npm](badge.svg)](x)")).toBeNull();
    expect(usableTitle("Microsoft Word - report.doc")).toBeNull();
    expect(usableTitle("untitled")).toBeNull();
    expect(usableTitle("  The  harbour\nguide ")).toBe("The harbour guide");
  });
});

describe("names and file names", () => {
  it("strips bidirectional controls", async () => {
    expect(stripBidi("photo\u202egnp.exe")).toBe("photognp.exe");
    const doc = await loadDocument(
      "re\u202eport.md",
      "---\ntitle: \u2067Harbour\u2069 notes\nauthor: \u202eAnn\n---\nThe ferry runs daily.\n",
    );
    expect(doc.source.title).toBe("Harbour notes");
    expect(doc.source.author).toBe("Ann");
    expect(doc.source.path).toBe("report.md");
  });

  it("makes a file name readable as the last resort", () => {
    expect(readableFileName("docs/node-fetch-README.md")).toBe("node fetch README");
    expect(readableFileName("my_notes.txt")).toBe("my notes");
    expect(readableFileName("gzip.1")).toBe("gzip(1)");
  });
});

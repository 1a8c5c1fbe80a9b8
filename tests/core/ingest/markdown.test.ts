import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../src/core/ingest/chunk.js";
import { loadDocument } from "../../../src/core/ingest/load.js";
import { markdownBlocks } from "../../../src/core/ingest/markdown.js";
import type { CorpusDocument } from "../../../src/core/types.js";

const README = `<p align="center"><img src="logo.svg" alt=""></p>

[![npm](https://img.shields.io/npm/v/x.svg)](https://npm.im/x) [![CI](https://ci/x.svg)](https://ci/x)

# Harbour

A small library for ferry timetables, written
over several hard-wrapped lines that end
without full stops

## Table of contents

- [Installation](#installation)
- [Usage](#usage)

## Installation

### Windows

Run the installer and restart
the terminal afterwards.

\`\`\`sh
npm install harbour --save
\`\`\`

    indented code is code too

### Linux

- Use the package manager of your distribution
- Or build it from source

| Option | Default | Meaning |
|--------|---------|---------|
| \`--port\` | 8080 | Port the timetable server listens on |
| \`--quiet\` | false | Print nothing but errors |
`;

const spans = (doc: CorpusDocument) =>
  doc.content.map((s) => ({
    text: doc.text.slice(s.start, s.end),
    kind: s.kind ?? "prose",
    section: (s.section ?? []).join(" › "),
  }));

describe("Markdown", () => {
  it("keeps the prose by block, with headings as sections, and drops badges, logos and tables of contents", async () => {
    const doc = await loadDocument("README.md", README);
    expect(doc.source.title).toBe("Harbour");
    expect(spans(doc)).toEqual([
      {
        text: "A small library for ferry timetables, written\nover several hard-wrapped lines that end\nwithout full stops",
        kind: "prose",
        section: "",
      },
      {
        text: "Run the installer and restart\nthe terminal afterwards.",
        kind: "prose",
        section: "Installation › Windows",
      },
      { text: "npm install harbour --save", kind: "code", section: "Installation › Windows" },
      { text: "indented code is code too", kind: "code", section: "Installation › Windows" },
      { text: "Use the package manager of your distribution", kind: "item", section: "Installation › Linux" },
      { text: "Or build it from source", kind: "item", section: "Installation › Linux" },
      { text: "Option | Default | Meaning", kind: "row", section: "Installation › Linux" },
      { text: "`--port` | 8080 | Port the timetable server listens on", kind: "row", section: "Installation › Linux" },
      { text: "`--quiet` | false | Print nothing but errors", kind: "row", section: "Installation › Linux" },
    ]);
    expect(doc.words.kept / doc.words.total).toBe(1);
  });

  it("makes passages that never mix sections, with code marked and a break before each list item or row", async () => {
    const doc = await loadDocument("README.md", README);
    const passages = chunkDocument(doc);
    for (const p of passages) {
      const text = doc.text.slice(p.start, p.end);
      expect(text.includes("## ")).toBe(false);
      for (const s of p.sentences) expect(s.start >= p.start && s.end <= p.end).toBe(true);
    }
    const windows = passages.find((p) => (p.section ?? []).join(" › ") === "Installation › Windows");
    expect(windows?.kinds).toEqual(["prose", "code", "code"]);
    const linux = passages.find((p) => (p.section ?? []).join(" › ") === "Installation › Linux");
    expect(linux?.breaks).toEqual([false, true, true, true, true]);
  });

  it("reads the text inside HTML blocks, a heading there included, and never the markup", () => {
    const body =
      '<h1 align="center">Fast &amp; small</h1>\n\n<p align="center">A <b>tiny</b> parser for the harbour.</p>\n';
    const blocks = markdownBlocks(body);
    expect(blocks.map((b) => [b.kind, body.slice(b.start, b.end)])).toEqual([
      ["heading", "Fast &amp; small"],
      ["prose", "A <b>tiny</b> parser for the harbour."],
    ]);
  });

  it("reads admonition containers (`::: tip`, `:::: code-group`) as Markdown, their fence lines never words", async () => {
    const body = [
      "# Commands",
      "",
      "::: tip",
      "Register each command once,",
      "not on every start.",
      ":::",
      "",
      ":::: code-group",
      "::: code-group-item npm",
      "```sh",
      "npm install harbour",
      "```",
      ":::",
      "::::",
      "",
      ":::warning Careful",
      "- Tokens are secrets",
      ":::",
      "",
      "Then run it.",
      "",
    ].join("\n");
    const doc = await loadDocument("commands.md", body);
    expect(spans(doc)).toEqual([
      { text: "Register each command once,\nnot on every start.", kind: "prose", section: "" },
      { text: "npm install harbour", kind: "code", section: "" },
      { text: "Tokens are secrets", kind: "item", section: "" },
      { text: "Then run it.", kind: "prose", section: "" },
    ]);
    for (const s of doc.content) expect(doc.text.slice(s.start, s.end)).not.toContain(":::");
  });

  it("a code block showing container syntax inside a container does not turn the rest of the page into code", async () => {
    const body = [
      "# Guide",
      "",
      "::: details Writing a warning",
      "```md",
      "::: warning",
      "Inner.",
      ":::",
      "```",
      "After the example.",
      ":::",
      "",
      "## Later",
      "",
      "Later prose that must stay quotable.",
      "",
    ].join("\n");
    const doc = await loadDocument("guide.md", body);
    const later = spans(doc).find((s) => s.text === "Later prose that must stay quotable.");
    expect(later).toEqual({ text: "Later prose that must stay quotable.", kind: "prose", section: "Later" });
    expect(
      spans(doc)
        .filter((s) => s.kind === "code")
        .map((s) => s.text),
    ).toEqual(["::: warning\nInner.\n:::"]);
  });

  it("takes the first top-level heading as the title, not a section heading and not markup", async () => {
    const titled = async (text: string) => (await loadDocument("my-lib.md", text)).source.title;
    expect(await titled('<p align="center">\n<img src="x.png">\n</p>\n\n## Install\n\nRun it.\n')).toBe("my lib");
    expect(await titled('<h1><img src="logo.svg" alt="Chalk"></h1>\n\nTerminal styling done right.\n')).toBe("Chalk");
    expect(await titled("Harbour notes\n=============\n\nThe ferry runs daily.\n")).toBe("Harbour notes");
  });

  it("reads past markdown-it's nesting limit as plain text rather than failing", async () => {
    const deep = `${"> ".repeat(500)}A quoted sentence, very deep.\n\nThen a plain one.\n`;
    const doc = await loadDocument("deep.md", deep);
    expect(doc.content.length).toBeGreaterThan(0);
  });
});

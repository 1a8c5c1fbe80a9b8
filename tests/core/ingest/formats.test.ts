/**
 * Every format, end to end through the library: every quote is exactly the stored text at its recorded offsets, never
 * code and never markup between blocks; and on ordinary documents (the development corpora of real READMEs and man
 * pages) at least 95 % of the prose words survive cleaning.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Library } from "../../../src/core/library/library.js";
import { makeDocx } from "../../support/docx.js";
import { REPO_ROOT } from "../../support/paths.js";

const EVAL = path.join(REPO_ROOT, "eval/corpora");

/** One file of each format, each about the harbour so every question finds several of them. */
const FILES: Record<string, string> = {
  "notes.md": `# Harbour notes\n\nThe harbour ferry leaves every hour, and the\nlast ferry leaves at ten in the evening.\n\n## Tickets\n\n- Tickets for the ferry are sold at the harbour office.\n- The harbour office opens at seven.\n\n\`\`\`sh\nferry --tickets harbour office\n\`\`\`\n\n| Ferry | Leaves | Arrives |\n|---|---|---|\n| morning ferry | seven | eight |\n`,
  "plain.txt":
    "HARBOUR RULES\n\nDogs may travel on the ferry if they stay\non a lead for the whole crossing of the harbour.\n\n  $ ferry --dogs --harbour\n\nBicycles travel free on every ferry.\n",
  "page.html": `<html><head><title>Ferry timetable</title></head><body><nav><a href="/">Home</a></nav><main><h1>Ferry timetable</h1><p>The first ferry leaves the harbour at six in the morning.</p><h2>Winter</h2><p>In winter the ferry does not run after eight in the evening.</p><pre>ferry --winter --harbour</pre><ul><li>The ferry stops at the island harbour.</li><li>The ferry stops at the old pier.</li></ul><table><tr><td>ferry fare</td><td>two euros</td></tr></table></main><footer>Footer</footer></body></html>`,
  "ferry.1": `.TH FERRY 1\n.SH NAME\nferry \\- book a harbour ferry\n.SH DESCRIPTION\n\\fBferry\\fR books a seat on the harbour ferry for the next crossing.\n.TP\n.B \\-\\-night\nBook the last ferry of the evening from the harbour.\n.nf\nferry --night harbour\n.fi\n`,
  "boat.8": `.Dd January 1, 2024\n.Dt BOAT 8\n.Os\n.Sh NAME\n.Nm boat\n.Nd run the harbour ferry service\n.Sh DESCRIPTION\nThe\n.Nm\ndaemon keeps the harbour ferry timetable.\n.Bl -tag -width Ds\n.It Fl d\nRun the ferry daemon in the foreground of the harbour.\n.El\n`,
  "dock.5": `DOCK(5)                  File Formats                  DOCK(5)\n\nNAME\n       dock - harbour ferry docking file\n\nDESCRIPTION\n       The dock file lists every harbour where the ferry may dock,\n       one harbour per line.\n\n       -p, --pier\n              The pier of the harbour where the ferry docks.\n\n1.0                        2024-01-01                  DOCK(5)\n`,
};

describe("every format: quotes are the stored text at their offsets", () => {
  let dir: string;
  let library: Library;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "verbatim-formats-"));
    for (const [name, text] of Object.entries(FILES)) await writeFile(path.join(dir, name), text);
    await copyFile(path.join(EVAL, "pdf-manuals/docs/glpk-cnfsat.pdf"), path.join(dir, "cnfsat.pdf"));
    await writeFile(
      path.join(dir, "guide.docx"),
      await makeDocx([
        { text: "Ferry guide", style: "Heading1" },
        { text: "The ferry guide lists every harbour the ferry visits in summer." },
      ]),
    );
    ({ library } = await Library.open({ corpusDir: dir }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads all eight formats", () => {
    expect(library.stats().documents).toBe(8);
  });

  const QUESTIONS = [
    "When does the harbour ferry leave?",
    "Where are ferry tickets sold at the harbour?",
    "May dogs travel on the ferry across the harbour?",
    "When does the first ferry leave the harbour?",
    "Where does the ferry stop at the harbour?",
    "How do I book the last ferry from the harbour?",
    "What does the ferry daemon do in the harbour?",
    "Where does the ferry dock at the harbour pier?",
    "Which harbours does the ferry visit in summer?",
    "What is a CNF satisfiability problem?",
    "How much is the ferry fare?",
  ];

  it.each(QUESTIONS)("%s", (question) => {
    const answer = library.answer(question, { limit: 5 });
    const segment = library.segment;
    expect(answer.quotes.length).toBeGreaterThan(0);
    for (const quote of answer.quotes) {
      const doc = segment.docIndex(quote.source.id) as number;
      expect(doc).toBeDefined();
      const text = segment.text(doc);
      expect(text.slice(quote.start, quote.end)).toBe(quote.text);
      // Never code, never across markup: no sentence of it is code, and no bullet, pipe, fence or heading is inside.
      expect(quote.text).not.toMatch(/\n\s*(• |\| |```|#+ |- )/u);
      expect(quote.text).not.toMatch(/ferry --|\$ ferry/u);
      // Inside one kept span of the document.
      const content = segment.docs[doc]?.content ?? [];
      let inside = false;
      for (let k = 0; k + 1 < content.length; k += 2) {
        if ((content[k] as number) <= quote.start && quote.end <= (content[k + 1] as number)) inside = true;
      }
      const spans: Array<[number, number]> = [];
      for (let k = 0; k + 1 < content.length; k += 2) spans.push([content[k] as number, content[k + 1] as number]);
      const covered = spans.filter(([a, b]) => a < quote.end && quote.start < b);
      expect(inside || covered.length > 0, quote.text).toBe(true);
    }
  });

  it("names the section a quote comes from", () => {
    const answer = library.answer("In winter, when does the last ferry run?", { limit: 3 });
    const winter = answer.quotes.find((q) => q.text.startsWith("In winter the ferry does not run"));
    expect(winter?.section).toBe("Winter");
  });
});

describe("words kept on ordinary documents", () => {
  it.each(["markdown-readmes", "manpages"])(
    "%s: at least 95 % of prose words, every document above 90 %",
    async (name) => {
      const { library } = await Library.open({ corpusDir: path.join(EVAL, name, "docs") });
      let total = 0;
      let kept = 0;
      for (const doc of library.documentWords()) {
        expect(doc.kept / doc.total, doc.path ?? "").toBeGreaterThan(0.9);
        total += doc.total;
        kept += doc.kept;
      }
      expect(kept / total).toBeGreaterThanOrEqual(0.95);
      expect(library.stats().documents).toBeGreaterThan(40);
    },
  );

  it("keeps a hard-wrapped plain-text document whole: no line dropped for lacking a full stop", async () => {
    const text = await readFile(path.join(REPO_ROOT, "LICENSE"), "utf8").catch(() => null);
    const body =
      text ??
      "Permission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files, to deal\nin the Software without restriction.\n";
    const dir = await mkdtemp(path.join(tmpdir(), "verbatim-wrapped-"));
    try {
      await writeFile(path.join(dir, "license.txt"), body);
      const { library } = await Library.open({ corpusDir: dir });
      const [doc] = library.documentWords();
      expect(doc && doc.kept / doc.total).toBeGreaterThanOrEqual(0.95);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

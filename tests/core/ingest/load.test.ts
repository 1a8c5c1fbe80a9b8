import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DocumentLoadError, documentId, loadDocument } from "../../../src/core/ingest/load.js";
import { splitSentences } from "../../../src/core/ingest/sentences.js";
import { loadFolder, type LoadedFolder } from "../../support/corpus.js";
import type { CorpusDocument, Source } from "../../../src/core/types.js";
import { REPO_ROOT, SEEDS_DIR } from "../../support/paths.js";

const ROOT = REPO_ROOT;
const CORPUS_DIR = path.join(ROOT, "corpus");
const FIXTURES = path.join(ROOT, "tests/fixtures/corpus-loader");

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");
const kept = (document: CorpusDocument): string[] => document.content.map((s) => document.text.slice(s.start, s.end));

/** The bundled corpus's attribution, as decided from what each article itself states (see the corpus report). */
const BUNDLED: Array<{ seed: string; source: Source }> = [
  {
    seed: "000_1d6783702595b4a2.txt",
    source: {
      id: "defence-talks-russia-ambassador-concludes-term",
      title: "Russia’s ambassador to US conclude his term during a period of unprecedented bilateral tension",
      publisher: "Defence Talks",
      author: null,
      date: null,
      dateInferred: false,
      url: null,
      path: "defence-talks-russia-ambassador-concludes-term.md",
    },
  },
  {
    seed: "001_f1e1af631a486365.txt",
    source: {
      id: "kyiv-independent-antonov-concludes-term",
      title: "Russia's envoy to US concludes his term amid heightened bilateral tensions",
      publisher: "Kyiv Independent",
      author: "Olena Goncharova",
      date: "2024-10-06",
      dateInferred: false,
      url: null,
      path: "kyiv-independent-antonov-concludes-term.md",
    },
  },
  {
    seed: "002_71899114f1b0df3e.txt",
    source: {
      id: "menafn-antonov-concludes-term-returns-to-moscow",
      title: null,
      publisher: "MENAFN",
      author: null,
      date: null,
      dateInferred: false,
      url: null,
      path: "menafn-antonov-concludes-term-returns-to-moscow.md",
    },
  },
  {
    seed: "003_0702c60d84dcf9ee.txt",
    source: {
      id: "nobody-wants-to-talk-to-russias-ambassador",
      title: "Nobody wants to talk to Russia's ambassador to the US -- not even Putin",
      publisher: null,
      author: null,
      date: null,
      dateInferred: false,
      url: null,
      path: "nobody-wants-to-talk-to-russias-ambassador.md",
    },
  },
  {
    seed: "004_fef6f109d75a4af5.txt",
    source: {
      id: "russian-ambassador-returns-to-us-equal-pragmatic-ties",
      title: "Russian ambassador returns to US to build ‘equal, pragmatic’ ties",
      publisher: null,
      author: null,
      date: "2021-06-20",
      dateInferred: true,
      url: null,
      path: "russian-ambassador-returns-to-us-equal-pragmatic-ties.md",
    },
  },
];

/** The bytes after a file's front matter block (`---\n…\n---\n`). */
function bodyBytes(file: Buffer): Buffer {
  const close = file.indexOf("\n---\n", 3);
  expect(file.subarray(0, 4).toString()).toBe("---\n");
  expect(close).toBeGreaterThan(0);
  return file.subarray(close + "\n---\n".length);
}

describe("the bundled corpus", () => {
  let corpus: LoadedFolder;

  beforeAll(async () => {
    corpus = await loadFolder(CORPUS_DIR);
  });

  it("loads all five documents without problems, in path order", () => {
    expect(corpus.problems).toEqual([]);
    expect(corpus.documents.map((d) => d.source.path)).toEqual(BUNDLED.map((b) => b.source.path));
  });

  describe.each(BUNDLED)("$source.path", ({ seed, source }) => {
    const file = (): Buffer => readFileSync(path.join(CORPUS_DIR, source.path ?? ""));
    const document = (): CorpusDocument => {
      const found = corpus.documents.find((d) => d.source.path === source.path);
      if (!found) throw new Error(`${source.path} did not load`);
      return found;
    };

    it("has a body identical to its seed, byte for byte", () => {
      const seedBytes = readFileSync(path.join(SEEDS_DIR, seed));
      expect(bodyBytes(file()).equals(seedBytes)).toBe(true);
      expect(document().text).toBe(seedBytes.toString("utf8"));
    });

    it("records its seed for provenance", () => {
      expect(file().toString("utf8")).toContain(`\nseed: "${seed}"\n`);
    });

    it("has the decided attribution, with the date as a string", () => {
      expect(document().source).toEqual(source);
      expect(document().source.date === null || typeof document().source.date === "string").toBe(true);
    });

    it("hashes the raw file bytes", () => {
      expect(document().hash).toBe(sha256(file()));
    });
  });

  it("writes dates as plain YAML dates, which still load as strings", () => {
    const raw = readFileSync(path.join(CORPUS_DIR, "kyiv-independent-antonov-concludes-term.md"), "utf8");
    expect(raw).toContain("\ndate: 2024-10-06\n");
    expect(corpus.documents[1]?.source.date).toBe("2024-10-06");
  });
});

describe("loading a folder on a mixed directory", () => {
  let corpus: LoadedFolder;
  const doc = (relPath: string): CorpusDocument => {
    const found = corpus.documents.find((d) => d.source.path === relPath);
    if (!found) throw new Error(`${relPath} did not load`);
    return found;
  };

  beforeAll(async () => {
    corpus = await loadFolder(FIXTURES);
  });

  it("loads the good files in sorted order, recursing into folders", () => {
    expect(corpus.documents.map((d) => d.source.path)).toEqual([
      "article.html",
      "bad-date.md",
      "good.md",
      "nested/deeper.markdown",
      "plain-notes.txt",
    ]);
  });

  it("reports each bad file by name with a reason, and warnings for dropped metadata", () => {
    expect(corpus.problems).toEqual([
      { path: "bad-date.md", reason: expect.stringMatching(/^warning: date "last Tuesday" is not an ISO date/) },
      { path: "bad-date.md", reason: expect.stringMatching(/^warning: url "not a url" is not an http\(s\) URL/) },
      { path: "binary.txt", reason: "binary file (contains NUL bytes), not text" },
      {
        path: "broken-yaml.md",
        reason: expect.stringMatching(/^cannot read the front matter: Missing closing "quote/),
      },
      { path: "empty.md", reason: "empty file" },
      { path: "latin1.txt", reason: "not valid UTF-8 text (save it as UTF-8)" },
      { path: "only-boilerplate.txt", reason: "no article text left after removing page boilerplate" },
      { path: "scripts-only.html", reason: "no article text found in the HTML" },
    ]);
  });

  it("ignores hidden files, the root README and unsupported extensions", () => {
    const seen = [...corpus.documents.map((d) => d.source.path), ...corpus.problems.map((p) => p.path)];
    for (const ignored of [".hidden.md", "README.md", "picture.png"]) expect(seen).not.toContain(ignored);
  });

  it("reads front matter metadata, with the date as a string", () => {
    const good = doc("good.md");
    expect(good.source).toEqual({
      id: "good",
      title: "Harbour ferry returns after winter repairs",
      publisher: "The Example Gazette",
      author: "Jane Doe",
      date: "2024-03-15",
      dateInferred: false,
      url: "https://example.org/news/harbour-ferry",
      path: "good.md",
    });
    const raw = readFileSync(path.join(FIXTURES, "good.md"), "utf8");
    expect(raw.endsWith(good.text)).toBe(true);
    expect(kept(good)).toEqual([
      "The harbour ferry resumed service on Friday after three months of repairs to its engine and hull.",
      "City officials said the repairs cost less than expected. “We are glad to have it back,” the harbour master said.",
    ]);
  });

  it("loads a text file without front matter, taking its headline as the title", () => {
    const notes = doc("plain-notes.txt");
    expect(notes.text).toBe(readFileSync(path.join(FIXTURES, "plain-notes.txt"), "utf8"));
    expect(notes.source).toMatchObject({
      id: "plain-notes",
      title: "Library extends opening hours for exam season",
      publisher: null,
      date: null,
    });
    // One paragraph (its lines are one block), two sentences.
    expect(kept(notes)).toEqual([
      "The central library will stay open until midnight on weekdays during the exam season.\nStudents asked for the change in a petition signed by more than two thousand people.",
    ]);
    const [paragraph] = notes.content;
    expect(splitSentences(notes.text, paragraph).map((s) => notes.text.slice(s.start, s.end))).toEqual([
      "The central library will stay open until midnight on weekdays during the exam season.",
      "Students asked for the change in a petition signed by more than two thousand people.",
    ]);
  });

  it("falls back to the file name when the first line is not a headline", () => {
    expect(doc("nested/deeper.markdown").source).toMatchObject({ id: "nested/deeper", title: "deeper" });
  });

  it("keeps a document whose date or URL is invalid, without them", () => {
    expect(doc("bad-date.md").source).toMatchObject({ title: "Market day moves to Saturday", date: null, url: null });
  });

  describe("HTML", () => {
    it("extracts the article text, paragraphs separated by blank lines", () => {
      expect(doc("article.html").text).toBe(
        [
          "The old stone bridge reopened to cyclists on Friday morning, two years after it was closed for safety checks.",
          "Engineers replaced the worn paving and strengthened the parapets, the council said in a statement. The work was finished ahead of schedule and under budget.",
          "Local riders welcomed the news.\n“It saves me twenty minutes a day,” said one commuter who crosses the river every morning.",
          "The bridge will remain closed to cars, which the council said would protect the structure for decades to come.",
        ].join("\n\n"),
      );
    });

    it("never lets scripts, styles, navigation or the footer into the text", () => {
      const { text } = doc("article.html");
      for (const outside of [
        "SCRIPT_TEXT",
        "INLINE_SCRIPT",
        "STYLE_TEXT",
        "color: red",
        "FOOTER_TEXT",
        "All rights reserved",
        "navigation link",
        "Home",
      ]) {
        expect(text).not.toContain(outside);
      }
    });

    it("takes metadata from the page: title, byline, site name, published time, canonical URL", () => {
      expect(doc("article.html").source).toEqual({
        id: "article",
        title: "Bridge reopens to cyclists",
        publisher: "River Times",
        author: "Sam Rivera",
        date: "2023-09-01T08:30:00Z",
        dateInferred: false,
        url: "https://rivertimes.example/2023/09/bridge-reopens",
        path: "article.html",
      });
    });
  });

  it("is deterministic", async () => {
    expect(await loadFolder(FIXTURES)).toEqual(corpus);
  });
});

describe("loading a folder edge cases", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "verbatim-load-"));
    await writeFile(path.join(dir, "notes.md"), "The first note is a sentence.\n");
    await writeFile(path.join(dir, "notes.txt"), "The second note is a sentence too.\n");
    await symlink(path.join(dir, "missing.md"), path.join(dir, "dangling.md"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps ids unique when two files share a slug", async () => {
    const { documents } = await loadFolder(dir);
    expect(documents.map((d) => [d.source.path, d.source.id])).toEqual([
      ["notes.md", "notes"],
      ["notes.txt", "notes-2"],
    ]);
  });

  it("reports a broken link, which is not read", async () => {
    const { problems, skipped } = await loadFolder(dir);
    expect(problems).toEqual([]);
    expect(skipped).toEqual([{ path: "dangling.md", reason: "broken symbolic link (its target does not exist)" }]);
  });

  it("rejects when the directory itself does not exist", async () => {
    await expect(loadFolder(path.join(dir, "nope"))).rejects.toThrow(/corpus directory not found/);
  });

  it("loads jsdom only when an HTML file needs it", () => {
    const script = `
      import { createRequire } from 'node:module';
      const { loadDocument } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "src/core/ingest/load.ts")).href)});
      const { loadFolder } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, "tests/support/corpus.ts")).href)});
      const jsdomLoaded = () => Object.keys(createRequire(${JSON.stringify(ROOT + "/")}).cache).some((k) => k.includes('/node_modules/jsdom/'));
      await loadFolder(${JSON.stringify(CORPUS_DIR)});
      const before = jsdomLoaded();
      await loadDocument('page.html', '<html><body><article><p>A sentence long enough to be the article of this page.</p></article></body></html>');
      console.log(JSON.stringify({ before, after: jsdomLoaded() }));
    `;
    const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(JSON.parse(output.trim().split("\n").pop() ?? "")).toEqual({ before: false, after: true });
  });
});

describe("loadDocument", async () => {
  const body = "The harbour ferry resumed service on Friday.\n";

  it("accepts a string or a Buffer alike", async () => {
    expect(await loadDocument("a.txt", body)).toEqual(await loadDocument("a.txt", Buffer.from(body)));
  });

  it("throws a DocumentLoadError naming the file and the reason", async () => {
    const failure = async (relPath: string, bytes: Buffer | string): Promise<DocumentLoadError> => {
      try {
        await loadDocument(relPath, bytes);
      } catch (error) {
        if (error instanceof DocumentLoadError) return error;
        throw error;
      }
      throw new Error("expected a DocumentLoadError");
    };
    expect(await failure("up/load.txt", Buffer.from([0x54, 0x00, 0x65]))).toMatchObject({
      path: "up/load.txt",
      reason: "binary file (contains NUL bytes), not text",
    });
    expect(await failure("x.txt", Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x2e]))).toMatchObject({
      reason: "not valid UTF-8 text (save it as UTF-8)",
    });
    expect(await failure("x.md", "")).toMatchObject({ reason: "empty file" });
    expect(await failure("x.md", "  \n\n")).toMatchObject({ reason: "empty file" });
    expect(await failure("x.md", "---\ntitle: Only metadata\n---\n")).toMatchObject({
      reason: "no text after the front matter",
    });
    expect(await failure("x.png", body)).toMatchObject({
      reason: expect.stringMatching(/^unsupported file type "\.png"/),
    });
    expect(await failure("x.pdf", body)).toMatchObject({ reason: "not a readable PDF (Invalid PDF structure.)" });
    expect(await failure("x.md", "---\n- a\n- b\n---\nText.\n")).toMatchObject({
      reason: expect.stringMatching(/key: value/),
    });
    expect(await failure("x.md", "---\ntitle: {nested: true}\n---\nText.\n")).toMatchObject({
      reason: "invalid front matter (title: expected text)",
    });
    expect(await failure("x.md", "---\ntitle: x\n---\nSkip to content\n")).toMatchObject({
      reason: "no article text left after removing page boilerplate",
    });
    expect(await failure("x.md", "Skip to content")).toBeInstanceOf(Error);
    expect((await failure("x.md", "Skip to content")).message).toBe(
      "x.md: no article text left after removing page boilerplate",
    );
    // A one-word document is short, not boilerplate.
    expect(kept(await loadDocument("x.md", "Hello"))).toEqual(["Hello"]);
  });

  it("refuses front matter written as code instead of running it", async () => {
    const marker = "__verbatimFrontMatterRan";
    const text = `---js\n{ title: (globalThis.${marker} = true, "Ran") }\n---\nA sentence.\n`;
    await expect(loadDocument("x.md", text)).rejects.toThrow(/front matter written as code/);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it("turns YAML dates and timestamps into strings", async () => {
    const source = async (date: string): Promise<Source> =>
      (await loadDocument("x.md", `---\ndate: ${date}\n---\n${body}`)).source;
    expect((await source("2024-10-06")).date).toBe("2024-10-06");
    expect((await source('"2024-10-06"')).date).toBe("2024-10-06");
    // As the file writes it (the YAML core schema keeps timestamps as text).
    expect((await source("2024-10-06T05:58:00Z")).date).toBe("2024-10-06T05:58:00Z");
  });

  it("drops an impossible date with a warning naming the field and the value, instead of moving it", async () => {
    for (const written of ['"2024-02-30"', "2024-02-30"]) {
      const warnings: string[] = [];
      const doc = await loadDocument("x.md", `---\ndate: ${written}\ndate_inferred: true\n---\n${body}`, {
        onWarning: (w) => warnings.push(w),
      });
      expect(doc.source).toMatchObject({ date: null, dateInferred: false });
      expect(warnings).toEqual([expect.stringMatching(/^date "2024-02-30" is not a real calendar date/)]);
    }
    const warnings: string[] = [];
    await loadDocument("x.md", `---\ndate: last Tuesday\n---\n${body}`, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([expect.stringMatching(/^date "last Tuesday" is not an ISO date/)]);
  });

  it("keeps an explicitly empty title empty, and falls back only when the key is absent", async () => {
    const headlined = `Ferry returns to the harbour\n\n${body}`;
    expect((await loadDocument("x.md", `---\ntitle: null\n---\n${headlined}`)).source.title).toBeNull();
    expect((await loadDocument("x.md", `---\nauthor: A\n---\n${headlined}`)).source.title).toBe(
      "Ferry returns to the harbour",
    );
    expect((await loadDocument("x.md", `# Ferry returns to the harbour\n\n${body}`)).source.title).toBe(
      "Ferry returns to the harbour",
    );
  });

  it("credits several authors together", async () => {
    expect((await loadDocument("x.md", `---\nauthor: [Ann Lee, Bo Chan]\n---\n${body}`)).source.author).toBe(
      "Ann Lee, Bo Chan",
    );
  });

  it("lets form metadata override the file, for uploads", async () => {
    const warnings: string[] = [];
    const doc = await loadDocument("uploads/ferry.md", `---\ntitle: From the file\nauthor: File Author\n---\n${body}`, {
      id: "guild-1/ferry",
      metadata: {
        title: "From the form",
        author: null,
        publisher: "Harbour News",
        date: "2024-05-01",
        url: "ftp://nope",
      },
      onWarning: (w) => warnings.push(w),
    });
    expect(doc.source).toEqual({
      id: "guild-1/ferry",
      title: "From the form",
      publisher: "Harbour News",
      author: null,
      date: "2024-05-01",
      dateInferred: false,
      url: null,
      path: "uploads/ferry.md",
    });
    expect(warnings).toEqual([expect.stringMatching(/^url "ftp:\/\/nope" is not an http\(s\) URL/)]);
  });

  it("stores the body after the front matter exactly, so quotes are substrings of the file", async () => {
    const file = `---\r\ntitle: "T"\r\n---\r\nFirst line here.\r\n\r\nSecond line here.\r\n`;
    const doc = await loadDocument("x.md", file);
    expect(doc.text).toBe("First line here.\r\n\r\nSecond line here.\r\n");
    expect(file.endsWith(doc.text)).toBe(true);
    expect(kept(doc)).toEqual(["First line here.", "Second line here."]);
  });
});

describe("documentId", async () => {
  it("is a lowercase slug of the path without its extension", async () => {
    expect(documentId("Reports/2024 Q3/Café Report.md")).toBe("reports/2024-q3/cafe-report");
    expect(documentId("a\\b.txt")).toBe("a/b");
    expect(documentId("!!!.md")).toBe("document");
  });
});

/**
 * Fuzzing the loader and the upload path with random and adversarial documents of every supported format: long runs
 * without spaces, deep nesting, alias bombs, control characters, invalid UTF-8, huge lines, damaged PDFs and DOCX.
 * Every input must load or be refused with a reason (never crash), within a bounded multiple of the time an ordinary
 * document of its format and size takes (never hang), and with stored text no larger than a small multiple of its
 * bytes (never expand without bound). Fixed seed, bounded count: the same cases run in CI every time.
 */
import { random } from "../../support/soup.js";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuildCorpora, InputError } from "../../../src/core/guilds/corpora.js";
import { GuildStore } from "../../../src/core/guilds/store.js";
import { chunkDocument } from "../../../src/core/ingest/chunk.js";
import { DocumentLoadError, loadDocument } from "../../../src/core/ingest/load.js";
import { Library } from "../../../src/core/library/library.js";
import { SegmentBuilder } from "../../../src/core/search/segment.js";
import { makeDocx } from "../../support/docx.js";
import { REPO_ROOT, SEEDS_DIR } from "../../support/paths.js";

const SEED = 20_241_201;
/** Every adversarial family in each of the six formats. */
const CASES = 18 * 6;
const SIZE = 40_000;
/** A case may take this many times what an ordinary document of its format and size takes (plus a fixed allowance). */
const MAX_RATIO = 40;
const SLACK_MS = 150;

const rand = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const fit = (s: string, n = SIZE): string => s.repeat(Math.ceil(n / Math.max(1, s.length))).slice(0, n);

const read = (relPath: string): Buffer => readFileSync(join(REPO_ROOT, relPath));
const PROSE = readFileSync(join(SEEDS_DIR, "003_0702c60d84dcf9ee.txt"), "utf8");
const MARKDOWN = read("eval/corpora/markdown-readmes/docs/pino-README.md").toString("utf8");
const HTML = read("eval/corpora/postgres-html/docs/sql-vacuum.html").toString("utf8");
const TROFF = read("eval/corpora/manpages/docs/sed.1").toString("utf8");
const PDF = read("eval/corpora/pdf-manuals/docs/glpk-cnfsat.pdf");

type Format = "md" | "txt" | "html" | "1" | "pdf" | "docx";

/** An ordinary document of each format, about SIZE long. */
async function ordinary(format: Format): Promise<Buffer> {
  switch (format) {
    case "md":
      return Buffer.from(fit(`${MARKDOWN}\n\n`));
    case "txt":
      return Buffer.from(fit(`${PROSE}\n\n`));
    case "html":
      return Buffer.from(
        HTML.length >= SIZE ? HTML : HTML.replace("</body>", `${fit(`<p>${PROSE}</p>`, SIZE - HTML.length)}</body>`),
      );
    case "1":
      return Buffer.from(fit(`${TROFF}\n`));
    case "pdf":
      return PDF;
    case "docx":
      return makeDocx(Array.from({ length: 60 }, () => ({ text: PROSE.slice(0, 600) })));
  }
}

const words = (n: number): string =>
  Array.from({ length: n }, () => pick(["harbour", "ferry", "Tide", "pier", "a", "the", "x"])).join(" ");
const controls = (): string => Array.from({ length: 200 }, () => String.fromCharCode(Math.floor(rand() * 32))).join("");

/** Adversarial bodies, each about SIZE long; most are wrapped into a format below. */
const FAMILIES: Record<string, () => string> = {
  "run without spaces": () => "x".repeat(SIZE),
  "huge line of words": () => fit(`${words(20)} `),
  "control characters": () => fit(`${controls()}${words(10)}\n`),
  "deep quote nesting": () => `${"> ".repeat(SIZE / 2 - 20)}deep`,
  "deep list nesting": () =>
    Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i * 2)}- item`)
      .join("\n")
      .slice(0, SIZE),
  "nested divs": () => `${"<div>".repeat(SIZE / 11)}text${"</div>".repeat(SIZE / 11)}`,
  "unclosed tags": () => fit("<a href='"),
  "alias bomb": () =>
    `---\na0: &a0 ["lol"]\n${Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`).join("\n")}\ntitle: *a9\nauthor: *a9\n---\n${words(50)}\n`,
  "front matter bomb in many keys": () =>
    `---\n${Array.from({ length: 3000 }, (_, i) => `k${i}: [1, [2, [3]]]`).join("\n")}\n---\nbody\n`,
  "front matter brace storm": () => `---\ntitle: ${"{[".repeat(7000)}\n---\n${words(20)}\n`,
  "troff conditionals": () => fit(".if n \\{\\\n.ie t \\{\\\ntext\n"),
  "troff escapes": () => fit("\\f(XX\\*(lq\\h'12'\\s+2\\[u00E9]\\"),
  "unclosed fences": () => fit("```\n~~~\n"),
  "table pipes": () => fit("|a|b|\n|-|-|\n"),
  "emphasis storm": () => fit("*_*_[`"),
  "many headings": () => fit("# a\n## b\n"),
  "mr abbreviations": () => fit("Mr. Dr. U.S. Oct. 5 "),
  "random words": () => Array.from({ length: 800 }, () => (rand() < 0.1 ? "\n\n" : words(5))).join(" "),
};

interface FuzzCase {
  name: string;
  format: Format;
  bytes: Buffer;
}

async function generate(): Promise<FuzzCase[]> {
  const out: FuzzCase[] = [];
  const formats: Format[] = ["md", "txt", "html", "1", "pdf", "docx"];
  const families = Object.keys(FAMILIES);
  for (let i = 0; i < CASES; i++) {
    // Every family in every format (and random damage inside each).
    const format = formats[i % formats.length] as Format;
    const family = families[Math.floor(i / formats.length) % families.length] as string;
    const body = (FAMILIES[family] as () => string)();
    let bytes: Buffer;
    if (format === "pdf") {
      // A real PDF, damaged: bytes flipped, cut short, or a body appended after %%EOF.
      const damaged = Buffer.from(PDF);
      const mode = pick(["flip", "truncate", "append", "random"]);
      if (mode === "flip")
        for (let k = 0; k < 50; k++) damaged[Math.floor(rand() * damaged.length)] = Math.floor(rand() * 256);
      bytes =
        mode === "truncate"
          ? damaged.subarray(0, Math.floor(rand() * damaged.length))
          : mode === "append"
            ? Buffer.concat([damaged, Buffer.from(body)])
            : mode === "random"
              ? Buffer.from(Array.from({ length: 4000 }, () => Math.floor(rand() * 256)))
              : damaged;
      out.push({ name: `${family} / pdf ${mode}`, format, bytes });
      continue;
    }
    if (format === "docx") {
      const mode = pick(["text", "bytes"]);
      bytes =
        mode === "text"
          ? await makeDocx(
              body
                .split("\n")
                .slice(0, 200)
                .map((text) => ({ text: text.slice(0, 2000) })),
            )
          : Buffer.from(Array.from({ length: 4000 }, () => Math.floor(rand() * 256)));
      out.push({ name: `${family} / docx ${mode}`, format, bytes });
      continue;
    }
    bytes = Buffer.from(body, "utf8");
    // Sometimes invalid UTF-8 or a NUL in the middle.
    if (rand() < 0.15)
      bytes = Buffer.concat([bytes.subarray(0, 100), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(100)]);
    else if (rand() < 0.05) bytes = Buffer.concat([bytes.subarray(0, 50), Buffer.from([0]), bytes.subarray(50)]);
    out.push({ name: `${family} / ${format}`, format, bytes });
  }
  return out;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await f();
  return performance.now() - started;
}

/** What a loaded document must satisfy: spans inside its text, in order, and passages within them. */
function checkDocument(doc: Awaited<ReturnType<typeof loadDocument>>, inputBytes: number): void {
  let previous = 0;
  for (const span of doc.content) {
    expect(span.start).toBeGreaterThanOrEqual(previous);
    expect(span.end).toBeGreaterThan(span.start);
    expect(span.end).toBeLessThanOrEqual(doc.text.length);
    previous = span.end;
  }
  // Stored text never outgrows its input by more than a small factor (nothing expands without bound).
  expect(doc.text.length).toBeLessThanOrEqual(inputBytes * 4 + 1024);
  for (const passage of chunkDocument(doc)) {
    for (const s of passage.sentences)
      expect(s.start >= passage.start && s.end <= passage.end && s.end > s.start).toBe(true);
  }
}

describe("fuzz: the loader and the upload path", () => {
  let cases: FuzzCase[];
  const baseline = new Map<Format, number>();
  let dir: string;
  let corpora: GuildCorpora;

  beforeAll(async () => {
    cases = await generate();
    for (const format of ["md", "txt", "html", "1", "pdf", "docx"] as Format[]) {
      const bytes = await ordinary(format);
      await loadDocument(`ordinary.${format}`, bytes); // warm: lazy libraries load once
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) best = Math.min(best, await timed(() => loadDocument(`ordinary.${format}`, bytes)));
      baseline.set(format, best);
    }
    dir = await mkdtemp(join(tmpdir(), "verbatim-fuzz-"));
    corpora = new GuildCorpora(await GuildStore.open(dir), Library.fromSegment(new SegmentBuilder().build()), {
      maxUploadBytes: 2 * 1024 * 1024,
      maxDocuments: 1000,
    });
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("covers every family in every format", () => {
    expect(Object.keys(FAMILIES).length * 6).toBe(CASES);
    expect(new Set(cases.map((c) => c.name.split(" / ")[0])).size).toBe(Object.keys(FAMILIES).length);
  });

  it(`loads or refuses each of ${CASES} cases with a reason, in bounded time and memory`, async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    let loaded = 0;
    let refused = 0;
    for (const c of cases) {
      let outcome = "refused" as "loaded" | "refused";
      const ms = await timed(async () => {
        try {
          const doc = await loadDocument(`case.${c.format}`, c.bytes);
          checkDocument(doc, c.bytes.length);
          outcome = "loaded";
        } catch (error) {
          if (!(error instanceof DocumentLoadError)) throw new Error(`${c.name}: ${(error as Error).stack}`);
          expect(error.reason.length).toBeGreaterThan(0);
        }
      });
      if (outcome === "loaded") loaded++;
      else refused++;
      const limit = MAX_RATIO * (baseline.get(c.format) ?? 1) + SLACK_MS;
      expect(ms, `${c.name} took ${ms.toFixed(0)} ms (limit ${limit.toFixed(0)} ms)`).toBeLessThan(limit);
    }
    // Both outcomes happen: the fuzz is not all refusals (nor all easy).
    expect(loaded).toBeGreaterThan(CASES / 4);
    expect(refused).toBeGreaterThan(0);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(400 * 1024 * 1024);
  }, 240_000);

  it("the upload path accepts or refuses each case with an InputError, and stores exactly what it accepted", async () => {
    let stored = 0;
    for (const [i, c] of cases.entries()) {
      try {
        const added = await corpora.add("123456789012345678", "234567890123456789", {
          fileName: `case-${i}.${c.format === "1" ? "1" : c.format}`,
          bytes: c.bytes,
        });
        expect(added.passages).toBeGreaterThanOrEqual(0);
        stored++;
      } catch (error) {
        if (!(error instanceof InputError)) throw new Error(`${c.name}: ${(error as Error).stack}`);
        expect(error.message.length).toBeGreaterThan(0);
      }
    }
    expect(stored).toBeGreaterThan(0);
    expect(corpora.documents("123456789012345678")).toHaveLength(stored);
  }, 240_000);
});

/**
 * Every cleaning, structure and sentence rule is linear in its input: timed on 100,000-character adversarial strings
 * (long runs without spaces, runs of one punctuation mark, deep nesting, unclosed constructs) against the same
 * function on ordinary documents of the same length, in one run, as a ratio. A quadratic rule is hundreds of times
 * slower at this length; a linear one stays within a small factor.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DOCUMENT_RULES,
  explainClean,
  isScrapedPage,
  judgeBlocks,
  LINE_RULES,
} from "../../../src/core/ingest/clean.js";
import { readFrontMatter } from "../../../src/core/ingest/frontmatter.js";
import { joinWrapped, renderFormatted, renderTroff, unescapeTroff } from "../../../src/core/ingest/man.js";
import { markdownBlocks } from "../../../src/core/ingest/markdown.js";
import { isPathLikeTitle, usableTitle } from "../../../src/core/ingest/metadata.js";
import { plainBlocks } from "../../../src/core/ingest/plain.js";
import { lastWord, splitSentences } from "../../../src/core/ingest/sentences.js";
import { analyze } from "../../../src/core/search/analyze.js";
import { parseRendered } from "../../../src/core/ingest/structure.js";
import { REPO_ROOT, SEEDS_DIR } from "../../support/paths.js";

const N = 100_000;
/** Adversarial time over ordinary time: linear code stays far below this; quadratic code is far above it. */
const MAX_RATIO = 40;

const fit = (s: string, n = N): string => s.repeat(Math.ceil(n / s.length)).slice(0, n);
const read = (relPath: string): string => readFileSync(path.join(REPO_ROOT, relPath), "utf8");

/** Ordinary documents of each shape, cut to N characters. */
const ORDINARY = {
  prose: fit(readFileSync(path.join(SEEDS_DIR, "001_f1e1af631a486365.txt"), "utf8")),
  markdown: fit(
    ["express-README.md", "pino-README.md", "commander-README.md", "zod-README.md"]
      .map((f) => read(`eval/corpora/markdown-readmes/docs/${f}`))
      .join("\n\n"),
  ),
  troff: fit(
    ["sed.1", "ssh.1", "git-commit.1", "tar.1"].map((f) => read(`eval/corpora/manpages/docs/${f}`)).join("\n"),
  ),
};
ORDINARY.troff = fit(ORDINARY.troff);
const FORMATTED = fit(renderTroff(ORDINARY.troff).text);
let ORDINARY_YAML = "";
for (let i = 0; ORDINARY_YAML.length < 15_000; i++) {
  ORDINARY_YAML += `key${i}: A harbour guide for ferries, ${i}\ntags${i}: [ferry, harbour, "pier ${i}"]\n`;
}
ORDINARY_YAML = ORDINARY_YAML.slice(0, 15_000);

const ADVERSARIAL: Record<string, string> = {
  "no spaces": "x".repeat(N),
  "spaces then a letter": `${" ".repeat(N - 1)}x`,
  "dash and spaces": `— ${" ".repeat(N - 2)}`,
  digits: "1".repeat(N),
  "letter-dot pairs": fit("a."),
  dots: ".".repeat(N),
  "open paren and slashes": `(${fit("a/", N - 1)}`,
  "open parens": fit("(a "),
  "(@ handles": `— ${fit("(@a) ", N - 2)}`,
  "repeated appeal phrase": fit("financial contribution "),
  abbreviations: fit("Mr. "),
  backslashes: "\\".repeat(N),
  brackets: "[".repeat(N),
  asterisks: "*".repeat(N),
  backticks: "`".repeat(N),
  "unclosed fences": fit("```a\n"),
  "unclosed containers": fit("::: a\n"),
  "nested containers": fit(":::: a\n::: b\n"),
  "nested quotes": fit("> "),
  "nested list": fit("  - a\n"),
  hashes: fit("# "),
  pipes: "|".repeat(N),
  "link openers": fit("[a]("),
  "link destinations": fit("](a) "),
  "unclosed destination": `](${"a".repeat(N - 2)}`,
  "tag openers": fit("<a "),
  "nested divs": fit("<div>"),
  newlines: "\n".repeat(N),
  "troff conditionals": fit(".if n \\{\\\n"),
  "troff escapes": fit("\\f(XX\\*(lq"),
  quotes: '"'.repeat(N),
};

function time(f: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    f();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** A linear reference on the same length, so a rule that costs next to nothing on ordinary text is not divided by 0. */
const floor = time(() => ORDINARY.prose.replace(/\s+/gu, " ").toLowerCase().split(" ").length);

interface Case {
  name: string;
  ordinary: string;
  run: (input: string) => unknown;
}

const cases: Case[] = [
  ...LINE_RULES.map((rule) => ({ name: `scraped-page rule ${rule.name}`, ordinary: ORDINARY.prose, run: rule.test })),
  ...DOCUMENT_RULES.map((rule) => ({ name: `document rule ${rule.name}`, ordinary: ORDINARY.prose, run: rule.test })),
  { name: "lastWord", ordinary: ORDINARY.prose, run: lastWord },
  { name: "analyze", ordinary: ORDINARY.markdown, run: analyze },
  { name: "splitSentences", ordinary: ORDINARY.prose, run: (s) => splitSentences(s) },
  { name: "explainClean (scraped page)", ordinary: ORDINARY.prose, run: (s) => explainClean(s, { title: "A title" }) },
  { name: "isScrapedPage", ordinary: ORDINARY.prose, run: isScrapedPage },
  { name: "plainBlocks", ordinary: ORDINARY.markdown, run: plainBlocks },
  { name: "markdownBlocks", ordinary: ORDINARY.markdown, run: markdownBlocks },
  { name: "parseRendered", ordinary: FORMATTED, run: parseRendered },
  {
    name: "judgeBlocks",
    ordinary: ORDINARY.markdown,
    run: (s) => judgeBlocks(s, plainBlocks(s), { title: "A title" }),
  },
  { name: "renderTroff", ordinary: ORDINARY.troff, run: renderTroff },
  { name: "renderFormatted", ordinary: FORMATTED, run: renderFormatted },
  { name: "unescapeTroff", ordinary: ORDINARY.troff, run: (s) => unescapeTroff(s, new Map()) },
  { name: "joinWrapped", ordinary: ORDINARY.prose, run: (s) => joinWrapped(s.split("\n")) },
  { name: "isPathLikeTitle", ordinary: ORDINARY.prose, run: isPathLikeTitle },
  { name: "usableTitle", ordinary: ORDINARY.prose, run: usableTitle },
  {
    // Front matter is bounded to 16 KiB: adversarial YAML of 15,000 characters against ordinary YAML of that length.
    name: "readFrontMatter",
    ordinary: ORDINARY_YAML,
    run: (s) => {
      try {
        readFrontMatter(`---\n${s.slice(0, 15_000)}\n---\nbody`, ["title"]);
      } catch {
        // Refusing is fine; taking long is not.
      }
    },
  },
];

describe("every rule is linear on adversarial input", () => {
  it.each(cases)("$name", ({ ordinary, run }) => {
    const base = Math.max(
      time(() => run(ordinary)),
      floor,
    );
    let worst = 0;
    let worstInput = "";
    for (const [name, input] of Object.entries(ADVERSARIAL)) {
      expect(input.length).toBe(N);
      const t = time(() => run(input));
      if (t > worst) [worst, worstInput] = [t, name];
    }
    expect(worst / base, `slowest on "${worstInput}": ${worst.toFixed(1)} ms vs ${base.toFixed(1)} ms`).toBeLessThan(
      MAX_RATIO,
    );
  });
});

describe("the measure itself", () => {
  it("catches a quadratic rule (the old lastWord regex) at a fifth of the length", () => {
    const quadratic = (s: string): unknown => /([\p{L}.]+)\.\s*$/u.exec(s);
    const n = 20_000;
    const ordinary = ORDINARY.prose.slice(0, n);
    const base = Math.max(
      time(() => quadratic(ordinary)),
      floor / 5,
    );
    const adversarial = `${fit("a.", n - 1)}x`;
    expect(time(() => quadratic(adversarial)) / base).toBeGreaterThan(MAX_RATIO);
    // The linear scan that replaced it, on the same input.
    expect(time(() => lastWord(adversarial)) / base).toBeLessThan(MAX_RATIO);
  });
});

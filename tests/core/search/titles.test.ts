import { describe, expect, it } from "vitest";
import { TitleIndex } from "../../../src/core/search/titles.js";
import type { Source } from "../../../src/core/types.js";

const source = (id: string, title: string, publisher: string | null = null): Source => ({
  id,
  title,
  publisher,
  author: null,
  date: null,
  url: null,
  path: null,
});

const WORDS = "alpha beta gamma delta network kernel manual license protocol server".split(" ");
const many = Array.from({ length: 5000 }, (_, i) =>
  source(`doc-${i}`, `${WORDS[i % 10]} ${WORDS[(i * 3 + 1) % 10]} ${WORDS[(i * 7 + 2) % 10]} part ${i}`),
);

async function ready(index: TitleIndex): Promise<void> {
  while (!index.ready) await new Promise((resolve) => setImmediate(resolve));
}

const matches = (s: Source, typed: string) =>
  typed
    .toLowerCase()
    .split(/\s+/)
    .every((w) =>
      `${s.title} ${s.id}`
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .some((word) => word.startsWith(w)),
    );

describe("TitleIndex", () => {
  it("suggests titles whose words start with every typed prefix, at most `limit`", async () => {
    const index = new TitleIndex(many);
    await ready(index);
    for (const typed of ["net", "net del", "kern ma", "gamma part 12"]) {
      const found = index.suggest(typed, 25);
      expect(found.length).toBeGreaterThan(0);
      expect(found.length).toBeLessThanOrEqual(25);
      for (const s of found) expect(matches(s, typed), `${typed} → ${s.title}`).toBe(true);
    }
    expect(index.suggest("zzz", 25)).toEqual([]);
  });

  it("puts an exact id first and matches publishers", () => {
    const index = new TitleIndex([
      source("a", "Harbour hours", "Port authority"),
      source("b", "Ferry notice"),
      source("harbour", "Unrelated"),
    ]);
    expect(index.suggest("harbour", 25)[0]?.id).toBe("harbour");
    expect(index.suggest("port auth", 25).map((s) => s.id)).toEqual(["a"]);
    expect(index.suggest("", 2).map((s) => s.id)).toEqual(["a", "b"]);
    expect(index.suggest("ferry", 0)).toEqual([]);
  });

  it("answers while a large index is still being built, with the same kind of matches", async () => {
    const index = new TitleIndex(many);
    expect(index.ready).toBe(false);
    const early = index.suggest("kern ma", 25);
    expect(early.length).toBeGreaterThan(0);
    for (const s of early) expect(matches(s, "kern ma")).toBe(true);
    await ready(index);
  });
});

import { describe, expect, it } from "vitest";
import { independenceKey, independentSources, sourceLabel } from "../../src/core/sources.js";
import type { Quote, Source } from "../../src/core/types.js";

const source = (over: Partial<Source>): Source => ({
  id: "doc",
  title: null,
  publisher: null,
  author: null,
  date: null,
  url: null,
  path: null,
  ...over,
});
const quote = (s: Source, also: Source[] = []): Quote => ({
  text: "t",
  start: 0,
  end: 1,
  score: 1,
  source: s,
  alsoReportedBy: also,
});

describe("sourceLabel", () => {
  it("is the title, else the file path, else the id, never empty", () => {
    expect(sourceLabel(source({ title: " Budget ", path: "a.md" }))).toEqual({ label: "Budget", fromPath: false });
    expect(sourceLabel(source({ title: "  ", path: "a.md" }))).toEqual({ label: "a.md", fromPath: true });
    expect(sourceLabel(source({ id: "x1" })).label).toBe("untitled document x1");
  });
});

describe("independent sources", () => {
  it("counts one source per publisher, else per website, else per document", () => {
    expect(independenceKey(source({ publisher: "Gazette", url: "https://a.example/x" }))).toBe("publisher:gazette");
    expect(independenceKey(source({ url: "https://www.a.example/x" }))).toBe("host:a.example");
    expect(independenceKey(source({ id: "d", url: "ftp://a.example/x" }))).toBe("document:d");
  });

  it("counts the sources that also reported a quote, once each", () => {
    const a = source({ id: "a", publisher: "Gazette" });
    const b = source({ id: "b", publisher: "gazette " });
    const c = source({ id: "c", publisher: "Herald" });
    const d = source({ id: "d" });
    expect(independentSources([quote(a), quote(b)])).toBe(1);
    expect(independentSources([quote(a, [c]), quote(b, [d])])).toBe(3);
    expect(independentSources([])).toBe(0);
  });
});

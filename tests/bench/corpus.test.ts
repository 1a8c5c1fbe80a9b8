import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  codeName,
  collectionName,
  CorpusError,
  estimatePassages,
  generateCorpus,
  generateDocuments,
  loadTextPool,
  type BenchDoc,
  type TextPool,
} from "../../bench/corpus.js";
import { chunkDocuments } from "../../bench/passages.js";
import { makeQuestions } from "../../bench/questions.js";
import { STOPWORDS } from "../../bench/stopwords.js";
import { buildWorkload } from "../../bench/workload.js";

function take<T>(iterator: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const item of iterator) {
    if (out.length >= n) break;
    out.push(item);
  }
  return out;
}

/** The text without its code name and collection name, to compare what repetition left of the source. */
function withoutTag(doc: BenchDoc): string {
  return doc.text.replace(doc.tag, "").replace(/\b[A-Z][a-z]+th\b/g, "");
}

let pool: TextPool;
let otherPool: TextPool;

beforeAll(() => {
  // A small pool (a few dozen files) so a few thousand passages already take several rounds of repetition.
  pool = loadTextPool({ seed: 1, maxWords: 40_000, minWords: 10_000 });
  otherPool = loadTextPool({ seed: 1, maxWords: 40_000, minWords: 10_000 });
});

describe("text pool", () => {
  it("reads real prose from the machine, the same for the same seed", () => {
    expect(pool.words).toBeGreaterThanOrEqual(40_000);
    expect(pool.docs.length).toBeGreaterThan(20);
    expect(otherPool.docs).toEqual(pool.docs);
    for (const doc of pool.docs) {
      expect(doc.title.length).toBeGreaterThan(0);
      expect(doc.paragraphs.length).toBeGreaterThan(0);
    }
  });

  describe("with too little text", () => {
    let empty: string;
    beforeAll(() => {
      empty = mkdtempSync(join(tmpdir(), "bench-empty-"));
    });
    afterAll(() => rmSync(empty, { recursive: true, force: true }));

    it("fails clearly, naming where it looked", () => {
      const roots = { licenses: empty, docs: join(empty, "missing"), man: empty, nodeModules: empty };
      expect(() => loadTextPool({ roots })).toThrow(CorpusError);
      expect(() => loadTextPool({ roots })).toThrow(/found only 0 words .*need 50000.* under .*bench-empty-/);
    });
  });
});

describe("generateDocuments", () => {
  it("gives identical documents for the same seed, and different ones for another seed", () => {
    const a = take(generateDocuments(pool, { seed: 7, passages: 5_000 }), 400);
    const b = take(generateDocuments(pool, { seed: 7, passages: 5_000 }), 400);
    const c = take(generateDocuments(pool, { seed: 8, passages: 5_000 }), 400);
    expect(b).toEqual(a);
    expect(c.map((d) => d.text)).not.toEqual(a.map((d) => d.text));
  });

  it("gives document k the same content whatever the target size", () => {
    const small = [...generateDocuments(pool, { seed: 3, passages: 300 })];
    const large = take(generateDocuments(pool, { seed: 3, passages: 3_000 }), small.length);
    expect(large).toEqual(small);
  });

  it("gives unique ids and unique code names, each in its title and text", () => {
    const docs = [...generateDocuments(pool, { seed: 1, passages: 3_000 })];
    expect(docs.length).toBeGreaterThan(pool.docs.length * 2); // several rounds of repetition
    expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    expect(new Set(docs.map((d) => d.tag)).size).toBe(docs.length);
    for (const doc of docs) {
      expect(doc.title).toContain(doc.tag);
      expect(doc.text).toContain(doc.tag);
      expect(doc.text).not.toMatch(/\n{3,}|^\s|\s$/);
    }
  });

  it("varies repeated copies instead of duplicating them", () => {
    const docs = [...generateDocuments(pool, { seed: 1, passages: 3_000 })];
    const texts = docs.map(withoutTag);
    expect(new Set(texts).size).toBeGreaterThan(docs.length * 0.9);
  });

  it("stops near the target passage count", () => {
    for (const target of [500, 2_000]) {
      const { docs, stats } = generateCorpus(pool, { seed: 2, passages: target });
      expect(stats.documents).toBe(docs.length);
      expect(stats.estimatedPassages).toBeGreaterThanOrEqual(target);
      expect(stats.estimatedPassages).toBeLessThan(target + 20);
      const real = chunkDocuments(docs).length;
      expect(real).toBeGreaterThan(target * 0.8);
      expect(real).toBeLessThan(target * 1.2);
    }
  });

  it("estimates passages at about 80 words each", () => {
    expect(estimatePassages(0)).toBe(1);
    expect(estimatePassages(80)).toBe(1);
    expect(estimatePassages(200)).toBe(3);
  });
});

describe("names", () => {
  it("code names are distinct per ordinal and never collide with collection names", () => {
    const names = new Set<string>();
    for (let i = 0; i < 20_000; i++) names.add(codeName(i));
    for (const i of [70 ** 4 - 1, 70 ** 4, 70 ** 4 + 1, 10_000_000]) names.add(codeName(i));
    expect(names.size).toBe(20_004);
    for (let i = 0; i < 5_000; i++) expect(names.has(collectionName(i))).toBe(false);
  });
});

describe("makeQuestions", () => {
  const docs = () => [...generateDocuments(pool, { seed: 1, passages: 3_000 })];

  it("is deterministic per seed", () => {
    const d = docs();
    expect(makeQuestions(d, { count: 100, seed: 5 })).toEqual(makeQuestions(d, { count: 100, seed: 5 }));
    expect(makeQuestions(d, { count: 100, seed: 6 })).not.toEqual(makeQuestions(d, { count: 100, seed: 5 }));
  });

  it("cuts half verbatim phrases and half scattered content words, each from its source document", () => {
    const d = docs();
    const byId = new Map(d.map((doc) => [doc.id, doc]));
    const questions = makeQuestions(d, { count: 300, seed: 1 });
    expect(questions).toHaveLength(300);
    expect(new Set(questions.map((q) => q.id)).size).toBe(300);
    expect(questions.filter((q) => q.kind === "phrase")).toHaveLength(150);

    for (const q of questions) {
      const doc = byId.get(q.docId);
      expect(doc, q.id).toBeDefined();
      if (!doc) continue;
      expect(q.start).toBeGreaterThanOrEqual(0);
      expect(q.end).toBeLessThanOrEqual(doc.text.length);
      expect(q.text).not.toContain(doc.tag);
      const window = doc.text.slice(q.start, q.end);
      if (q.kind === "phrase") {
        expect(window).toContain(q.text);
        const words = q.text.split(" ");
        expect(words.length).toBeGreaterThanOrEqual(4);
        expect(words.length).toBeLessThanOrEqual(8);
      } else {
        const words = q.text.split(" ");
        expect(words.length).toBeGreaterThanOrEqual(3);
        expect(words.length).toBeLessThanOrEqual(6);
        expect(new Set(words).size).toBe(words.length);
        for (const word of words) {
          expect(window.toLowerCase()).toContain(word);
          expect(doc.text.toLowerCase()).toContain(word);
          expect(STOPWORDS.has(word)).toBe(false);
          expect(word.length).toBeGreaterThanOrEqual(3);
        }
      }
    }
  });
});

describe("buildWorkload", () => {
  it("reaches the target passage count with passages that are exact slices of their documents", () => {
    const workload = buildWorkload({ seed: 4, passages: 1_500, questions: 50 }, pool);
    const { passages, documents, questions, report } = workload;
    expect(passages.length).toBeGreaterThanOrEqual(1_500);
    expect(passages.length).toBeLessThan(1_520);
    expect(report.passages).toBe(passages.length);
    expect(report.documents).toBe(documents.length);
    expect(questions).toHaveLength(50);
    const byId = new Map(documents.map((d) => [d.id, d]));
    expect(new Set(passages.map((p) => p.id)).size).toBe(passages.length);
    for (const p of passages) {
      expect(byId.get(p.docId)?.text.slice(p.start, p.end)).toBe(p.text);
      expect(p.text.split(/\s+/).length).toBeLessThanOrEqual(180);
    }
    const words = passages.reduce((sum, p) => sum + p.text.split(/\s+/).length, 0) / passages.length;
    expect(words).toBeGreaterThan(60);
    expect(words).toBeLessThan(110);
  });
});

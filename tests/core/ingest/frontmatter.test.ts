import { describe, expect, it } from "vitest";
import {
  FrontMatterError,
  MAX_BYTES,
  MAX_DEPTH,
  MAX_NODES,
  readFrontMatter,
} from "../../../src/core/ingest/frontmatter.js";
import { loadDocument } from "../../../src/core/ingest/load.js";

const KEYS = ["title", "author", "date", "date_inferred", "url", "publisher"];

/** Nine levels of ten aliases each: 10^9 nodes if expanded, 610 bytes as written. */
function billionLaughs(levels = 9): string {
  const lines = ['a0: &a0 ["lol"]'];
  for (let i = 1; i <= levels; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]`);
  return lines.join("\n");
}

const refusal = (source: string): string => {
  try {
    readFrontMatter(source, KEYS);
  } catch (error) {
    if (error instanceof FrontMatterError) return error.message;
    throw error;
  }
  throw new Error("expected a FrontMatterError");
};

describe("front matter", () => {
  it("reads the known fields and the body exactly", () => {
    const { fields, body } = readFrontMatter("---\ntitle: Ferry\nauthor: [Ann, Bo]\nseed: x\n---\nBody.\n", KEYS);
    expect(Object.fromEntries(fields)).toEqual({ title: "Ferry", author: ["Ann", "Bo"] });
    expect(body).toBe("Body.\n");
  });

  it("keeps dates as the text the file has (the core schema does not parse timestamps)", () => {
    const { fields } = readFrontMatter("---\ndate: 2024-02-30\n---\nx", KEYS);
    expect(fields.get("date")).toBe("2024-02-30");
  });

  it("reads the billion-laughs shape without expanding it, in about the time it takes to read its bytes", () => {
    const bomb = `---\n${billionLaughs()}\ntitle: Still a title\n---\nThe body is a sentence.\n`;
    const ordinary = `---\n${Array.from({ length: 10 }, (_, i) => `key${i}: [${"word, ".repeat(8)}end]`).join("\n")}\ntitle: Still a title\n---\nThe body is a sentence.\n`;
    const time = (source: string): number => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        readFrontMatter(source, KEYS);
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    expect(readFrontMatter(bomb, KEYS).fields.get("title")).toBe("Still a title");
    expect(time(bomb) / Math.max(time(ordinary), 0.05)).toBeLessThan(20);
  });

  it("follows one alias for a field it uses, never more", async () => {
    const { fields } = readFrontMatter(`---\n${billionLaughs(3)}\ntitle: *a0\nauthor: *a3\n---\nx`, KEYS);
    expect(fields.get("title")).toEqual(["lol"]);
    // A list of lists is not expanded into its members: each member is "complex".
    expect(fields.get("author")).toEqual(Array.from({ length: 10 }, () => ({ complex: true })));
    // …and the loader says what is wrong with it instead of crediting a billion authors.
    await expect(loadDocument("x.md", `---\n${billionLaughs()}\nauthor: *a9\n---\nText here.\n`)).rejects.toThrow(
      /invalid front matter \(author: expected text\)/,
    );
  });

  it("is bounded in size, depth and number of values", () => {
    expect(refusal(`---\ntitle: "${"x".repeat(MAX_BYTES)}"\n---\nx`)).toMatch(/larger than 16 KiB/);
    const deep = `${"[".repeat(MAX_DEPTH + 2)}1${"]".repeat(MAX_DEPTH + 2)}`;
    expect(refusal(`---\nx: ${deep}\n---\nx`)).toMatch(/nested more than 16 levels/);
    // Measured before parsing: 15,000 open braces would exhaust the YAML parser itself.
    expect(refusal(`---\nx: ${"{".repeat(15_000)}\n---\nx`)).toMatch(/nested more than 16 levels/);
    const indented = Array.from({ length: MAX_DEPTH + 4 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n");
    expect(refusal(`---\n${indented} 1\n---\nx`)).toMatch(/nested more than 16 levels/);
    const many = `[${Array.from({ length: MAX_NODES + 10 }, () => "1").join(",")}]`;
    expect(refusal(`---\nx: ${many}\n---\nx`)).toMatch(/more than 5000 values/);
  });

  it("refuses code, other languages, duplicate keys and lists, with the reason", () => {
    expect(refusal("---js\n{ title: 'x' }\n---\nx")).toMatch(/written as code/);
    expect(refusal("---toml\ntitle = 'x'\n---\nx")).toMatch(/not supported; use YAML/);
    expect(refusal("---\ntitle: a\ntitle: b\n---\nx")).toMatch(/cannot read the front matter: Map keys must be unique/);
    expect(refusal("---\n- a\n---\nx")).toMatch(/key: value/);
  });

  it("treats an opening line with no closing one as text, not front matter", () => {
    expect(readFrontMatter("---\nJust a rule above some text.\n", KEYS).body).toBe(
      "---\nJust a rule above some text.\n",
    );
  });
});

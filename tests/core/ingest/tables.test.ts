/**
 * A table row's header row: the column names that say what its cells are ("Mock Error | Mock Error Codes | …"), found
 * for Markdown tables (the row above a delimiter row) and for stored rows (`| cell | cell |`, a blank line apart), in
 * time linear in the text however many rows ask.
 */
import { describe, expect, it } from "vitest";
import { tableHeader, type TableMemo } from "../../../src/core/ingest/structure.js";

const header = (text: string, row: string, memo: TableMemo = new Map()) => tableHeader(text, text.indexOf(row), memo);

describe("tableHeader", () => {
  const markdown = [
    "Intro paragraph.",
    "",
    "| Mock Error | Mock Error Codes | Description |",
    "| --- | :---: | --- |",
    "| `MockNotMatchedError` | `UND_MOCK_ERR_MOCK_NOT_MATCHED` | The request does not match. |",
    "| `OtherError` | `UND_OTHER` | Something else. |",
    "",
    "After the table.",
  ].join("\n");

  it("is the row above a Markdown delimiter row, for every body row", () => {
    const memo: TableMemo = new Map();
    const expected = "| Mock Error | Mock Error Codes | Description |";
    expect(header(markdown, "`MockNotMatchedError`", memo)).toMatchObject({ header: expected, isHeader: false });
    expect(header(markdown, "`OtherError`", memo)).toMatchObject({ header: expected, isHeader: false });
    expect(markdown.slice(header(markdown, "`OtherError`", memo).headerStart).startsWith(expected)).toBe(true);
    // The header row itself is the header: column names, no answer.
    expect(header(markdown, "Mock Error |", memo).isHeader).toBe(true);
  });

  it("is the first of stored rows, a blank line apart", () => {
    const stored = "# Errors\n\n| Name | Code |\n\n| Timeout | E1 |\n\n| Reset | E2 |\n\nProse.";
    expect(header(stored, "Reset")).toMatchObject({ header: "| Name | Code |", isHeader: false });
    // Stored rows do not say whether the first is a header: it stays quotable, and a one-row table has no header.
    expect(header(stored, "Name |")).toMatchObject({ header: null, isHeader: false });
    expect(header("Fares:\n\n| ferry fare | two euros |\n\nEnd.", "ferry fare")).toMatchObject({
      header: null,
      isHeader: false,
    });
  });

  it("is none for prose, a table without a header, or a row of another table", () => {
    expect(header(markdown, "Intro")).toMatchObject({ header: null, isHeader: false });
    expect(header(markdown, "After the")).toMatchObject({ header: null, isHeader: false });
    // "a | b" lines with no delimiter row and no leading pipe are no Markdown table.
    expect(header("Options:\nfast | slow\nred | blue\n", "red").header).toBeNull();
    // Two Markdown tables a blank line apart: each has its own header.
    const two = "| A | B |\n|---|---|\n| a1 | b1 |\n\n| C | D |\n|---|---|\n| c1 | d1 |\n";
    expect(header(two, "c1").header).toBe("| C | D |");
    expect(header(two, "a1").header).toBe("| A | B |");
  });

  it("is found in a CRLF file, without its carriage return, and under a prose line holding a pipe", () => {
    const crlf = "Errors:\r\n\r\n| Error | Code |\r\n| --- | --- |\r\n| Timeout | E1 |\r\n";
    expect(header(crlf, "Timeout")).toMatchObject({ header: "| Error | Code |", isHeader: false });
    expect(header(crlf, "Error |").isHeader).toBe(true);
    const piped = "Use `a | b` for either:\n| Error | Code |\n|-|-|\n| Timeout | E1 |\n";
    expect(header(piped, "Timeout").header).toBe("| Error | Code |");
    expect(header(piped, "Error |").isHeader).toBe(true);
  });

  it("does not depend on which rows were asked first", () => {
    const table = `| Name | Code |\n|---|---|\n${Array.from({ length: 900 }, (_, i) => `| row${i} | c${i} |`).join("\n")}\n`;
    const memo: TableMemo = new Map();
    expect(header(table, "| row300 |", memo).header).toBe("| Name | Code |");
    expect(header(table, "| row899 |", memo).header).toBe("| Name | Code |");
    expect(header(table, "| row899 |").header).toBe("| Name | Code |");
  });

  it("reads each line once per document, whatever the number of rows (linear)", () => {
    const rows = (n: number) =>
      `| Name | Code |\n|---|---|\n${Array.from({ length: n }, (_, i) => `| row${i} | c${i} |`).join("\n")}\n`;
    const time = (text: string) => {
      const memo: TableMemo = new Map();
      const started = performance.now();
      for (let at = text.indexOf("| row"); at >= 0; at = text.indexOf("| row", at + 1)) tableHeader(text, at + 2, memo);
      return performance.now() - started;
    };
    time(rows(300));
    const small = Math.min(time(rows(300)), time(rows(300)));
    const large = Math.min(time(rows(4800)), time(rows(4800)));
    // 16 times the rows: linear is ~16 times the time, quadratic 256.
    expect(large).toBeLessThan(Math.max(small, 0.5) * 64);
    // A line too long to be a row, and pipes without end, are read a bounded way.
    const long = `| ${"x".repeat(200_000)} |\n| y | z |\n`;
    expect(header(long, "y").header).toBeNull();
    const pipes = "|".repeat(200_000);
    const started = performance.now();
    for (let i = 0; i < 200; i++) tableHeader(pipes, 100_000 + i, new Map());
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

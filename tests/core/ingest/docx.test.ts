import { describe, expect, it } from "vitest";
import { readDocx, zipInflatedSize } from "../../../src/core/ingest/docx.js";
import { loadDocument } from "../../../src/core/ingest/load.js";
import { makeDocx } from "../../support/docx.js";

describe("DOCX", () => {
  it("reads headings as sections, paragraphs as prose, and the core properties as metadata", async () => {
    const bytes = await makeDocx(
      [
        { text: "Harbour handbook", style: "Heading1" },
        { text: "The ferry leaves the harbour every hour from seven in the morning." },
        { text: "Winter timetable", style: "Heading2" },
        { text: "In winter the last ferry leaves at six in the evening." },
      ],
      { title: "The harbour handbook", creator: "Ann Lee", created: "2024-03-15T09:00:00Z" },
    );
    const doc = await loadDocument("handbook.docx", bytes);
    expect(doc.source).toMatchObject({ title: "The harbour handbook", author: "Ann Lee", date: "2024-03-15" });
    expect(doc.content.map((s) => [doc.text.slice(s.start, s.end), (s.section ?? []).join(" › ")])).toEqual([
      ["The ferry leaves the harbour every hour from seven in the morning.", "Harbour handbook"],
      ["In winter the last ferry leaves at six in the evening.", "Harbour handbook › Winter timetable"],
    ]);
  });

  it("falls back to the first heading when the properties name no title", async () => {
    const bytes = await makeDocx([
      { text: "Harbour handbook", style: "Heading1" },
      { text: "The ferry leaves the harbour every hour." },
    ]);
    expect((await loadDocument("handbook.docx", bytes)).source.title).toBe("Harbour handbook");
  });

  it("refuses what is not a DOCX, and an archive that inflates far beyond its size, before inflating it", async () => {
    await expect(loadDocument("x.docx", "not a zip at all")).rejects.toThrow(/not a readable DOCX file/);
    const bytes = await makeDocx([{ text: "The ferry leaves the harbour every hour." }]);
    expect(zipInflatedSize(bytes)).toBeGreaterThan(0);
    // Claim a 4 GB entry in the central directory: refused from the directory alone.
    const bomb = Buffer.from(bytes);
    const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(0xfffffff0, central + 24);
    await expect(readDocx(bomb)).rejects.toThrow(/expands to far more than its size/);
  });
});

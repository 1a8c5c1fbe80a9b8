/**
 * The upload path's rules about what a file says: impossible dates and path-like titles refused with the field and
 * the value (from the form or from the file), names stripped of bidi controls, the new formats accepted, and a stored
 * upload indexed after a restart exactly as when it was added.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { corpusDocumentOf, GuildCorpora, InputError } from "../../../src/core/guilds/corpora.js";
import { GuildStore } from "../../../src/core/guilds/store.js";
import { loadDocument } from "../../../src/core/ingest/load.js";
import { Library } from "../../../src/core/library/library.js";
import { SegmentBuilder } from "../../../src/core/search/segment.js";
import { makeDocx } from "../../support/docx.js";
import { REPO_ROOT } from "../../support/paths.js";

const GUILD = "123456789012345678";
const USER = "234567890123456789";
let dir: string;
let corpora: GuildCorpora;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "verbatim-corpora-"));
  const store = await GuildStore.open(dir);
  corpora = new GuildCorpora(store, Library.fromSegment(new SegmentBuilder().build()), {
    maxUploadBytes: 2 * 1024 * 1024,
    maxDocuments: 50,
  });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const refusal = async (input: Parameters<GuildCorpora["add"]>[2]): Promise<InputError> => {
  try {
    await corpora.add(GUILD, USER, input);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
};

const NOTE = "The harbour ferry leaves every hour, and the last one leaves at ten in the evening.";

describe("uploads", () => {
  it("refuse an impossible date, from the form or from the file, naming the field and the value", async () => {
    const fromForm = await refusal({ fileName: "n.md", bytes: Buffer.from(NOTE), metadata: { date: "2024-02-30" } });
    expect(fromForm).toMatchObject({ code: "bad-date" });
    expect(fromForm.message).toContain("`2024-02-30` is not a real calendar date");
    const fromFile = await refusal({ fileName: "n.md", bytes: Buffer.from(`---\ndate: 2024-02-30\n---\n${NOTE}\n`) });
    expect(fromFile).toMatchObject({ code: "bad-metadata" });
    expect(fromFile.message).toContain('date "2024-02-30" is not a real calendar date');
    expect(corpora.documents(GUILD)).toHaveLength(0);
  });

  it("refuse a path-like title from the form and from the file alike", async () => {
    expect(
      await refusal({ fileName: "n.md", bytes: Buffer.from(NOTE), metadata: { title: "docs/intro.md" } }),
    ).toMatchObject({
      code: "path-title",
    });
    const fromFile = await refusal({ fileName: "n.md", bytes: Buffer.from(`---\ntitle: ../../x\n---\n${NOTE}\n`) });
    expect(fromFile.message).toContain('title "../../x" looks like a file path');
    // A title with a slash that is a title is fine.
    const added = await corpora.add(GUILD, USER, {
      fileName: "n.md",
      bytes: Buffer.from(NOTE),
      metadata: { title: "TCP/IP notes" },
    });
    expect(added.document.source.title).toBe("TCP/IP notes");
  });

  it("strip bidirectional controls from the file name and the title", async () => {
    const added = await corpora.add(GUILD, USER, {
      fileName: "notes\u202egnp.md",
      bytes: Buffer.from(`---\ntitle: "\u202eHarbour"\n---\n${NOTE}\n`),
    });
    expect(added.document.source.path).toBe("notesgnp.md");
    expect(added.document.source.title).toBe("Harbour");
  });

  it("accept PDF, DOCX and man pages, and index a stored upload after a restart exactly as when it was added", async () => {
    const uploads: Array<[string, Buffer]> = [
      ["cnfsat.pdf", readFileSync(join(REPO_ROOT, "eval/corpora/pdf-manuals/docs/glpk-cnfsat.pdf"))],
      ["guide.docx", await makeDocx([{ text: "Ferry guide", style: "Heading1" }, { text: NOTE }])],
      ["sed.1", readFileSync(join(REPO_ROOT, "eval/corpora/manpages/docs/sed.1"))],
      [
        "page.html",
        Buffer.from(
          `<html><body><main><h1>Ferry</h1><h2>Winter</h2><p>${NOTE}</p><pre>ferry --winter</pre></main></body></html>`,
        ),
      ],
      ["notes.md", Buffer.from(`# Notes\n\n## Winter\n\n${NOTE}\n\n- One item.\n- Another item.\n`)],
    ];
    for (const [fileName, bytes] of uploads) {
      const loaded = await loadDocument(fileName, bytes);
      const { document } = await corpora.add(GUILD, USER, { fileName, bytes });
      expect(document.text).toBe(loaded.text);
      // What a restart rebuilds from the stored text: the same blocks, kinds and sections as the file gave.
      expect(corpusDocumentOf(document).content, fileName).toEqual(loaded.content);
    }
  });
});

/**
 * The library on disk: a saved index is reused when nothing changed, a changed/added/removed file is re-indexed alone,
 * and a corrupt or partial saved index is detected and rebuilt, never served.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Library } from "../../../src/core/library/library.js";
import { createPool } from "../../../src/core/library/pool.js";
import { FaultyDisk } from "../../support/faulty-disk.js";
import { BUNDLED_CORPUS } from "../../support/paths.js";

const bundled = BUNDLED_CORPUS;
let work: string;
let corpusDir: string;
let dataDir: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-lib-"));
  corpusDir = join(work, "corpus");
  dataDir = join(work, "data");
  await cp(bundled, corpusDir, { recursive: true });
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const open = () => Library.open({ corpusDir, dataDir });
const QUESTION = "When did the ambassador return to Moscow?";

async function savedIndexDir(): Promise<string> {
  const name = (await readFile(join(dataDir, "index", "CURRENT"), "utf8")).trim();
  return join(dataDir, "index", name);
}

describe("saved index", () => {
  it("is built once, then loaded as saved, answering identically", async () => {
    const first = await open();
    expect(first.report.index).toBe("built");
    expect(first.report.diff.added).toHaveLength(5);
    const second = await open();
    expect(second.report.index).toBe("saved");
    expect(second.report.diff).toMatchObject({ added: [], changed: [], removed: [] });
    expect(second.library.answer(QUESTION)).toEqual(first.library.answer(QUESTION));
    expect(second.library.stats()).toEqual(first.library.stats());
  });

  it("re-indexes only the changed, added and removed files", async () => {
    await open();
    const files = (await readdir(corpusDir)).sort();
    // The MENAFN article has no page trailer after it, so an appended sentence is article text.
    const changed = files.find((f) => f.startsWith("menafn")) as string;
    const removed = files.find((f) => f.startsWith("nobody")) as string;
    const text = await readFile(join(corpusDir, changed), "utf8");
    await writeFile(
      join(corpusDir, changed),
      `${text}\nThe embassy cat is named Borscht and sleeps in the lobby every afternoon.\n`,
    );
    await rm(join(corpusDir, removed));
    await writeFile(
      join(corpusDir, "new-note.md"),
      "---\ntitle: Staff note\npublisher: Verbatim tests\n---\nThe archive moved to the third floor of the annex in May 2023.\n",
    );
    const { library, report } = await open();
    expect(report.index).toBe("updated");
    expect(report.diff.changed).toEqual([changed]);
    expect(report.diff.removed).toEqual([removed]);
    expect(report.diff.added).toEqual(["new-note.md"]);
    expect(library.answer("What is the embassy cat named?").quotes[0]?.text).toContain("Borscht");
    expect(library.answer("Where did the archive move?").quotes[0]?.source.title).toBe("Staff note");
    expect(library.stats().documents).toBe(5);
    // The removed document is gone from answers and from the saved index.
    const removedId = removed.replace(/\.md$/, "");
    expect(library.document(removedId)).toBeNull();
    expect((await open()).report.index).toBe("saved");
  });

  it("treats a touched but identical file as unchanged", async () => {
    await open();
    const file = join(corpusDir, (await readdir(corpusDir))[0] as string);
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    const { report } = await open();
    expect(report.index).toBe("saved");
  });

  it.each([
    [
      "a flipped byte in the postings",
      async (dir: string) => {
        const path = join(dir, "arrays.bin");
        const bytes = await readFile(path);
        const at = Math.floor(bytes.length / 2);
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
        await writeFile(path, bytes);
      },
      /arrays\.bin does not match its checksum/,
    ],
    [
      "a truncated text file",
      async (dir: string) => {
        const path = join(dir, "texts.bin");
        const bytes = await readFile(path);
        await writeFile(path, bytes.subarray(0, bytes.length >> 1));
      },
      /texts\.bin does not match its checksum/,
    ],
    ["a missing file", async (dir: string) => rm(join(dir, "terms.txt")), /missing index file/],
    [
      "garbage metadata",
      async (dir: string) => writeFile(join(dir, "meta.json"), "{not json"),
      /unreadable meta\.json/,
    ],
  ])("detects %s and rebuilds instead of serving it", async (_what, damage, reason) => {
    const { library: original } = await open();
    await damage(await savedIndexDir());
    const { library, report } = await open();
    expect(report.discarded).toMatch(reason);
    expect(report.index).toBe("built");
    expect(library.answer(QUESTION)).toEqual(original.answer(QUESTION));
    // And the rebuilt index was saved whole again.
    expect((await open()).report.index).toBe("saved");
  });

  it("ignores a pointer to an index that is not there", async () => {
    await open();
    await writeFile(join(dataDir, "index", "CURRENT"), "index-zzz-00000000");
    const { report } = await open();
    expect(report.discarded).toMatch(/missing|unreadable/);
    expect(report.index).toBe("built");
  });

  it("reports an unreadable file by name and still loads the rest", async () => {
    await writeFile(join(corpusDir, "broken.txt"), Buffer.from([0x00, 0xff, 0xfe, 0x00]));
    const { library, report } = await open();
    expect(report.problems.map((p) => p.path)).toContain("broken.txt");
    expect(library.stats().documents).toBe(5);
  });
});

describe("reload", () => {
  it("returns a diff of what changed on disk", async () => {
    const { library } = await open();
    await writeFile(
      join(corpusDir, "extra.txt"),
      "Extra Title\n\nA short extra document about the embassy garden and its roses.\n",
    );
    const { diff } = await library.reload();
    expect(diff.added).toEqual(["extra.txt"]);
    expect(diff.passagesAfter).toBeGreaterThan(diff.passagesBefore);
    expect(library.answer("Does the embassy garden have roses?").quotes[0]?.text).toContain("roses");
  });
});

describe("documents and suggestions", () => {
  it("suggests titles by prefix and shows a document's opening verbatim", async () => {
    const { library } = await open();
    const suggestions = library.suggestDocuments("nobody", 25);
    expect(suggestions[0]?.id).toBe("nobody-wants-to-talk-to-russias-ambassador");
    expect(library.suggestDocuments("", 25).length).toBe(5);
    const view = library.document("nobody-wants-to-talk-to-russias-ambassador");
    expect(view?.opening.startsWith("Vladimir Putin's invasion of Ukraine")).toBe(true);
    const file = await readFile(join(corpusDir, "nobody-wants-to-talk-to-russias-ambassador.md"), "utf8");
    expect(file).toContain(view?.opening.split(". ")[0]);
    expect(library.document("no-such-document")).toBeNull();
  });

  it("searches passages that are verbatim slices of their documents", async () => {
    const { library } = await open();
    const { hits, corrected } = library.search("consulate closure San Francisco", { limit: 3 });
    expect(corrected).toBeUndefined();
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]?.text).toContain("San Francisco");
    for (const hit of hits) {
      const file = await readFile(join(corpusDir, hit.source.path as string), "utf8");
      expect(file).toContain(hit.text);
    }
  });

  it("searches a word with a slip in it as the corpus's word, and says so", async () => {
    const { library } = await open();
    const slipped = library.search("consulate closure San Fransisco", { limit: 3 });
    expect(slipped.corrected).toEqual([{ asked: "fransisco", read: "francisco" }]);
    expect(slipped.hits.map((h) => h.passageId)).toEqual(
      library.search("consulate closure San Francisco", { limit: 3 }).hits.map((h) => h.passageId),
    );
  });
});

describe("a full or read-only disk", () => {
  it("serves the index from memory when saving fails, warns once, and saves it once there is room", async () => {
    const disk = new FaultyDisk();
    disk.fillUpTo(20_000); // room for part of the index, not all of it
    const events: Array<{ ok: boolean; error?: string }> = [];
    const { library, report } = await Library.open({
      corpusDir,
      dataDir,
      disk,
      retrySaveMs: 30,
      onSave: (event) => void events.push(event),
    });
    expect(report.saveFailed).toMatch(/ENOSPC/);
    expect(library.answer(QUESTION).answered).toBe(true); // served from memory
    expect(library.unsavedIndex).toBe(true);
    // The partial save was cleaned up: nothing half-written stands in the way of the next one.
    expect((await readdir(join(dataDir, "index"))).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150)); // a few retries, still failing
    expect(events).toEqual([{ ok: false, error: expect.stringMatching(/ENOSPC/) }]);
    disk.free();
    for (let i = 0; i < 100 && library.unsavedIndex; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(library.unsavedIndex).toBe(false);
    expect(events.at(-1)).toEqual({ ok: true });
    library.close();
    const reopened = await open();
    expect(reopened.report.index).toBe("saved");
    expect(reopened.library.answer(QUESTION)).toEqual(library.answer(QUESTION));
  });

  it("clears what an interrupted save left before loading", async () => {
    await open();
    const index = join(dataDir, "index");
    await mkdir(join(index, ".tmp-index-partial-00000000"), { recursive: true });
    await writeFile(join(index, ".tmp-index-partial-00000000", "arrays.bin"), Buffer.alloc(4096));
    await mkdir(join(index, "index-old-11111111"));
    await writeFile(join(index, "CURRENT.tmp"), "index-");
    const again = await open();
    expect(again.report.index).toBe("saved");
    expect((await readdir(index)).sort()).toEqual(["CURRENT", (await readFile(join(index, "CURRENT"), "utf8")).trim()]);
  });

  it("opens on a read-only disk: builds in memory, saves nothing, says why", async () => {
    const disk = new FaultyDisk();
    disk.readOnly = true;
    const { library, report } = await Library.open({ corpusDir, dataDir, disk });
    expect(report.saveFailed).toMatch(/EROFS/);
    expect(library.answer(QUESTION).answered).toBe(true);
    library.close();
  });
});

describe("on a worker pool", () => {
  it("opens and reloads with the same results as inline", async () => {
    const pool = createPool({ threads: 1 });
    try {
      const viaPool = await Library.open({ corpusDir, executor: pool });
      const direct = await Library.open({ corpusDir });
      expect(viaPool.report.diff).toEqual(direct.report.diff);
      expect(viaPool.library.answer(QUESTION)).toEqual(direct.library.answer(QUESTION));
      await writeFile(
        join(corpusDir, "extra.md"),
        "---\ntitle: Extra\n---\nThe embassy garden has forty rose bushes.\n",
      );
      const progress: number[] = [];
      const { diff } = await viaPool.library.reload({ onProgress: (p) => void progress.push(p.done) });
      expect(diff.added).toEqual(["extra.md"]);
      expect(progress.length).toBeGreaterThan(0);
      expect(viaPool.library.answer("How many rose bushes are in the embassy garden?").quotes[0]?.text).toContain(
        "forty rose bushes",
      );
    } finally {
      await pool.close();
    }
  });
});

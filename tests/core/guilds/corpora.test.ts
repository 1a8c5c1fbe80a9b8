/**
 * A server's own documents through GuildCorpora: uploads are loaded and indexed on the executor (a worker pool in the
 * bot), stored durably, and searched only in their server.
 */
import { afterAll, describe, expect, it } from "vitest";
import { GuildCorpora, InputError } from "../../../src/core/guilds/corpora.js";
import { GuildStore } from "../../../src/core/guilds/store.js";
import { Library } from "../../../src/core/library/library.js";
import { createPool, type Executor, inline } from "../../../src/core/library/pool.js";
import { buildSegment } from "../../../src/core/search/segment.js";
import { unsyncedDisk } from "../../support/faulty-disk.js";
import { GUILD, OTHER, USER, useTempDirs } from "../../support/guild-store.js";

const tempDir = useTempDirs("verbatim-corpora-");
const pool = createPool({ threads: 1 });
afterAll(() => pool.close());

async function corporaOn(executor: Executor, dir?: string) {
  const store = await GuildStore.open(dir ?? (await tempDir()), { maintenanceMs: 0, disk: unsyncedDisk });
  const library = Library.fromSegment(buildSegment([]));
  const corpora = new GuildCorpora(store, library, { maxUploadBytes: 1 << 20, maxDocuments: 10_000 }, executor);
  return { store, library, corpora };
}

const HTML = `<html><head><title>Ferry timetable</title></head><body><article><h1>Ferry timetable</h1>
<p>The ferry to Lindholm leaves the north quay every ninety minutes from 06:00, and the last boat returns at 23:30.</p>
<p>Tickets are sold on board; children under twelve travel free on weekdays.</p></article></body></html>`;

describe.each([
  ["a worker pool", pool],
  ["inline", inline],
])("GuildCorpora on %s", (_name, executor) => {
  it("adds, answers only in its server, removes, and reindexes with progress", async () => {
    const { corpora, library } = await corporaOn(executor);
    const added = await corpora.add(GUILD, USER, { fileName: "ferry.html", bytes: Buffer.from(HTML) });
    expect(added.document.source.title).toBe("Ferry timetable");
    expect(added.passages).toBeGreaterThan(0);
    const question = "How often does the ferry to Lindholm leave?";
    expect(library.answer(question, { scope: GUILD }).quotes[0]?.text).toContain("every ninety minutes");
    expect(library.answer(question, { scope: OTHER }).answered).toBe(false);

    const typed = await corpora.add(GUILD, USER, {
      text: "The harbour office opens at 07:30 on weekdays.",
      metadata: { title: "Office hours" },
    });
    const progress: number[] = [];
    const diff = await corpora.reindex(GUILD, { onProgress: (p) => void progress.push(p.done) });
    expect(diff).toMatchObject({ added: [], changed: [], removed: [] });
    expect(diff.passagesAfter).toBe(diff.passagesBefore);
    expect(progress.at(-1)).toBe(2);

    expect(await corpora.remove(GUILD, added.document.id)).toMatchObject({ id: added.document.id });
    expect(library.answer(question, { scope: GUILD }).answered).toBe(false);
    expect(library.answer("When does the harbour office open?", { scope: GUILD }).quotes[0]?.source.id).toBe(
      typed.document.id,
    );
    await corpora.remove(GUILD, typed.document.id);
    expect(corpora.scope(GUILD)).toBeUndefined();
  });

  it("refuses an unreadable upload with the loader's reason, storing nothing", async () => {
    const { corpora, store } = await corporaOn(executor);
    await expect(
      corpora.add(GUILD, USER, { fileName: "page.html", bytes: Buffer.from("<html><script>x()</script></html>") }),
    ).rejects.toThrow(InputError);
    await expect(corpora.add(GUILD, USER, { fileName: "empty.md", bytes: Buffer.from("  \n") })).rejects.toThrow(
      /can't use that document/,
    );
    expect(store.documents(GUILD)).toEqual([]);
  });

  it("builds every server's index at start-up (warmUp)", async () => {
    const dir = await tempDir();
    const first = await corporaOn(executor, dir);
    await first.corpora.add(GUILD, USER, { text: "The lighthouse keeper lights the lamp at dusk.", metadata: {} });
    await first.corpora.add(OTHER, USER, { text: "The market opens on Saturdays at eight.", metadata: {} });
    const { corpora, library } = await corporaOn(executor, dir);
    expect(corpora.scope(GUILD)).toBeUndefined();
    await corpora.warmUp();
    expect(library.answer("When does the lighthouse keeper light the lamp?", { scope: GUILD }).answered).toBe(true);
    expect(library.answer("When does the market open?", { scope: OTHER }).answered).toBe(true);
  });
});

describe("rebuilding a large server's index", () => {
  it("keeps the event loop free on the pool, where inline it is held for the whole build", async () => {
    const dir = await tempDir();
    const { store } = await corporaOn(inline, dir);
    await store.addDocuments(
      GUILD,
      Array.from({ length: 4000 }, (_, i) => ({
        source: { title: `Notice ${i}`, publisher: null, author: null, date: null, url: null, path: null },
        text: Array.from({ length: 8 }, (_, k) => `Pier ${i} opens at ${(i + k) % 24}:00 for boat ${k}.`).join(" "),
        addedBy: USER,
      })),
    );
    /** The longest the event loop went without running a 5 ms timer while `work` ran. */
    async function longestStall(work: () => Promise<unknown>): Promise<number> {
      let last = performance.now();
      let longest = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 5);
      try {
        await work();
      } finally {
        clearInterval(timer);
      }
      return Math.max(longest, performance.now() - last);
    }
    const onPool = await corporaOn(pool, dir);
    const onMain = await corporaOn(inline, dir);
    await onPool.corpora.reindex(GUILD); // the worker is started and warm
    const pooled = await longestStall(() => onPool.corpora.reindex(GUILD));
    const blocked = await longestStall(() => onMain.corpora.reindex(GUILD));
    console.log(
      `longest event-loop stall while reindexing 4,000 documents: pool ${pooled.toFixed(0)} ms, inline ${blocked.toFixed(0)} ms`,
    );
    expect(pooled * 4).toBeLessThan(blocked);
  }, 60_000);
});

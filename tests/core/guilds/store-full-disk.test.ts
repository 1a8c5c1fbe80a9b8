/**
 * Crash test for a full disk (issue 9, item 6): a child process (tests/support/full-disk-writer.ts) writes to the guild
 * store and saves the bundled corpus's index on a disk that fills up part-way through a write — documents, log lines
 * and index saves are cut off by ENOSPC, leaving real partial files — then gets room again; we SIGKILL it at a random
 * moment and check, as the next start would: every acknowledged write is there, nothing half-written is served, the
 * partial temporaries are gone after opening, and the saved index is either whole or rebuilt, never served broken.
 * While the disk was full, the child went on answering from memory.
 *
 * The disk's capacity is simulated through the storage layer's Disk (no small tmpfs or quota file system here); the
 * bytes written, and cut short, are real. CRASH_SEED replays a schedule.
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mulberry32 } from "../../../bench/random.js";
import { GuildStore } from "../../../src/core/guilds/store.js";
import { Library } from "../../../src/core/library/library.js";
import { BUNDLED_CORPUS, REPO_ROOT } from "../../support/paths.js";

const WRITER = join(REPO_ROOT, "tests/support/full-disk-writer.ts");
const GUILD = "100000000000000001";
const ROUNDS = Number(process.env.FULL_DISK_ROUNDS ?? 8);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

function runAndKill(dataDir: string, corpusDir: string, budget: number, delayMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, dataDir, corpusDir, String(budget)], {
      cwd: REPO_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    const failsafe = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (timer === undefined && out.startsWith("READY\n")) timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(failsafe);
      if (signal !== "SIGKILL") {
        reject(new Error(`writer exited by itself (code ${code}): ${stderr.slice(0, 2000)}`));
        return;
      }
      const lines = out.split("\n");
      lines.pop();
      resolve(lines);
    });
  });
}

describe("storage on a disk that fills up", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it(
    `keeps every acknowledged write and never serves a partial one across ${ROUNDS} kills (seed ${SEED})`,
    { timeout: 240_000 },
    async () => {
      const work = await mkdtemp(join(tmpdir(), "verbatim-full-disk-"));
      dirs.push(work);
      const dataDir = join(work, "data");
      const corpusDir = join(work, "corpus");
      await cp(BUNDLED_CORPUS, corpusDir, { recursive: true });
      await writeFile(join(corpusDir, "notes.md"), "---\ntitle: Harbour notes\n---\nThe harbour notes begin here.\n");
      const random = mulberry32(SEED);
      const acknowledged = new Map<string, string>();
      const questions = new Set<string>();
      const totals = { refused: 0, unsaved: 0, servedUnsaved: 0, savedAfterFreed: 0, acks: 0 };

      for (let round = 0; round < ROUNDS; round++) {
        // Room for a few documents or part of an index: the disk fills during the run, mid-write.
        const budget = 20_000 + Math.floor(random() * 300_000);
        const delay = 300 + Math.floor(random() * 1500);
        const lines = await runAndKill(dataDir, corpusDir, budget, delay);
        const context = `round ${round}, budget ${budget}, delay ${delay} ms, seed ${SEED}`;
        let freed = false;
        const unsaved = new Set<string>();
        for (const line of lines) {
          const [verb, what, guildId = "", id = "", hash = ""] = line.split(" ");
          if (verb === "ACK") totals.acks++;
          if (verb === "ACK" && what === "add") acknowledged.set(`${guildId}/${id}`, hash);
          else if (verb === "ACK" && what === "question") questions.add(`question ${id}`);
          else if (verb === "REFUSED") {
            totals.refused++;
            expect(line, context).toMatch(/ENOSPC/);
          } else if (verb === "FREED") freed = true;
          else if (verb === "UNSAVED") {
            totals.unsaved++;
            unsaved.add(what ?? "");
          } else if (verb === "SERVED" && unsaved.has(what ?? "")) totals.servedUnsaved++;
          else if (verb === "SAVED" && freed) totals.savedAfterFreed++;
        }

        // As the next start does: the store opens, repairs, and serves exactly what was acknowledged.
        const store = await GuildStore.open(dataDir, { maintenanceMs: 0 });
        expect(
          store.problems.filter((p) => !p.reason.includes("cut short")),
          context,
        ).toEqual([]);
        const served = new Map(store.documents(GUILD).map((d) => [`${GUILD}/${d.id}`, d.hash]));
        for (const [key, hash] of acknowledged) expect(served.get(key), `${context}: acknowledged ${key}`).toBe(hash);
        for (const key of served.keys()) acknowledged.set(key, served.get(key) as string);
        const stored = new Set((await store.readQuestions(GUILD, { limit: 1_000_000 })).map((q) => q.question));
        for (const question of questions) expect(stored.has(question), `${context}: ${question}`).toBe(true);
        const debris = async (dir: string) =>
          (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(".tmp-"));
        expect(await debris(join(dataDir, "guilds", GUILD, "documents")), context).toEqual([]);
        expect(await debris(join(dataDir, "guilds", GUILD)), context).toEqual([]);
        await store.close();

        // The saved index: whole (loaded, or updated for the files that changed) or rebuilt, never served broken.
        const { library, report } = await Library.open({ corpusDir, dataDir });
        const fresh = (await Library.open({ corpusDir })).library;
        const question = "When does the tide turn according to the harbour notes?";
        expect(library.answer(question), context).toEqual(fresh.answer(question));
        expect(library.stats().documents, context).toBe(fresh.stats().documents);
        expect(await debris(join(dataDir, "index")), context).toEqual([]);
        expect(report.saveFailed, context).toBeUndefined();
        library.close();
      }
      console.log(`full-disk crash test: ${ROUNDS} rounds, seed ${SEED}`, totals);
      // The disk really did fill mid-write, saves really were refused and served from memory, and saving resumed.
      expect(totals.refused).toBeGreaterThan(0);
      expect(totals.unsaved).toBeGreaterThan(0);
      expect(totals.servedUnsaved).toBeGreaterThan(0);
      expect(totals.savedAfterFreed).toBeGreaterThan(0);
    },
  );
});

/**
 * Crash test for the guild store and the trust loop's store (answers, votes, exclusions: src/core/guilds/feedback.ts,
 * under the same folders): a child process (tests/support/crash-writer.ts) writes to both and prints an
 * acknowledgement after each operation resolves; we SIGKILL it at a random moment, open the store ourselves, and check
 * that everything acknowledged survived and nothing half-written is served. Repeated many times on the same folder,
 * so each round also opens over the previous round's debris.
 *
 * SIGKILL tests process crashes (the page cache survives). Power loss is covered by the fsync ordering argued in
 * src/core/guilds/store.ts, which this test cannot simulate.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { GuildStorage } from "../../../src/core/guilds/contract.js";
import { type FeedbackMemory, FeedbackStore } from "../../../src/core/guilds/feedback.js";
import { GuildStore } from "../../../src/core/guilds/store.js";
import { createPool } from "../../../src/core/postgres/database.js";
import { PgFeedbackStore } from "../../../src/core/postgres/feedback.js";
import { PgGuildStore } from "../../../src/core/postgres/store.js";
import { usePostgres } from "../../support/postgres.js";
// The benchmark's seeded PRNG, so a failing schedule of kills can be replayed with CRASH_SEED.
import { mulberry32 } from "../../../bench/random.js";
import { REPO_ROOT } from "../../support/paths.js";

const ROOT = REPO_ROOT;
const WRITER = join(ROOT, "tests/support/crash-writer.ts");
const GUILDS = ["100000000000000001", "100000000000000002"];
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 30);
/** Against PostgreSQL fewer rounds do: a commit is all or nothing, there are no files to tear. */
const PG_ROUNDS = Number(process.env.CRASH_ROUNDS ?? 15);
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);

interface RoundLog {
  lines: string[];
  /** Milliseconds from spawn to READY, or null when killed before it. */
  readyAfterMs: number | null;
}

/** Runs the writer, kills it `delayMs` after READY (or after spawn when `fromSpawn`), returns its complete lines. */
function runAndKill(dir: string, delayMs: number, fromSpawn: boolean): Promise<RoundLog> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let buffered = "";
    let stderr = "";
    let readyAfterMs: number | null = null;
    const spawnedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill("SIGKILL");
    if (fromSpawn) timer = setTimeout(kill, delayMs);
    const failsafe = setTimeout(kill, 15_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      if (readyAfterMs === null && buffered.startsWith("READY\n")) {
        readyAfterMs = Date.now() - spawnedAt;
        if (!fromSpawn) timer = setTimeout(kill, delayMs);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(failsafe);
      if (signal !== "SIGKILL") {
        reject(new Error(`writer exited by itself (code ${code}, signal ${signal}): ${stderr.slice(0, 2000)}`));
        return;
      }
      const lines = buffered.split("\n");
      lines.pop(); // an incomplete last line is not an acknowledgement
      resolvePromise({ lines, readyAfterMs });
    });
  });
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const key = (guildId: string, id: string) => `${guildId}/${id}`;

interface Target {
  /** What the writer is given: a data folder, or a PostgreSQL URL. */
  target: string;
  rounds: number;
  /** Opens the stores over what the killed writer left. */
  open(): Promise<{ store: GuildStorage; feedback: FeedbackMemory; close(): Promise<void> }>;
  /** With files: the data folder, whose temp files are checked too. */
  dir?: string;
}

const postgres = usePostgres();

describe("GuildStore and FeedbackStore under SIGKILL", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write across ${ROUNDS} kills (seed ${SEED})`, { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "verbatim-crash-"));
    dirs.push(dir);
    await crashRounds({
      target: dir,
      rounds: ROUNDS,
      dir,
      open: async () => ({
        store: await GuildStore.open(dir),
        feedback: await FeedbackStore.open(dir),
        close: async () => undefined,
      }),
    });
  });
});

describe("PgGuildStore and PgFeedbackStore under SIGKILL", () => {
  it(`keeps every acknowledged write across ${PG_ROUNDS} kills (seed ${SEED})`, { timeout: 180_000 }, async () => {
    const url = await postgres().createDatabase();
    await crashRounds({
      target: url,
      rounds: PG_ROUNDS,
      open: async () => {
        const pool = createPool(url, { max: 2 });
        const store = await PgGuildStore.open(pool, { maintenanceMs: 0 });
        const feedback = await PgFeedbackStore.open(pool, { maintenanceMs: 0 });
        return {
          store,
          feedback,
          close: async () => {
            await store.close();
            await feedback.close();
            await pool.end();
          },
        };
      },
    });
  });
});

async function crashRounds({ target, rounds: ROUNDS, open, dir }: Target): Promise<void> {
  {
    const random = mulberry32(SEED);
    const started = Date.now();
    let lastReadyMs = 800;

    /** The documents as last observed (plus those acknowledged since): must all be there, unless a removal was tried. */
    const expected = new Map<string, string>();
    /** Acknowledged removals: must never come back. */
    const removed = new Set<string>();
    const audits = new Set<string>();
    const questions = new Set<string>();
    /** Per guild: the cooldown known to be on disk (last observed or acknowledged) and one attempted since, if any. */
    const settings = new Map<string, { durable: number | null; tried: number | null }>(
      GUILDS.map((g) => [g, { durable: null, tried: null }]),
    );
    const stats = { acks: 0, tempFilesSeen: 0, tornLogLines: 0, killedBeforeReady: 0, unackedAddsFound: 0 };
    /** The trust loop: acknowledged answers; per scope/answer/user the vote on disk and one tried since; exclusions. */
    const answers = new Set<string>();
    const votes = new Map<string, { durable: string; tried: string | null }>();
    const exclusions = new Map<string, { id: string | null; state: "present" | "maybe" | "gone" }>();
    const feedbackStats = { answers: 0, votes: 0, exclusions: 0, restores: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      // Now and then, aim the kill at start-up instead: around when the last writer finished open().
      const fromSpawn = round % 6 === 5;
      const delay = fromSpawn
        ? Math.max(20, lastReadyMs - 150 + Math.floor(random() * 250))
        : 20 + Math.floor(random() * 281);
      const { lines, readyAfterMs } = await runAndKill(target, delay, fromSpawn);
      if (readyAfterMs === null) stats.killedBeforeReady++;
      else lastReadyMs = readyAfterMs;
      const context = `round ${round}, delay ${delay} ms${fromSpawn ? " from spawn" : ""}, seed ${SEED}`;

      const mayBeGone = new Set<string>();
      for (const line of lines) {
        const [verb, what, guildId = "", arg = "", hash = ""] = line.split(" ");
        if (verb === "ACK") stats.acks++;
        if (verb === "ACK" && what === "add") {
          expected.set(key(guildId, arg), hash);
          removed.delete(key(guildId, arg));
        } else if (verb === "TRY" && what === "remove") mayBeGone.add(key(guildId, arg));
        else if (verb === "ACK" && what === "remove") {
          expected.delete(key(guildId, arg));
          removed.add(key(guildId, arg));
        } else if (what === "settings") {
          const state = settings.get(guildId);
          if (!state) throw new Error(`unknown guild in "${line}"`);
          if (verb === "TRY") state.tried = Number(arg);
          else state.durable = Number(arg);
        } else if (verb === "ACK" && what === "audit") audits.add(key(guildId, arg));
        else if (verb === "ACK" && what === "question") questions.add(key(guildId, arg));
        else if (what === "answer" && verb === "ACK") {
          answers.add(key(guildId, arg));
          feedbackStats.answers++;
        } else if (what === "vote") {
          const [, , scope = "", answerId = "", userId = "", vote = ""] = line.split(" ");
          const k = `${scope}/${answerId}/${userId}`;
          const state = votes.get(k) ?? { durable: "withdrawn", tried: null };
          if (verb === "TRY") state.tried = vote;
          else {
            state.durable = vote;
            state.tried = null;
            feedbackStats.votes++;
          }
          votes.set(k, state);
        } else if (what === "exclude") {
          // guildId is the scope here, arg the fingerprint, hash the new exclusion's id.
          const k = key(guildId, arg);
          if (verb === "TRY") exclusions.set(k, { id: null, state: "maybe" });
          else {
            exclusions.set(k, { id: hash, state: "present" });
            feedbackStats.exclusions++;
          }
        } else if (what === "restore") {
          for (const [k, e] of exclusions)
            if (k.startsWith(`${guildId}/`) && e.id === arg) e.state = verb === "TRY" ? "maybe" : "gone";
          if (verb === "ACK") feedbackStats.restores++;
        }
      }

      // Temp files left by the kill: note which documents they were for; none may be served.
      const pendingIds = new Set<string>();
      for (const guildId of dir === undefined ? [] : GUILDS) {
        const names = await readdir(join(dir as string, "guilds", guildId, "documents")).catch(() => [] as string[]);
        for (const name of names.filter((n) => n.startsWith(".tmp-"))) {
          stats.tempFilesSeen++;
          const id = /^\.tmp-(.+)\.json-[0-9a-f]+$/.exec(name)?.[1];
          if (id && !names.includes(`${id}.json`)) pendingIds.add(key(guildId, id));
        }
      }

      const { store, feedback, close } = await open();
      const quarantined = store.problems.filter((p) => !p.reason.includes("cut short"));
      stats.tornLogLines += store.problems.length - quarantined.length;
      expect(quarantined, context).toEqual([]);

      // The trust loop's store, opened over the same debris: every acknowledged answer, vote and exclusion is there;
      // a write in flight is there whole or not at all; nothing is quarantined; no temp file survives the open.
      const set = feedback.problems.filter((p) => !p.reason.includes("cut short"));
      stats.tornLogLines += feedback.problems.length - set.length;
      expect(set, context).toEqual([]);
      for (const mark of answers) {
        const [scope = "", id = ""] = mark.split("/");
        expect(feedback.answer(scope, id).status, `${context}: answer ${mark}`).toBe("found");
      }
      for (const [k, state] of votes) {
        const [scope = "", answerId = "", userId = ""] = k.split("/");
        const current = feedback.voteOf(scope, answerId, userId)?.vote ?? "withdrawn";
        expect(
          state.tried === null ? [state.durable] : [state.durable, state.tried],
          `${context}: vote ${k}`,
        ).toContain(current);
        votes.set(k, { durable: current, tried: null });
      }
      for (const [k, e] of exclusions) {
        const [scope = "", fingerprint = ""] = k.split("/");
        const found = feedback.exclusions(scope).find((x) => x.ref.fingerprint === fingerprint);
        if (e.state === "present") expect(found, `${context}: exclusion ${k}`).toBeDefined();
        if (e.state === "gone") expect(found, `${context}: restored exclusion ${k} came back`).toBeUndefined();
        exclusions.set(k, found === undefined ? { id: null, state: "gone" } : { id: found.id, state: "present" });
      }
      for (const scope of dir === undefined ? [] : ["dm", ...GUILDS]) {
        const folder =
          scope === "dm" ? join(dir as string, "direct", "feedback") : join(dir as string, "guilds", scope, "feedback");
        const names = await readdir(folder).catch(() => [] as string[]);
        expect(
          names.filter((n) => n.startsWith(".tmp-")),
          context,
        ).toEqual([]);
      }

      const observed = new Map<string, string>();
      for (const guildId of GUILDS) {
        for (const document of store.documents(guildId)) {
          expect(sha256(document.text), `${context}: ${document.id}`).toBe(document.hash);
          observed.set(key(guildId, document.id), document.hash);
        }
        if (dir !== undefined) {
          const names = await readdir(join(dir, "guilds", guildId, "documents")).catch(() => [] as string[]);
          expect(
            names.filter((n) => n.startsWith(".tmp-")),
            context,
          ).toEqual([]);
        }

        const { durable, tried } = settings.get(guildId) ?? { durable: null, tried: null };
        const current = store.settings(guildId);
        // The acknowledged value, or the one write in flight when the writer was killed.
        expect(tried === null ? [durable] : [durable, tried], context).toContain(current.cooldownSeconds);
        // Both fields come from one atomic write.
        if (current.cooldownSeconds !== null)
          expect(current.channels, context).toEqual([String(1000 + current.cooldownSeconds)]);
        // Whatever is on disk now is the value the next round builds on.
        settings.set(guildId, { durable: current.cooldownSeconds, tried: null });

        const auditDetails = new Set(
          (await store.readAuditLog(guildId, { limit: 1_000_000 })).map((e) => key(guildId, e.detail ?? "")),
        );
        const questionMarks = new Set(
          (await store.readQuestions(guildId, { limit: 1_000_000 })).map((q) =>
            key(guildId, q.question.replace(/^question /, "")),
          ),
        );
        for (const mark of audits)
          if (mark.startsWith(`${guildId}/`)) expect(auditDetails.has(mark), `${context}: audit ${mark}`).toBe(true);
        for (const mark of questions)
          if (mark.startsWith(`${guildId}/`))
            expect(questionMarks.has(mark), `${context}: question ${mark}`).toBe(true);
      }

      for (const [id, hash] of expected) {
        if (mayBeGone.has(id) && !observed.has(id)) continue;
        expect(observed.get(id), `${context}: acknowledged ${id}`).toBe(hash);
      }
      for (const id of removed) expect(observed.has(id), `${context}: removed ${id} came back`).toBe(false);
      for (const id of pendingIds) expect(observed.has(id), `${context}: ${id} served from a temp file`).toBe(false);
      // Beyond the acknowledged, at most the one add in flight per guild may have completed.
      const extra = [...observed.keys()].filter((id) => !expected.has(id));
      for (const guildId of GUILDS)
        expect(extra.filter((id) => id.startsWith(`${guildId}/`)).length, context).toBeLessThanOrEqual(1);
      stats.unackedAddsFound += extra.length;

      // What is there now is what must still be there next round (unless removed then).
      expected.clear();
      for (const [id, hash] of observed) expected.set(id, hash);
      await close();
    }

    const seconds = (Date.now() - started) / 1000;
    console.log(
      `guild-store crash test (${dir === undefined ? "PostgreSQL" : "files"}): ${ROUNDS} rounds in ${seconds.toFixed(1)} s, seed ${SEED}`,
      stats,
      feedbackStats,
    );
    expect(stats.acks).toBeGreaterThan(ROUNDS); // the writer really was writing when killed
    expect(feedbackStats.answers + feedbackStats.votes + feedbackStats.exclusions).toBeGreaterThan(ROUNDS);
  }
}

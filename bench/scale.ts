/**
 * `npm run bench:scale`: Verbatim outgrowing one process, measured in one run on this machine.
 *
 * 1. /ask through the whole bot path (loopback Discord → discord.js → answer → REST reply, each answer and question
 *    recorded in the store) in three tiers, the same load each time: one `npm start` process on the file store (as
 *    today); one process running both shards on PostgreSQL; two processes, shard 0 and shard 1 of 2, on the same
 *    PostgreSQL. Throughput, p50/p99 latency (injected → reply visible), and CPU-ms per request for the bot
 *    processes, PostgreSQL (the server and its backends) and the driver (this process: the loopback Discord and the
 *    load), read from /proc — since two cores cap absolute figures, CPU per request is what compares across tiers.
 * 2. Document-add latency on the file store versus PostgreSQL (the durable write: fsynced files, or a committed
 *    transaction with its row lock, quota count and unique check).
 *
 * Options: --requests 600 --concurrency 16 --adds 200 --json.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PermissionFlagsBits } from "discord.js";
import { commands } from "../commands/index.js";
import { deployCommands } from "../src/bot/deploy.js";
import { createDatabasePool, GuildStore, migrate, PgGuildStore } from "../src/core/index.js";
import { startPostgres, type TestPostgres } from "../tests/support/embedded-postgres.js";
import {
  type LoopbackDiscord,
  snowflakeOnShard,
  startLoopbackDiscord,
} from "../tests/support/loopback-discord/index.js";
import { machineInfo, percentile } from "./measure.js";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "600" },
    concurrency: { type: "string", default: "16" },
    adds: { type: "string", default: "200" },
    json: { type: "boolean", default: false },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const ADDS = Number(values.adds);
const ROOT = join(import.meta.dirname, "..");
const QUESTIONS = [
  "When did Antonov return to Moscow?",
  "How old is Antonov?",
  "Who replaced Antonov as ambassador?",
  "What did Antonov say about relations with the United States?",
  "When did Antonov become ambassador?",
  "What is the capital of Australia?",
];

// ----- CPU accounting from /proc ----------------------------------------------------------------------------------

const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim() || 100);

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime, and the reaped children's cutime + cstime, in ms. */
  own: number;
  reaped: number;
}

async function readStats(): Promise<Map<number, Stat>> {
  const stats = new Map<number, Stat>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = await readFile(`/proc/${name}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const n = (i: number) => Number(fields[i - 3]);
      stats.set(Number(name), {
        pid: Number(name),
        ppid: n(4),
        own: (n(14) + n(15)) * TICK_MS,
        reaped: (n(16) + n(17)) * TICK_MS,
      });
    } catch {
      // gone
    }
  }
  return stats;
}

/** CPU-ms of the trees rooted at `roots` (live descendants, and what exited children left in their parents). */
async function treeCpu(roots: readonly number[]): Promise<number> {
  const stats = await readStats();
  const children = new Map<number, number[]>();
  for (const s of stats.values()) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s.pid]);
  let total = 0;
  const visit = (pid: number) => {
    const s = stats.get(pid);
    if (s === undefined) return;
    total += s.own + s.reaped;
    for (const child of children.get(pid) ?? []) visit(child);
  };
  for (const root of roots) visit(root);
  return total;
}

const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// ----- the bot processes --------------------------------------------------------------------------------------------

interface Bot {
  child: ChildProcess;
  exit: Promise<number | null>;
  output: () => string;
}

function startBot(discord: LoopbackDiscord, work: string, env: Record<string, string>): Bot {
  const child = spawn(process.execPath, [join(ROOT, "dist/start.js")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.api,
      CORPUS_DIR: join(work, "corpus"),
      COOLDOWN_SECONDS: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  return { child, exit: new Promise((resolve) => child.on("exit", resolve)), output: () => out };
}

interface Tier {
  name: string;
  processes: number;
  requests: number;
  failed: number;
  wallMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: { bots: number; postgres: number; driver: number; total: number };
}

async function runTier(
  name: string,
  discord: LoopbackDiscord,
  guilds: readonly { id: string; channel: string }[],
  bots: Bot[],
  postgres: TestPostgres | null,
): Promise<Tier> {
  const expected = bots.length === 2 ? "0/2,1/2" : bots.length === 1 && name.includes("PostgreSQL") ? "0/2,1/2" : "0/1";
  await discord.waitFor(() => discord.liveShards.join() === expected, { timeoutMs: 120_000 });
  const ask = (i: number) => {
    const guild = guilds[i % guilds.length] as { id: string; channel: string };
    const started = performance.now();
    return discord
      .injectSlashCommand({
        channelId: guild.channel,
        user: "alice",
        name: "ask",
        options: { question: QUESTIONS[i % QUESTIONS.length] as string },
        memberPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
      })
      .waitForReply({ timeoutMs: 30_000 })
      .then(
        () => performance.now() - started,
        () => null,
      );
  };
  const load = async (count: number) => {
    const latencies: number[] = [];
    let failed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          const ms = await ask(next++);
          if (ms === null) failed++;
          else latencies.push(ms);
        }
      }),
    );
    return { latencies, failed };
  };
  await load(Math.min(60, REQUESTS)); // warm: JIT, index pages, connections
  const botPids = bots.map((b) => b.child.pid as number);
  const pgPids = postgres?.pid === undefined ? [] : [postgres.pid];
  const before = { bots: await treeCpu(botPids), postgres: await treeCpu(pgPids), driver: selfCpu() };
  const started = performance.now();
  const { latencies, failed } = await load(REQUESTS);
  const wallMs = performance.now() - started;
  const after = { bots: await treeCpu(botPids), postgres: await treeCpu(pgPids), driver: selfCpu() };
  latencies.sort((a, b) => a - b);
  const per = (x: number) => x / REQUESTS;
  const cpu = {
    bots: per(after.bots - before.bots),
    postgres: per(after.postgres - before.postgres),
    driver: per(after.driver - before.driver),
    total: 0,
  };
  cpu.total = cpu.bots + cpu.postgres + cpu.driver;
  for (const bot of bots) bot.child.kill("SIGTERM");
  await Promise.all(bots.map((b) => b.exit));
  await discord.waitFor(() => discord.liveShards.length === 0, { timeoutMs: 15_000 });
  return {
    name,
    processes: bots.length,
    requests: REQUESTS,
    failed,
    wallMs,
    perSecond: (REQUESTS - failed) / (wallMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMsPerRequest: cpu,
  };
}

// ----- document adds ------------------------------------------------------------------------------------------------

interface AddLatency {
  store: string;
  adds: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

async function addLatencies(work: string, postgres: TestPostgres): Promise<AddLatency[]> {
  const guild = "123456789012345678";
  const text = (i: number) =>
    `Notice ${i}: ${randomBytes(6).toString("hex")} `.concat(
      "The harbour office opens at 7:30 on weekdays. ".repeat(160),
    );
  const input = (i: number) => ({
    source: { title: `Notice ${i}`, publisher: null, author: null, date: null, url: null, path: null },
    text: text(i),
    addedBy: "111111111111111111",
  });
  const measure = async (name: string, add: (i: number) => Promise<unknown>): Promise<AddLatency> => {
    for (let i = 0; i < 10; i++) await add(1_000_000 + i); // warm
    const times: number[] = [];
    for (let i = 0; i < ADDS; i++) {
      const started = performance.now();
      await add(i);
      times.push(performance.now() - started);
    }
    const sorted = [...times].sort((a, b) => a - b);
    return {
      store: name,
      adds: ADDS,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    };
  };
  const files = await GuildStore.open(join(work, "adds"), { maintenanceMs: 0 });
  const fileResult = await measure("file store (DATA_DIR)", (i) =>
    files.addDocument(guild, input(i), { maxDocuments: 1_000_000 }),
  );
  await files.close();
  const pool = createDatabasePool(await postgres.createDatabase(), { max: 4 });
  await migrate(pool);
  const pg = await PgGuildStore.open(pool, { maintenanceMs: 0 });
  const pgResult = await measure("PostgreSQL", (i) => pg.addDocument(guild, input(i), { maxDocuments: 1_000_000 }));
  await pg.close();
  await pool.end();
  return [fileResult, pgResult];
}

// ----- the run ------------------------------------------------------------------------------------------------------

execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
const work = await mkdtemp(join(tmpdir(), "verbatim-bench-scale-"));
await cp(join(ROOT, "corpus"), join(work, "corpus"), { recursive: true });
const postgres = await startPostgres();
const guilds = [
  { id: snowflakeOnShard(0, 2), channel: "s0-a" },
  { id: snowflakeOnShard(1, 2), channel: "s1-a" },
  { id: snowflakeOnShard(0, 2), channel: "s0-b" },
  { id: snowflakeOnShard(1, 2), channel: "s1-b" },
];
const discord = await startLoopbackDiscord({
  users: [],
  guilds: guilds.map((g) => ({
    id: g.id,
    name: g.channel,
    channels: [{ name: g.channel }],
    members: [{ user: "alice" }],
  })),
  rateLimits: false,
  sharding: { recommendedShards: 2, maxConcurrency: 2 },
  waitTimeoutMs: 30_000,
});
const tiers: Tier[] = [];
let adds: AddLatency[] = [];
try {
  for (const guild of guilds)
    await deployCommands(commands, {
      token: discord.token,
      applicationId: discord.applicationId,
      guildId: guild.id,
      apiUrl: discord.api,
    });
  tiers.push(
    await runTier(
      "1 process, file store (npm start today)",
      discord,
      guilds,
      [startBot(discord, work, { DATA_DIR: join(work, "data-files") })],
      null,
    ),
  );
  const one = await postgres.createDatabase();
  tiers.push(
    await runTier(
      "1 process, both shards, PostgreSQL",
      discord,
      guilds,
      [startBot(discord, work, { DATA_DIR: join(work, "data-one"), DATABASE_URL: one, SHARD_COUNT: "2" })],
      postgres,
    ),
  );
  const two = await postgres.createDatabase();
  tiers.push(
    await runTier(
      "2 processes, shard 0 and shard 1, PostgreSQL",
      discord,
      guilds,
      [0, 1].map((shard) =>
        startBot(discord, work, {
          DATA_DIR: join(work, "data-two"),
          DATABASE_URL: two,
          SHARD_COUNT: "2",
          SHARD_IDS: String(shard),
        }),
      ),
      postgres,
    ),
  );
  adds = await addLatencies(work, postgres);
} finally {
  await discord.close();
  await postgres.stop();
  await rm(work, { recursive: true, force: true });
}

const machine = machineInfo();
if (values.json) {
  process.stdout.write(`${JSON.stringify({ requests: REQUESTS, concurrency: CONCURRENCY, tiers, adds, machine })}\n`);
} else {
  const f = (x: number, d = 1) => x.toFixed(d);
  process.stdout.write(
    [
      `Running at scale — ${REQUESTS} /ask per tier, ${CONCURRENCY} in flight, over 4 servers (2 per shard); bundled corpus`,
      `Machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}; the loopback Discord and the load run in this process`,
      "",
      "| tier | /ask per s | p50 | p99 | failed | CPU-ms per /ask: bots | PostgreSQL | driver | total |",
      "|---|---|---|---|---|---|---|---|---|",
      ...tiers.map(
        (t) =>
          `| ${t.name} | ${f(t.perSecond)} | ${f(t.p50Ms)} ms | ${f(t.p99Ms)} ms | ${t.failed} | ${f(t.cpuMsPerRequest.bots, 2)} | ${f(t.cpuMsPerRequest.postgres, 2)} | ${f(t.cpuMsPerRequest.driver, 2)} | ${f(t.cpuMsPerRequest.total, 2)} |`,
      ),
      "",
      `Document add (a ${text8k().toLocaleString("en")}-character document, durable when it resolves), ${ADDS} in a row:`,
      "| store | p50 | p99 | mean |",
      "|---|---|---|---|",
      ...adds.map((a) => `| ${a.store} | ${f(a.p50Ms, 2)} ms | ${f(a.p99Ms, 2)} ms | ${f(a.meanMs, 2)} ms |`),
    ].join("\n") + "\n",
  );
}

function text8k(): number {
  return "Notice 0: 000000000000 ".length + "The harbour office opens at 7:30 on weekdays. ".length * 160;
}

/**
 * One server's heavy work never holds up another's: while a server rebuilds its index over 20,000 documents
 * (/corpus reindex), another server's /ask and /source autocomplete are answered inside Discord's 3-second window,
 * every one. The loopback Discord enforces the window (a late first response is refused with 10062 Unknown
 * interaction), so this test asserts no time budget of its own: it counts what Discord would have refused.
 *
 * `REINDEX_EXECUTOR=inline` runs the same test with indexing on the main thread (how it was before the worker pool),
 * which is how the failure counts in the closing note were measured.
 */
import { deployTo } from "../support/deploy.js";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits, type Client } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commands } from "../../commands/index.js";
import { createVerbatim, type Verbatim } from "../../src/app.js";
import { GuildStore } from "../../src/core/guilds/store.js";
import { inline } from "../../src/core/library/pool.js";
import { unsyncedDisk } from "../support/faulty-disk.js";
import { BUNDLED_CORPUS } from "../support/paths.js";
import { type LoopbackDiscord, startLoopbackDiscord } from "../support/loopback-discord/index.js";

const DOCUMENTS = 20_000;
const MOD = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageGuild;
const WORDS =
  "harbour ferry office crane quay lighthouse keeper schedule winter summer north south opening hours ticket price storm warning pier boat island market".split(
    " ",
  );

let work: string;
let discord: LoopbackDiscord;
let verbatim: Verbatim;
let client: Client;
let big: string;

/** Ten sentences of about 600 characters: enough that indexing 20,000 of them takes seconds. */
function notice(i: number) {
  const w = (k: number) => WORDS[(i * 7 + k * 13) % WORDS.length] as string;
  const text = Array.from(
    { length: 10 },
    (_, k) => `The ${w(k)} ${w(k + 3)} number ${i} opens at ${(i + k) % 24}:00 on ${w(k + 5)} days.`,
  ).join(" ");
  return {
    source: { title: `Notice ${i} ${w(1)}`, publisher: null, author: null, date: null, url: null, path: null },
    text,
    addedBy: "111111111111111111",
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-reindex-load-"));
  await cp(BUNDLED_CORPUS, join(work, "corpus"), { recursive: true });
  discord = await startLoopbackDiscord({
    guilds: [
      { name: "Big", channels: [{ name: "big-general" }], members: [{ user: "mod" }] },
      { name: "Other", channels: [{ name: "other-general" }], members: [{ user: "alice" }] },
    ],
    waitTimeoutMs: 120_000,
  });
  big = discord.guild("Big").id;
  // The big server's documents, stored beforehand (through the store, on a disk that skips fsync: a fixture).
  const seed = await GuildStore.open(join(work, "data"), { disk: unsyncedDisk, maintenanceMs: 0 });
  await seed.addDocuments(
    big,
    Array.from({ length: DOCUMENTS }, (_, i) => notice(i)),
  );
  await seed.close();
  for (const guildId of [big, discord.guild("Other").id]) await deployTo(discord, guildId);
  verbatim = await createVerbatim({
    corpusDir: join(work, "corpus"),
    dataDir: join(work, "data"),
    logger: pino({ level: "silent" }),
    maxUploadBytes: 1 << 20,
    maxDocumentsPerGuild: DOCUMENTS,
    ownerIds: [],
    ...(process.env.REINDEX_EXECUTOR === "inline" ? { executor: inline } : {}),
  });
  client = verbatim.createClient({ commands, apiUrl: discord.api, cooldownSeconds: 0, version: "test" });
  await client.login(discord.token);
  await discord.waitFor(() => discord.connected, { timeoutMs: 20_000 });
}, 180_000);

afterAll(async () => {
  await client?.destroy();
  await verbatim?.close();
  await discord?.close();
  await rm(work, { recursive: true, force: true });
});

describe("a big server's rebuild and another server's members", () => {
  it(`answers every /ask and /source autocomplete in time while ${DOCUMENTS.toLocaleString("en")} documents are reindexed`, async () => {
    const reindex = discord.injectSlashCommand({
      channelId: "big-general",
      user: "mod",
      name: "corpus",
      subcommand: "reindex",
      options: {},
      memberPermissions: MOD,
    });
    let done = false;
    const finished = reindex
      .waitForReply({ until: (m) => m.content.startsWith("Reindexed"), timeoutMs: 120_000 })
      .finally(() => (done = true));
    finished.catch(() => undefined);

    const asks: Array<ReturnType<LoopbackDiscord["injectSlashCommand"]>> = [];
    const lookups: Array<ReturnType<LoopbackDiscord["injectAutocomplete"]>> = [];
    let duringRebuild = 0;
    let sawProgress = false;
    const started = Date.now();
    // Until the rebuild is over, and at least 12 of each: a question and a title lookup every 150 ms.
    for (let i = 0; !done || asks.length < 12; i++) {
      asks.push(
        discord.injectSlashCommand({
          channelId: "other-general",
          user: "alice",
          name: "ask",
          options: { question: i % 2 === 0 ? "When did Antonov return to Moscow?" : "How old is Antonov?" },
        }),
      );
      lookups.push(
        discord.injectAutocomplete({
          channelId: "other-general",
          user: "alice",
          name: "source",
          options: { document: "ambass" },
          focused: "document",
        }),
      );
      if (!done) duringRebuild++;
      if (reindex.original?.content.startsWith("Reindexing") === true) sawProgress = true;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }

    const final = await finished;
    const asked = await Promise.allSettled(asks.map((a) => a.response));
    const looked = await Promise.allSettled(lookups.map((l) => l.choices));
    const missed = {
      ask: asked.filter((r) => r.status === "rejected").length,
      autocomplete: looked.filter((r) => r.status === "rejected").length,
    };
    console.log(
      `reindex under load: ${asks.length} /ask and ${lookups.length} autocompletes (${duringRebuild} sent during the rebuild); missed the window:`,
      missed,
    );
    expect(final.content).toMatch(/Passages: \d+ → \d+/);
    expect(reindex.expired).toBe(false);
    // Progress was shown in the deferred reply (edited every 3 s), and the answer replaced it: no second message.
    if (Date.now() - started > 7000) expect(sawProgress).toBe(true);
    expect(reindex.followUps).toEqual([]);
    // The rebuild really was under way while they were asked (a blocked event loop could not even send them).
    expect(duringRebuild).toBeGreaterThanOrEqual(12);
    expect(missed).toEqual({ ask: 0, autocomplete: 0 });
    for (const result of looked) {
      if (result.status === "fulfilled") expect(result.value.length).toBeGreaterThan(0);
    }
    // And they were answered, from the bundled corpus: nothing of the big server's leaked into the other.
    const replies = await Promise.all(asks.slice(0, 4).map((a) => a.waitForReply({ timeoutMs: 60_000 })));
    for (const reply of replies) {
      expect(reply.content).toMatch(/Antonov|Moscow|69/);
      expect(reply.content).not.toMatch(/Notice \d+/);
    }
  }, 180_000);
});

/**
 * The bot path under a burst: 50 /ask commands arriving at once through the real interaction handler (the discord.js
 * client wired as `npm start` wires it), answered from the benchmark's index, against the loopback Discord on
 * 127.0.0.1 — no real network. Measures, for each command, the time from its arrival until the server holds its
 * acknowledgement (Discord allows 3 s), and until the answer is visible.
 */
import { pino } from "pino";
import { commands } from "../commands/index.js";
import { createVerbatim } from "../src/app.js";
import type { Library, Source } from "../src/core/index.js";
import { startLoopbackDiscord } from "../tests/support/loopback-discord/index.js";
import { summarizeLatencies, type LatencySummary } from "./measure.js";

export interface BurstReport {
  questions: number;
  ack: LatencySummary;
  answer: LatencySummary;
  /** Acknowledgements that missed Discord's 3-second window. */
  late: number;
}

/** Sends `questions` as simultaneous /ask commands from distinct users and times acknowledgement and answer. */
export async function measureBurst(library: Library, questions: readonly string[]): Promise<BurstReport> {
  const discord = await startLoopbackDiscord({
    guilds: [
      { name: "Bench", channels: [{ name: "general" }], members: questions.map((_, i) => ({ user: `user${i}` })) },
    ],
    waitTimeoutMs: 60_000,
  });
  const logger = pino({ level: "silent" });
  const verbatim = await createVerbatim({
    corpusDir: "",
    dataDir: null,
    library,
    logger,
    maxUploadBytes: 0,
    maxDocumentsPerGuild: 0,
    ownerIds: [],
  });
  const client = verbatim.createClient({ commands, apiUrl: discord.api, cooldownSeconds: 0, version: "bench" });
  try {
    await client.login(discord.token);
    await discord.waitFor(() => discord.connected, { timeoutMs: 20_000 });
    const started = questions.map(() => 0);
    const handles = questions.map((question, i) => {
      started[i] = performance.now();
      return discord.injectSlashCommand({ channelId: "general", user: `user${i}`, name: "ask", options: { question } });
    });
    const acks = await Promise.all(
      handles.map((h, i) =>
        h.response.then(
          () => performance.now() - (started[i] as number),
          () => Number.POSITIVE_INFINITY,
        ),
      ),
    );
    const answers = await Promise.all(
      handles.map((h, i) => h.waitForReply().then(() => performance.now() - (started[i] as number))),
    );
    return {
      questions: questions.length,
      ack: summarizeLatencies(acks),
      answer: summarizeLatencies(answers),
      late: acks.filter((ms) => ms > 3000).length,
    };
  } finally {
    await client.destroy();
    await verbatim.close();
    await discord.close();
  }
}

/** Title autocomplete as /source answers it, for each of `prefixes` (after a short warm-up). */
export function measureAutocomplete(
  suggest: (prefix: string, limit: number) => Source[],
  prefixes: readonly string[],
): LatencySummary {
  for (const p of prefixes.slice(0, 50)) suggest(p, 25);
  const latencies = prefixes.map((p) => {
    const t = performance.now();
    suggest(p, 25);
    return performance.now() - t;
  });
  return summarizeLatencies(latencies);
}

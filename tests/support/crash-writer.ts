/**
 * Child process for tests/core/guild-store-crash.test.ts: opens the guild store in `<dir>` and writes to it until it is
 * killed. Each line on stdout is printed only after the operation it reports has resolved (an acknowledgement):
 *
 *   READY
 *   ACK add <guildId> <documentId> <sha256>
 *   TRY remove <guildId> <documentId>            (before the removal starts: it may or may not happen)
 *   ACK remove <guildId> <documentId>
 *   TRY settings <guildId> <cooldownSeconds>
 *   ACK settings <guildId> <cooldownSeconds>
 *   ACK audit <guildId> <token>
 *   ACK question <guildId> <token>
 *   ACK answer <scope> <answerId>                (the trust loop's store: scope is a guild id or "dm")
 *   TRY vote <scope> <answerId> <userId> <vote>  (helpful | wrong | withdrawn)
 *   ACK vote <scope> <answerId> <userId> <vote>
 *   TRY exclude <scope> <fingerprint>
 *   ACK exclude <scope> <fingerprint> <exclusionId>
 *   TRY restore <scope> <exclusionId>
 *   ACK restore <scope> <exclusionId>
 *
 * Two guilds are written concurrently, one operation at a time each. The loop is bounded, and the process exits by
 * itself when its parent goes away (stdin closes or stdout breaks) or after 30 s.
 *
 * Usage: node --import tsx tests/support/crash-writer.ts <dir | postgres://…> [maxOpsPerGuild]
 * (a PostgreSQL URL writes through the PostgreSQL stores instead of the file stores under <dir>).
 */
import { randomBytes } from "node:crypto";
import type { GuildStorage } from "../../src/core/guilds/contract.js";
import { type FeedbackMemory, FeedbackStore } from "../../src/core/guilds/feedback.js";
import { GuildStore } from "../../src/core/guilds/store.js";
import { createPool } from "../../src/core/postgres/database.js";
import { PgFeedbackStore } from "../../src/core/postgres/feedback.js";
import { migrate } from "../../src/core/postgres/migrations.js";
import { PgGuildStore } from "../../src/core/postgres/store.js";

const CRASH_GUILDS = ["100000000000000001", "100000000000000002"] as const;

const [dir, maxArg] = process.argv.slice(2);
if (!dir) {
  process.stderr.write("usage: crash-writer.ts <dir> [maxOpsPerGuild]\n");
  process.exit(2);
}
const maxOps = Number(maxArg ?? 2000);

process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
process.stdout.on("error", () => process.exit(0));
setTimeout(() => process.exit(0), 30_000).unref();

// stdout to a pipe is synchronous on Linux, so a printed line has reached the parent before the next operation.
const say = (line: string) => process.stdout.write(`${line}\n`);
const token = () => `${process.pid}-${randomBytes(4).toString("hex")}`;

let store: GuildStorage;
let feedback: FeedbackMemory;
if (/^postgres(ql)?:/.test(dir)) {
  const pool = createPool(dir, { max: 4 });
  await migrate(pool);
  store = await PgGuildStore.open(pool, { maintenanceMs: 0 });
  feedback = await PgFeedbackStore.open(pool, { maintenanceMs: 0 });
} else {
  store = await GuildStore.open(dir);
  feedback = await FeedbackStore.open(dir);
}
say("READY");

const USERS = ["u1", "u2", "u3"];
const VOTES = ["helpful", "wrong", "withdrawn"] as const;

/** One write to the trust loop's store, in this guild's scope or (now and then) the DMs'. */
async function feedbackWork(guildId: string, roll: number, answers: string[]): Promise<void> {
  const scope = Math.random() < 0.25 ? "dm" : guildId;
  const at = new Date().toISOString();
  if (roll < 0.4 || answers.length === 0) {
    const id = feedback.newAnswerId();
    await feedback.recordAnswer({
      id,
      at,
      scope,
      channelId: "200000000000000001",
      userId: "42",
      private: scope === "dm",
      question: `question ${token()} ${"x".repeat(Math.floor(Math.random() * 1500))}`,
      answered: true,
      quotes: [
        { passageId: "doc#0", fingerprint: "0123456789abcdef", start: 0, end: 10, sourceId: "doc" },
        { passageId: "doc#1", fingerprint: "fedcba9876543210", start: 20, end: 40, sourceId: "doc" },
      ],
      closest: [],
    });
    answers.push(`${scope} ${id}`);
    say(`ACK answer ${scope} ${id}`);
  } else if (roll < 0.75) {
    const [answerScope = scope, answerId = ""] = (answers[Math.floor(Math.random() * answers.length)] ?? "").split(" ");
    const userId = USERS[Math.floor(Math.random() * USERS.length)] ?? "u1";
    const vote = VOTES[Math.floor(Math.random() * VOTES.length)] ?? "helpful";
    say(`TRY vote ${answerScope} ${answerId} ${userId} ${vote}`);
    await feedback.castVote(answerScope, {
      at,
      answerId,
      userId,
      vote,
      ...(vote === "wrong"
        ? {
            reason: "outdated" as const,
            note: `note ${token()}`,
            quote: 0,
            subject: { question: `question about ${answerId}`, quote: null, private: false },
          }
        : {}),
    });
    say(`ACK vote ${answerScope} ${answerId} ${userId} ${vote}`);
  } else {
    const current = feedback.exclusions(scope);
    const victim = current[Math.floor(Math.random() * current.length)];
    if (victim !== undefined && Math.random() < 0.4) {
      say(`TRY restore ${scope} ${victim.id}`);
      await feedback.restore(scope, victim.id);
      say(`ACK restore ${scope} ${victim.id}`);
      return;
    }
    const fingerprint = randomBytes(8).toString("hex");
    say(`TRY exclude ${scope} ${fingerprint}`);
    const exclusion = await feedback.exclude(scope, {
      ref: { passageId: `doc#${Math.floor(Math.random() * 100)}`, fingerprint },
      sourceId: "doc",
      by: "42",
    });
    say(`ACK exclude ${scope} ${fingerprint} ${exclusion.id}`);
  }
}

async function work(guildId: string): Promise<void> {
  const answers: string[] = [];
  for (let op = 0; op < maxOps; op++) {
    const roll = Math.random();
    // Three in ten operations go to the trust loop's store, the rest to the guild store as before.
    if (roll >= 0.7) {
      await feedbackWork(guildId, (roll - 0.7) / 0.3, answers);
      continue;
    }
    const documents = store.documents(guildId);
    if (roll < 0.2 && documents.length > 0) {
      const victim = documents[Math.floor(Math.random() * documents.length)];
      if (!victim) continue;
      say(`TRY remove ${guildId} ${victim.id}`);
      await store.removeDocument(guildId, victim.id);
      say(`ACK remove ${guildId} ${victim.id}`);
    } else if (roll < 0.3) {
      const cooldown = ((store.settings(guildId).cooldownSeconds ?? 0) + 1) % 86_400;
      say(`TRY settings ${guildId} ${cooldown}`);
      await store.updateSettings(guildId, { cooldownSeconds: cooldown, channels: [String(1000 + cooldown)] });
      say(`ACK settings ${guildId} ${cooldown}`);
    } else if (roll < 0.35) {
      const mark = token();
      await store.audit({
        at: new Date().toISOString(),
        guildId,
        userId: "42",
        action: "crash-test",
        outcome: "ok",
        detail: mark,
      });
      say(`ACK audit ${guildId} ${mark}`);
    } else if (roll < 0.4) {
      const mark = token();
      await store.recordQuestion(guildId, {
        at: new Date().toISOString(),
        question: `question ${mark}`,
        answered: false,
      });
      say(`ACK question ${guildId} ${mark}`);
    } else {
      // 256 B to 48 KB, so a kill often lands in the middle of writing a file.
      const text = `${token()} ${randomBytes(192 + Math.floor(Math.random() * 36_000)).toString("base64")}`;
      const document = await store.addDocument(guildId, {
        source: {
          title: `Crash test ${op}`,
          publisher: null,
          author: null,
          date: null,
          url: null,
          path: `upload-${op}.txt`,
        },
        text,
        addedBy: "42",
      });
      say(`ACK add ${guildId} ${document.id} ${document.hash}`);
    }
  }
}

await Promise.all(CRASH_GUILDS.map((guildId) => work(guildId)));
process.exit(0);

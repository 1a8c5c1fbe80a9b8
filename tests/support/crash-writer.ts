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
 *
 * Two guilds are written concurrently, one operation at a time each. The loop is bounded, and the process exits by
 * itself when its parent goes away (stdin closes or stdout breaks) or after 30 s.
 *
 * Usage: node --import tsx tests/support/crash-writer.ts <dir> [maxOpsPerGuild]
 */
import { randomBytes } from "node:crypto";
import { GuildStore } from "../../src/core/guilds/store.js";

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

const store = await GuildStore.open(dir);
say("READY");

async function work(guildId: string): Promise<void> {
  for (let op = 0; op < maxOps; op++) {
    const roll = Math.random();
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

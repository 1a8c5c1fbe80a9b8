/**
 * Child process for tests/core/guilds/store-full-disk.test.ts: the bot's storage (the guild store and the bundled
 * corpus's index) on a disk that fills up part-way, until it is killed. The disk (faulty-disk.ts) writes for real until
 * `budget` bytes are used, then each write puts down what fits and fails with ENOSPC; after a few refused writes it is
 * given room again, as an operator would free space. Lines on stdout, each printed only once what it reports is done:
 *
 *   READY
 *   ACK add <guildId> <documentId> <sha256>     a document acknowledged
 *   ACK question <guildId> <token>              a question acknowledged
 *   REFUSED <what> <code>                       a write refused (nothing acknowledged)
 *   SAVED <n> | UNSAVED <n>                     the n-th reload's index saved, or served from memory unsaved
 *   SERVED <n>                                  after the n-th reload, the index answered (saved or not)
 *   FREED                                       the disk has room again
 *
 * Usage: node --import tsx tests/support/full-disk-writer.ts <dataDir> <corpusDir> <budgetBytes>
 */
import { randomBytes } from "node:crypto";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { GuildStore } from "../../src/core/guilds/store.js";
import { Library } from "../../src/core/library/library.js";
import { FaultyDisk } from "./faulty-disk.js";

const GUILD = "100000000000000001";
const [dataDir, corpusDir, budgetArg] = process.argv.slice(2);
if (!dataDir || !corpusDir || !budgetArg) {
  process.stderr.write("usage: full-disk-writer.ts <dataDir> <corpusDir> <budgetBytes>\n");
  process.exit(2);
}
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
process.stdout.on("error", () => process.exit(0));
setTimeout(() => process.exit(0), 30_000).unref();

const say = (line: string) => process.stdout.write(`${line}\n`);
const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

const disk = new FaultyDisk();
disk.fillUpTo(Number(budgetArg));
let refusals = 0;
const refused = (what: string, error: unknown) => {
  say(`REFUSED ${what} ${code(error)}`);
  if (++refusals === 6) {
    disk.free();
    say("FREED");
  }
};

const { library } = await Library.open({ corpusDir, dataDir, disk, retrySaveMs: 50 });
const store = await GuildStore.open(dataDir, { disk, maintenanceMs: 0 });
say("READY");

for (let op = 0; op < 2000; op++) {
  const roll = Math.random();
  try {
    if (roll < 0.5) {
      const text = `${process.pid}-${op} ${randomBytes(200 + Math.floor(Math.random() * 6000)).toString("base64")}`;
      const document = await store.addDocument(GUILD, {
        source: { title: `Full disk ${op}`, publisher: null, author: null, date: null, url: null, path: null },
        text,
        addedBy: "42",
      });
      say(`ACK add ${GUILD} ${document.id} ${document.hash}`);
    } else if (roll < 0.7) {
      const mark = `${process.pid}-${randomBytes(4).toString("hex")}`;
      await store.recordQuestion(GUILD, {
        at: new Date().toISOString(),
        question: `question ${mark}`,
        answered: false,
      });
      say(`ACK question ${GUILD} ${mark}`);
    } else {
      // A corpus file changes, and the reload saves a new index (or fails to, and serves it from memory).
      await appendFile(
        join(corpusDir, "notes.md"),
        `\nThe harbour note number ${op} says the tide turns at ${op % 24}:00.\n`,
      );
      await library.reload();
      say(`${library.unsavedIndex ? "UNSAVED" : "SAVED"} ${op}`);
      if (library.answer(`When does the tide turn according to note ${op}?`).quotes.length > 0) say(`SERVED ${op}`);
    }
  } catch (error) {
    refused(roll < 0.5 ? "add" : roll < 0.7 ? "question" : "reload", error);
  }
}
process.exit(0);

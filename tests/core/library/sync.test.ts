/**
 * The corpus folder's load report and its links: links that resolve outside the folder are never followed (and the
 * report says so), a file that is gone or unreadable — a dangling link included — is removed from answers and shown
 * as removed, across restarts, and every file left out is listed with its reason.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Library } from "../../../src/core/library/library.js";

let work: string;
let corpusDir: string;
let dataDir: string;
let outside: string;

const SECRET = "The vault combination is seven nine three and the spare key is under the harbour stone.";
const NOTE = "The harbour ferry leaves every hour and the last ferry leaves at ten in the evening.";

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-sync-"));
  corpusDir = join(work, "corpus");
  dataDir = join(work, "data");
  outside = join(work, "outside");
  await mkdir(corpusDir);
  await mkdir(outside);
  await writeFile(join(outside, "secret.md"), `${SECRET}\n`);
  await writeFile(join(corpusDir, "ferry.md"), `${NOTE}\n`);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const open = () => Library.open({ corpusDir, dataDir });

describe("links", () => {
  it("never follows a link out of the corpus folder, and says so", async () => {
    await symlink(join(outside, "secret.md"), join(corpusDir, "linked-secret.md"));
    await symlink(outside, join(corpusDir, "linked-folder"));
    await writeFile(join(corpusDir, "inside.md"), "An inside note about the harbour ferry timetable.\n");
    await symlink(join(corpusDir, "inside.md"), join(corpusDir, "alias.md"));
    const { library, report } = await open();
    expect(report.skipped).toEqual([
      { path: "linked-folder", reason: "symbolic link to a file outside the corpus folder (not followed)" },
      { path: "linked-secret.md", reason: "symbolic link to a file outside the corpus folder (not followed)" },
    ]);
    expect(library.documentWords().map((d) => d.path)).toEqual(["alias.md", "ferry.md", "inside.md"]);
    const answer = library.answer("What is the vault combination and where is the spare key?");
    expect(answer.quotes.some((q) => q.text.includes("vault"))).toBe(false);
  });

  it("removes a file that became a dangling link from answers, and shows it as removed, across restarts", async () => {
    await writeFile(join(corpusDir, "gone.md"), "The old lighthouse keeper retired in the spring of last year.\n");
    const first = await open();
    expect(first.library.answer("When did the lighthouse keeper retire?").answered).toBe(true);
    await rm(join(corpusDir, "gone.md"));
    await symlink(join(work, "nowhere.md"), join(corpusDir, "gone.md"));
    const second = await open();
    expect(second.report.diff.removed).toEqual(["gone.md"]);
    expect(second.report.skipped).toEqual([
      { path: "gone.md", reason: "broken symbolic link (its target does not exist)" },
    ]);
    expect(second.library.answer("When did the lighthouse keeper retire?").answered).toBe(false);
    // The saved index no longer holds it either: a third start does not bring it back.
    const third = await open();
    expect(third.report.index).toBe("saved");
    expect(third.library.answer("When did the lighthouse keeper retire?").answered).toBe(false);
  });

  it("removes a file that was deleted, and one that can no longer be read, from answers", async () => {
    await writeFile(join(corpusDir, "gone.md"), "The old lighthouse keeper retired in the spring of last year.\n");
    const { library } = await open();
    await rm(join(corpusDir, "gone.md"));
    const { diff } = await library.reload();
    expect(diff.removed).toEqual(["gone.md"]);
    expect(library.answer("When did the lighthouse keeper retire?").answered).toBe(false);
  });
});

describe("the load report", () => {
  it("lists every file left out with its reason, and names the root README", async () => {
    await writeFile(join(corpusDir, "README.md"), "This folder holds the harbour's notes.\n");
    await writeFile(join(corpusDir, "photo.png"), "not text");
    await writeFile(join(corpusDir, "empty.txt"), "");
    await writeFile(join(corpusDir, "chrome.md"), "Skip to content\n");
    await mkdir(join(corpusDir, "sub"));
    await writeFile(join(corpusDir, "sub", "README.md"), "A nested README is an ordinary document about the ferry.\n");
    const { report, library } = await open();
    expect(report.readme).toBe("README.md");
    expect(report.skipped).toEqual([{ path: "photo.png", reason: 'unsupported file type ".png"' }]);
    expect(report.problems).toEqual([
      { path: "chrome.md", reason: "no article text left after removing page boilerplate" },
      { path: "empty.txt", reason: "empty file" },
    ]);
    expect(library.documentWords().map((d) => d.path)).toEqual(["ferry.md", "sub/README.md"]);
  });

  it("reports how far it has come while indexing", async () => {
    const seen: Array<[number, number]> = [];
    await Library.open({ corpusDir, onProgress: ({ done, total }) => seen.push([done, total]) });
    expect(seen[0]).toEqual([0, 1]);
    expect(seen[seen.length - 1]).toEqual([1, 1]);
  });
});

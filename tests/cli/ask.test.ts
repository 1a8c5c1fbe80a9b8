/**
 * `npm run ask` as a child process: a `--corpus` folder resolved from where the command was run, an empty or missing
 * one refused with one line and exit code 1, the load report on standard error (skipped files, the README, with
 * --verbose the share of words kept), and one saved index per folder however it is written.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/paths.js";

const exec = promisify(execFile);
let work: string;

async function ask(
  args: string[],
  options: { initCwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "src/cli/ask.ts"), ...args],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: join(REPO_ROOT, "node_modules"),
          DATA_DIR: join(work, "data"),
          CORPUS_DIR: join(REPO_ROOT, "corpus"),
          ...(options.initCwd === undefined ? {} : { INIT_CWD: options.initCwd }),
        },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "verbatim-ask-"));
  // The child runs from a scratch directory (no .env) with the project's modules.
  for (const entry of ["node_modules", "package.json", "tsconfig.json"])
    await symlink(join(REPO_ROOT, entry), join(work, entry));
  await mkdir(join(work, "empty"));
  await mkdir(join(work, "docs", "notes"), { recursive: true });
  await writeFile(join(work, "docs", "README.md"), "This folder holds notes about the harbour.\n");
  await writeFile(join(work, "docs", "diagram.png"), "not an image really");
  await writeFile(
    join(work, "docs", "notes", "ferry.md"),
    "# Ferry\n\n## Winter\n\nIn winter the last harbour ferry leaves at six in the evening.\n",
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("npm run ask -- --corpus", () => {
  it("refuses a missing folder with one line and exit code 1", async () => {
    const { code, stderr, stdout } = await ask(["--corpus", "no-such-folder", "When does the ferry leave?"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual(["verbatim: --corpus no-such-folder: no such folder"]);
    expect(stdout).toBe("");
  });

  it("refuses a folder with nothing loadable with exit code 1, saying why", async () => {
    const { code, stderr } = await ask(["--corpus", "empty", "When does the ferry leave?"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      "verbatim: empty: no document could be loaded (the folder holds no .md, .txt, .html, .pdf, .docx or man page files)",
    ]);
  });

  it("resolves a relative folder from where the command was run (npm's INIT_CWD), reports what it skipped, and names the section", async () => {
    const elsewhere = join(work, "elsewhere");
    await mkdir(elsewhere, { recursive: true });
    await symlink(join(work, "docs"), join(elsewhere, "my-docs"));
    const { code, stdout, stderr } = await ask(
      ["--corpus", "my-docs", "--verbose", "When does the last ferry leave in winter?"],
      {
        initCwd: elsewhere,
      },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('verbatim: diagram.png: skipped: unsupported file type ".png"');
    expect(stderr).toContain(
      "verbatim: README.md: skipped: the folder's own README (describes the corpus, not part of it)",
    );
    expect(stderr).toMatch(/verbatim: +100\.0 % of +\d+ words kept {2}notes\/ferry\.md/u);
    expect(stdout).toContain("In winter the last harbour ferry leaves at six in the evening.");
    expect(stdout).toContain("— Ferry › Winter");
  });

  it("keeps one saved index per folder, however the folder is written, and prints no progress in --json mode", async () => {
    for (const written of ["docs", "docs/", `${work}/docs`, "./docs//"]) {
      const { code, stdout, stderr } = await ask([
        "--json",
        "--corpus",
        written,
        "When does the ferry leave in winter?",
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).quotes[0].section).toBe("Winter");
      expect(stderr).not.toContain("indexing");
    }
    const indexes = (await readdir(join(work, "data", "corpora"))).filter((name) => !name.startsWith("."));
    // Keyed by the real path: "docs", "docs/", its absolute path and the link to it above all share one index.
    expect(indexes).toHaveLength(1);
  });

  it("says how it read a mistyped word, in the text and in --json", async () => {
    const text = await ask(["--corpus", "docs", "When does the ferry leave in wintr?"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toBe("(Read “wintr” as “winter”.)");
    expect(text.stdout).toContain("the last harbour ferry leaves at six");
    const json = await ask(["--json", "--corpus", "docs", "When does the ferry leave in wintr?"]);
    expect(JSON.parse(json.stdout).corrected).toEqual([{ asked: "wintr", read: "winter" }]);
  });

  it("says when a question has nothing to look up, in the text and in --json", async () => {
    const text = await ask(["--corpus", "docs", "hey, ok so?"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Nothing to look up in “hey, ok so\?”/);
    const json = JSON.parse((await ask(["--json", "--corpus", "docs", "hey, ok so?"])).stdout);
    expect(json).toMatchObject({ answered: false, nothingAsked: true, closest: [] });
    const asked = JSON.parse((await ask(["--json", "--corpus", "docs", "When does the ferry leave?"])).stdout);
    expect(asked.nothingAsked).toBe(false);
  });
});

import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, LOCK_FILE, lockDataDir } from "../../../src/core/storage/lock.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "verbatim-lock-"));
  dirs.push(dir);
  return dir;
}
const holderFile = (dir: string, holder: object) => writeFile(join(dir, LOCK_FILE), JSON.stringify(holder));

describe("lockDataDir", () => {
  it("takes the folder, refuses a second taker naming the holder, and frees it on release", async () => {
    const dir = await tempDir();
    const lock = await lockDataDir(dir);
    expect(lock.held).toBe(true);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    const refused = lockDataDir(dir);
    await expect(refused).rejects.toThrow(DataDirLockedError);
    await expect(refused).rejects.toThrow(
      new RegExp(`DATA_DIR ${dir} is in use by another Verbatim process \\(pid ${process.pid}`),
    );
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    const again = await lockDataDir(dir);
    await again.release();
  });

  it("refuses while another live process holds it, naming that process", async () => {
    const dir = await tempDir();
    // A real second process takes the lock and waits.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("./src/core/storage/lock.ts").then(async (m) => { await m.lockDataDir(${JSON.stringify(dir)}); console.log("LOCKED"); setTimeout(() => {}, 60000); });`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      await new Promise<void>((resolve) =>
        child.stdout.on("data", (d: Buffer) => d.toString().includes("LOCKED") && resolve()),
      );
      await expect(lockDataDir(dir)).rejects.toThrow(`pid ${child.pid}`);
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.on("exit", resolve));
    }
    // Killed without releasing: the lock is stale (its process is gone) and is taken over.
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid });
    await lock.release();
  }, 30_000);

  it("takes over a lock whose process has exited", async () => {
    const dir = await tempDir();
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    await holderFile(dir, { pid: Number(gone), host: hostname(), since: "2025-01-01T00:00:00.000Z", token: "old" });
    const lock = await lockDataDir(dir);
    expect(lock.held).toBe(true);
    await lock.release();
  });

  it("never judges a lock from another host stale, and says how to remove it", async () => {
    const dir = await tempDir();
    await holderFile(dir, { pid: 1, host: "some-other-host", since: "2025-01-01T00:00:00.000Z", token: "x" });
    await expect(lockDataDir(dir)).rejects.toThrow(/pid 1 on some-other-host.*delete .*verbatim\.lock/);
  });
});

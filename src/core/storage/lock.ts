/**
 * One process per data folder: `lockDataDir` takes `<dir>/verbatim.lock` or refuses, naming the process that holds it.
 * Two processes writing one DATA_DIR lose acknowledged writes and break each other's index saves, so a second one must
 * not start.
 *
 * The lock file holds the owner's pid, host and start time, and appears atomically with its content (written to a
 * temp file, then hard-linked into place, which fails if the lock exists). A lock is stale when its owner is on this
 * host and no longer running (the pid is gone, or now belongs to a process that is not Node); a stale lock is taken
 * over. A lock from another host (a shared folder) is never judged stale: the message says how to remove it. The lock
 * is removed when the process exits, and left behind only by a crash, which the stale rule covers.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, mkdir, open, readFile, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

export const LOCK_FILE = "verbatim.lock";

interface Holder {
  pid: number;
  host: string;
  since: string;
  token: string;
}

/** Another process holds the folder. The message is one line for the operator. */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  constructor(
    readonly dir: string,
    readonly holder: Partial<Holder>,
  ) {
    const lockPath = join(dir, LOCK_FILE);
    const who =
      holder.pid === undefined
        ? "another process"
        : `another Verbatim process (pid ${holder.pid}${holder.host !== undefined && holder.host !== hostname() ? ` on ${holder.host}` : ""}${holder.since === undefined ? "" : `, running since ${holder.since}`})`;
    const fix =
      holder.host !== undefined && holder.host !== hostname()
        ? `stop it, or delete ${lockPath} if it is no longer running`
        : "stop it first, or set DATA_DIR to another folder";
    super(`DATA_DIR ${dir} is in use by ${who}; ${fix}`);
  }
}

export interface DataDirLock {
  /** False when the folder is read-only: nothing can be written there, so there was nothing to lock. */
  readonly held: boolean;
  release(): Promise<void>;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return code(error) === "EPERM"; // exists, not ours to signal
  }
  // A pid is reused after its process ends: on Linux, check that it is still a Node process.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("node");
  } catch {
    return true; // no /proc: trust the pid
  }
}

async function readHolder(path: string): Promise<Partial<Holder> | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Partial<Holder>;
  } catch (error) {
    if (code(error) === "ENOENT") return null;
    return {}; // unreadable: held by someone we cannot name
  }
}

function stale(holder: Partial<Holder>): boolean {
  return (
    holder.host === hostname() && typeof holder.pid === "number" && holder.pid !== process.pid && !alive(holder.pid)
  );
}

/** Takes the data folder's lock, or throws DataDirLockedError. Creates the folder if needed. */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = join(dir, LOCK_FILE);
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if (code(error) === "EROFS") return { held: false, release: async () => undefined };
    throw error;
  }
  const tmp = join(dir, `.tmp-${LOCK_FILE}-${me.token}`);
  try {
    const handle = await open(tmp, "wx");
    try {
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    if (code(error) === "EROFS") return { held: false, release: async () => undefined };
    throw error;
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(tmp, path);
      } catch (error) {
        if (code(error) !== "EEXIST") throw error;
        const holder = await readHolder(path);
        if (holder === null && attempt < 3) continue; // released meanwhile
        if (holder !== null && stale(holder) && attempt < 3) {
          await unlink(path).catch(() => undefined);
          continue;
        }
        throw new DataDirLockedError(dir, holder ?? {});
      }
      // Two processes taking over one stale lock at once: only the one whose token is there holds it.
      const now = await readHolder(path);
      if (now?.token !== me.token) throw new DataDirLockedError(dir, now ?? {});
      break;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }

  let released = false;
  const releaseSync = () => {
    if (released) return;
    released = true;
    try {
      const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<Holder>;
      if (holder.token === me.token) unlinkSync(path);
    } catch {
      // gone already
    }
  };
  process.once("exit", releaseSync);
  return {
    held: true,
    async release() {
      process.removeListener("exit", releaseSync);
      releaseSync();
    },
  };
}

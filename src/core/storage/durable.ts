/**
 * Writing files so that a crash (of the process or of the machine) at any instant leaves either the old or the new
 * content, never a mix. The recipe: write a temp file in the same directory, fsync it, rename it over the target,
 * fsync the directory so the rename itself is on disk.
 */
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Prefix of every temp file these helpers create; whoever owns a directory may delete such files on start-up. */
export const TEMP_PREFIX = ".tmp-";

/** Writes `data` to `path` (created or truncated) and fsyncs the file. Not atomic by itself: see `replaceDurably`. */
export async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a directory, making the creations, renames and removals of entries in it durable. */
export async function syncDir(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Atomically replaces (or creates) `path` with `data`: once this resolves the new content is durable, and a crash at
 * any earlier instant leaves the previous content (or no file) plus at most a `.tmp-*` file beside it.
 */
export async function replaceDurably(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `${TEMP_PREFIX}${basename(path)}-${randomBytes(4).toString("hex")}`);
  try {
    await writeDurably(tmp, data);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
}

/** Appends `data` to `path` (created if missing) and fsyncs the file. The caller fsyncs the directory on creation. */
export async function appendDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, "a");
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** Cuts `path` back to `size` bytes and fsyncs it (nothing to do when the file is missing). */
export async function truncateDurably(path: string, size: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    await handle.truncate(size);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

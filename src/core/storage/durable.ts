/**
 * Writing files so that a crash (of the process or of the machine) at any instant leaves either the old or the new
 * content, never a mix. The recipe: write a temp file in the same directory, fsync it, rename it over the target,
 * fsync the directory so the rename itself is on disk. Every write goes through a `Disk` (disk.ts).
 */
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import type { Disk, WriteData } from "./disk.js";

export { type Disk, isDiskFull, nodeDisk, type WriteData } from "./disk.js";

/** Prefix of every temp file these helpers create; whoever owns a directory may delete such files on start-up. */
export const TEMP_PREFIX = ".tmp-";

/** A fresh temp name beside `path`, for a file (or folder) that is renamed over `path` once complete. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${basename(path)}-${randomBytes(4).toString("hex")}`);
}

/**
 * Atomically replaces (or creates) `path` with `data`: once this resolves the new content is durable, and a crash at
 * any earlier instant leaves the previous content (or no file) plus at most a `.tmp-*` file beside it. A failed write
 * (a full disk) removes its temp file and leaves the previous content.
 */
export async function replaceDurably(disk: Disk, path: string, data: WriteData): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await disk.writeFile(tmp, data);
    await disk.rename(tmp, path);
  } catch (error) {
    await disk.unlink(tmp).catch(() => undefined);
    throw error;
  }
  await disk.syncDir(dirname(path));
}

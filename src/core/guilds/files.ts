/** File helpers of the guild store: listing, reading what may be missing, clearing crash debris, quarantine. */
import { randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { type Disk, TEMP_PREFIX } from "../storage/durable.js";
import type { LoadProblem } from "../types.js";

export const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/**
 * Deletes `.tmp-*` entries left by a crash (or by a write that failed on a full disk). They were never renamed into
 * place, so nothing refers to them. One that cannot be deleted (a read-only disk) is reported and left: it is never
 * read.
 */
export async function removeTemps(disk: Disk, dir: string, problems: LoadProblem[]): Promise<void> {
  for (const name of await listDir(dir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    try {
      await disk.remove(join(dir, name));
    } catch (error) {
      problems.push({
        path: join(dir, name),
        reason: `unfinished temporary file from an interrupted write; could not delete it (${(error as Error).message}); never read`,
      });
    }
  }
}

export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Moves a corrupt file into the guild's quarantine/ folder and reports it. It is never served from there. */
export async function quarantine(
  disk: Disk,
  guildDir: string,
  path: string,
  reason: string,
  problems: LoadProblem[],
): Promise<void> {
  const folder = join(guildDir, "quarantine");
  const target = join(folder, `${basename(path)}.${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
  try {
    await disk.mkdir(folder);
    await disk.rename(path, target);
    await disk.syncDir(folder);
    await disk.syncDir(dirname(path));
    await disk.syncDir(guildDir);
    problems.push({ path, reason: `${reason}; moved to ${target}` });
  } catch (error) {
    problems.push({
      path,
      reason: `${reason}; not served (could not move it to quarantine: ${(error as Error).message})`,
    });
  }
}

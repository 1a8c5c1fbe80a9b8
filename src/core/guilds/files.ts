/** File helpers of the guild store: listing, reading what may be missing, clearing crash debris, quarantine. */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { TEMP_PREFIX, syncDir } from "../storage/durable.js";
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

/** Deletes `.tmp-*` entries left by a crash. They were never renamed into place, so nothing refers to them. */
export async function removeTemps(dir: string): Promise<void> {
  for (const name of await listDir(dir)) {
    if (name.startsWith(TEMP_PREFIX)) await rm(join(dir, name), { recursive: true, force: true });
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
  guildDir: string,
  path: string,
  reason: string,
  problems: LoadProblem[],
): Promise<void> {
  const folder = join(guildDir, "quarantine");
  const target = join(folder, `${basename(path)}.${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
  try {
    await mkdir(folder, { recursive: true });
    await rename(path, target);
    await syncDir(folder);
    await syncDir(dirname(path));
    await syncDir(guildDir);
    problems.push({ path, reason: `${reason}; moved to ${target}` });
  } catch (error) {
    problems.push({
      path,
      reason: `${reason}; not served (could not move it to quarantine: ${(error as Error).message})`,
    });
  }
}

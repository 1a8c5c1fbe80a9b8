/**
 * The guild store's append-only JSON-lines logs (audit trail, questions asked). Lines are appended whole and fsynced;
 * a line cut short by a crash can only be the last one, and is cut off before the next append.
 */
import { dirname } from "node:path";
import type { z } from "zod";
import { appendDurably, syncDir, truncateDurably } from "../storage/durable.js";
import type { LoadProblem } from "../types.js";
import { readIfExists } from "./files.js";
import { describeIssues } from "./schema.js";

export interface LogFile {
  path: string;
  /** Bytes of whole lines in the file: where the next line goes. */
  size: number;
  /** A failed append may have left part of a line; cut the file back to `size` before the next one. */
  dirty: boolean;
  /** The directory entry has been fsynced by this process (done once, before the first acknowledged append). */
  dirSynced: boolean;
}

export const newLogFile = (path: string): LogFile => ({ path, size: 0, dirty: false, dirSynced: false });

/**
 * Reads a JSON-lines log. A last line without its newline is what a crash mid-append leaves: it is reported and cut
 * off (so the next append starts on a fresh line). Other unreadable lines are reported and skipped.
 */
export async function readLog<T>(
  path: string,
  schema: z.ZodType<T>,
  problems: LoadProblem[],
): Promise<{ entries: T[]; log: LogFile }> {
  const bytes = await readIfExists(path);
  const log = newLogFile(path);
  if (bytes === null) return { entries: [], log };
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) {
    await truncateDurably(path, end);
    problems.push({
      path,
      reason: `last line was cut short (${bytes.length - end} bytes, an append interrupted by a crash); removed`,
    });
  }
  log.size = end;
  const entries: T[] = [];
  const lines = bytes.subarray(0, end).toString("utf8").split("\n");
  lines.pop(); // after the final newline
  lines.forEach((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push({ path, reason: `line ${index + 1} is not JSON; ignored` });
      return;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else
      problems.push({
        path,
        reason: `line ${index + 1} is not a valid entry (${describeIssues(parsed.error)}); ignored`,
      });
  });
  return { entries, log };
}

/** Appends one line, first cutting off whatever a failed earlier append may have left. */
export async function appendLine(log: LogFile, line: string): Promise<void> {
  if (log.dirty) {
    await truncateDurably(log.path, log.size);
    log.dirty = false;
  }
  const data = Buffer.from(`${line}\n`, "utf8");
  try {
    await appendDurably(log.path, data);
  } catch (error) {
    log.dirty = true;
    throw error;
  }
  log.size += data.length;
  if (!log.dirSynced) {
    await syncDir(dirname(log.path));
    log.dirSynced = true;
  }
}

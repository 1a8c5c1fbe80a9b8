/**
 * Append-only JSON-lines files with the crash guarantees of the guild store's logs: a line is appended whole and
 * fsynced before `append` resolves; a last line cut short by a crash (no newline) is reported, never read, and cut off
 * before the next append, so that one starts on a fresh line; a failed append marks the file dirty and the next one first
 * truncates back to the last whole line. `rewrite` compacts the file atomically (temp file, fsync, rename, directory
 * fsync), so a crash leaves either the old lines or the new ones.
 *
 * Each line is validated with a schema when read; a line that is not JSON or not valid is reported and skipped.
 */
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";
import { type Disk, replaceDurably } from "./durable.js";

/** Something read from disk that was set aside or repaired, reported by the owner of the file. */
export interface FileProblem {
  path: string;
  reason: string;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`)
    .join("; ");
}

export class JsonLines<T> {
  /** Bytes of whole lines in the file: where the next line goes. */
  private size = 0;
  /** A failed append may have left part of a line; cut the file back to `size` before the next one. */
  private dirty = false;
  /** The directory entry has been fsynced by this process (once, before the first acknowledged append). */
  private dirSynced = false;

  private constructor(
    private readonly disk: Disk,
    readonly path: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** A log whose file does not exist yet (its first append creates it). */
  static empty<T>(disk: Disk, path: string, schema: z.ZodType<T>): JsonLines<T> {
    return new JsonLines(disk, path, schema);
  }

  /**
   * Reads the file (missing: no entries); problems are pushed to `problems`. A torn last line is never read, and the
   * file is cut back to its last whole line before the next append (opening writes nothing: a read-only or full disk
   * can still be read).
   */
  static async open<T>(
    disk: Disk,
    path: string,
    schema: z.ZodType<T>,
    problems: FileProblem[],
  ): Promise<{ log: JsonLines<T>; entries: T[] }> {
    const log = new JsonLines(disk, path, schema);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if (isMissing(error)) return { log, entries: [] };
      throw error;
    }
    const end = bytes.lastIndexOf(0x0a) + 1;
    if (end < bytes.length) {
      log.dirty = true;
      problems.push({
        path,
        reason: `last line was cut short (${bytes.length - end} bytes, an append interrupted by a crash); ignored, and cut off before the next append`,
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
        problems.push({ path, reason: `line ${index + 1} is not a valid entry (${describe(parsed.error)}); ignored` });
    });
    return { log, entries };
  }

  /** Appends one entry (validated first); resolves once it is durable. */
  async append(entry: T): Promise<void> {
    const checked = this.schema.safeParse(entry);
    if (!checked.success) throw new TypeError(`invalid entry for ${this.path} (${describe(checked.error)})`);
    if (this.dirty) {
      await this.disk.truncate(this.path, this.size);
      this.dirty = false;
    }
    const data = Buffer.from(`${JSON.stringify(checked.data)}\n`, "utf8");
    try {
      await this.disk.appendFile(this.path, data);
    } catch (error) {
      this.dirty = true;
      throw error;
    }
    this.size += data.length;
    if (!this.dirSynced) {
      await this.disk.syncDir(dirname(this.path));
      this.dirSynced = true;
    }
  }

  /** Atomically replaces the file's lines with `entries` (compaction); resolves once durable. */
  async rewrite(entries: readonly T[]): Promise<void> {
    const text = entries.map((entry) => `${JSON.stringify(entry)}\n`).join("");
    await replaceDurably(this.disk, this.path, text);
    this.size = Buffer.byteLength(text);
    this.dirty = false;
    this.dirSynced = true;
  }
}

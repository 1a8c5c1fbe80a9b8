/**
 * The guild store's append-only JSON-lines logs (the audit trail, the questions asked), with only their newest entries
 * in memory. Lines are appended whole and fsynced; a line cut short by a crash can only be the last one, and is cut
 * off before the next append (never at open, which does not write). Older entries are read from the file when asked
 * for, by a streaming scan that holds at most the entries asked for.
 *
 * Each log is kept within a policy — an age and a size — by `prune`, which the store runs in the background: it
 * rewrites the file without its oldest lines (stream to a temp file, fsync, rename). Appends, pruning and reads of
 * one log never interleave.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";
import { type Disk, replaceDurably } from "../storage/durable.js";
import type { LoadProblem } from "../types.js";
import { isMissing } from "./files.js";
import { describeIssues } from "./schema.js";

const DAY = 86_400_000;

export interface LogPolicy {
  /** Entries older than this are pruned. */
  maxAgeMs: number;
  /** The file is pruned back to at most this many bytes (its newest whole lines). */
  maxBytes: number;
  /** How many of the newest entries are kept in memory. */
  window: number;
}

export const AUDIT_POLICY: Readonly<LogPolicy> = Object.freeze({
  maxAgeMs: 365 * DAY,
  maxBytes: 8 * 1024 * 1024,
  window: 200,
});
/** Questions are personal data: kept 30 days. */
export const QUESTION_POLICY: Readonly<LogPolicy> = Object.freeze({
  maxAgeMs: 30 * DAY,
  maxBytes: 64 * 1024 * 1024,
  window: 200,
});

/** Unreadable lines reported one by one per log; the rest are counted in one more problem. */
const PROBLEMS_PER_LOG = 20;
/** A line longer than this is not one the store wrote: skipped without being held in memory. */
const MAX_LINE_BYTES = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

interface LogFile {
  path: string;
  /** Bytes of whole lines in the file: where the next line goes. */
  size: number;
  /** A failed append (or a crash) may have left part of a line past `size`; cut it off before the next append. */
  dirty: boolean;
  /** The directory entry has been fsynced by this process (done once, before the first acknowledged append). */
  dirSynced: boolean;
}

/**
 * Calls `visit(line, lineNumber, offset)` for each whole line of `path` in [start, end), `start` being a line start
 * (`line` is null for a line longer than any entry, which is never held in memory). `visit` returns false to stop.
 * Reads in fixed-size chunks and decodes each chunk's lines at once, so memory does not grow with the file.
 */
async function scanLines(
  path: string,
  start: number,
  end: number,
  visit: (line: string | null, lineNumber: number, offset: number) => boolean | void,
): Promise<void> {
  if (end <= start) return;
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    /** The start of a line not finished in the chunks read so far (null once it is known to be over-long). */
    let carry: Buffer | null = Buffer.alloc(0);
    let carried = 0;
    let lineStart = start;
    let lineNumber = 0;
    let position = start;
    while (position < end) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(CHUNK_BYTES, end - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const view = chunk.subarray(0, bytesRead);
      const last = view.lastIndexOf(0x0a);
      if (last === -1) {
        carried += bytesRead;
        carry = carry !== null && carried <= MAX_LINE_BYTES ? Buffer.concat([carry, view]) : null;
        continue;
      }
      // The lines ending in this chunk: their byte lengths from the newlines, their text decoded in one go.
      const first = view.indexOf(0x0a);
      const lengths: number[] = [carried + first];
      for (let at = first; at < last;) {
        const next = view.indexOf(0x0a, at + 1);
        lengths.push(next - at - 1);
        at = next;
      }
      const overlong = carry === null || (lengths[0] as number) > MAX_LINE_BYTES;
      const body = overlong ? view.subarray(first + 1, last) : Buffer.concat([carry as Buffer, view.subarray(0, last)]);
      const texts = lengths.length > (overlong ? 1 : 0) ? body.toString("utf8").split("\n") : [];
      for (let i = 0; i < lengths.length; i++) {
        lineNumber++;
        const line = overlong ? (i === 0 ? null : (texts[i - 1] as string)) : (texts[i] as string);
        if (visit(line, lineNumber, lineStart) === false) return;
        lineStart += (lengths[i] as number) + 1;
      }
      carried = bytesRead - last - 1;
      carry = carried <= MAX_LINE_BYTES ? Buffer.from(view.subarray(last + 1)) : null;
    }
  } finally {
    await handle.close();
  }
}

/** The bytes [start, end) of `path`, as a stream of chunks (what a rewrite copies). */
async function* byteRange(path: string, start: number, end: number): AsyncIterable<Uint8Array> {
  if (end <= start) return;
  for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK_BYTES }))
    yield chunk as Buffer;
}

export interface ReadOptions {
  /** Newest entries to pass over first (paging back through the log). Default 0. */
  skip?: number;
  /** At most this many entries. Default 100. */
  limit?: number;
  /** Only entries at or after this time (epoch milliseconds). */
  since?: number;
}

/** An append-only log of entries that carry their time (`at`), with the newest `policy.window` in memory. */
export class JsonLog<T extends { at: string }> {
  private readonly file: LogFile;
  /** The newest entries, oldest first. */
  private recent: T[] = [];
  /** When the oldest entry in the file was written (epoch ms), or null when unknown or empty. */
  private oldestAt: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    private readonly schema: z.ZodType<T>,
    private readonly policy: LogPolicy,
    private readonly disk: Disk,
  ) {
    this.file = { path, size: 0, dirty: false, dirSynced: false };
  }

  /** A log whose file does not exist yet (created by the first append). */
  static empty<T extends { at: string }>(
    path: string,
    schema: z.ZodType<T>,
    policy: LogPolicy,
    disk: Disk,
  ): JsonLog<T> {
    return new JsonLog(path, schema, policy, disk);
  }

  /**
   * Reads the log's file once, streaming: every valid entry goes to `visit` (oldest first), the newest stay in memory.
   * A last line without its newline (an append interrupted by a crash) is reported and left for the next append to
   * cut off; other unreadable lines are reported and skipped. Nothing is written.
   */
  static async open<T extends { at: string }>(
    path: string,
    schema: z.ZodType<T>,
    policy: LogPolicy,
    disk: Disk,
    problems: LoadProblem[],
    visit?: (entry: T) => void,
  ): Promise<JsonLog<T>> {
    const log = new JsonLog(path, schema, policy, disk);
    let handle;
    try {
      handle = await open(path, "r");
    } catch (error) {
      if (isMissing(error)) return log;
      throw error;
    }
    let total: number;
    let end: number;
    try {
      total = (await handle.stat()).size;
      end = await lastLineEnd(handle, total);
    } finally {
      await handle.close();
    }
    if (end < total) {
      problems.push({
        path,
        reason: `last line was cut short (${total - end} bytes, an append interrupted by a crash); it is cut off before the next append`,
      });
      log.file.dirty = true;
    }
    log.file.size = end;
    let reported = 0;
    let unreported = 0;
    const report = (reason: string) => {
      if (reported < PROBLEMS_PER_LOG) {
        reported++;
        problems.push({ path, reason });
      } else unreported++;
    };
    await scanLines(path, 0, end, (line, lineNumber) => {
      const entry = line === null ? undefined : log.parse(line);
      if (line === null) report(`line ${lineNumber} is longer than any entry; ignored`);
      else if (typeof entry === "string") report(`line ${lineNumber} ${entry}; ignored`);
      else if (entry !== undefined) {
        log.oldestAt ??= Date.parse(entry.at);
        log.remember(entry);
        visit?.(entry);
      }
    });
    if (unreported > 0) problems.push({ path, reason: `${unreported} more unreadable lines ignored` });
    return log;
  }

  /** The entry on a line, or why it is not one. */
  private parse(line: string): T | string {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return "is not JSON";
    }
    const parsed = this.schema.safeParse(value);
    return parsed.success ? Object.freeze(parsed.data) : `is not a valid entry (${describeIssues(parsed.error)})`;
  }

  private remember(entry: T): void {
    this.recent.push(entry);
    // Trimmed in batches, so keeping the window costs O(1) per entry.
    if (this.recent.length >= 2 * this.policy.window) this.recent = this.recent.slice(-this.policy.window);
  }

  /** Runs `task` after every earlier append, prune and read of this log. */
  private serial<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Appends an entry (already validated); resolves once it is durable, and only then is it in the window. */
  append(entry: T): Promise<void> {
    const frozen = Object.freeze(entry);
    return this.serial(async () => {
      const file = this.file;
      if (file.dirty) {
        await this.disk.truncate(file.path, file.size);
        file.dirty = false;
      }
      const data = Buffer.from(`${JSON.stringify(frozen)}\n`, "utf8");
      try {
        await this.disk.appendFile(file.path, data);
      } catch (error) {
        file.dirty = true;
        throw error;
      }
      file.size += data.length;
      if (!file.dirSynced) {
        await this.disk.syncDir(dirname(file.path));
        file.dirSynced = true;
      }
      this.oldestAt ??= Date.parse(frozen.at);
      this.remember(frozen);
    });
  }

  /** The newest entries in memory, newest first; at most `limit` (and at most the window). */
  newest(limit = Number.POSITIVE_INFINITY): T[] {
    const window = this.recent.slice(-this.policy.window);
    const count = Math.max(0, Math.min(window.length, limit));
    return window.slice(window.length - count).reverse();
  }

  /** Entries read from the file, newest first: older ones than the window holds, a page at a time. */
  read(options: ReadOptions = {}): Promise<T[]> {
    const skip = Math.max(0, options.skip ?? 0);
    const limit = Math.max(0, options.limit ?? 100);
    const since = options.since ?? Number.NEGATIVE_INFINITY;
    return this.serial(async () => {
      const keep = skip + limit;
      let ring: T[] = [];
      if (keep === 0) return [];
      await scanLines(this.file.path, 0, this.file.size, (line) => {
        const entry = line === null ? undefined : this.parse(line);
        if (entry === undefined || typeof entry === "string" || !(Date.parse(entry.at) >= since)) return;
        ring.push(entry);
        if (ring.length >= 2 * keep) ring = ring.slice(-keep);
      });
      return ring.slice(-keep).reverse().slice(skip);
    });
  }

  /** Whether `prune(now)` has anything to do. */
  due(now: number): boolean {
    return (
      this.file.size > this.policy.maxBytes || (this.oldestAt !== null && this.oldestAt < now - this.policy.maxAgeMs)
    );
  }

  /**
   * Rewrites the file without the entries older than the policy's age and beyond its size (the oldest lines go
   * first). Resolves with the bytes removed. On a failure (a full disk) the file is as it was.
   */
  prune(now: number): Promise<number> {
    return this.serial(async () => {
      if (!this.due(now)) return 0;
      const file = this.file;
      const cutoff = now - this.policy.maxAgeMs;
      const minimum = Math.max(0, file.size - this.policy.maxBytes);
      // The first line to keep starts at or after `minimum` and is recent enough. Lines before `minimum` are not read.
      let start = minimum;
      if (minimum > 0) start = await nextLineStart(file.path, minimum, file.size);
      let cut = file.size;
      let firstKept: number | null = null;
      await scanLines(file.path, start, file.size, (line, _n, offset) => {
        const entry = line === null ? undefined : this.parse(line);
        if (entry === undefined || typeof entry === "string") return;
        const at = Date.parse(entry.at);
        if (at < cutoff) return;
        cut = offset;
        firstKept = at;
        return false;
      });
      if (cut === 0) {
        this.oldestAt = firstKept;
        return 0;
      }
      await replaceDurably(this.disk, file.path, byteRange(file.path, cut, file.size));
      file.size -= cut;
      file.dirty = false;
      file.dirSynced = true;
      this.oldestAt = firstKept;
      this.recent = this.recent.filter((entry) => Date.parse(entry.at) >= cutoff);
      return cut;
    });
  }

  /** Bytes of whole lines in the file. */
  get bytes(): number {
    return this.file.size;
  }
}

/** Offset just past the last newline in the first `size` bytes (0 when there is none), reading from the end. */
async function lastLineEnd(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0;) {
    const from = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - from, from);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at !== -1) return from + at + 1;
    end = from;
  }
  return 0;
}

/** The start of the first line beginning at or after `offset` (or `end`). */
async function nextLineStart(path: string, offset: number, end: number): Promise<number> {
  let found = end;
  let first = true;
  await scanLines(path, offset - 1, end, (_line, _n, at) => {
    // The scan from `offset - 1` sees the rest of a line first; the line after it is where whole lines begin.
    if (first) {
      first = false;
      return;
    }
    found = at;
    return false;
  });
  return found;
}

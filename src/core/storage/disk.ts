/**
 * The writes durable storage makes, in one interface. Everything that changes a file under DATA_DIR goes through a
 * `Disk`, so the store and the index can be tested against a disk that fills up or turns read-only part-way through a
 * write (tests/support/faulty-disk.ts), and so a later storage backend has one seam to replace. Reads go straight to
 * the file system: they cannot fill a disk.
 */
import { mkdir, open, rename, rm, unlink } from "node:fs/promises";

export type WriteData = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface Disk {
  /** Creates or truncates `path`, writes `data` (bytes, text, or a stream of chunks), fsyncs the file. */
  writeFile(path: string, data: WriteData): Promise<void>;
  /** Appends `data` to `path` (created if missing) and fsyncs its data. */
  appendFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Cuts `path` back to `size` bytes and fsyncs it; nothing to do when it is missing. */
  truncate(path: string, size: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; ENOENT is not an error. */
  unlink(path: string): Promise<void>;
  /** Removes a file or a folder and everything in it; a missing one is not an error. */
  remove(path: string): Promise<void>;
  /** Creates a folder and its parents (an existing one is not an error). */
  mkdir(path: string): Promise<void>;
  /** Fsyncs a folder, making the creations, renames and removals of entries in it durable. */
  syncDir(path: string): Promise<void>;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

/** The real file system. */
export const nodeDisk: Disk = {
  async writeFile(path, data) {
    const handle = await open(path, "w");
    try {
      if (typeof data === "string" || data instanceof Uint8Array) await handle.writeFile(data);
      else
        for await (const chunk of data) {
          for (let at = 0; at < chunk.length;) at += (await handle.write(chunk, at)).bytesWritten;
        }
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async appendFile(path, data) {
    const handle = await open(path, "a");
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  },
  async truncate(path, size) {
    let handle;
    try {
      handle = await open(path, "r+");
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    try {
      await handle.truncate(size);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  async unlink(path) {
    try {
      await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  },
  remove: (path) => rm(path, { recursive: true, force: true }),
  async mkdir(path) {
    await mkdir(path, { recursive: true });
  },
  async syncDir(path) {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/** Whether an error says the disk is full or read-only (or over quota): a condition to wait out, not a bug. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === "ENOSPC" || code === "EROFS" || code === "EDQUOT";
}

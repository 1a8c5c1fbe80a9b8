/**
 * A disk that fills up or turns read-only on cue, for the storage layer's `Disk` seam (src/core/storage/disk.ts). It
 * writes to the real file system exactly as the real disk does until it is out of room; then a write puts down the
 * bytes that still fit and fails with ENOSPC, as the kernel does, so what is left on disk is a real partial file.
 * Read-only, every change fails with EROFS. The code under test is the real store and index; only the disk's capacity
 * is simulated (no small tmpfs or quota file system is available to the tests).
 */
import { appendFile, stat, writeFile } from "node:fs/promises";
import { type Disk, nodeDisk, type WriteData } from "../../src/core/storage/durable.js";

/** What one folder entry costs on a full disk (a directory block). */
const DIRECTORY_BYTES = 4096;

function fsError(code: "ENOSPC" | "EROFS", syscall: string, path: string): NodeJS.ErrnoException {
  const text = code === "ENOSPC" ? "no space left on device" : "read-only file system";
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), {
    code,
    errno: code === "ENOSPC" ? -28 : -30,
    syscall,
    path,
  });
}

async function bytesOf(data: WriteData): Promise<Buffer> {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of data) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export class FaultyDisk implements Disk {
  /** Bytes the disk can still take (Infinity: it never fills). */
  room = Number.POSITIVE_INFINITY;
  readOnly = false;
  /** Writes refused so far (ENOSPC or EROFS). */
  refused = 0;

  constructor(private readonly base: Disk = nodeDisk) {}

  /** Leaves `bytes` of room: the next writes past that fail part-way. */
  fillUpTo(bytes: number): void {
    this.room = bytes;
  }

  /** Room again (an operator freed space). */
  free(): void {
    this.room = Number.POSITIVE_INFINITY;
    this.readOnly = false;
  }

  private refuse(code: "ENOSPC" | "EROFS", syscall: string, path: string): never {
    this.refused++;
    throw fsError(code, syscall, path);
  }

  private writable(syscall: string, path: string): void {
    if (this.readOnly) this.refuse("EROFS", syscall, path);
  }

  /** Writes what fits of `bytes` with `write`, then fails if it did not all fit. */
  private async within(path: string, bytes: Buffer, write: (part: Buffer) => Promise<void>): Promise<void> {
    if (bytes.length <= this.room) {
      this.room -= bytes.length;
      await write(bytes);
      return;
    }
    const part = bytes.subarray(0, Math.max(0, this.room));
    this.room = 0;
    await write(part);
    this.refuse("ENOSPC", "write", path);
  }

  async writeFile(path: string, data: WriteData): Promise<void> {
    this.writable("open", path);
    const bytes = await bytesOf(data);
    await this.within(path, bytes, (part) => this.base.writeFile(path, part));
  }

  async appendFile(path: string, data: WriteData): Promise<void> {
    this.writable("open", path);
    const bytes = await bytesOf(data);
    await this.within(path, bytes, (part) => (part.length > 0 ? this.base.appendFile(path, part) : Promise.resolve()));
  }

  async truncate(path: string, size: number): Promise<void> {
    this.writable("ftruncate", path);
    await this.base.truncate(path, size);
  }

  async rename(from: string, to: string): Promise<void> {
    this.writable("rename", from);
    await this.base.rename(from, to);
  }

  async unlink(path: string): Promise<void> {
    this.writable("unlink", path);
    await this.base.unlink(path);
  }

  async remove(path: string): Promise<void> {
    this.writable("rm", path);
    await this.base.remove(path);
  }

  async mkdir(path: string): Promise<void> {
    const exists = await stat(path).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (exists) return;
    this.writable("mkdir", path);
    if (this.room < DIRECTORY_BYTES) this.refuse("ENOSPC", "mkdir", path);
    this.room -= DIRECTORY_BYTES;
    await this.base.mkdir(path);
  }

  async syncDir(path: string): Promise<void> {
    await this.base.syncDir(path);
  }
}

/**
 * A disk that writes without fsync: for building large fixtures quickly (20,000 documents in a second, not half a
 * minute), where durability across a machine crash is not what the test is about. Only ever used to seed data.
 */
export const unsyncedDisk: Disk = {
  ...nodeDisk,
  async writeFile(path, data) {
    await writeFile(path, data as Parameters<typeof writeFile>[1]);
  },
  async appendFile(path, data) {
    await appendFile(path, data as Parameters<typeof appendFile>[1]);
  },
  async syncDir() {},
};

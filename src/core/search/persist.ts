/**
 * Saving and loading a segment. The saved form is the in-memory form: typed arrays written as raw bytes, terms as one
 * string, texts as one UTF-8 blob, so loading is reading files, not rebuilding.
 *
 * Crash safety: everything is written into a fresh directory, fsynced, then published by atomically replacing a small
 * pointer file (write temp, fsync, rename, fsync the directory). A reader only ever follows the pointer to a complete
 * directory; every file's sha256 is checked on load, so a corrupt or partial index is detected and rebuilt, never served.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ANALYZER_VERSION } from "./analyze.js";
import { type Disk, nodeDisk, replaceDurably, TEMP_PREFIX } from "../storage/durable.js";
import type { LoadProblem } from "../types.js";
import { PackedTermTable, Segment, type SegmentDocument, type TextSource } from "./segment.js";

const FORMAT = "verbatim-segment";
// 2: sentence kinds, passage sections and their labels, per-document word counts.
const FORMAT_VERSION = 2;
const POINTER = "CURRENT";
/** Where earlier builds wrote the pointer before renaming it into place. */
const LEGACY_POINTER_TMP = "CURRENT.tmp";

type ArrayName =
  | "termOffsets"
  | "termStart"
  | "postPassage"
  | "postTf"
  | "passageDoc"
  | "passageStart"
  | "passageEnd"
  | "passageLength"
  | "sentenceStart"
  | "sentenceSpans"
  | "sentenceKind"
  | "passageSection"
  | "textOffsets";

type Typed = Uint32Array | Uint16Array | Uint8Array | Float64Array;
const CONSTRUCTORS = { u32: Uint32Array, u16: Uint16Array, u8: Uint8Array, f64: Float64Array } as const;
type Kind = keyof typeof CONSTRUCTORS;

export interface Meta<Extra> {
  format: string;
  version: number;
  analyzer: number;
  builtAt: string;
  docs: SegmentDocument[];
  /** Section labels, index 0 the empty one. */
  sections: string[];
  arrays: Record<ArrayName, { kind: Kind; offset: number; length: number }>;
  checksums: Record<string, string>;
  /** Whatever the caller keeps alongside (e.g. the corpus file manifest). */
  extra: Extra;
}

export class IndexStoreError extends Error {
  override name = "IndexStoreError";
}

function kindOf(a: Typed): Kind {
  if (a instanceof Uint32Array) return "u32";
  if (a instanceof Uint16Array) return "u16";
  if (a instanceof Uint8Array) return "u8";
  return "f64";
}

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/**
 * A segment in its saved form, held in memory: what is written to disk, read back, and passed between threads (the
 * byte arrays are owned, so they can be transferred). Packing is the CPU-heavy half of saving (copying the arrays,
 * hashing them); writing is the other half, and goes through a `Disk`.
 */
export interface PackedSegment<Extra = unknown> {
  meta: Meta<Extra>;
  arrays: Uint8Array;
  texts: Uint8Array;
  terms: string;
}

/** One byte array holding `parts` back to back (a fresh buffer of its own, never a slice of a shared pool). */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function packSegment<Extra>(segment: Segment, extra: Extra): PackedSegment<Extra> {
  const termParts: string[] = [];
  const termOffsets = new Uint32Array(segment.terms.size + 1);
  let at = 0;
  for (let t = 0; t < segment.terms.size; t++) {
    const term = segment.terms.at(t);
    termOffsets[t] = at;
    termParts.push(term);
    at += term.length + 1;
  }
  termOffsets[segment.terms.size] = at;
  const terms = termParts.length > 0 ? `${termParts.join("\n")}\n` : "";

  const textChunks: Buffer[] = [];
  const textOffsets = new Float64Array(segment.docs.length + 1);
  let bytes = 0;
  for (let d = 0; d < segment.docs.length; d++) {
    const chunk = Buffer.from(segment.text(d), "utf8");
    textOffsets[d] = bytes;
    textChunks.push(chunk);
    bytes += chunk.length;
  }
  textOffsets[segment.docs.length] = bytes;
  const texts = joined(textChunks);

  const named: Record<ArrayName, Typed> = {
    termOffsets,
    termStart: segment.termStart,
    postPassage: segment.postPassage,
    postTf: segment.postTf,
    passageDoc: segment.passageDoc,
    passageStart: segment.passageStart,
    passageEnd: segment.passageEnd,
    passageLength: segment.passageLength,
    sentenceStart: segment.sentenceStart,
    sentenceSpans: segment.sentenceSpans,
    sentenceKind: segment.sentenceKind,
    passageSection: segment.passageSection,
    textOffsets,
  };
  const layout = {} as Meta<Extra>["arrays"];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [key, array] of Object.entries(named) as Array<[ArrayName, Typed]>) {
    const padding = (8 - (offset % 8)) % 8;
    if (padding > 0) parts.push(new Uint8Array(padding));
    offset += padding;
    layout[key] = { kind: kindOf(array), offset, length: array.length };
    const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    parts.push(view);
    offset += view.length;
  }
  const arrays = joined(parts);
  const meta: Meta<Extra> = {
    format: FORMAT,
    version: FORMAT_VERSION,
    analyzer: ANALYZER_VERSION,
    builtAt: segment.builtAt,
    docs: segment.docs,
    sections: segment.sections,
    arrays: layout,
    checksums: { "arrays.bin": sha256(arrays), "texts.bin": sha256(texts), "terms.txt": sha256(terms) },
    extra,
  };
  return { meta, arrays, texts, terms };
}

/**
 * Writes a packed segment under `dir` and makes it the current one; older saved segments are removed afterwards. A
 * failed write (a full disk) removes what it had written and leaves the current one as it was.
 */
export async function writeSegment(dir: string, packed: PackedSegment, disk: Disk = nodeDisk): Promise<void> {
  await disk.mkdir(dir);
  const name = `index-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const tmp = join(dir, `${TEMP_PREFIX}${name}`);
  try {
    await disk.mkdir(tmp);
    await disk.writeFile(join(tmp, "arrays.bin"), packed.arrays);
    await disk.writeFile(join(tmp, "texts.bin"), packed.texts);
    await disk.writeFile(join(tmp, "terms.txt"), packed.terms);
    await disk.writeFile(join(tmp, "meta.json"), JSON.stringify(packed.meta));
    await disk.syncDir(tmp);
    await disk.rename(tmp, join(dir, name));
  } catch (error) {
    await disk.remove(tmp).catch(() => undefined);
    throw error;
  }
  try {
    await replaceDurably(disk, join(dir, POINTER), name);
  } catch (error) {
    await disk.remove(join(dir, name)).catch(() => undefined);
    throw error;
  }
  // Only now is the old index unreferenced.
  await removeStale(dir, name, disk).catch(() => undefined);
}

/** Removes from `dir` every saved index but `current`, and every temporary left by an interrupted save. */
async function removeStale(dir: string, current: string | null, disk: Disk): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const stale =
      entry.startsWith(TEMP_PREFIX) ||
      entry === LEGACY_POINTER_TMP ||
      (entry.startsWith("index-") && entry !== current);
    if (!stale) continue;
    await disk.remove(join(dir, entry));
    removed.push(entry);
  }
  return removed;
}

/**
 * Clears what an interrupted save left in `dir` (partial temporary folders, indexes no longer current), so it takes no
 * room and never stands in the way of the next save. Run at start-up, before loading. Resolves with what could not be
 * removed (a read-only disk), which is harmless: it is never read.
 */
export async function cleanSegmentDir(dir: string, disk: Disk = nodeDisk): Promise<LoadProblem[]> {
  let current: string | null = null;
  try {
    current = (await readFile(join(dir, POINTER), "utf8")).trim();
  } catch {
    current = null;
  }
  try {
    await removeStale(dir, current, disk);
    return [];
  } catch (error) {
    return [
      { path: dir, reason: `could not remove what an interrupted index save left (${(error as Error).message})` },
    ];
  }
}

/** Writes `segment` under `dir` and makes it the current one (`packSegment`, then `writeSegment`). */
export async function saveSegment<Extra>(
  dir: string,
  segment: Segment,
  extra: Extra,
  disk: Disk = nodeDisk,
): Promise<void> {
  await writeSegment(dir, packSegment(segment, extra), disk);
}

/** A text source over the saved UTF-8 blob: documents are decoded when quoted, and the last few kept. */
class BlobTexts implements TextSource {
  private readonly cache = new Map<number, string>();
  constructor(
    private readonly blob: Buffer,
    private readonly offsets: Float64Array,
  ) {}
  get(doc: number): string {
    let text = this.cache.get(doc);
    if (text === undefined) {
      text = this.blob.toString("utf8", this.offsets[doc] ?? 0, this.offsets[doc + 1] ?? 0);
      if (this.cache.size >= 512) this.cache.delete(this.cache.keys().next().value as number);
      this.cache.set(doc, text);
    }
    return text;
  }
}

function typedView(blob: Buffer, spec: { kind: Kind; offset: number; length: number }): Typed {
  const Ctor = CONSTRUCTORS[spec.kind];
  const byteOffset = blob.byteOffset + spec.offset;
  if (spec.offset + spec.length * Ctor.BYTES_PER_ELEMENT > blob.length)
    throw new IndexStoreError("array out of bounds");
  if (byteOffset % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(blob.buffer as ArrayBuffer, byteOffset, spec.length);
  // Misaligned (small files come from Node's shared pool): copy.
  return new Ctor(blob.buffer.slice(byteOffset, byteOffset + spec.length * Ctor.BYTES_PER_ELEMENT) as ArrayBuffer);
}

/**
 * Reads the current saved segment from `dir`, checking every file against its checksum. Returns null when there is
 * none; throws IndexStoreError when what is there is corrupt, partial, or from another format or analyzer version
 * (the caller rebuilds).
 */
export async function readSegment<Extra>(dir: string): Promise<PackedSegment<Extra> | null> {
  let name: string;
  try {
    name = (await readFile(join(dir, POINTER), "utf8")).trim();
  } catch {
    return null;
  }
  if (!/^index-[a-z0-9]+-[0-9a-f]{8}$/.test(name))
    throw new IndexStoreError(`pointer file names no index ("${name.slice(0, 40)}")`);
  const base = join(dir, name);
  let meta: Meta<Extra>;
  try {
    meta = JSON.parse(await readFile(join(base, "meta.json"), "utf8")) as Meta<Extra>;
  } catch (error) {
    throw new IndexStoreError(`unreadable meta.json: ${(error as Error).message}`);
  }
  if (meta.format !== FORMAT || meta.version !== FORMAT_VERSION)
    throw new IndexStoreError("saved index has another format version");
  if (meta.analyzer !== ANALYZER_VERSION)
    throw new IndexStoreError("saved index was built with another analyzer version");
  const [arrays, texts, terms] = await Promise.all([
    readFile(join(base, "arrays.bin")),
    readFile(join(base, "texts.bin")),
    readFile(join(base, "terms.txt"), "utf8"),
  ]).catch((error: Error) => {
    throw new IndexStoreError(`missing index file: ${error.message}`);
  });
  const actual: Record<string, string> = {
    "arrays.bin": sha256(arrays),
    "texts.bin": sha256(texts),
    "terms.txt": sha256(terms),
  };
  for (const [file, sum] of Object.entries(actual)) {
    if (meta.checksums?.[file] !== sum) throw new IndexStoreError(`${file} does not match its checksum`);
  }
  return { meta, arrays: owned(arrays), texts: owned(texts), terms };
}

/** `bytes` in a buffer of its own (small files come as slices of Node's shared pool, which must not be transferred). */
function owned(bytes: Buffer): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    return new Uint8Array(bytes.buffer, 0, bytes.length);
  return new Uint8Array(bytes);
}

/** The segment a packed one holds: views over its arrays, no copying and no rebuilding. */
export function unpackSegment<Extra>(packed: PackedSegment<Extra>): { segment: Segment; extra: Extra } {
  const { meta } = packed;
  const arrays = Buffer.from(packed.arrays.buffer, packed.arrays.byteOffset, packed.arrays.byteLength);
  const a = {} as Record<ArrayName, Typed>;
  for (const key of Object.keys(meta.arrays) as ArrayName[]) a[key] = typedView(arrays, meta.arrays[key]);
  const texts = Buffer.from(packed.texts.buffer, packed.texts.byteOffset, packed.texts.byteLength);
  const segment = new Segment({
    docs: meta.docs,
    texts: new BlobTexts(texts, a.textOffsets as Float64Array),
    terms: new PackedTermTable(packed.terms, a.termOffsets as Uint32Array),
    termStart: a.termStart as Uint32Array,
    postPassage: a.postPassage as Uint32Array,
    postTf: a.postTf as Uint8Array,
    passageDoc: a.passageDoc as Uint32Array,
    passageStart: a.passageStart as Uint32Array,
    passageEnd: a.passageEnd as Uint32Array,
    passageLength: a.passageLength as Uint16Array,
    sentenceStart: a.sentenceStart as Uint32Array,
    sentenceSpans: a.sentenceSpans as Uint32Array,
    sentenceKind: a.sentenceKind as Uint8Array,
    passageSection: a.passageSection as Uint32Array,
    sections: meta.sections,
    builtAt: meta.builtAt,
  });
  return { segment, extra: meta.extra };
}

/** Loads the current saved segment from `dir` (`readSegment`, then `unpackSegment`); null when there is none. */
export async function loadSegment<Extra>(dir: string): Promise<{ segment: Segment; extra: Extra } | null> {
  const packed = await readSegment<Extra>(dir);
  return packed === null ? null : unpackSegment(packed);
}

/**
 * Saving and loading a segment. The saved form is the in-memory form: typed arrays written as raw bytes, terms as one
 * string, texts as one UTF-8 blob, so loading is reading files, not rebuilding.
 *
 * Crash safety: everything is written into a fresh directory, fsynced, then published by atomically replacing a small
 * pointer file (write temp, fsync, rename, fsync the directory). A reader only ever follows the pointer to a complete
 * directory; every file's sha256 is checked on load, so a corrupt or partial index is detected and rebuilt, never served.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { ANALYZER_VERSION } from "./analyze.js";
import { syncDir, writeDurably } from "../storage/durable.js";
import { PackedTermTable, Segment, type SegmentDocument, type TextSource } from "./segment.js";

const FORMAT = "verbatim-segment";
// 2: sentence kinds, passage sections and their labels, per-document word counts.
const FORMAT_VERSION = 2;
const POINTER = "CURRENT";

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

interface Meta<Extra> {
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

/** Writes `segment` under `dir` and makes it the current one. Older saved segments are removed afterwards. */
export async function saveSegment<Extra>(dir: string, segment: Segment, extra: Extra): Promise<void> {
  await mkdir(dir, { recursive: true });
  const name = `index-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  const tmp = join(dir, `.tmp-${name}`);
  await mkdir(tmp, { recursive: true });

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
  const termsText = termParts.length > 0 ? `${termParts.join("\n")}\n` : "";

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
  const textsBlob = Buffer.concat(textChunks);

  const arrays: Record<ArrayName, Typed> = {
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
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [key, array] of Object.entries(arrays) as Array<[ArrayName, Typed]>) {
    const padding = (8 - (offset % 8)) % 8;
    if (padding > 0) parts.push(Buffer.alloc(padding));
    offset += padding;
    layout[key] = { kind: kindOf(array), offset, length: array.length };
    const view = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    parts.push(view);
    offset += view.length;
  }
  const arraysBlob = Buffer.concat(parts);

  await writeDurably(join(tmp, "arrays.bin"), arraysBlob);
  await writeDurably(join(tmp, "texts.bin"), textsBlob);
  await writeDurably(join(tmp, "terms.txt"), termsText);
  const meta: Meta<Extra> = {
    format: FORMAT,
    version: FORMAT_VERSION,
    analyzer: ANALYZER_VERSION,
    builtAt: segment.builtAt,
    docs: segment.docs,
    sections: segment.sections,
    arrays: layout,
    checksums: { "arrays.bin": sha256(arraysBlob), "texts.bin": sha256(textsBlob), "terms.txt": sha256(termsText) },
    extra,
  };
  await writeDurably(join(tmp, "meta.json"), JSON.stringify(meta));
  await syncDir(tmp);
  await rename(tmp, join(dir, name));
  await writeDurably(join(dir, `${POINTER}.tmp`), name);
  await rename(join(dir, `${POINTER}.tmp`), join(dir, POINTER));
  await syncDir(dir);
  // Only now is the old index unreferenced.
  for (const entry of await readdir(dir)) {
    if (entry !== name && (entry.startsWith("index-") || entry.startsWith(".tmp-"))) {
      await rm(join(dir, entry), { recursive: true, force: true });
    }
  }
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
 * Loads the current saved segment from `dir`. Returns null when there is none; throws IndexStoreError when what is
 * there is corrupt, partial, or from another format or analyzer version (the caller rebuilds).
 */
export async function loadSegment<Extra>(dir: string): Promise<{ segment: Segment; extra: Extra } | null> {
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
  const [arraysBlob, textsBlob, termsText] = await Promise.all([
    readFile(join(base, "arrays.bin")),
    readFile(join(base, "texts.bin")),
    readFile(join(base, "terms.txt"), "utf8"),
  ]).catch((error: Error) => {
    throw new IndexStoreError(`missing index file: ${error.message}`);
  });
  const actual: Record<string, string> = {
    "arrays.bin": sha256(arraysBlob),
    "texts.bin": sha256(textsBlob),
    "terms.txt": sha256(termsText),
  };
  for (const [file, sum] of Object.entries(actual)) {
    if (meta.checksums?.[file] !== sum) throw new IndexStoreError(`${file} does not match its checksum`);
  }
  const a = {} as Record<ArrayName, Typed>;
  for (const key of Object.keys(meta.arrays) as ArrayName[]) a[key] = typedView(arraysBlob, meta.arrays[key]);
  const segment = new Segment({
    docs: meta.docs,
    texts: new BlobTexts(textsBlob, a.textOffsets as Float64Array),
    terms: new PackedTermTable(termsText, a.termOffsets as Uint32Array),
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

/**
 * The heavy work of keeping indexes, as plain functions of plain data: loading uploaded files, analysing documents,
 * building and editing segments, bringing the bundled corpus's index up to date with its folder. They run on a worker
 * thread (pool.ts) so that one server's rebuild never holds up the event loop that answers everyone, or inline where
 * no pool is wanted (the CLI, unit tests). Inputs and outputs cross threads by structured clone; segments travel in
 * their packed form, whose byte arrays are moved, not copied, on the way back.
 *
 * Nothing here writes a file: saving goes through the caller's Disk, on the main thread.
 */
import { type ChunkOptions, DEFAULT_CHUNK } from "../ingest/chunk.js";
import { documentFromStored } from "../ingest/document.js";
import { DocumentLoadError, loadDocument, type DocumentMetadata } from "../ingest/load.js";
import { IndexStoreError, type PackedSegment, packSegment, readSegment, unpackSegment } from "../search/persist.js";
import { prepareDocument, type Segment, SegmentBuilder } from "../search/segment.js";
import type { CorpusDocument, LoadProblem, Source } from "../types.js";
import { type CorpusDiff, type Manifest, syncCorpus } from "./sync.js";

/** How far a long task has got: `done` of `total` (documents or files). */
export interface Progress {
  done: number;
  total: number;
}

export type OnProgress = (progress: Progress) => void;

/** A stored document as the index needs it. */
export interface IndexableDocument {
  source: Source;
  text: string;
  hash: string;
}

/** The indexable form of a stored document: the same structure and cleaning as when it was added. */
export function indexableDocument(stored: IndexableDocument): CorpusDocument {
  return documentFromStored(stored);
}

/** Reported about every 2% of a long loop, so progress messages stay few whatever the size. */
function reporter(total: number, onProgress: OnProgress | undefined): (done: number) => void {
  if (onProgress === undefined) return () => undefined;
  const step = Math.max(1, Math.floor(total / 50));
  return (done) => {
    if (done % step === 0 || done === total) onProgress({ done, total });
  };
}

/** `onProgress` called about every 2% of the way, whatever the size. */
function throttled(onProgress: OnProgress | undefined): OnProgress | undefined {
  if (onProgress === undefined) return undefined;
  return (progress) => {
    if (progress.done % Math.max(1, Math.floor(progress.total / 50)) === 0) onProgress(progress);
  };
}

const EMPTY = () => new SegmentBuilder().build();

export interface BuildInput {
  documents: IndexableDocument[];
  chunk?: ChunkOptions;
}

/** A segment over `documents`, in order (a server's index, built or rebuilt). */
export function buildDocuments(input: BuildInput, onProgress?: OnProgress): PackedSegment<null> {
  const builder = new SegmentBuilder();
  const report = reporter(input.documents.length, onProgress);
  input.documents.forEach((document, i) => {
    builder.add(prepareDocument(indexableDocument(document), input.chunk ?? DEFAULT_CHUNK));
    report(i + 1);
  });
  return packSegment(builder.build(), null);
}

export interface EditInput {
  /** The current segment (null: none yet). */
  base: PackedSegment<null> | null;
  /** Documents to add, after those kept. */
  add: IndexableDocument[];
  /** Ids of documents to drop. */
  remove: string[];
  chunk?: ChunkOptions;
}

/** `base` with documents added and removed; the others' postings are carried over without re-analysing them. */
export function editSegment(input: EditInput): PackedSegment<null> {
  const builder = new SegmentBuilder();
  if (input.base !== null) {
    const { segment } = unpackSegment(input.base);
    const drop = new Set(input.remove);
    builder.addFromSegment(segment, (d) => !drop.has(segment.docs[d]?.source.id ?? ""));
  }
  for (const document of input.add)
    builder.add(prepareDocument(indexableDocument(document), input.chunk ?? DEFAULT_CHUNK));
  return packSegment(builder.build(), null);
}

export interface UploadInput {
  fileName: string;
  bytes: Uint8Array;
  metadata: Partial<DocumentMetadata>;
}

/** An uploaded file as a document, or the reason it cannot be one (written for the person who uploaded it). */
export async function loadUpload(
  input: UploadInput,
): Promise<{ document: CorpusDocument; warnings: string[] } | { refused: string }> {
  try {
    const bytes = Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength);
    const warnings: string[] = [];
    const document = await loadDocument(input.fileName, bytes, {
      metadata: input.metadata,
      onWarning: (w) => warnings.push(w),
    });
    return { document, warnings };
  } catch (error) {
    if (error instanceof DocumentLoadError) return { refused: error.reason };
    throw error;
  }
}

export interface CorpusInput {
  corpusDir: string;
  chunk: ChunkOptions;
  /** Where the saved index is read from at start-up (null: nothing saved). */
  indexDir: string | null;
  /** The index now served and the manifest it was built from (a reload); absent at start-up (read from indexDir). */
  base?: { packed: PackedSegment<Manifest>; manifest: Manifest };
}

export interface CorpusResult {
  index: "saved" | "updated" | "built";
  /** The segment to serve; null when it is the base, unchanged. */
  packed: PackedSegment<Manifest> | null;
  manifest: Manifest;
  diff: CorpusDiff;
  problems: LoadProblem[];
  /** Files left out without being read (unsupported types, links not followed, too large), with the reason. */
  skipped: LoadProblem[];
  /** The root README, skipped as the folder's own description, or null. */
  readme: string | null;
  /** The manifest differs from the saved one (a file's mtime moved, say): the index should be saved. */
  manifestChanged: boolean;
  /** Why a saved index was not used, when there was one. */
  discarded?: string;
}

/** The bundled corpus's index brought up to date with its folder: the saved (or current) one, changed files re-read. */
export async function syncBundled(input: CorpusInput, onProgress?: OnProgress): Promise<CorpusResult> {
  let base: { packed: PackedSegment<Manifest>; manifest: Manifest } | null = input.base ?? null;
  let discarded: string | undefined;
  if (base === null && input.indexDir !== null) {
    try {
      const saved = await readSegment<Manifest>(input.indexDir);
      if (saved !== null && JSON.stringify(saved.meta.extra.chunk) !== JSON.stringify(input.chunk)) {
        discarded = "saved index used other passage settings";
      } else if (saved !== null) base = { packed: saved, manifest: saved.meta.extra };
    } catch (error) {
      if (!(error instanceof IndexStoreError)) throw error;
      discarded = error.message;
    }
  }
  const current: Segment = base === null ? EMPTY() : unpackSegment(base.packed).segment;
  const manifest: Manifest = base?.manifest ?? { chunk: input.chunk, files: [] };
  const result = await syncCorpus(input.corpusDir, current, manifest, input.chunk, throttled(onProgress));
  const fromDisk = input.base === undefined;
  let packed: PackedSegment<Manifest> | null = null;
  if (result.changed) packed = packSegment(result.segment, result.manifest);
  else if (fromDisk && base !== null)
    packed = { ...base.packed, meta: { ...base.packed.meta, extra: result.manifest } };
  else if (base === null) packed = packSegment(result.segment, result.manifest);
  return {
    index: base === null ? "built" : result.changed ? "updated" : "saved",
    packed,
    manifest: result.manifest,
    diff: result.diff,
    problems: result.problems,
    skipped: result.skipped,
    readme: result.readme,
    manifestChanged: result.manifestChanged || base === null,
    ...(discarded === undefined ? {} : { discarded }),
  };
}

/** Every task by name: what the worker dispatches on, and what the inline executor calls. */
export const TASKS = { buildDocuments, editSegment, loadUpload, syncBundled } as const;
export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;

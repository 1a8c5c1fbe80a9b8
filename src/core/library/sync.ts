/**
 * Keeping the bundled corpus's index in step with its folder. Files are recognised as unchanged by size and
 * modification time first (as git does) and by content hash otherwise; a changed, added or removed file is re-read
 * alone, and the other documents' postings are carried over from the current index without re-analysing their text.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ChunkOptions } from "../ingest/chunk.js";
import { type CorpusListing, DocumentLoadError, listCorpus, loadDocument } from "../ingest/load.js";
import { prepareDocument, type Segment, SegmentBuilder } from "../search/segment.js";
import type { LoadProblem } from "../types.js";

/** What the saved index remembers of each corpus file. */
export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  docId: string;
}

/** Saved beside the index: the passage settings it was built with and the files it holds. */
export interface Manifest {
  chunk: ChunkOptions;
  files: FileRecord[];
}

export interface CorpusDiff {
  added: string[];
  changed: string[];
  removed: string[];
  passagesBefore: number;
  passagesAfter: number;
}

export interface SyncResult {
  segment: Segment;
  manifest: Manifest;
  diff: CorpusDiff;
  /** Files that did not load (with the reason), and warnings about files that did (`warning: …`). */
  problems: LoadProblem[];
  /** Files left out of the corpus without reading them: unsupported types, links not followed, too large. */
  skipped: LoadProblem[];
  /** The root README, skipped as the folder's own description, or null. */
  readme: string | null;
  /** Whether documents were added, changed or removed (the segment is then a new one). */
  changed: boolean;
  /** Whether the manifest differs from the one given (a file's mtime moved, say), so the index should be saved. */
  manifestChanged: boolean;
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** How far a sync has come: files looked at so far, of how many. */
export type SyncProgress = (progress: { done: number; total: number }) => void;

/** Brings `current` (built from `manifest`) up to date with the files under `corpusDir`. */
export async function syncCorpus(
  corpusDir: string,
  current: Segment,
  manifest: Manifest,
  chunk: ChunkOptions,
  onProgress?: SyncProgress,
): Promise<SyncResult> {
  const known = new Map(manifest.files.map((f) => [f.path, f]));
  const listing: CorpusListing = await listCorpus(corpusDir).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DocumentLoadError(
      corpusDir,
      code === "ENOENT"
        ? "corpus directory not found"
        : code === "ENOTDIR"
          ? "not a folder"
          : `cannot read corpus directory (${code ?? String(error)})`,
    );
  });
  const files = listing.files.map((f) => f.path);
  const realOf = new Map(listing.files.map((f) => [f.path, f.real]));
  const problems: LoadProblem[] = [];
  const records: FileRecord[] = [];
  const fresh: ReturnType<typeof prepareDocument>[] = [];
  const diff: CorpusDiff = {
    added: [],
    changed: [],
    removed: [],
    passagesBefore: current.passageCount,
    passagesAfter: 0,
  };
  const keepDocs = new Set<string>();
  const takenIds = new Set<string>();
  const keep = (record: FileRecord) => {
    records.push(record);
    keepDocs.add(record.docId);
    takenIds.add(record.docId);
  };
  // A file that was served and can no longer be read is removed from answers (and shown as removed).
  const unreadable = (path: string, error: unknown): void => {
    problems.push({ path, reason: `cannot read file (${errorCode(error)})` });
    if (known.has(path)) diff.removed.push(path);
  };
  let done = 0;
  for (const path of files) {
    onProgress?.({ done: done++, total: files.length });
    // The link's checked target (inside the corpus folder), not the link, is what is read.
    const full = realOf.get(path) ?? join(corpusDir, path);
    const previous = known.get(path);
    let info;
    try {
      info = await stat(full);
    } catch (error) {
      unreadable(path, error);
      continue;
    }
    if (previous !== undefined && previous.size === info.size && previous.mtimeMs === info.mtimeMs) {
      keep(previous);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(full);
    } catch (error) {
      unreadable(path, error);
      continue;
    }
    const hash = createHash("sha256").update(bytes).digest("hex");
    if (previous !== undefined && previous.hash === hash) {
      keep({ ...previous, size: info.size, mtimeMs: info.mtimeMs });
      continue;
    }
    try {
      const warnings: string[] = [];
      const doc = await loadDocument(path, bytes, { onWarning: (w) => warnings.push(w) });
      let id = doc.source.id;
      for (let n = 2; takenIds.has(id); n++) id = `${doc.source.id}-${n}`;
      doc.source.id = id;
      takenIds.add(id);
      problems.push(...warnings.map((w) => ({ path, reason: `warning: ${w}` })));
      fresh.push(prepareDocument(doc, chunk));
      records.push({ path, size: info.size, mtimeMs: info.mtimeMs, hash, docId: id });
      (previous === undefined ? diff.added : diff.changed).push(path);
    } catch (error) {
      problems.push({ path, reason: error instanceof DocumentLoadError ? error.reason : String(error) });
      // A file that no longer loads is no longer served.
      if (previous !== undefined) diff.removed.push(path);
    }
  }
  onProgress?.({ done: files.length, total: files.length });
  const present = new Set(files);
  for (const f of manifest.files) if (!present.has(f.path)) diff.removed.push(f.path);
  const changed = diff.added.length + diff.changed.length + diff.removed.length > 0;
  let segment = current;
  if (changed) {
    const builder = new SegmentBuilder();
    builder.addFromSegment(current, (d) => keepDocs.has(current.docs[d]?.source.id ?? ""));
    for (const p of fresh) builder.add(p);
    segment = builder.build();
  }
  const old = manifest.files;
  const manifestChanged = changed || records.length !== old.length || records.some((r, i) => r !== old[i]);
  diff.passagesAfter = segment.passageCount;
  return {
    segment,
    manifest: { chunk, files: records },
    diff,
    problems,
    skipped: listing.skipped,
    readme: listing.readme,
    changed,
    manifestChanged,
  };
}

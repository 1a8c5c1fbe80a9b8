/**
 * The library: the bundled corpus kept in step with its folder, its saved index, and the questions asked of it.
 * This is what the CLI and the bot hold; it implements `Answerer`.
 *
 * Start-up reuses the saved index when the corpus has not changed. Files are recognised as unchanged by size and
 * modification time first (as git does) and by content hash otherwise; a changed, added or removed file is re-read
 * alone, and the other documents' postings are carried over from the saved index without re-analysing their text.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type ChunkOptions, DEFAULT_CHUNK } from "../ingest/chunk.js";
import { corpusFiles, DocumentLoadError, loadDocument } from "../ingest/load.js";
import { answerQuestion, type AnswerParams, DEFAULT_ANSWER } from "../answer/quotes.js";
import { retrieve } from "../search/retrieve.js";
import { Segment, SegmentBuilder, prepareDocument } from "../search/segment.js";
import { IndexStoreError, loadSegment, saveSegment } from "../search/persist.js";
import { TitleIndex } from "../search/titles.js";
import type { Answer, Answerer, AskOptions, CorpusStats, DocumentView, LoadProblem, SearchHit, Source } from "../types.js";
import { createHash } from "node:crypto";

export interface FileRecord {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  docId: string;
}

interface Manifest {
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

export interface OpenReport {
  /** How the index came to be: loaded as saved, updated for changed files, or built from nothing. */
  index: "saved" | "updated" | "built";
  diff: CorpusDiff;
  problems: LoadProblem[];
  /** Why a saved index was not used, when there was one. */
  discarded?: string;
  ms: number;
}

export interface LibraryOptions {
  corpusDir: string;
  /** Where the index is saved; without it nothing is written. */
  dataDir?: string;
  chunk?: ChunkOptions;
  answer?: AnswerParams;
}

const emptySegment = () => new SegmentBuilder().build();

function openingOf(segment: Segment, doc: number, maxChars = 600): string {
  const passages = segment.passagesOfDoc(doc);
  const text = segment.text(doc);
  let opening = "";
  for (const p of passages) {
    for (const [a, b] of segment.sentencesOf(p)) {
      const next = opening === "" ? text.slice(a, b) : `${opening} ${text.slice(a, b)}`;
      if (next.length > maxChars && opening !== "") return opening;
      opening = next;
    }
  }
  return opening;
}

/** A scope's own index (a server's documents), searched together with the bundled corpus. */
interface ScopeIndex {
  segment: Segment;
  titles: TitleIndex;
}

export class Library implements Answerer {
  private bundled: Segment;
  private titles: TitleIndex;
  private manifest: Manifest;
  private readonly scopes = new Map<string, ScopeIndex>();
  private scopeLoader: ((scope: string) => Segment | undefined) | undefined;

  private constructor(
    private readonly options: LibraryOptions,
    segment: Segment,
    manifest: Manifest,
  ) {
    this.bundled = segment;
    this.manifest = manifest;
    this.titles = new TitleIndex(segment.docs.map((d) => d.source));
  }

  /** Opens the library: loads the saved index, brings it up to date with the corpus folder, saves if anything changed. */
  static async open(options: LibraryOptions): Promise<{ library: Library; report: OpenReport }> {
    const started = performance.now();
    const chunk = options.chunk ?? DEFAULT_CHUNK;
    let saved: { segment: Segment; extra: Manifest } | null = null;
    let discarded: string | undefined;
    if (options.dataDir !== undefined) {
      try {
        saved = await loadSegment<Manifest>(join(options.dataDir, "index"));
        if (saved !== null && JSON.stringify(saved.extra.chunk) !== JSON.stringify(chunk)) {
          discarded = "saved index used other passage settings";
          saved = null;
        }
      } catch (error) {
        if (!(error instanceof IndexStoreError)) throw error;
        discarded = error.message;
      }
    }
    const base = saved?.segment ?? emptySegment();
    const library = new Library(options, base, saved?.extra ?? { chunk, files: [] });
    const { diff, problems, changed } = await library.sync();
    const index = saved === null ? "built" : changed ? "updated" : "saved";
    const report: OpenReport = { index, diff, problems, ms: Math.round(performance.now() - started) };
    if (discarded !== undefined) report.discarded = discarded;
    return { library, report };
  }

  /** Re-reads the corpus folder and re-indexes what changed (operators' "reload"). */
  async reload(): Promise<{ diff: CorpusDiff; problems: LoadProblem[] }> {
    const { diff, problems } = await this.sync();
    return { diff, problems };
  }

  private async sync(): Promise<{ diff: CorpusDiff; problems: LoadProblem[]; changed: boolean }> {
    const { corpusDir } = this.options;
    const chunk = this.options.chunk ?? DEFAULT_CHUNK;
    const known = new Map(this.manifest.files.map((f) => [f.path, f]));
    const files = await corpusFiles(corpusDir).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DocumentLoadError(corpusDir, code === "ENOENT" ? "corpus directory not found" : `cannot read corpus directory (${code ?? String(error)})`);
    });
    const problems: LoadProblem[] = [];
    const records: FileRecord[] = [];
    const fresh: ReturnType<typeof prepareDocument>[] = [];
    const diff: CorpusDiff = { added: [], changed: [], removed: [], passagesBefore: this.bundled.passageCount, passagesAfter: 0 };
    const keepDocs = new Set<string>();
    const takenIds = new Set<string>();
    for (const path of files) {
      const full = join(corpusDir, path);
      const previous = known.get(path);
      let info;
      try {
        info = await stat(full);
      } catch (error) {
        problems.push({ path, reason: `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
        continue;
      }
      if (previous !== undefined && previous.size === info.size && previous.mtimeMs === info.mtimeMs) {
        records.push(previous);
        keepDocs.add(previous.docId);
        takenIds.add(previous.docId);
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(full);
      } catch (error) {
        problems.push({ path, reason: `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
        continue;
      }
      const hash = createHash("sha256").update(bytes).digest("hex");
      if (previous !== undefined && previous.hash === hash) {
        records.push({ ...previous, size: info.size, mtimeMs: info.mtimeMs });
        keepDocs.add(previous.docId);
        takenIds.add(previous.docId);
        continue;
      }
      try {
        const warnings: string[] = [];
        const doc = loadDocument(path, bytes, { onWarning: (w) => warnings.push(w) });
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
    const present = new Set(files);
    for (const f of this.manifest.files) if (!present.has(f.path)) diff.removed.push(f.path);
    const changed = diff.added.length + diff.changed.length + diff.removed.length > 0;
    if (changed) {
      const builder = new SegmentBuilder();
      builder.addFromSegment(this.bundled, (d) => keepDocs.has((this.bundled.docs[d] as { source: Source }).source.id));
      for (const p of fresh) builder.add(p);
      this.bundled = builder.build();
      this.titles = new TitleIndex(this.bundled.docs.map((d) => d.source));
    }
    const old = this.manifest.files;
    const manifestChanged = changed || records.length !== old.length || records.some((r, i) => r !== old[i]);
    this.manifest = { chunk, files: records };
    diff.passagesAfter = this.bundled.passageCount;
    if (this.options.dataDir !== undefined && manifestChanged) {
      await saveSegment(join(this.options.dataDir, "index"), this.bundled, this.manifest);
    }
    return { diff, problems, changed };
  }

  /** Installs (or replaces) a scope's index: questions asked in that scope search it as well as the bundled corpus. */
  setScope(scope: string, segment: Segment): void {
    this.scopes.set(scope, { segment, titles: new TitleIndex(segment.docs.map((d) => d.source)) });
  }

  /** Builds a scope's index the first time it is needed (e.g. a server's documents after a restart). */
  setScopeLoader(loader: (scope: string) => Segment | undefined): void {
    this.scopeLoader = loader;
  }

  private scopeIndex(scope: string | undefined): ScopeIndex | undefined {
    if (scope === undefined) return undefined;
    let own = this.scopes.get(scope);
    if (own === undefined) {
      const segment = this.scopeLoader?.(scope);
      if (segment === undefined) return undefined;
      this.setScope(scope, segment);
      own = this.scopes.get(scope);
    }
    return own;
  }

  /** A scope's index (loaded on first use), or undefined when the scope has none. */
  scopeSegment(scope: string): Segment | undefined {
    return this.scopeIndex(scope)?.segment;
  }

  private segments(scope?: string): Segment[] {
    const own = this.scopeIndex(scope);
    return own === undefined ? [this.bundled] : [this.bundled, own.segment];
  }

  answer(question: string, options: AskOptions = {}): Answer {
    return answerQuestion(this.segments(options.scope), question, options.limit ?? 3, this.options.answer ?? DEFAULT_ANSWER);
  }

  search(query: string, options: AskOptions = {}): SearchHit[] {
    const ranking = retrieve(this.segments(options.scope), query, options.limit ?? 5, this.options.answer ?? DEFAULT_ANSWER);
    return ranking.hits.map(({ segment, passage, score }) => {
      const doc = segment.passageDoc[passage] as number;
      const start = segment.passageStart[passage] as number;
      const end = segment.passageEnd[passage] as number;
      return {
        passageId: `${(segment.docs[doc] as { source: Source }).source.id}#${passage - (segment.passagesOfDoc(doc)[0] ?? passage)}`,
        text: segment.text(doc).slice(start, end),
        start,
        end,
        score: Math.round(score * 1000) / 1000,
        source: (segment.docs[doc] as { source: Source }).source,
      };
    });
  }

  /** The scope's own documents first (they are what its moderators look for), then the bundled corpus. */
  suggestDocuments(prefix: string, limit: number, scope?: string): Source[] {
    const own = this.scopeIndex(scope)?.titles.suggest(prefix, limit) ?? [];
    return [...own, ...this.titles.suggest(prefix, limit - own.length)].slice(0, limit);
  }

  document(id: string, scope?: string): DocumentView | null {
    for (const segment of [...this.segments(scope)].reverse()) {
      const doc = segment.docIndex(id);
      if (doc === undefined) continue;
      return {
        source: (segment.docs[doc] as { source: Source }).source,
        opening: openingOf(segment, doc),
        passages: segment.passagesOfDoc(doc).length,
        characters: segment.text(doc).length,
      };
    }
    return null;
  }

  stats(scope?: string): CorpusStats {
    const segments = this.segments(scope);
    return {
      documents: segments.reduce((n, s) => n + s.docs.length, 0),
      passages: segments.reduce((n, s) => n + s.passageCount, 0),
      indexedAt: segments.reduce((latest, s) => (s.builtAt > latest ? s.builtAt : latest), this.bundled.builtAt),
    };
  }

  /** The bundled corpus's segment (for tools such as the benchmark). */
  get segment(): Segment {
    return this.bundled;
  }
}

/**
 * The library: the bundled corpus kept in step with its folder, its saved index, and the questions asked of it.
 * This is what the CLI and the bot hold; it implements `Answerer`. Start-up reuses the saved index when the corpus has
 * not changed (see sync.ts for how changes are found).
 */
import { join } from "node:path";
import { type ChunkOptions, DEFAULT_CHUNK } from "../ingest/chunk.js";
import { answerQuestion, type AnswerParams, DEFAULT_ANSWER } from "../answer/quotes.js";
import { arrangeBySourceDate } from "../answer/differ.js";
import { excludedPassages, findPassage, leadWith, viewOf, withPassages } from "./passages.js";
import { retrieve } from "../search/retrieve.js";
import { readingsOf } from "../search/spelling.js";
import { shippedDictionary } from "../answer/dictionary.js";
import { shippedVectors } from "../answer/vectors.js";
import type { Segment } from "../search/segment.js";
import type { CorpusDiff, Manifest } from "./sync.js";
import { cleanSegmentDir, type PackedSegment, unpackSegment, writeSegment } from "../search/persist.js";
import { TitleIndex } from "../search/titles.js";
import { type Disk, nodeDisk } from "../storage/disk.js";
import { type Executor, inline } from "./pool.js";
import type { CorpusResult, OnProgress } from "./tasks.js";
export type { CorpusDiff } from "./sync.js";
import type {
  Answer,
  Answerer,
  AskOptions,
  CorpusStats,
  DocumentView,
  LoadProblem,
  PassageView,
  Quote,
  SearchResult,
  Source,
} from "../types.js";

/** What a sync of the corpus folder found. */
export interface SyncOutcome {
  diff: CorpusDiff;
  problems: LoadProblem[];
  skipped: LoadProblem[];
  readme: string | null;
}

export interface OpenReport {
  /** How the index came to be: loaded as saved, updated for changed files, or built from nothing. */
  index: "saved" | "updated" | "built";
  diff: CorpusDiff;
  problems: LoadProblem[];
  /** Files left out without being read (unsupported types, links not followed, too large), with the reason. */
  skipped: LoadProblem[];
  /** The root README, skipped as the folder's own description, or null. */
  readme: string | null;
  /** Why a saved index was not used, when there was one. */
  discarded?: string;
  /** Why the index could not be saved (a full or read-only disk): it is served from memory, and saving is retried. */
  saveFailed?: string;
  ms: number;
}

export interface LibraryOptions {
  /** The bundled corpus's folder; null for a library over a segment built elsewhere (the benchmark's). */
  corpusDir: string | null;
  /** Where the index is saved; without it nothing is written. */
  dataDir?: string;
  chunk?: ChunkOptions;
  answer?: AnswerParams;
  /** Where loading and indexing run (a worker pool); default inline, on the calling thread. */
  executor?: Executor;
  /** Where the index is written. Default the real file system. */
  disk?: Disk;
  /** Read the saved index but never write to dataDir (another process holds it). */
  readOnly?: boolean;
  /** Told about trouble saving the index: once when saving starts failing, once when it works again. */
  onSave?: (event: { ok: boolean; error?: string }) => void;
  /** How long to wait before retrying a failed save. Default one minute. */
  retrySaveMs?: number;
  /** Called as files are read when the corpus folder is synced at start-up (for a progress line). */
  onProgress?: OnProgress;
}

/** One document of the corpus and the share of its words cleaning kept (when known). */
export interface DocumentWords {
  path: string | null;
  title: string | null;
  total: number;
  kept: number;
}

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
  /** The bundled segment in its packed form (what a reload starts from and a save writes); null: built elsewhere. */
  private packed: PackedSegment<Manifest> | null;
  private readonly scopes = new Map<string, ScopeIndex>();
  /** Reloads one at a time. */
  private syncing: Promise<unknown> = Promise.resolve();
  /** A save that failed and waits to be retried (the newest index to save), and its timer. */
  private unsaved: PackedSegment<Manifest> | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private saveQueue: Promise<string | null> = Promise.resolve(null);
  /** The last save failed (reported once; the next success is reported too). */
  private saveFailing = false;

  private constructor(
    private readonly options: LibraryOptions,
    segment: Segment,
    manifest: Manifest,
    packed: PackedSegment<Manifest> | null,
  ) {
    this.bundled = segment;
    this.manifest = manifest;
    this.packed = packed;
    this.titles = new TitleIndex(segment.docs.map((d) => d.source));
  }

  /**
   * Opens the library: clears what an interrupted save left, loads the saved index, brings it up to date with the
   * corpus folder (on the executor: a worker thread, when given a pool), and saves it if anything changed. A save that
   * fails (a full or read-only disk) does not stop it: the index is served from memory and saving is retried later.
   */
  static async open(
    options: LibraryOptions & { corpusDir: string },
  ): Promise<{ library: Library; report: OpenReport }> {
    const started = performance.now();
    const chunk = options.chunk ?? DEFAULT_CHUNK;
    const indexDir = options.dataDir === undefined ? null : join(options.dataDir, "index");
    const cleanup =
      indexDir === null || options.readOnly === true ? [] : await cleanSegmentDir(indexDir, options.disk ?? nodeDisk);
    const result = await (options.executor ?? inline).run(
      "syncBundled",
      { corpusDir: options.corpusDir, chunk, indexDir },
      options.onProgress === undefined ? {} : { onProgress: options.onProgress },
    );
    const packed = result.packed as PackedSegment<Manifest>;
    const library = new Library(options, unpackSegment(packed).segment, result.manifest, packed);
    const report: OpenReport = {
      index: result.index,
      diff: result.diff,
      problems: [...cleanup, ...result.problems],
      skipped: result.skipped,
      readme: result.readme,
      ms: 0,
    };
    if (result.discarded !== undefined) report.discarded = result.discarded;
    if (result.manifestChanged) {
      const failed = await library.save(packed);
      if (failed !== null) report.saveFailed = failed;
    }
    report.ms = Math.round(performance.now() - started);
    return { library, report };
  }

  /** A library over an index built elsewhere (no corpus folder, nothing saved): what the benchmark measures. */
  static fromSegment(segment: Segment, options: Pick<LibraryOptions, "answer"> = {}): Library {
    return new Library({ ...options, corpusDir: null }, segment, { chunk: DEFAULT_CHUNK, files: [] }, null);
  }

  /**
   * Re-reads the corpus folder and re-indexes what changed (operators' "reload"), off the main thread when the
   * library has a pool. Reloads run one at a time.
   */
  async reload(options: { onProgress?: OnProgress } = {}): Promise<SyncOutcome> {
    const run = this.syncing.then(() => this.sync(options.onProgress));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  /** Every document of the bundled corpus with the share of its words that cleaning kept (the verbose load report). */
  documentWords(): DocumentWords[] {
    return this.bundled.docs.map((d) => ({
      path: d.source.path,
      title: d.source.title,
      total: d.words?.total ?? 0,
      kept: d.words?.kept ?? 0,
    }));
  }

  private async sync(onProgress?: OnProgress): Promise<SyncOutcome> {
    const corpusDir = this.options.corpusDir;
    if (corpusDir === null || this.packed === null) {
      const count = this.bundled.passageCount;
      return {
        diff: { added: [], changed: [], removed: [], passagesBefore: count, passagesAfter: count },
        problems: [],
        skipped: [],
        readme: null,
      };
    }
    const result: CorpusResult = await (this.options.executor ?? inline).run(
      "syncBundled",
      {
        corpusDir,
        chunk: this.options.chunk ?? DEFAULT_CHUNK,
        indexDir: null,
        base: { packed: this.packed, manifest: this.manifest },
      },
      onProgress === undefined ? {} : { onProgress },
    );
    if (result.packed !== null) {
      this.packed = result.packed;
      this.bundled = unpackSegment(result.packed).segment;
      this.titles = new TitleIndex(this.bundled.docs.map((d) => d.source));
    } else {
      this.packed = { ...this.packed, meta: { ...this.packed.meta, extra: result.manifest } };
    }
    this.manifest = result.manifest;
    if (result.manifestChanged) await this.save(this.packed);
    return { diff: result.diff, problems: result.problems, skipped: result.skipped, readme: result.readme };
  }

  /**
   * Writes `packed` as the saved index. Never throws: on failure the index goes on being served from memory, the
   * failure is reported once (onSave), and the newest index is saved again later. Resolves with the error, or null.
   */
  private save(packed: PackedSegment<Manifest>): Promise<string | null> {
    if (this.options.dataDir === undefined || this.options.readOnly === true) return Promise.resolve(null);
    this.unsaved = packed;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const run = this.saveQueue.then(() => this.writeUnsaved());
    this.saveQueue = run;
    return run;
  }

  /** Writes the newest unsaved index, if any (an earlier queued save may already have). */
  private async writeUnsaved(): Promise<string | null> {
    const packed = this.unsaved;
    if (packed === null || this.options.dataDir === undefined) return null;
    try {
      await writeSegment(join(this.options.dataDir, "index"), packed, this.options.disk ?? nodeDisk);
      if (this.unsaved === packed) this.unsaved = null;
      if (this.saveFailing) this.options.onSave?.({ ok: true });
      this.saveFailing = false;
      return null;
    } catch (error) {
      const message = (error as Error).message;
      if (!this.saveFailing) this.options.onSave?.({ ok: false, error: message });
      this.saveFailing = true;
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.unsaved !== null) void this.save(this.unsaved);
      }, this.options.retrySaveMs ?? 60_000);
      this.retryTimer.unref();
      return message;
    }
  }

  /** Whether the served index is not yet saved (a save failed and will be retried). */
  get unsavedIndex(): boolean {
    return this.unsaved !== null;
  }

  /** Stops retrying saves (the index stays served). */
  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Installs (or replaces) a scope's index: questions asked in that scope search it as well as the bundled corpus. */
  setScope(scope: string, segment: Segment): void {
    this.scopes.set(scope, { segment, titles: new TitleIndex(segment.docs.map((d) => d.source)) });
  }

  /** Removes a scope's index (a server with no documents left). */
  clearScope(scope: string): void {
    this.scopes.delete(scope);
  }

  private scopeIndex(scope: string | undefined): ScopeIndex | undefined {
    return scope === undefined ? undefined : this.scopes.get(scope);
  }

  /** A scope's index, or undefined when the scope has none. */
  scopeSegment(scope: string): Segment | undefined {
    return this.scopeIndex(scope)?.segment;
  }

  private segments(scope?: string): Segment[] {
    const own = this.scopeIndex(scope);
    return own === undefined ? [this.bundled] : [this.bundled, own.segment];
  }

  /**
   * Answers in the scope, never quoting an excluded passage, led by the pinned quote when there is one (moderators'
   * corrections, src/core/guilds/feedback.ts), and ordered by source date when the sources differ.
   */
  answer(question: string, options: AskOptions = {}): Answer {
    const segments = this.segments(options.scope);
    const limit = options.limit ?? 3;
    const excluded = excludedPassages(segments, options.exclude);
    const accept = excluded.size === 0 ? undefined : (s: Segment, p: number) => excluded.get(s)?.has(p) !== true;
    let answer = answerQuestion(segments, question, limit, this.options.answer ?? DEFAULT_ANSWER, { accept });
    answer = { ...answer, quotes: withPassages(segments, answer.quotes) };
    if (options.pinned !== undefined) answer = leadWith(segments, answer, options.pinned, limit, excluded);
    return arrangeBySourceDate(answer);
  }

  /** The best quotes for a question whether or not they would answer it (what moderators pick a pin from). */
  candidates(question: string, options: AskOptions = {}): Quote[] {
    const segments = this.segments(options.scope);
    const excluded = excludedPassages(segments, options.exclude);
    const accept = excluded.size === 0 ? undefined : (s: Segment, p: number) => excluded.get(s)?.has(p) !== true;
    const params = this.options.answer ?? DEFAULT_ANSWER;
    const found = answerQuestion(segments, question, options.limit ?? 5, params, { abstain: false, accept });
    return withPassages(segments, found.quotes);
  }

  /** A passage by id (`docId#ordinal`) in its document, or null when there is no such passage in the scope. */
  passage(passageId: string, scope?: string): PassageView | null {
    const found = findPassage(this.segments(scope), passageId);
    return found === null ? null : viewOf(found);
  }

  search(query: string, options: AskOptions = {}): SearchResult {
    const params = this.options.answer ?? DEFAULT_ANSWER;
    // A word with a slip in it is read as the corpus's word, as a question's is (search/spelling.ts).
    const dictionary = params.correctSpelling ? shippedDictionary(shippedVectors()) : undefined;
    const segments = this.segments(options.scope);
    const ranking = retrieve(segments, query, options.limit ?? 5, params, undefined, undefined, undefined, dictionary);
    const hits = ranking.hits.map(({ segment, passage, score }) => {
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
        section: segment.sectionOf(passage),
      };
    });
    const corrected = readingsOf(ranking.corrections);
    return corrected.length > 0 ? { hits, corrected } : { hits };
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

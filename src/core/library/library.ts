/**
 * The library: the bundled corpus kept in step with its folder, its saved index, and the questions asked of it.
 * This is what the CLI and the bot hold; it implements `Answerer`. Start-up reuses the saved index when the corpus has
 * not changed (see sync.ts for how changes are found).
 */
import { join } from "node:path";
import { type ChunkOptions, DEFAULT_CHUNK } from "../ingest/chunk.js";
import { answerQuestion, type AnswerParams, DEFAULT_ANSWER } from "../answer/quotes.js";
import { retrieve } from "../search/retrieve.js";
import { Segment, SegmentBuilder } from "../search/segment.js";
import { type CorpusDiff, type Manifest, type SyncProgress, syncCorpus } from "./sync.js";
import { IndexStoreError, loadSegment, saveSegment } from "../search/persist.js";
import { TitleIndex } from "../search/titles.js";
export type { CorpusDiff } from "./sync.js";
import type {
  Answer,
  Answerer,
  AskOptions,
  CorpusStats,
  DocumentView,
  LoadProblem,
  SearchHit,
  Source,
} from "../types.js";

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
  ms: number;
}

export interface LibraryOptions {
  /** The bundled corpus's folder; null for a library over a segment built elsewhere (the benchmark's). */
  corpusDir: string | null;
  /** Where the index is saved; without it nothing is written. */
  dataDir?: string;
  chunk?: ChunkOptions;
  answer?: AnswerParams;
  /** Called as files are read when the corpus folder is synced (for a progress line). */
  onProgress?: SyncProgress;
}

/** One document of the corpus and the share of its words cleaning kept (when known). */
export interface DocumentWords {
  path: string | null;
  title: string | null;
  total: number;
  kept: number;
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
  static async open(
    options: LibraryOptions & { corpusDir: string },
  ): Promise<{ library: Library; report: OpenReport }> {
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
    const { diff, problems, changed, skipped, readme } = await library.sync();
    const index = saved === null ? "built" : changed ? "updated" : "saved";
    const report: OpenReport = { index, diff, problems, skipped, readme, ms: Math.round(performance.now() - started) };
    if (discarded !== undefined) report.discarded = discarded;
    return { library, report };
  }

  /** A library over an index built elsewhere (no corpus folder, nothing saved): what the benchmark measures. */
  static fromSegment(segment: Segment, options: Pick<LibraryOptions, "answer"> = {}): Library {
    return new Library({ ...options, corpusDir: null }, segment, { chunk: DEFAULT_CHUNK, files: [] });
  }

  /** Re-reads the corpus folder and re-indexes what changed (operators' "reload"). */
  async reload(): Promise<{
    diff: CorpusDiff;
    problems: LoadProblem[];
    skipped: LoadProblem[];
    readme: string | null;
  }> {
    const { diff, problems, skipped, readme } = await this.sync();
    return { diff, problems, skipped, readme };
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

  private async sync(): Promise<{
    diff: CorpusDiff;
    problems: LoadProblem[];
    skipped: LoadProblem[];
    readme: string | null;
    changed: boolean;
  }> {
    const chunk = this.options.chunk ?? DEFAULT_CHUNK;
    if (this.options.corpusDir === null) {
      const count = this.bundled.passageCount;
      return {
        diff: { added: [], changed: [], removed: [], passagesBefore: count, passagesAfter: count },
        problems: [],
        skipped: [],
        readme: null,
        changed: false,
      };
    }
    const result = await syncCorpus(
      this.options.corpusDir,
      this.bundled,
      this.manifest,
      chunk,
      this.options.onProgress,
    );
    if (result.changed) {
      this.bundled = result.segment;
      this.titles = new TitleIndex(this.bundled.docs.map((d) => d.source));
    }
    this.manifest = result.manifest;
    if (this.options.dataDir !== undefined && result.manifestChanged) {
      await saveSegment(join(this.options.dataDir, "index"), this.bundled, this.manifest);
    }
    return {
      diff: result.diff,
      problems: result.problems,
      skipped: result.skipped,
      readme: result.readme,
      changed: result.changed,
    };
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
    return answerQuestion(
      this.segments(options.scope),
      question,
      options.limit ?? 3,
      this.options.answer ?? DEFAULT_ANSWER,
    );
  }

  search(query: string, options: AskOptions = {}): SearchHit[] {
    const ranking = retrieve(
      this.segments(options.scope),
      query,
      options.limit ?? 5,
      this.options.answer ?? DEFAULT_ANSWER,
    );
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
        section: segment.sectionOf(passage),
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

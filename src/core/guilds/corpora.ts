/**
 * Each server's own documents: validated, stored durably (GuildStore), indexed in the server's own scope and searched
 * together with the bundled corpus — only in that server. Every rule about what may be added lives here, so the bot,
 * the CLI and the tests all enforce the same ones.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { SUPPORTED_EXTENSIONS } from "../ingest/load.js";
import { dateProblem, isPathLikeTitle, isWebUrl, stripBidi } from "../ingest/metadata.js";
import type { GuildChange, GuildStorage } from "./contract.js";
import { DocumentQuotaError, DuplicateDocumentError, type StoredDocument } from "./schema.js";
import type { CorpusDiff, Library } from "../library/library.js";
import { type Executor, inline } from "../library/pool.js";
import { indexableDocument, type IndexableDocument, type OnProgress } from "../library/tasks.js";
import { type PackedSegment, unpackSegment } from "../search/persist.js";
import type { Segment } from "../search/segment.js";
import type { CorpusDocument, Source } from "../types.js";

/** Bad input from a person (an upload, a form, an id): the message says what is wrong and how to fix it. */
export class InputError extends Error {
  override name = "InputError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface GuildLimits {
  maxUploadBytes: number;
  maxDocuments: number;
}

/** What a moderator supplies: a file (name + bytes) or typed text, and metadata that overrides the file's. */
export interface DocumentInput {
  fileName?: string;
  bytes?: Buffer;
  text?: string;
  metadata?: Partial<Pick<Source, "title" | "publisher" | "author" | "date" | "url">>;
}

export interface AddedDocument {
  document: StoredDocument;
  passages: number;
}

export interface GuildStats {
  bundled: { documents: number; passages: number };
  server: { documents: number; passages: number };
  questions: { days: number; answered: number; abstained: number }[];
  /** The questions it could not answer most often in the last 30 days: the gaps moderators should fill. */
  gaps: { question: string; count: number }[];
  /** Questions it could not answer in the last 30 days that were asked privately: counted, their text never shown. */
  privateAbstained: number;
}

const PATHLIKE = /(^|[\\/])\.\.([\\/]|$)|[\\/]|^[a-z]:/i;

function mib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The indexable form of a stored document: the same structure and cleaning as a corpus file of its format. */
export function corpusDocumentOf(stored: StoredDocument): CorpusDocument {
  return indexableDocument(stored);
}

/** What a worker needs of a stored document to index it. */
const indexable = (d: StoredDocument): IndexableDocument => ({ source: d.source, text: d.text, hash: d.hash });

/**
 * Loading uploads and indexing run on the executor (a worker pool in the bot), so one server's large upload or
 * rebuild never delays the others: the main thread only checks, stores and swaps in the finished index.
 */
export class GuildCorpora {
  /** Each server's index in its packed form: what an edit starts from. */
  private readonly packed = new Map<string, PackedSegment<null>>();

  private readonly unsubscribe: () => void;
  /** Guilds whose index was built by load() or warmUp() (or is being). */
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly store: GuildStorage,
    private readonly library: Library,
    private readonly limits: GuildLimits,
    private readonly executor: Executor = inline,
  ) {
    // Another process changed a server this one serves (PostgreSQL): its index follows.
    this.unsubscribe = store.onChange((change) => {
      void this.applyChange(change).catch(() => undefined);
    });
  }

  /** Stops following other processes' changes. */
  close(): void {
    this.unsubscribe();
  }

  /**
   * Brings a server's documents into memory and indexes them (a server that joined, or one on this process's shards),
   * once; later calls resolve at once.
   */
  load(guildId: string): Promise<void> {
    let loading = this.loading.get(guildId);
    if (loading === undefined) {
      loading = (async () => {
        await this.store.load(guildId);
        await this.store.exclusive(guildId, async () => {
          const documents = this.store.documents(guildId);
          if (documents.length === 0 || this.packed.has(guildId)) return;
          this.install(guildId, await this.executor.run("buildDocuments", { documents: documents.map(indexable) }));
        });
      })();
      loading.catch(() => this.loading.delete(guildId));
      this.loading.set(guildId, loading);
    }
    return loading;
  }

  /** Applies another process's change to the server's index (its documents are already in the store's memory). */
  private async applyChange(change: GuildChange): Promise<void> {
    if (change.added.length === 0 && change.removed.length === 0) return;
    await this.store.exclusive(change.guildId, async () => {
      const base = this.packed.get(change.guildId) ?? null;
      const indexed = new Set(base?.meta.docs.map((d) => d.source.id) ?? []);
      const add = change.added.filter(
        (d) => !indexed.has(d.id) && this.store.document(change.guildId, d.id) !== undefined,
      );
      const remove = change.removed.filter((id) => indexed.has(id));
      if (add.length === 0 && remove.length === 0) return;
      const packed = await this.executor.run("editSegment", { base, add: add.map(indexable), remove });
      this.install(change.guildId, packed);
    });
  }

  /** Builds every server's index from its stored documents (at start-up, before answering anyone). */
  async warmUp(): Promise<void> {
    await Promise.all(this.store.guildIds().map((guildId) => this.load(guildId)));
  }

  /** Serves `packed` as the server's index (or none, when it holds no documents). */
  private install(guildId: string, packed: PackedSegment<null>): Segment | undefined {
    if (packed.meta.docs.length === 0) {
      this.packed.delete(guildId);
      this.library.clearScope(guildId);
      return undefined;
    }
    const { segment } = unpackSegment(packed);
    this.packed.set(guildId, packed);
    this.library.setScope(guildId, segment);
    return segment;
  }

  /** The server's index, or undefined when it has no documents. */
  scope(guildId: string): Segment | undefined {
    return this.library.scopeSegment(guildId);
  }

  documents(guildId: string): StoredDocument[] {
    return this.store.documents(guildId);
  }

  /** Checks an input and turns it into a document (loaded on the executor), or throws InputError saying what is wrong. */
  private async prepare(input: DocumentInput): Promise<CorpusDocument> {
    const { maxUploadBytes } = this.limits;
    let name = input.fileName ?? "typed-text.txt";
    if (PATHLIKE.test(name))
      throw new InputError(
        "path-name",
        `The file name \`${name.slice(0, 80)}\` looks like a path; upload a plain file name such as \`notes.md\`.`,
      );
    const title = input.metadata?.title?.trim();
    // The one rule for titles (ingest/metadata.ts), whatever supplies them.
    if (title !== undefined && title !== "" && isPathLikeTitle(stripBidi(title))) {
      throw new InputError("path-title", "That title looks like a file path; give the document a human title.");
    }
    const date = input.metadata?.date?.trim();
    const problem = date === undefined || date === "" ? null : dateProblem(date);
    if (date !== undefined && problem !== null) {
      throw new InputError(
        "bad-date",
        `The date \`${date.slice(0, 40)}\` ${problem}; give it as YYYY-MM-DD, e.g. 2024-03-15.`,
      );
    }
    const url = input.metadata?.url?.trim();
    if (url !== undefined && url !== "" && !isWebUrl(url)) {
      throw new InputError("bad-url", `The url \`${url.slice(0, 80)}\` is not an http(s) link.`);
    }
    const bytes = input.bytes ?? Buffer.from(input.text ?? "", "utf8");
    if (bytes.length > maxUploadBytes) {
      throw new InputError(
        "too-large",
        `That file is ${mib(bytes.length)}; the limit is ${mib(maxUploadBytes)}. Split it into smaller files.`,
      );
    }
    const extension = posix.extname(name).toLowerCase();
    if (input.bytes !== undefined && !SUPPORTED_EXTENSIONS.includes(extension)) {
      throw new InputError(
        "file-type",
        `I can read ${SUPPORTED_EXTENSIONS.join(", ")} files, not \`${extension || "(no extension)"}\`.`,
      );
    }
    if (input.bytes === undefined) name = "typed-text.txt";
    const metadata = Object.fromEntries(
      Object.entries(input.metadata ?? {}).filter(([, v]) => v !== undefined && v !== ""),
    );
    const loaded = await this.executor.run("loadUpload", { fileName: name, bytes, metadata });
    if ("refused" in loaded) throw new InputError("unreadable", `I can't use that document: ${loaded.refused}.`);
    // What the file itself states wrongly (an impossible date, a path as its title) is refused too, naming the field.
    const warning = loaded.warnings[0];
    if (warning !== undefined) {
      throw new InputError(
        "bad-metadata",
        `I can't use that document as it is: its ${warning.replace(/;.*$/u, "")}. Fix it in the file, or set that field in the command.`,
      );
    }
    return loaded.document;
  }

  /** Adds a document to the server's corpus: durable and answerable when this resolves. */
  async add(guildId: string, userId: string, input: DocumentInput): Promise<AddedDocument> {
    const prepared = await this.prepare(input);
    const hash = createHash("sha256").update(prepared.text).digest("hex");
    return this.store.exclusive(guildId, async () => {
      const duplicate = this.store.findByHash(guildId, hash);
      if (duplicate !== undefined) {
        throw new InputError(
          "duplicate",
          `That text is already stored as \`${duplicate.id}\` (“${duplicate.source.title ?? duplicate.id}”).`,
        );
      }
      const count = this.store.documents(guildId).length;
      if (count >= this.limits.maxDocuments) {
        throw new InputError(
          "quota",
          `This server already has ${count} documents, the most it may store (${this.limits.maxDocuments}). Remove some first.`,
        );
      }
      const { id: _id, ...source } = prepared.source;
      if (input.fileName !== undefined) source.path = stripBidi(posix.basename(input.fileName));
      else source.path = null;
      let document: StoredDocument;
      try {
        document = await this.store.addDocument(
          guildId,
          { source, text: prepared.text, addedBy: userId },
          { maxDocuments: this.limits.maxDocuments },
        );
      } catch (error) {
        // Another process added the same text, or filled the quota, since this one's memory was read.
        if (error instanceof DuplicateDocumentError)
          throw new InputError(
            "duplicate",
            `That text is already stored as \`${error.existing.id}\` (“${error.existing.source.title ?? error.existing.id}”).`,
          );
        if (error instanceof DocumentQuotaError)
          throw new InputError(
            "quota",
            `This server already has ${error.count} documents, the most it may store (${this.limits.maxDocuments}). Remove some first.`,
          );
        throw error;
      }
      const packed = await this.executor.run("editSegment", {
        base: this.packed.get(guildId) ?? null,
        add: [indexable(document)],
        remove: [],
      });
      const segment = this.install(guildId, packed);
      const doc = segment?.docIndex(document.id);
      return { document, passages: doc === undefined ? 0 : (segment as Segment).passagesOfDoc(doc).length };
    });
  }

  /** Removes a document from the server's corpus (and from disk). Null when the server has no such document. */
  async remove(guildId: string, id: string): Promise<StoredDocument | null> {
    return this.store.exclusive(guildId, async () => {
      const removed = await this.store.removeDocument(guildId, id);
      if (removed === null) return null;
      const packed = await this.executor.run("editSegment", {
        base: this.packed.get(guildId) ?? null,
        add: [],
        remove: [id],
      });
      this.install(guildId, packed);
      return removed;
    });
  }

  /**
   * Rebuilds the server's index from its stored documents, off the main thread when the executor is a pool, and says
   * what changed. `onProgress` hears how many documents are done.
   */
  async reindex(guildId: string, options: { onProgress?: OnProgress } = {}): Promise<CorpusDiff> {
    return this.store.exclusive(guildId, async () => {
      const before = this.library.scopeSegment(guildId);
      const old = new Map<string, { hash: string; passages: number }>();
      before?.docs.forEach((d, i) => old.set(d.source.id, { hash: d.hash, passages: before.passagesOfDoc(i).length }));
      const stored = this.store.documents(guildId);
      const packed = await this.executor.run(
        "buildDocuments",
        { documents: stored.map(indexable) },
        options.onProgress === undefined ? {} : { onProgress: options.onProgress },
      );
      const segment = this.install(guildId, packed);
      const diff: CorpusDiff = {
        added: [],
        changed: [],
        removed: [],
        passagesBefore: before?.passageCount ?? 0,
        passagesAfter: segment?.passageCount ?? 0,
      };
      const seen = new Set<string>();
      for (const document of stored) {
        seen.add(document.id);
        const was = old.get(document.id);
        const doc = segment?.docIndex(document.id);
        const passages = doc === undefined ? 0 : (segment as Segment).passagesOfDoc(doc).length;
        if (was === undefined) diff.added.push(document.id);
        else if (was.hash !== document.hash || was.passages !== passages) diff.changed.push(document.id);
      }
      for (const id of old.keys()) if (!seen.has(id)) diff.removed.push(id);
      return diff;
    });
  }

  /** /stats: kept up to date as questions are recorded (by the store), so it reads no log and costs the same at any size. */
  stats(guildId: string, now = Date.now()): GuildStats {
    const bundled = this.library.stats();
    const own = this.scope(guildId);
    const { windows, gaps, privateAbstained } = this.store.questionStats(guildId, now);
    return {
      bundled: { documents: bundled.documents, passages: bundled.passages },
      server: { documents: own?.docs.length ?? 0, passages: own?.passageCount ?? 0 },
      questions: windows,
      gaps,
      privateAbstained,
    };
  }
}

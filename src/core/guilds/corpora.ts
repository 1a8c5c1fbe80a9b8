/**
 * Each server's own documents: validated, stored durably (GuildStore), indexed in the server's own scope and searched
 * together with the bundled corpus — only in that server. Every rule about what may be added lives here, so the bot,
 * the CLI and the tests all enforce the same ones.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { documentFromStored } from "../ingest/document.js";
import { DocumentLoadError, loadDocument, SUPPORTED_EXTENSIONS } from "../ingest/load.js";
import { dateProblem, isPathLikeTitle, isWebUrl, stripBidi } from "../ingest/metadata.js";
import type { GuildStore, StoredDocument } from "./store.js";
import type { CorpusDiff, Library } from "../library/library.js";
import { prepareDocument, SegmentBuilder, type Segment } from "../search/segment.js";
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
}

const DAY = 86_400_000;
const SNOWFLAKE = /^\d{1,20}$/;
const PATHLIKE = /(^|[\\/])\.\.([\\/]|$)|[\\/]|^[a-z]:/i;

function mib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The indexable form of a stored document: the same structure and cleaning as a corpus file of its format. */
export function corpusDocumentOf(stored: StoredDocument): CorpusDocument {
  return documentFromStored(stored);
}

export class GuildCorpora {
  constructor(
    private readonly store: GuildStore,
    private readonly library: Library,
    private readonly limits: GuildLimits,
  ) {
    // The library asks for a server's index the first time a question, search or lookup in that server needs it.
    library.setScopeLoader((guildId) => (SNOWFLAKE.test(guildId) ? this.build(guildId) : undefined));
  }

  private build(guildId: string): Segment | undefined {
    const docs = this.store.documents(guildId);
    if (docs.length === 0) return undefined;
    const builder = new SegmentBuilder();
    for (const d of docs) builder.add(prepareDocument(corpusDocumentOf(d)));
    return builder.build();
  }

  /** The server's index (built on first use after start-up), or undefined when it has no documents. */
  scope(guildId: string): Segment | undefined {
    return this.library.scopeSegment(guildId);
  }

  documents(guildId: string): StoredDocument[] {
    return this.store.documents(guildId);
  }

  /** Checks an input and turns it into a document, or throws InputError saying what is wrong. */
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
    const warnings: string[] = [];
    let document: CorpusDocument;
    try {
      const metadata = Object.fromEntries(
        Object.entries(input.metadata ?? {}).filter(([, v]) => v !== undefined && v !== ""),
      );
      document = await loadDocument(name, bytes, { metadata, onWarning: (w) => warnings.push(w) });
    } catch (error) {
      if (error instanceof DocumentLoadError)
        throw new InputError("unreadable", `I can't use that document: ${error.reason}.`);
      throw error;
    }
    // What the file itself states wrongly (an impossible date, a path as its title) is refused too, naming the field.
    const warning = warnings[0];
    if (warning !== undefined) {
      throw new InputError(
        "bad-metadata",
        `I can't use that document as it is: its ${warning.replace(/;.*$/u, "")}. Fix it in the file, or set that field in the command.`,
      );
    }
    return document;
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
      const current = this.scope(guildId);
      const document = await this.store.addDocument(guildId, { source, text: prepared.text, addedBy: userId });
      const indexed = prepareDocument(corpusDocumentOf(document));
      const builder = new SegmentBuilder();
      if (current !== undefined) builder.addFromSegment(current, () => true);
      builder.add(indexed);
      this.library.setScope(guildId, builder.build());
      return { document, passages: indexed.passages.length };
    });
  }

  /** Removes a document from the server's corpus (and from disk). Null when the server has no such document. */
  async remove(guildId: string, id: string): Promise<StoredDocument | null> {
    return this.store.exclusive(guildId, async () => {
      const current = this.scope(guildId);
      const removed = await this.store.removeDocument(guildId, id);
      if (removed === null) return null;
      const builder = new SegmentBuilder();
      if (current !== undefined) builder.addFromSegment(current, (d) => current.docs[d]?.source.id !== id);
      this.library.setScope(guildId, builder.build());
      return removed;
    });
  }

  /** Rebuilds the server's index from its stored documents and says what changed. */
  async reindex(guildId: string): Promise<CorpusDiff> {
    return this.store.exclusive(guildId, async () => {
      const before = this.library.scopeSegment(guildId);
      const old = new Map<string, { hash: string; passages: number }>();
      before?.docs.forEach((d, i) => old.set(d.source.id, { hash: d.hash, passages: before.passagesOfDoc(i).length }));
      const builder = new SegmentBuilder();
      const diff: CorpusDiff = {
        added: [],
        changed: [],
        removed: [],
        passagesBefore: before?.passageCount ?? 0,
        passagesAfter: 0,
      };
      const seen = new Set<string>();
      for (const stored of this.store.documents(guildId)) {
        const prepared = prepareDocument(corpusDocumentOf(stored));
        builder.add(prepared);
        seen.add(stored.id);
        const was = old.get(stored.id);
        if (was === undefined) diff.added.push(stored.id);
        else if (was.hash !== stored.hash || was.passages !== prepared.passages.length) diff.changed.push(stored.id);
      }
      for (const id of old.keys()) if (!seen.has(id)) diff.removed.push(id);
      const segment = builder.build();
      this.library.setScope(guildId, segment);
      diff.passagesAfter = segment.passageCount;
      return diff;
    });
  }

  stats(guildId: string, now = Date.now()): GuildStats {
    const bundled = this.library.stats();
    const own = this.scope(guildId);
    const recent = this.store.questions(guildId, now - 30 * DAY);
    const window = (days: number) => {
      const since = now - days * DAY;
      const inWindow = recent.filter((q) => Date.parse(q.at) >= since);
      const answered = inWindow.filter((q) => q.answered).length;
      return { days, answered, abstained: inWindow.length - answered };
    };
    const gaps = new Map<string, { question: string; count: number }>();
    for (const q of recent) {
      if (q.answered) continue;
      const key = q.question
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, " ")
        .trim();
      const entry = gaps.get(key) ?? { question: q.question, count: 0 };
      entry.count++;
      gaps.set(key, entry);
    }
    return {
      bundled: { documents: bundled.documents, passages: bundled.passages },
      server: { documents: own?.docs.length ?? 0, passages: own?.passageCount ?? 0 },
      questions: [window(7), window(30)],
      gaps: [...gaps.values()].sort((a, b) => b.count - a.count).slice(0, 5),
    };
  }
}

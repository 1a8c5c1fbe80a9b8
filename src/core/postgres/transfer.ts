/**
 * Moving what servers store between stores (the file store and PostgreSQL, either way): how an operator switches.
 * `exportStores` writes a dump — JSON lines: a header, one line per record (documents, settings, audit entries,
 * questions, answers, votes, moderation), and a closing line with a digest per scope — and `importStores` writes a
 * dump into another store, then reads it back from that store and compares the digests, so what arrived is what left.
 *
 * A scope's digest is the sha256 of its records in a fixed order: each document's id and sha256 (checked against its
 * text on both sides), its settings, its audit trail and question log oldest first, its answers, votes and moderation
 * state. An import refuses a server the target already holds data for (nothing is merged or overwritten).
 */
import { createHash } from "node:crypto";
import type { GuildStorage } from "../guilds/contract.js";
import {
  type AnswerRecord,
  DM_SCOPE,
  FeedbackError,
  type FeedbackMemory,
  type Moderation,
  reportItemId,
  type VoteRecord,
} from "../guilds/feedback.js";
import {
  type AuditEntry,
  checkGuildId,
  type GuildSettings,
  type QuestionRecord,
  sha256,
  type StoredDocument,
} from "../guilds/schema.js";

export const DUMP_FORMAT = "verbatim-export";
export const DUMP_VERSION = 1;

/** What a dump's lines hold. */
export type DumpLine =
  | { t: "header"; format: typeof DUMP_FORMAT; version: number; at: string; scopes: string[] }
  | { t: "document"; g: string; d: StoredDocument }
  | { t: "settings"; g: string; d: GuildSettings }
  | { t: "audit"; g: string; d: AuditEntry }
  | { t: "question"; g: string; d: QuestionRecord }
  | { t: "answer"; s: string; d: AnswerRecord }
  | { t: "vote"; s: string; d: VoteRecord }
  | { t: "moderation"; s: string; d: Moderation }
  | { t: "end"; digests: Record<string, string>; counts: Record<string, number> };

/** A store of each kind: servers' data and the trust loop's. */
export interface Stores {
  store: GuildStorage;
  feedback: FeedbackMemory;
}

export class DumpError extends Error {
  override name = "DumpError";
}

const ALL = 1_000_000_000;

async function auditOf(stores: Stores, guildId: string): Promise<AuditEntry[]> {
  return (await stores.store.readAuditLog(guildId, { limit: ALL })).reverse();
}

async function questionsOf(stores: Stores, guildId: string): Promise<QuestionRecord[]> {
  return (await stores.store.readQuestions(guildId, { limit: ALL })).reverse();
}

function sortedVotes(votes: VoteRecord[]): VoteRecord[] {
  return [...votes].sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      (a.answerId < b.answerId ? -1 : a.answerId > b.answerId ? 1 : 0) ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}

/** The scopes a set of stores holds: servers with any stored state, and "dm" if it has feedback. */
export function scopesOf(stores: Stores): string[] {
  const scopes = new Set([...stores.store.guildIds(), ...stores.feedback.scopes()]);
  return [...scopes].sort();
}

/** The digest of one scope as the stores hold it now, and how many records went into it. */
export async function digestScope(stores: Stores, scope: string): Promise<{ digest: string; records: number }> {
  const hash = createHash("sha256");
  let records = 0;
  const add = (kind: string, value: unknown) => {
    hash.update(`${kind}\n${JSON.stringify(value)}\n`);
    records++;
  };
  if (scope !== DM_SCOPE) {
    for (const document of stores.store.documents(scope)) {
      if (sha256(document.text) !== document.hash)
        throw new DumpError(`document ${scope}/${document.id}: text does not match its hash`);
      add("document", [document.id, document.hash, document.source, document.addedBy, document.addedAt]);
    }
    add("settings", stores.store.settings(scope));
    for (const entry of await auditOf(stores, scope)) add("audit", entry);
    for (const question of await questionsOf(stores, scope)) add("question", question);
  }
  const snapshot = stores.feedback.snapshot(scope);
  for (const answer of [...snapshot.answers].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : 1),
  ))
    add("answer", answer);
  for (const vote of sortedVotes(snapshot.votes)) add("vote", vote);
  // Dismissals of reports that are gone are dropped at a store's next write: compare what applies.
  const live = new Set(
    snapshot.votes.flatMap((v) =>
      v.vote === "wrong" && v.subject !== undefined ? [reportItemId(v.subject.question, v.subject.quote)] : [],
    ),
  );
  add("moderation", { ...snapshot.moderation, resolved: snapshot.moderation.resolved.filter((r) => live.has(r.item)) });
  return { digest: hash.digest("hex"), records };
}

/** Writes every scope (or those given) as dump lines, through `write`. Returns the digests. */
export async function exportStores(
  stores: Stores,
  write: (line: string) => Promise<void> | void,
  only?: readonly string[],
): Promise<{ scopes: string[]; counts: Record<string, number>; digests: Record<string, string> }> {
  const scopes = only === undefined ? scopesOf(stores) : [...only];
  for (const scope of scopes) if (scope !== DM_SCOPE) checkGuildId(scope);
  const emit = (line: DumpLine) => write(`${JSON.stringify(line)}\n`);
  await emit({ t: "header", format: DUMP_FORMAT, version: DUMP_VERSION, at: new Date().toISOString(), scopes });
  const counts: Record<string, number> = {};
  const digests: Record<string, string> = {};
  const count = (kind: string) => (counts[kind] = (counts[kind] ?? 0) + 1);
  for (const scope of scopes) {
    if (scope !== DM_SCOPE) await stores.store.load(scope);
    await stores.feedback.load(scope);
    if (scope !== DM_SCOPE) {
      for (const d of stores.store.documents(scope)) {
        await emit({ t: "document", g: scope, d });
        count("documents");
      }
      await emit({ t: "settings", g: scope, d: stores.store.settings(scope) });
      for (const d of await auditOf(stores, scope)) {
        await emit({ t: "audit", g: scope, d });
        count("audit");
      }
      for (const d of await questionsOf(stores, scope)) {
        await emit({ t: "question", g: scope, d });
        count("questions");
      }
    }
    const snapshot = stores.feedback.snapshot(scope);
    for (const d of snapshot.answers) {
      await emit({ t: "answer", s: scope, d });
      count("answers");
    }
    for (const d of sortedVotes(snapshot.votes)) {
      await emit({ t: "vote", s: scope, d });
      count("votes");
    }
    await emit({ t: "moderation", s: scope, d: snapshot.moderation });
    digests[scope] = (await digestScope(stores, scope)).digest;
  }
  await emit({ t: "end", digests, counts });
  return { scopes, counts, digests };
}

interface ScopeDump {
  documents: StoredDocument[];
  settings: GuildSettings | null;
  audit: AuditEntry[];
  questions: QuestionRecord[];
  answers: AnswerRecord[];
  votes: VoteRecord[];
  moderation: Moderation | null;
}

/** Reads a dump whole (it is checked before anything is written). */
export async function readDump(lines: AsyncIterable<string>): Promise<{
  scopes: Map<string, ScopeDump>;
  digests: Record<string, string>;
  counts: Record<string, number>;
}> {
  const scopes = new Map<string, ScopeDump>();
  let header = false;
  let end: Extract<DumpLine, { t: "end" }> | null = null;
  let n = 0;
  const of = (scope: string) => {
    let dump = scopes.get(scope);
    if (dump === undefined) {
      dump = { documents: [], settings: null, audit: [], questions: [], answers: [], votes: [], moderation: null };
      scopes.set(scope, dump);
    }
    return dump;
  };
  for await (const text of lines) {
    n++;
    if (text.trim() === "") continue;
    if (end !== null) throw new DumpError(`line ${n}: data after the end line`);
    let line: DumpLine;
    try {
      line = JSON.parse(text) as DumpLine;
    } catch {
      throw new DumpError(`line ${n} is not JSON: the dump is damaged`);
    }
    if (!header) {
      if (line.t !== "header" || line.format !== DUMP_FORMAT)
        throw new DumpError(`line 1 is not a ${DUMP_FORMAT} header: not a Verbatim dump`);
      if (line.version !== DUMP_VERSION)
        throw new DumpError(`dump version ${line.version}; this Verbatim reads version ${DUMP_VERSION}`);
      header = true;
      for (const scope of line.scopes) of(scope);
      continue;
    }
    switch (line.t) {
      case "document":
        of(line.g).documents.push(line.d);
        break;
      case "settings":
        of(line.g).settings = line.d;
        break;
      case "audit":
        of(line.g).audit.push(line.d);
        break;
      case "question":
        of(line.g).questions.push(line.d);
        break;
      case "answer":
        of(line.s).answers.push(line.d);
        break;
      case "vote":
        of(line.s).votes.push(line.d);
        break;
      case "moderation":
        of(line.s).moderation = line.d;
        break;
      case "end":
        end = line;
        break;
      default:
        throw new DumpError(`line ${n}: unknown record ${JSON.stringify((line as { t?: unknown }).t)}`);
    }
  }
  if (end === null) throw new DumpError("the dump has no end line: it was cut short");
  for (const scope of scopes.keys())
    if (end.digests[scope] === undefined) throw new DumpError(`the end line has no digest for ${scope}`);
  return { scopes, digests: end.digests, counts: end.counts };
}

export interface ImportReport {
  scopes: string[];
  /** Per scope: the dump's digest, which the target's now equals. */
  digests: Record<string, string>;
  records: number;
}

/**
 * Writes a dump into `stores` and verifies it: each scope read back from the target must have the dump's digest.
 * Refuses (before writing anything) a scope the target already holds data for.
 */
export async function importStores(stores: Stores, lines: AsyncIterable<string>): Promise<ImportReport> {
  const dump = await readDump(lines);
  for (const [scope, data] of dump.scopes) {
    for (const d of data.documents)
      if (sha256(d.text) !== d.hash) throw new DumpError(`document ${scope}/${d.id}: text does not match its hash`);
    if (scope !== DM_SCOPE) {
      await stores.store.load(scope);
      const held =
        stores.store.documents(scope).length > 0 ||
        stores.store.auditLog(scope, 1).length > 0 ||
        stores.store.recentQuestions(scope, 1).length > 0;
      if (held) throw new DumpError(`server ${scope} already has stored data in the target; nothing was imported`);
    }
    await stores.feedback.load(scope);
    const snapshot = stores.feedback.snapshot(scope);
    if (snapshot.answers.length > 0 || snapshot.votes.length > 0)
      throw new DumpError(`${scope} already has answers or votes in the target; nothing was imported`);
  }
  let records = 0;
  for (const [scope, data] of dump.scopes) {
    if (scope !== DM_SCOPE) {
      await stores.store.restoreDocuments(scope, data.documents);
      records += data.documents.length;
      if (data.settings !== null) await stores.store.updateSettings(scope, data.settings);
      for (const entry of data.audit) await stores.store.audit(entry);
      for (const record of data.questions) await stores.store.recordQuestion(scope, record);
      records += data.audit.length + data.questions.length + 1;
    }
    for (const answer of data.answers) {
      await stores.feedback.recordAnswer(answer).catch((error: unknown) => {
        if (!(error instanceof FeedbackError)) throw error;
      });
    }
    for (const vote of data.votes) await stores.feedback.castVote(scope, vote);
    if (data.moderation !== null) await stores.feedback.replaceModeration(scope, data.moderation);
    records += data.answers.length + data.votes.length + 1;
  }
  for (const scope of dump.scopes.keys()) {
    const { digest } = await digestScope(stores, scope);
    if (digest !== dump.digests[scope])
      throw new DumpError(
        `${scope}: what the target holds after the import differs from the dump (digest ${digest.slice(0, 12)}, dump ${dump.digests[scope]?.slice(0, 12)})`,
      );
  }
  return { scopes: [...dump.scopes.keys()], digests: dump.digests, records };
}

/**
 * The trust loop's storage: the answers the bot gave (so the buttons under them work after a restart), members' votes
 * and reports on them, and what each server's moderators did about them (dismissed reports, excluded passages, pinned
 * quotes). Scopes are servers (a guild id) and direct messages ("dm", all DMs together).
 *
 * Layout, beside each server's documents (version 1, stated in moderation.json):
 *   guilds/<guildId>/feedback/answers.jsonl     one AnswerRecord per line, append-only
 *   guilds/<guildId>/feedback/votes.jsonl       one VoteRecord per line, append-only; a member's last line wins
 *   guilds/<guildId>/feedback/moderation.json   {"version":1,"exclusions":[…],"pins":[…],"resolved":[…]}
 *   guilds/<guildId>/feedback/quarantine/       a moderation.json found unreadable, set aside and reported
 *   direct/feedback/…                           the same, for answers in DMs
 *
 * Crash safety is the guild store's: log lines are appended whole and fsynced before a call resolves, and a line cut
 * short by a crash is cut off on open (src/core/storage/jsonl.ts); moderation.json is replaced atomically (temp file,
 * fsync, rename, directory fsync), so a crash leaves the old state or the new one. Writes to one scope's moderation
 * state are serialised by a keyed lock, and a change is applied in memory only once it is durable.
 *
 * What is kept (memory is bounded; everything is read at open, reads are synchronous):
 *   - answers: ANSWER_RETENTION_DAYS, and at most ANSWERS_KEPT per scope (the oldest are forgotten first). Buttons on
 *     a forgotten answer say it is too old. An answer id starts with its time, so "too old" is told from "unknown".
 *   - votes: each member's last vote per answer; helpful votes for ANSWER_RETENTION_DAYS (the /stats window), reports
 *     for REPORT_RETENTION_DAYS. A report carries its question and quote, so it outlives the answer's record.
 *   - moderation: at most MAX_EXCLUSIONS exclusions and MAX_PINS pins per scope; resolutions while their reports last.
 * Old lines are dropped by rewriting a log atomically when the store opens, and while it runs once superseded or
 * forgotten lines outnumber the live ones (so a long-running bot's files stay bounded too).
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { type Disk, nodeDisk, replaceDurably, TEMP_PREFIX } from "../storage/durable.js";
import { JsonLines, type FileProblem } from "../storage/jsonl.js";
import { KeyedMutex } from "../storage/mutex.js";
import type { AskOptions, PassageRef, PinnedQuote } from "../types.js";
import { keyText, nearIdentical, type QuestionKey, questionKey, similarity } from "./similar.js";

export const FEEDBACK_VERSION = 1;
/** The scope of answers given in direct messages. */
export const DM_SCOPE = "dm";
export const ANSWER_RETENTION_DAYS = 30;
export const ANSWERS_KEPT = 5000;
export const REPORT_RETENTION_DAYS = 90;
export const MAX_EXCLUSIONS = 1000;
export const MAX_PINS = 500;
export const VOTES_KEPT = 20_000;
const DAY = 86_400_000;

export type ReportReason = "does-not-answer" | "wrong-source" | "outdated" | "missed" | "other";
export const REPORT_REASONS: readonly ReportReason[] = [
  "does-not-answer",
  "wrong-source",
  "outdated",
  "missed",
  "other",
];

/** A quote as an answer record keeps it: where it is (passage, fingerprint, span) and whose it is. */
export interface AnsweredQuote extends PinnedQuote {
  sourceId: string;
  pinned?: boolean;
}

export interface AnswerRecord {
  /** 12 characters: 7 of base-36 seconds since 1970, then 5 random (safe in a custom id). */
  id: string;
  at: string;
  scope: string;
  channelId: string;
  /** Who asked. */
  userId: string;
  /** Only the asker saw it (a hidden answer or a DM): only they may use its buttons, and /stats never shows it. */
  private: boolean;
  question: string;
  answered: boolean;
  quotes: AnsweredQuote[];
  /** When not answered: the closest sources' ids. */
  closest: string[];
}

/** What a report was about, kept with it. */
export interface ReportSubject {
  question: string;
  quote: AnsweredQuote | null;
  private: boolean;
}

export interface VoteRecord {
  at: string;
  answerId: string;
  userId: string;
  vote: "helpful" | "wrong" | "withdrawn";
  reason?: ReportReason;
  /** At most 300 characters. */
  note?: string;
  /** Which of the answer's quotes a report is about (0-based); absent for an answer that quoted nothing. */
  quote?: number;
  subject?: ReportSubject;
}

export interface Flag {
  userId: string;
  answerId: string;
  reason: ReportReason;
  note?: string;
  at: string;
}

/** One entry of the review queue: the same question (by its key) and the same passage, however many times flagged. */
export interface ReportItem {
  /** 10 hex digits. */
  id: string;
  scope: string;
  question: string;
  quote: AnsweredQuote | null;
  /** Open flags, newest first. */
  flags: Flag[];
  lastAt: string;
}

export interface Exclusion {
  /** 8 hex digits. */
  id: string;
  ref: PassageRef;
  sourceId: string;
  by: string;
  at: string;
  /** The question whose report led to it, if any. */
  question?: string;
}

export interface Pin {
  id: string;
  question: string;
  key: QuestionKey;
  quote: AnsweredQuote;
  by: string;
  at: string;
}

export interface Resolution {
  item: string;
  action: "dismissed" | "excluded" | "pinned";
  by: string;
  at: string;
}

export type AnswerLookup = { status: "found"; record: AnswerRecord } | { status: "expired" } | { status: "unknown" };

export interface FeedbackStats {
  windows: { days: number; helpful: number; reported: number }[];
  openReports: number;
  pins: number;
  exclusions: number;
}

/** A refused feedback call (a limit reached, an unknown id): the message says what to do. */
export class FeedbackError extends Error {
  override name = "FeedbackError";
}

/**
 * What the bot needs from the trust loop's storage: synchronous reads of bounded in-memory state, and writes that
 * resolve once durable. Implemented over files by `FeedbackStore`; another backend (a database) implements the same.
 */
export interface FeedbackStorage {
  readonly problems: readonly FileProblem[];
  /**
   * Brings a scope's state into memory (a server on this process's shards, or one that joined), once. The file store
   * holds every scope from the start.
   */
  load(scope: string): Promise<void>;
  /** Stops background work. */
  close(): Promise<void>;
  /** The clock records and votes are dated and retained by (epoch ms). */
  now(): number;
  newAnswerId(): string;
  recordAnswer(record: AnswerRecord): Promise<void>;
  answer(scope: string, id: string): AnswerLookup;
  voteOf(scope: string, answerId: string, userId: string): VoteRecord | undefined;
  castVote(scope: string, vote: VoteRecord): Promise<void>;
  reports(scope: string): ReportItem[];
  report(scope: string, itemId: string): ReportItem | undefined;
  scopes(): string[];
  exclusions(scope: string): Exclusion[];
  pins(scope: string): Pin[];
  pinFor(scope: string, question: string): Pin | undefined;
  askOptions(scope: string, question: string): Pick<AskOptions, "exclude" | "pinned">;
  dismiss(scope: string, itemId: string, by: string): Promise<ReportItem | null>;
  exclude(
    scope: string,
    input: { ref: PassageRef; sourceId: string; by: string; item?: string; question?: string },
  ): Promise<Exclusion>;
  restore(scope: string, exclusionId: string): Promise<Exclusion | null>;
  pin(scope: string, input: { question: string; quote: AnsweredQuote; by: string; item?: string }): Promise<Pin>;
  unpin(scope: string, pinId: string): Promise<Pin | null>;
  stats(scope: string): FeedbackStats;
}

// ---------------------------------------------------------------------------------------------------------------------
// Shapes on disk.

const SNOWFLAKE = /^\d{1,20}$/;
const ANSWER_ID = /^[0-9a-z]{12}$/;
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a timestamp");
const userId = z.string().min(1).max(100);
const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const RefSchema = z.strictObject({ passageId: z.string().min(3).max(200), fingerprint: hex(16) });
const QuoteSchema = z.strictObject({
  ...RefSchema.shape,
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  sourceId: z.string().min(1).max(200),
  pinned: z.boolean().optional(),
});
const ReasonSchema = z.enum(["does-not-answer", "wrong-source", "outdated", "missed", "other"]);
export const AnswerSchema = z.strictObject({
  id: z.string().regex(ANSWER_ID),
  at: isoTime,
  scope: z.string(),
  channelId: z.string().regex(SNOWFLAKE),
  userId,
  private: z.boolean(),
  question: z.string().max(2000),
  answered: z.boolean(),
  quotes: z.array(QuoteSchema).max(10),
  closest: z.array(z.string().max(200)).max(10),
});
export const VoteSchema = z.strictObject({
  at: isoTime,
  answerId: z.string().regex(ANSWER_ID),
  userId,
  vote: z.enum(["helpful", "wrong", "withdrawn"]),
  reason: ReasonSchema.optional(),
  note: z.string().max(300).optional(),
  quote: z.number().int().min(0).max(9).optional(),
  subject: z
    .strictObject({ question: z.string().max(2000), quote: QuoteSchema.nullable(), private: z.boolean() })
    .optional(),
});
/** `vote` checked as either store stores it: a report ("wrong") says why and what it is about. */
export function checkedVote(vote: VoteRecord): VoteRecord {
  const parsed = VoteSchema.safeParse(vote);
  if (!parsed.success) throw new FeedbackError(`invalid vote (${parsed.error.issues[0]?.message ?? "?"})`);
  if (parsed.data.vote === "wrong" && (parsed.data.reason === undefined || parsed.data.subject === undefined))
    throw new FeedbackError("a report needs a reason and what it is about");
  return parsed.data;
}
const ExclusionSchema = z.strictObject({
  id: hex(8),
  ref: RefSchema,
  sourceId: z.string().min(1).max(200),
  by: userId,
  at: isoTime,
  question: z.string().max(2000).optional(),
});
const PinSchema = z.strictObject({
  id: hex(8),
  question: z.string().max(2000),
  key: z.strictObject({ form: z.string().max(40), terms: z.array(z.string().max(100)).max(300) }),
  quote: QuoteSchema,
  by: userId,
  at: isoTime,
});
const ResolutionSchema = z.strictObject({
  item: hex(10),
  action: z.enum(["dismissed", "excluded", "pinned"]),
  by: userId,
  at: isoTime,
});
export const ModerationSchema = z.strictObject({
  version: z.literal(FEEDBACK_VERSION),
  exclusions: z.array(ExclusionSchema).max(MAX_EXCLUSIONS),
  pins: z.array(PinSchema).max(MAX_PINS),
  resolved: z.array(ResolutionSchema),
});
export type Moderation = z.infer<typeof ModerationSchema>;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";
const short = (text: string, n: number) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, n);
const randomHex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString("hex")
    .slice(0, n);

export function checkScope(scope: string): void {
  if (scope !== DM_SCOPE && !(typeof scope === "string" && SNOWFLAKE.test(scope)))
    throw new FeedbackError(`invalid scope ${JSON.stringify(String(scope).slice(0, 40))}`);
}

/** The time (epoch seconds) an answer id was made, or null for a string that is not an answer id. */
export function answerIdTime(id: string): number | null {
  if (!ANSWER_ID.test(id)) return null;
  const seconds = Number.parseInt(id.slice(0, 7), 36);
  return Number.isFinite(seconds) ? seconds : null;
}

/** The review-queue entry a report belongs to: its question's key and the reported passage. */
export function reportItemId(question: string, quote: AnsweredQuote | null): string {
  return short(`${keyText(questionKey(question))}|${quote?.passageId ?? "none"}`, 10);
}

// ---------------------------------------------------------------------------------------------------------------------

/** What is kept in memory per scope, by every implementation. */
export interface ScopeMemory {
  /** Oldest first (Map iteration is insertion order). */
  answers: Map<string, AnswerRecord>;
  /** answerId → userId → last vote. */
  votes: Map<string, Map<string, VoteRecord>>;
  voteCount: number;
  moderation: Moderation;
}

interface ScopeState extends ScopeMemory {
  dir: string;
  answerLog: JsonLines<AnswerRecord>;
  /** Lines in answers.jsonl and votes.jsonl: past twice what is live (plus slack), the file is compacted. */
  answerLines: number;
  voteLines: number;
  voteLog: JsonLines<VoteRecord>;
  ready: Promise<void> | null;
}

export const emptyModeration = (): Moderation => ({
  version: FEEDBACK_VERSION,
  exclusions: [],
  pins: [],
  resolved: [],
});

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** Temp files a crash left behind; removing them is best effort (a read-only disk still opens). */
async function removeTemps(disk: Disk, dir: string): Promise<void> {
  for (const name of await listDir(dir))
    if (name.startsWith(TEMP_PREFIX)) await disk.remove(join(dir, name)).catch(() => undefined);
}

export interface FeedbackStoreOptions {
  /** Clock (tests). Default `Date.now`. */
  now?: () => number;
  /** Where writes go (tests: a disk that fills up). Default the real file system. */
  disk?: Disk;
}

/**
 * The trust loop's state in memory and every read of it, whatever keeps it durable: the file store below, and the
 * PostgreSQL store (src/core/postgres/feedback.ts). Subclasses make writes durable, then change the state here.
 */
export abstract class FeedbackMemory<S extends ScopeMemory = ScopeMemory> implements FeedbackStorage {
  protected readonly locks = new KeyedMutex();
  /** Each scope's state in memory: everything reads are answered from. */
  protected readonly states = new Map<string, S>();
  /** What opening found and set aside or repaired. */
  readonly problems: FileProblem[] = [];

  protected constructor(private readonly clock: () => number) {}

  /** Stops background work (none for the file store). */
  async close(): Promise<void> {}

  /** Every scope is in memory from the start (the PostgreSQL store loads them as servers arrive). */
  async load(scope: string): Promise<void> {
    checkScope(scope);
  }

  /** Writes an answer record durably, then keeps it in memory. */
  abstract recordAnswer(record: AnswerRecord): Promise<void>;
  /** Writes a vote durably, then applies it in memory. */
  abstract castVote(scope: string, vote: VoteRecord): Promise<void>;
  /**
   * Replaces the scope's moderation state with `change(current)` once it is durable (no other change to the scope in
   * between, `current` being the durable state); returns what `change` returns.
   */
  protected abstract moderate<T>(
    scope: string,
    change: (current: Moderation) => { next: Moderation; result: T },
  ): Promise<T>;

  /** `next` checked, without the resolutions of reports that no longer exist. */
  protected checkedModeration(state: ScopeMemory | undefined, next: Moderation): Moderation {
    const live = new Set<string>();
    for (const byUser of state?.votes.values() ?? [])
      for (const v of byUser.values())
        if (v.vote === "wrong" && v.subject !== undefined) live.add(reportItemId(v.subject.question, v.subject.quote));
    const checked = ModerationSchema.safeParse({ ...next, resolved: next.resolved.filter((r) => live.has(r.item)) });
    if (!checked.success) throw new FeedbackError(`invalid moderation state (${checked.error.issues[0]?.message})`);
    return checked.data;
  }

  now(): number {
    return this.clock();
  }

  scopes(): string[] {
    return [...this.states.keys()].sort();
  }

  // ----- answers ------------------------------------------------------------------------------------------------

  newAnswerId(): string {
    const seconds = Math.floor(this.now() / 1000)
      .toString(36)
      .padStart(7, "0")
      .slice(-7);
    let tail = "";
    while (tail.length < 5) tail += randomBytes(8).readBigUInt64BE().toString(36);
    return `${seconds}${tail.slice(0, 5)}`;
  }

  answer(scope: string, id: string): AnswerLookup {
    checkScope(scope);
    const state = this.states.get(scope);
    const record = state?.answers.get(id);
    if (record !== undefined) {
      if (Date.parse(record.at) >= this.now() - ANSWER_RETENTION_DAYS * DAY) return { status: "found", record };
      return { status: "expired" };
    }
    const seconds = answerIdTime(id);
    if (seconds === null) return { status: "unknown" };
    const oldest = state?.answers.values().next().value;
    const forgotten =
      seconds * 1000 < this.now() - ANSWER_RETENTION_DAYS * DAY ||
      (oldest !== undefined && seconds < Math.floor(Date.parse(oldest.at) / 1000));
    return forgotten ? { status: "expired" } : { status: "unknown" };
  }

  // ----- votes and reports ------------------------------------------------------------------------------------------

  protected applyVote(state: ScopeMemory, vote: VoteRecord): void {
    let byUser = state.votes.get(vote.answerId);
    if (vote.vote === "withdrawn") {
      if (byUser?.delete(vote.userId) === true) state.voteCount--;
      if (byUser?.size === 0) state.votes.delete(vote.answerId);
      return;
    }
    if (byUser === undefined) state.votes.set(vote.answerId, (byUser = new Map()));
    if (!byUser.has(vote.userId)) state.voteCount++;
    // Re-inserted so iteration stays oldest first.
    byUser.delete(vote.userId);
    byUser.set(vote.userId, Object.freeze(vote));
  }

  voteOf(scope: string, answerId: string, userId: string): VoteRecord | undefined {
    checkScope(scope);
    return this.states.get(scope)?.votes.get(answerId)?.get(userId);
  }

  /** Per report item, when a moderator last resolved it. */
  protected resolvedAt(state: ScopeMemory): Map<string, number> {
    const at = new Map<string, number>();
    for (const r of state.moderation.resolved) at.set(r.item, Math.max(at.get(r.item) ?? -Infinity, Date.parse(r.at)));
    return at;
  }

  /** The scope's open reports, most flagged first (then most recent). */
  reports(scope: string): ReportItem[] {
    checkScope(scope);
    const state = this.states.get(scope);
    if (state === undefined) return [];
    const cutoff = this.now() - REPORT_RETENTION_DAYS * DAY;
    const resolved = this.resolvedAt(state);
    const items = new Map<string, ReportItem>();
    for (const byUser of state.votes.values())
      for (const vote of byUser.values()) {
        if (vote.vote !== "wrong" || vote.subject === undefined || vote.reason === undefined) continue;
        const at = Date.parse(vote.at);
        if (at < cutoff) continue;
        const id = reportItemId(vote.subject.question, vote.subject.quote);
        if (at <= (resolved.get(id) ?? -Infinity)) continue;
        let item = items.get(id);
        if (item === undefined) {
          item = { id, scope, question: vote.subject.question, quote: vote.subject.quote, flags: [], lastAt: vote.at };
          items.set(id, item);
        }
        const flag: Flag = { userId: vote.userId, answerId: vote.answerId, reason: vote.reason, at: vote.at };
        if (vote.note !== undefined) flag.note = vote.note;
        item.flags.push(flag);
        if (at >= Date.parse(item.lastAt)) {
          item.lastAt = vote.at;
          item.question = vote.subject.question;
        }
      }
    const list = [...items.values()];
    for (const item of list) item.flags.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return list.sort(
      (a, b) =>
        b.flags.length - a.flags.length || Date.parse(b.lastAt) - Date.parse(a.lastAt) || (a.id < b.id ? -1 : 1),
    );
  }

  report(scope: string, itemId: string): ReportItem | undefined {
    return this.reports(scope).find((item) => item.id === itemId);
  }

  // ----- moderation ---------------------------------------------------------------------------------------------------

  exclusions(scope: string): Exclusion[] {
    checkScope(scope);
    return [...(this.states.get(scope)?.moderation.exclusions ?? [])];
  }

  pins(scope: string): Pin[] {
    checkScope(scope);
    return [...(this.states.get(scope)?.moderation.pins ?? [])];
  }

  /** The pin for the same or a near-identical question (the most similar; the newest among equals). */
  pinFor(scope: string, question: string): Pin | undefined {
    checkScope(scope);
    const pins = this.states.get(scope)?.moderation.pins ?? [];
    if (pins.length === 0) return undefined;
    const key = questionKey(question);
    let best: { pin: Pin; score: number } | undefined;
    for (const pin of pins) {
      if (!nearIdentical(key, pin.key)) continue;
      const score = similarity(key, pin.key);
      if (best === undefined || score > best.score || (score === best.score && pin.at > best.pin.at))
        best = { pin, score };
    }
    return best?.pin;
  }

  /** What to pass the library for a question in this scope: its exclusions, and the pin for the question if any. */
  askOptions(scope: string, question: string): Pick<AskOptions, "exclude" | "pinned"> {
    const exclude = this.exclusions(scope).map((e) => e.ref);
    const pin = this.pinFor(scope, question);
    const options: Pick<AskOptions, "exclude" | "pinned"> = {};
    if (exclude.length > 0) options.exclude = exclude;
    if (pin !== undefined) {
      const { passageId, fingerprint, start, end } = pin.quote;
      options.pinned = { passageId, fingerprint, start, end };
    }
    return options;
  }

  protected resolution(item: string | undefined, action: Resolution["action"], by: string): Resolution[] {
    return item === undefined ? [] : [{ item, action, by, at: new Date(this.now()).toISOString() }];
  }

  async dismiss(scope: string, itemId: string, by: string): Promise<ReportItem | null> {
    const item = this.report(scope, itemId);
    if (item === undefined) return null;
    return this.moderate(scope, (m) => ({
      next: { ...m, resolved: [...m.resolved, ...this.resolution(itemId, "dismissed", by)] },
      result: item,
    }));
  }

  async exclude(
    scope: string,
    input: { ref: PassageRef; sourceId: string; by: string; item?: string; question?: string },
  ): Promise<Exclusion> {
    return this.moderate(scope, (m) => {
      const existing = m.exclusions.find(
        (e) => e.ref.passageId === input.ref.passageId && e.ref.fingerprint === input.ref.fingerprint,
      );
      const resolved = [...m.resolved, ...this.resolution(input.item, "excluded", input.by)];
      if (existing !== undefined) return { next: { ...m, resolved }, result: existing };
      if (m.exclusions.length >= MAX_EXCLUSIONS)
        throw new FeedbackError(`This server already excludes ${MAX_EXCLUSIONS} passages; restore some first.`);
      const exclusion: Exclusion = {
        id: randomHex(8),
        ref: { passageId: input.ref.passageId, fingerprint: input.ref.fingerprint },
        sourceId: input.sourceId,
        by: input.by,
        at: new Date(this.now()).toISOString(),
        ...(input.question === undefined ? {} : { question: input.question }),
      };
      return { next: { ...m, exclusions: [...m.exclusions, exclusion], resolved }, result: exclusion };
    });
  }

  async restore(scope: string, exclusionId: string): Promise<Exclusion | null> {
    if (!this.exclusions(scope).some((e) => e.id === exclusionId)) return null;
    return this.moderate(scope, (m) => ({
      next: { ...m, exclusions: m.exclusions.filter((e) => e.id !== exclusionId) },
      result: m.exclusions.find((e) => e.id === exclusionId) ?? null,
    }));
  }

  /** Pins a quote for a question; a pin for the same question (the same key) is replaced. */
  async pin(scope: string, input: { question: string; quote: AnsweredQuote; by: string; item?: string }): Promise<Pin> {
    const key = questionKey(input.question);
    return this.moderate(scope, (m) => {
      const others = m.pins.filter((p) => keyText(p.key) !== keyText(key));
      if (others.length >= MAX_PINS)
        throw new FeedbackError(`This server already has ${MAX_PINS} pins; remove some first.`);
      const { pinned: _pinned, ...quote } = input.quote;
      const pin: Pin = {
        id: randomHex(8),
        question: input.question,
        key,
        quote,
        by: input.by,
        at: new Date(this.now()).toISOString(),
      };
      const resolved = [...m.resolved, ...this.resolution(input.item, "pinned", input.by)];
      return { next: { ...m, pins: [...others, pin], resolved }, result: pin };
    });
  }

  async unpin(scope: string, pinId: string): Promise<Pin | null> {
    if (!this.pins(scope).some((p) => p.id === pinId)) return null;
    return this.moderate(scope, (m) => ({
      next: { ...m, pins: m.pins.filter((p) => p.id !== pinId) },
      result: m.pins.find((p) => p.id === pinId) ?? null,
    }));
  }

  /** Replaces the scope's moderation state whole (an import from another store), once durable. */
  async replaceModeration(scope: string, moderation: Moderation): Promise<void> {
    checkScope(scope);
    const parsed = ModerationSchema.safeParse(moderation);
    if (!parsed.success) throw new FeedbackError(`invalid moderation state (${parsed.error.issues[0]?.message})`);
    await this.moderate(scope, () => ({ next: parsed.data, result: undefined }));
  }

  /** Everything held for a scope (an export): answers and votes oldest first, the moderation state. */
  snapshot(scope: string): { answers: AnswerRecord[]; votes: VoteRecord[]; moderation: Moderation } {
    checkScope(scope);
    const state = this.states.get(scope);
    const votes = [...(state?.votes.values() ?? [])].flatMap((byUser) => [...byUser.values()]);
    votes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    return {
      answers: [...(state?.answers.values() ?? [])],
      votes,
      moderation: state?.moderation ?? emptyModeration(),
    };
  }

  // ----- /stats ---------------------------------------------------------------------------------------------------

  /** Answers with helpful votes and with reports in the last 7 and 30 days (by vote time), and the moderation state. */
  stats(scope: string): FeedbackStats {
    checkScope(scope);
    const state = this.states.get(scope);
    const now = this.now();
    const windows = [7, 30].map((days) => {
      const since = now - days * DAY;
      let helpful = 0;
      let reported = 0;
      for (const byUser of state?.votes.values() ?? []) {
        let h = false;
        let r = false;
        for (const v of byUser.values()) {
          if (Date.parse(v.at) < since) continue;
          if (v.vote === "helpful") h = true;
          if (v.vote === "wrong") r = true;
        }
        if (h) helpful++;
        if (r) reported++;
      }
      return { days, helpful, reported };
    });
    return {
      windows,
      openReports: this.reports(scope).length,
      pins: state?.moderation.pins.length ?? 0,
      exclusions: state?.moderation.exclusions.length ?? 0,
    };
  }
}

/** The trust loop's storage over files under DATA_DIR (the embedded default). */
export class FeedbackStore extends FeedbackMemory<ScopeState> {
  private constructor(
    private readonly dataDir: string,
    clock: () => number,
    private readonly disk: Disk,
  ) {
    super(clock);
  }

  /** Opens every scope's feedback under `dataDir`, cleaning up after any crash and dropping what is past retention. */
  static async open(dataDir: string, options: FeedbackStoreOptions = {}): Promise<FeedbackStore> {
    const now = options.now ?? Date.now;
    const store = new FeedbackStore(dataDir, now, options.disk ?? nodeDisk);
    const states = store.states;
    const scopes = [
      ...(await listDir(join(dataDir, "guilds"))).filter((name) => SNOWFLAKE.test(name)),
      ...((await listDir(join(dataDir, "direct"))).includes("feedback") ? [DM_SCOPE] : []),
    ];
    for (const scope of scopes) {
      const dir = store.dirOf(scope);
      const exists = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (exists) states.set(scope, await store.read(scope, dir));
    }
    return store;
  }

  private dirOf(scope: string): string {
    return scope === DM_SCOPE
      ? join(this.dataDir, "direct", "feedback")
      : join(this.dataDir, "guilds", scope, "feedback");
  }

  private async read(scope: string, dir: string): Promise<ScopeState> {
    await removeTemps(this.disk, dir);
    const now = this.now();
    const problems = this.problems;

    // Answers: within retention, the newest ANSWERS_KEPT.
    const answers = await JsonLines.open(this.disk, join(dir, "answers.jsonl"), AnswerSchema, problems);
    const cutoff = now - ANSWER_RETENTION_DAYS * DAY;
    let kept = answers.entries.filter((a) => a.scope === scope && Date.parse(a.at) >= cutoff);
    if (kept.length > ANSWERS_KEPT) kept = kept.slice(kept.length - ANSWERS_KEPT);
    // Compacting is upkeep, not a condition of opening: on a full or read-only disk it waits for the next write.
    if (kept.length < answers.entries.length) await answers.log.rewrite(kept).catch(() => undefined);

    // Votes: each member's last vote per answer, within its retention.
    const votes = await JsonLines.open(this.disk, join(dir, "votes.jsonl"), VoteSchema, problems);
    const last = new Map<string, VoteRecord>();
    for (const v of votes.entries) last.set(`${v.answerId} ${v.userId}`, v);
    let current = [...last.values()].filter((v) => {
      if (v.vote === "withdrawn") return false;
      const keep = (v.vote === "wrong" ? REPORT_RETENTION_DAYS : ANSWER_RETENTION_DAYS) * DAY;
      return Date.parse(v.at) >= now - keep;
    });
    current.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (current.length > VOTES_KEPT) current = current.slice(current.length - VOTES_KEPT);
    if (current.length < votes.entries.length) await votes.log.rewrite(current).catch(() => undefined);

    // Moderation state: one file, replaced whole.
    let moderation = emptyModeration();
    const path = join(dir, "moderation.json");
    let bytes: Buffer | null = null;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    if (bytes !== null) {
      let parsed: Moderation | null = null;
      try {
        const result = ModerationSchema.safeParse(JSON.parse(bytes.toString("utf8")));
        if (result.success) parsed = result.data;
      } catch {
        parsed = null;
      }
      if (parsed !== null) moderation = parsed;
      else await this.quarantine(dir, path);
    }

    const state: ScopeState = {
      dir,
      answers: new Map(kept.map((a) => [a.id, Object.freeze(a)])),
      answerLog: answers.log,
      answerLines: kept.length,
      voteLines: current.length,
      votes: new Map(),
      voteCount: 0,
      voteLog: votes.log,
      moderation,
      ready: null,
    };
    for (const v of current) this.applyVote(state, v);
    // Resolutions whose reports are all gone are dropped next time the file is written.
    return state;
  }

  private async quarantine(dir: string, path: string): Promise<void> {
    const folder = join(dir, "quarantine");
    const target = join(folder, `moderation.json.${Date.now().toString(36)}-${randomHex(6)}`);
    const reason = "unreadable moderation state (exclusions, pins, dismissals); none apply until it is restored";
    try {
      await this.disk.mkdir(folder);
      await this.disk.rename(path, target);
      await this.disk.syncDir(folder);
      await this.disk.syncDir(dir);
      this.problems.push({ path, reason: `${reason}; moved to ${target}` });
    } catch (error) {
      this.problems.push({ path, reason: `${reason}; could not move it aside: ${(error as Error).message}` });
    }
  }

  private state(scope: string): ScopeState {
    checkScope(scope);
    let state = this.states.get(scope);
    if (state === undefined) {
      const dir = this.dirOf(scope);
      state = {
        dir,
        answers: new Map(),
        // Opening a missing file reads nothing; the logs are created by their first append.
        answerLog: JsonLines.empty(this.disk, join(dir, "answers.jsonl"), AnswerSchema),
        answerLines: 0,
        voteLines: 0,
        votes: new Map(),
        voteCount: 0,
        voteLog: JsonLines.empty(this.disk, join(dir, "votes.jsonl"), VoteSchema),
        moderation: emptyModeration(),
        ready: null,
      };
      this.states.set(scope, state);
    }
    return state;
  }

  /** Creates the scope's folder and makes its entry durable, once per process. */
  private ready(state: ScopeState): Promise<void> {
    state.ready ??= (async () => {
      await this.disk.mkdir(state.dir);
      await this.disk.syncDir(join(state.dir, ".."));
      await this.disk.syncDir(join(state.dir, "..", ".."));
      await this.disk.syncDir(state.dir);
    })().catch((error: unknown) => {
      state.ready = null;
      throw error;
    });
    return state.ready;
  }

  async recordAnswer(record: AnswerRecord): Promise<void> {
    checkScope(record?.scope);
    const parsed = AnswerSchema.safeParse(record);
    if (!parsed.success) throw new FeedbackError(`invalid answer record (${parsed.error.issues[0]?.message ?? "?"})`);
    const entry = Object.freeze(parsed.data);
    const state = this.state(entry.scope);
    await this.locks.run(`answers:${record.scope}`, async () => {
      if (state.answers.has(entry.id)) throw new FeedbackError(`answer id ${entry.id} is already used`);
      await this.ready(state);
      await state.answerLog.append(entry);
      state.answerLines++;
      state.answers.set(entry.id, entry);
      // The oldest go first once the scope holds more than it keeps (Map iteration is insertion order).
      while (state.answers.size > ANSWERS_KEPT) state.answers.delete(state.answers.keys().next().value as string);
      // A long-running process does not wait for a restart to drop forgotten answers from the disk.
      if (state.answerLines > 2 * ANSWERS_KEPT) {
        await state.answerLog.rewrite([...state.answers.values()]);
        state.answerLines = state.answers.size;
      }
    });
  }

  async castVote(scope: string, vote: VoteRecord): Promise<void> {
    checkScope(scope);
    const valid = checkedVote(vote);
    const state = this.state(scope);
    await this.locks.run(`votes:${scope}`, async () => {
      await this.ready(state);
      await state.voteLog.append(valid);
      state.voteLines++;
      this.applyVote(state, valid);
      // Bounded: beyond VOTES_KEPT the oldest answers' votes are forgotten (the log is compacted at the next open).
      while (state.voteCount > VOTES_KEPT) {
        const [answerId, byUser] = state.votes.entries().next().value as [string, Map<string, VoteRecord>];
        state.voteCount -= byUser.size;
        state.votes.delete(answerId);
      }
      // Changed and withdrawn votes leave superseded lines: compact once they outnumber the live votes.
      if (state.voteLines > 2 * state.voteCount + 1000) {
        const live = [...state.votes.values()].flatMap((byUser) => [...byUser.values()]);
        live.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
        await state.voteLog.rewrite(live);
        state.voteLines = live.length;
      }
    });
  }

  /** Replaces the scope's moderation state with `change(current)` once it is durable; returns what `change` returns. */
  protected async moderate<T>(
    scope: string,
    change: (current: Moderation) => { next: Moderation; result: T },
  ): Promise<T> {
    const state = this.state(scope);
    return this.locks.run(`moderation:${scope}`, async () => {
      await this.ready(state);
      const { next, result } = change(state.moderation);
      const checked = this.checkedModeration(state, next);
      await replaceDurably(this.disk, join(state.dir, "moderation.json"), JSON.stringify(checked));
      state.moderation = checked;
      return result;
    });
  }
}

/**
 * The trust loop's storage on PostgreSQL (FeedbackStorage): the same reads from memory as the file store (they are
 * FeedbackMemory's), with writes made durable in the database first.
 *
 *   answers          one row per answer record (PRIMARY KEY (scope, id): an id is used once)
 *   votes            one row per member and answer, their last vote (a withdrawn vote deletes it)
 *   feedback_scopes  per scope: the moderation state (exclusions, pins, dismissals) as one document, and versions
 *
 * A moderation change reads the stored state under the scope's row lock (SELECT … FOR UPDATE), applies the change,
 * checks the limits (1,000 exclusions, 500 pins) against that state and writes it back, in one transaction: two
 * moderators, in one process or two, take turns and cannot pass a limit together. Every moderation change and vote is
 * announced (NOTIFY), so another process holding the scope reads it; after its listener reconnects it compares
 * versions and reloads what changed.
 */
import type { AnswerRecord, Moderation, ScopeMemory, VoteRecord } from "../guilds/feedback.js";
import {
  ANSWER_RETENTION_DAYS,
  ANSWERS_KEPT,
  AnswerSchema,
  checkedVote,
  checkScope,
  emptyModeration,
  FeedbackError,
  FeedbackMemory,
  ModerationSchema,
  REPORT_RETENTION_DAYS,
  VOTES_KEPT,
  VoteSchema,
} from "../guilds/feedback.js";
import { type Pool, type PoolClient, sqlState, transaction, UNIQUE_VIOLATION } from "./database.js";
import { announce, type ChangeFeed } from "./notify.js";

const DAY = 86_400_000;

interface PgScope extends ScopeMemory {
  moderationVersion: number;
  votesVersion: number;
}

export interface PgFeedbackOptions {
  now?: () => number;
  /** Which scopes this process serves (its shards' servers, and "dm" on shard 0). Default: all. */
  owns?: (scope: string) => boolean;
  feed?: ChangeFeed;
  /** How often answers and votes past retention are deleted; 0 = never. Default 10 minutes. */
  maintenanceMs?: number;
}

const ENSURE_SCOPE = "INSERT INTO feedback_scopes (scope) VALUES ($1) ON CONFLICT (scope) DO NOTHING";

export class PgFeedbackStore extends FeedbackMemory<PgScope> {
  private readonly stopFeed: Array<() => void> = [];
  private readonly loading = new Map<string, Promise<void>>();
  /** Scopes a notice arrived for while they were being loaded (their snapshot may predate it). */
  private readonly missed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pool: Pool,
    clock: () => number,
  ) {
    super(clock);
  }

  static async open(pool: Pool, options: PgFeedbackOptions = {}): Promise<PgFeedbackStore> {
    const store = new PgFeedbackStore(pool, options.now ?? Date.now);
    if (options.feed !== undefined) {
      const feed = options.feed;
      store.stopFeed.push(
        feed.on((notice) => {
          if (notice.t === "moderation") {
            const state = store.states.get(notice.s);
            if (state !== undefined && notice.v > state.moderationVersion)
              void store.reloadModeration(notice.s).catch(() => undefined);
            else if (state === undefined && store.loading.has(notice.s)) store.missed.add(notice.s);
          } else if (notice.t === "votes") {
            const state = store.states.get(notice.s);
            if (state !== undefined && notice.v > state.votesVersion)
              void store.reloadVotes(notice.s, notice.v, notice.a).catch(() => undefined);
            else if (state === undefined && store.loading.has(notice.s)) store.missed.add(notice.s);
          }
        }),
        feed.onResync(() => store.resync()),
      );
    }
    const owns = options.owns ?? (() => true);
    const { rows } = await pool.query<{ scope: string }>("SELECT scope FROM feedback_scopes");
    const mine = rows.map((r) => r.scope).filter((scope) => owns(scope));
    for (let i = 0; i < mine.length; i += 8) await Promise.all(mine.slice(i, i + 8).map((s) => store.load(s)));
    const interval = options.maintenanceMs ?? 10 * 60_000;
    if (interval > 0) {
      store.timer = setInterval(() => void store.maintain(), interval);
      store.timer.unref();
    }
    return store;
  }

  override load(scope: string): Promise<void> {
    checkScope(scope);
    if (this.states.has(scope)) return Promise.resolve();
    let loading = this.loading.get(scope);
    if (loading === undefined) {
      loading = transaction(this.pool, (client) => this.read(client, scope), { readOnly: true }).then(async (state) => {
        if (!this.states.has(scope)) this.states.set(scope, state);
        if (this.missed.delete(scope)) await this.resyncScopes([scope]);
      });
      loading.finally(() => this.loading.delete(scope)).catch(() => undefined);
      this.loading.set(scope, loading);
    }
    return loading;
  }

  private async read(client: PoolClient, scope: string): Promise<PgScope> {
    const now = this.now();
    const state: PgScope = {
      answers: new Map(),
      votes: new Map(),
      voteCount: 0,
      moderation: emptyModeration(),
      moderationVersion: 0,
      votesVersion: 0,
    };
    const row = await client.query<{ moderation_version: string; votes_version: string; moderation: string | null }>(
      "SELECT moderation_version, votes_version, moderation FROM feedback_scopes WHERE scope = $1",
      [scope],
    );
    const scopeRow = row.rows[0];
    if (scopeRow === undefined) return state;
    state.moderationVersion = Number(scopeRow.moderation_version);
    state.votesVersion = Number(scopeRow.votes_version);
    state.moderation = this.parseModeration(scope, scopeRow.moderation);
    const answers = await client.query<{ record: string }>(
      "SELECT record FROM (SELECT at, id, record FROM answers WHERE scope = $1 AND at >= $2 ORDER BY at DESC, id DESC LIMIT $3) newest ORDER BY at, id",
      [scope, new Date(now - ANSWER_RETENTION_DAYS * DAY), ANSWERS_KEPT],
    );
    for (const { record } of answers.rows) {
      const parsed = AnswerSchema.safeParse(JSON.parse(record));
      if (parsed.success) state.answers.set(parsed.data.id, Object.freeze(parsed.data));
    }
    for (const vote of await this.readVotes(client, scope)) this.applyVote(state, vote);
    return state;
  }

  private async readVotes(client: Pick<PoolClient, "query">, scope: string, answerId?: string): Promise<VoteRecord[]> {
    const now = this.now();
    const { rows } = await client.query<{ record: string }>(
      `SELECT record FROM (
         SELECT at, record FROM votes
         WHERE scope = $1 AND ($4::text IS NULL OR answer_id = $4)
           AND ((vote = 'wrong' AND at >= $2) OR (vote <> 'wrong' AND at >= $3))
         ORDER BY at DESC LIMIT $5) newest ORDER BY at`,
      [
        scope,
        new Date(now - REPORT_RETENTION_DAYS * DAY),
        new Date(now - ANSWER_RETENTION_DAYS * DAY),
        answerId ?? null,
        VOTES_KEPT,
      ],
    );
    return rows.flatMap(({ record }) => {
      const parsed = VoteSchema.safeParse(JSON.parse(record));
      return parsed.success ? [parsed.data] : [];
    });
  }

  private parseModeration(scope: string, text: string | null): Moderation {
    if (text === null) return emptyModeration();
    try {
      const parsed = ModerationSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    this.problems.push({
      path: `feedback_scopes/${scope}`,
      reason: "unreadable moderation state (exclusions, pins, dismissals); none apply until it is set again",
    });
    return emptyModeration();
  }

  /** A scope this process writes to: loaded first, so memory holds what the database holds. */
  private async scope(scope: string): Promise<PgScope> {
    await this.load(scope);
    return this.states.get(scope) as PgScope;
  }

  // ----- catching up ------------------------------------------------------------------------------------------------

  private async reloadModeration(scope: string): Promise<void> {
    await this.locks.run(`moderation:${scope}`, async () => {
      const state = this.states.get(scope);
      if (state === undefined) return;
      const { rows } = await this.pool.query<{ moderation_version: string; moderation: string | null }>(
        "SELECT moderation_version, moderation FROM feedback_scopes WHERE scope = $1",
        [scope],
      );
      const row = rows[0];
      if (row === undefined || Number(row.moderation_version) <= state.moderationVersion) return;
      state.moderation = this.parseModeration(scope, row.moderation);
      state.moderationVersion = Number(row.moderation_version);
    });
  }

  /** Another process's vote: re-reads that answer's votes (or all, when more than one was missed). */
  private async reloadVotes(scope: string, version: number, answerId?: string): Promise<void> {
    await this.locks.run(`votes:${scope}`, async () => {
      const state = this.states.get(scope);
      if (state === undefined || version <= state.votesVersion) return;
      const only = answerId !== undefined && version === state.votesVersion + 1 ? answerId : undefined;
      const votes = await this.readVotes(this.pool, scope, only);
      if (only !== undefined) {
        const before = state.votes.get(only);
        state.voteCount -= before?.size ?? 0;
        state.votes.delete(only);
      } else {
        state.votes.clear();
        state.voteCount = 0;
      }
      for (const vote of votes) this.applyVote(state, vote);
      state.votesVersion = version;
    });
  }

  private async resync(): Promise<void> {
    await this.resyncScopes([...this.states.keys()]);
  }

  /** Compares the versions held with the stored ones and reloads what is behind. */
  private async resyncScopes(scopes: string[]): Promise<void> {
    if (scopes.length === 0) return;
    const { rows } = await this.pool.query<{ scope: string; moderation_version: string; votes_version: string }>(
      "SELECT scope, moderation_version, votes_version FROM feedback_scopes WHERE scope = ANY($1)",
      [scopes],
    );
    for (const row of rows) {
      const state = this.states.get(row.scope);
      if (state === undefined) continue;
      if (Number(row.moderation_version) > state.moderationVersion) await this.reloadModeration(row.scope);
      if (Number(row.votes_version) > state.votesVersion) await this.reloadVotes(row.scope, Number(row.votes_version));
    }
  }

  // ----- writes -------------------------------------------------------------------------------------------------

  async recordAnswer(record: AnswerRecord): Promise<void> {
    checkScope(record?.scope);
    const parsed = AnswerSchema.safeParse(record);
    if (!parsed.success) throw new FeedbackError(`invalid answer record (${parsed.error.issues[0]?.message ?? "?"})`);
    const entry = Object.freeze(parsed.data);
    const state = await this.scope(entry.scope);
    await this.locks.run(`answers:${entry.scope}`, async () => {
      if (state.answers.has(entry.id)) throw new FeedbackError(`answer id ${entry.id} is already used`);
      try {
        // One round trip: the scope's row (for the foreign key) and the record.
        await this.pool.query(
          `WITH scope AS (INSERT INTO feedback_scopes (scope) VALUES ($1) ON CONFLICT (scope) DO NOTHING)
           INSERT INTO answers (scope, id, at, record) VALUES ($1, $2, $3, $4)`,
          [entry.scope, entry.id, new Date(entry.at), JSON.stringify(entry)],
        );
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) throw new FeedbackError(`answer id ${entry.id} is already used`);
        throw error;
      }
      state.answers.set(entry.id, entry);
      while (state.answers.size > ANSWERS_KEPT) state.answers.delete(state.answers.keys().next().value as string);
    });
  }

  async castVote(scope: string, vote: VoteRecord): Promise<void> {
    checkScope(scope);
    const valid = checkedVote(vote);
    const state = await this.scope(scope);
    await this.locks.run(`votes:${scope}`, async () => {
      const version = await transaction(this.pool, async (client) => {
        await client.query(ENSURE_SCOPE, [scope]);
        const bumped = await client.query<{ votes_version: string }>(
          "UPDATE feedback_scopes SET votes_version = votes_version + 1 WHERE scope = $1 RETURNING votes_version",
          [scope],
        );
        if (valid.vote === "withdrawn")
          await client.query("DELETE FROM votes WHERE scope = $1 AND answer_id = $2 AND user_id = $3", [
            scope,
            valid.answerId,
            valid.userId,
          ]);
        else
          await client.query(
            `INSERT INTO votes (scope, answer_id, user_id, at, vote, record) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (scope, answer_id, user_id) DO UPDATE SET at = $4, vote = $5, record = $6`,
            [scope, valid.answerId, valid.userId, new Date(valid.at), valid.vote, JSON.stringify(valid)],
          );
        const v = Number(bumped.rows[0]?.votes_version ?? 0);
        await announce(client, { t: "votes", s: scope, a: valid.answerId, v });
        return v;
      });
      this.applyVote(state, valid);
      while (state.voteCount > VOTES_KEPT) {
        const [answerId, byUser] = state.votes.entries().next().value as [string, Map<string, VoteRecord>];
        state.voteCount -= byUser.size;
        state.votes.delete(answerId);
      }
      if (version === state.votesVersion + 1) state.votesVersion = version;
      else void this.reloadVotes(scope, version).catch(() => undefined);
    });
  }

  protected async moderate<T>(
    scope: string,
    change: (current: Moderation) => { next: Moderation; result: T },
  ): Promise<T> {
    const state = await this.scope(scope);
    return this.locks.run(`moderation:${scope}`, async () => {
      const { next, result, version } = await transaction(this.pool, async (client) => {
        await client.query(ENSURE_SCOPE, [scope]);
        const { rows } = await client.query<{ moderation_version: string; moderation: string | null }>(
          "SELECT moderation_version, moderation FROM feedback_scopes WHERE scope = $1 FOR UPDATE",
          [scope],
        );
        const row = rows[0];
        // The stored state, under the row lock: the limits are checked against what every process has written.
        const current = this.parseModeration(scope, row?.moderation ?? null);
        const changed = change(current);
        const checked = this.checkedModeration(state, changed.next);
        const v = Number(row?.moderation_version ?? 0) + 1;
        await client.query("UPDATE feedback_scopes SET moderation = $2, moderation_version = $3 WHERE scope = $1", [
          scope,
          JSON.stringify(checked),
          v,
        ]);
        await announce(client, { t: "moderation", s: scope, v });
        return { next: checked, result: changed.result, version: v };
      });
      state.moderation = next;
      state.moderationVersion = Math.max(state.moderationVersion, version);
      return result;
    });
  }

  /** Drops answers and votes past their retention (the memory is bounded by itself). Never rejects. */
  async maintain(): Promise<void> {
    const now = this.now();
    await this.pool
      .query("DELETE FROM answers WHERE at < $1", [new Date(now - ANSWER_RETENTION_DAYS * DAY)])
      .catch(() => undefined);
    await this.pool
      .query("DELETE FROM votes WHERE (vote = 'wrong' AND at < $1) OR (vote <> 'wrong' AND at < $2)", [
        new Date(now - REPORT_RETENTION_DAYS * DAY),
        new Date(now - ANSWER_RETENTION_DAYS * DAY),
      ])
      .catch(() => undefined);
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    for (const stop of this.stopFeed.splice(0)) stop();
  }
}

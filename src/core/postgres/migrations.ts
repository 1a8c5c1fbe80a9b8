/**
 * The database's schema, as plain SQL migrations applied in order. Each one runs in its own transaction and is
 * recorded in `verbatim_migrations` (version, name, sha256 of its SQL, when), all under a session advisory lock, so
 * processes starting together apply each migration exactly once and the others wait for it. A database whose applied
 * migration differs from this code's (its checksum), or that is newer than this code knows, is refused with one line.
 *
 * Plain SQL in a module rather than files on disk, so `npm run build`'s bundles carry them; node-pg-migrate was not
 * taken: its runner reads a directory of migration files at run time and its JavaScript DSL adds nothing to six
 * tables, while the lock, the order and the checksum are a few lines here.
 *
 * What is stored (every record is kept as the JSON text the file store writes, so a row reads back exactly as it was
 * written — `\u0000` and lone surrogates included, which PostgreSQL's text and jsonb refuse raw):
 *   guilds          one row per server: its version (bumped by every change to its documents or settings), settings
 *   documents       one row per document; UNIQUE (guild_id, hash): a text is stored once per server
 *   guild_changes   what each version changed (add/remove a document, settings): how a process catches up
 *   audit_log, questions   the logs, pruned by age and count
 *   answers, votes  the trust loop's records; a member's vote is one row (their last)
 *   feedback_scopes one row per scope (a server or "dm"): its moderation state (exclusions, pins, dismissals) as one
 *                   document replaced under a row lock, and versions for catching up
 *   corpus_reloads  the bundled corpus's reload count, so every process re-reads it
 */
import { createHash } from "node:crypto";
import type { Pool } from "./database.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "guild store and trust loop",
    sql: `
CREATE TABLE guilds (
  guild_id text PRIMARY KEY CHECK (guild_id ~ '^[0-9]{1,20}$'),
  version bigint NOT NULL DEFAULT 0,
  next_seq bigint NOT NULL DEFAULT 0,
  settings text
);
CREATE TABLE documents (
  guild_id text NOT NULL REFERENCES guilds (guild_id),
  id text NOT NULL CHECK (id ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  seq bigint NOT NULL,
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  document text NOT NULL,
  PRIMARY KEY (guild_id, id),
  CONSTRAINT documents_text_unique UNIQUE (guild_id, hash)
);
CREATE TABLE guild_changes (
  guild_id text NOT NULL REFERENCES guilds (guild_id),
  version bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('add', 'remove', 'settings')),
  document_id text
);
CREATE INDEX guild_changes_by_version ON guild_changes (guild_id, version);
CREATE TABLE audit_log (
  n bigserial PRIMARY KEY,
  guild_id text NOT NULL,
  at timestamptz NOT NULL,
  entry text NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, n);
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE TABLE questions (
  n bigserial PRIMARY KEY,
  guild_id text NOT NULL,
  at timestamptz NOT NULL,
  record text NOT NULL
);
CREATE INDEX questions_by_guild ON questions (guild_id, n);
CREATE INDEX questions_by_time ON questions (at);
CREATE TABLE feedback_scopes (
  scope text PRIMARY KEY CHECK (scope = 'dm' OR scope ~ '^[0-9]{1,20}$'),
  moderation_version bigint NOT NULL DEFAULT 0,
  votes_version bigint NOT NULL DEFAULT 0,
  moderation text
);
CREATE TABLE answers (
  scope text NOT NULL REFERENCES feedback_scopes (scope),
  id text NOT NULL CHECK (id ~ '^[0-9a-z]{12}$'),
  at timestamptz NOT NULL,
  record text NOT NULL,
  PRIMARY KEY (scope, id)
);
CREATE INDEX answers_by_time ON answers (scope, at);
CREATE TABLE votes (
  scope text NOT NULL REFERENCES feedback_scopes (scope),
  answer_id text NOT NULL,
  user_id text NOT NULL,
  at timestamptz NOT NULL,
  vote text NOT NULL CHECK (vote IN ('helpful', 'wrong')),
  record text NOT NULL,
  PRIMARY KEY (scope, answer_id, user_id)
);
CREATE INDEX votes_by_time ON votes (scope, at);
CREATE TABLE corpus_reloads (
  id int PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO corpus_reloads (id, version) VALUES (1, 0);
`,
  },
];

/** The schema version this code expects (the last migration's). */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Our key for pg_advisory_lock ("verb" read as a number). */
const LOCK_KEY = 0x76657262; // "verb"

const checksum = (sql: string) => createHash("sha256").update(sql, "utf8").digest("hex");

/** The database cannot be used by this code (a newer schema, a changed migration). The message is one line. */
export class SchemaError extends Error {
  override name = "SchemaError";
}

export interface MigrateReport {
  /** Versions applied now, in order. */
  applied: number[];
  /** The schema version after. */
  version: number;
}

/**
 * Applies the migrations the database lacks, in order, each in its own transaction, holding the advisory lock so that
 * one process at a time migrates. Safe to run at every start: with nothing to do it reads one table.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateReport> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS verbatim_migrations (
        version int PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number; checksum: string }>(
        "SELECT version, checksum FROM verbatim_migrations ORDER BY version",
      );
      const known = new Map(migrations.map((m) => [m.version, m]));
      for (const row of rows) {
        const migration = known.get(row.version);
        if (migration === undefined)
          throw new SchemaError(
            `the database's schema is at version ${rows.at(-1)?.version}, newer than this Verbatim knows (${migrations.at(-1)?.version ?? 0}): upgrade Verbatim, or point DATABASE_URL at another database`,
          );
        if (checksum(migration.sql) !== row.checksum)
          throw new SchemaError(
            `migration ${row.version} (${migration.name}) applied to the database differs from this Verbatim's: the database was migrated by another build; point DATABASE_URL at a database of this one`,
          );
      }
      const done = new Set(rows.map((r) => r.version));
      const applied: number[] = [];
      for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query("INSERT INTO verbatim_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
            migration.version,
            migration.name,
            checksum(migration.sql),
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => (broken = true));
          throw error;
        }
        applied.push(migration.version);
      }
      return { applied, version: Math.max(0, ...rows.map((r) => r.version), ...applied) };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => (broken = true));
    }
  } finally {
    client.release(broken);
  }
}

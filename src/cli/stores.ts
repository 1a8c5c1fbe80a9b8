/**
 * The stores an operator's command works on: files under DATA_DIR (taking its lock, so never beside a running bot),
 * or PostgreSQL (DATABASE_URL, migrated first; safe beside running bots, which hear what changed).
 */
import type { StoreConfig } from "../config.js";
import {
  createDatabasePool,
  describeDatabaseError,
  FeedbackStore,
  GuildStore,
  lockDataDir,
  migrate,
  PgFeedbackStore,
  PgGuildStore,
  SchemaError,
  type Stores,
} from "../core/index.js";

export type StoreKind = "files" | "postgres";

/** `--from files|postgres` / `--to …`, or the configured store (PostgreSQL when DATABASE_URL is set). */
export function storeKind(value: string | undefined, config: StoreConfig): StoreKind | string {
  if (value === undefined) return config.databaseUrl === undefined ? "files" : "postgres";
  if (value === "files" || value === "postgres") return value;
  return `expected files or postgres, got "${value}"`;
}

export async function openStores(kind: StoreKind, config: StoreConfig): Promise<Stores & { close(): Promise<void> }> {
  if (kind === "postgres") {
    if (config.databaseUrl === undefined)
      throw new Error(
        "DATABASE_URL is missing: set DATABASE_URL=postgres://user:password@host:5432/verbatim (in .env or the environment)",
      );
    const pool = createDatabasePool(config.databaseUrl, { applicationName: "verbatim-cli", max: 4 });
    try {
      await migrate(pool);
      const store = await PgGuildStore.open(pool, { maintenanceMs: 0 });
      const feedback = await PgFeedbackStore.open(pool, { maintenanceMs: 0 });
      return {
        store,
        feedback,
        async close() {
          await store.close();
          await feedback.close();
          await pool.end();
        },
      };
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof SchemaError) throw new Error(`DATABASE_URL: ${error.message}`);
      if (typeof (error as { code?: unknown }).code === "string")
        throw new Error(
          `DATABASE_URL: could not use PostgreSQL (${describeDatabaseError(error)}): check that the server is running and the URL is right`,
        );
      throw error;
    }
  }
  const lock = await lockDataDir(config.dataDir);
  const store = await GuildStore.open(config.dataDir, { maintenanceMs: 0 });
  const feedback = await FeedbackStore.open(config.dataDir);
  return {
    store,
    feedback,
    async close() {
      await store.close();
      await lock.release();
    },
  };
}

/**
 * The PostgreSQL connection: a node-postgres pool for the stores' queries, transactions for every multi-row change,
 * and the few error codes the stores turn into their own refusals. Nothing here knows what is stored.
 */
import pg from "pg";

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** PostgreSQL's SQLSTATE for a unique constraint violation. */
export const UNIQUE_VIOLATION = "23505";

export interface DatabaseOptions {
  /** Connections in the pool. Default 10 (node-postgres's). */
  max?: number;
  /** Shown in pg_stat_activity (which process holds which connection). */
  applicationName?: string;
  /** Told when an idle connection fails (the pool drops it and opens another when needed). */
  onError?: (error: Error) => void;
}

/** A pool for `url`. Connections open lazily; `checkDatabase` opens one to say early whether the server is there. */
export function createPool(url: string, options: DatabaseOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "verbatim",
    // A server that does not answer is reported instead of waited on for ever.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (the server restarted) is emitted on the pool; unhandled it would end the process.
  pool.on("error", (error) => options.onError?.(error));
  return pool;
}

/** The SQLSTATE of a database error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The constraint a database error names, if any. */
export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === "string" ? constraint : undefined;
}

/**
 * Runs `fn` in a transaction on one connection: COMMIT when it resolves (the change is durable when this resolves),
 * ROLLBACK when it throws (nothing of it is kept). `readOnly` reads one consistent snapshot.
 */
export async function transaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(options.readOnly === true ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch {
      broken = true; // the connection itself failed: do not hand it out again
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** One line for an operator when the database cannot be reached or refuses us. */
export function describeDatabaseError(error: unknown): string {
  const e = error as { code?: string; message?: string } | null;
  const message = e?.message ?? String(error);
  return e?.code === undefined ? message : `${message} (${e.code})`;
}

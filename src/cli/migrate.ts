/**
 * `npm run migrate`: applies the database's schema migrations (DATABASE_URL) without starting the bot, and prints the
 * schema version. The bot applies them at start too; this is for deploying the schema ahead of the processes.
 */
import { configOrReport, loadStoreConfig } from "../config.js";
import { createDatabasePool, describeDatabaseError, migrate, SchemaError } from "../core/index.js";

async function main(): Promise<number> {
  const config = configOrReport(loadStoreConfig, "migrate");
  if (config === null) return 1;
  if (config.databaseUrl === undefined) {
    process.stderr.write(
      "migrate: DATABASE_URL is missing: set DATABASE_URL=postgres://user:password@host:5432/verbatim; without it servers' data is kept in files under DATA_DIR, which need no migration\n",
    );
    return 1;
  }
  const pool = createDatabasePool(config.databaseUrl, { applicationName: "verbatim-migrate", max: 1 });
  try {
    const report = await migrate(pool);
    process.stdout.write(
      report.applied.length === 0
        ? `migrate: the schema is up to date (version ${report.version})\n`
        : `migrate: applied ${report.applied.join(", ")}; the schema is at version ${report.version}\n`,
    );
    return 0;
  } catch (error) {
    const line =
      error instanceof SchemaError
        ? `DATABASE_URL: ${error.message}`
        : `DATABASE_URL: could not use PostgreSQL (${describeDatabaseError(error)}): check that the server is running and the URL is right`;
    process.stderr.write(`migrate: ${line}\n`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

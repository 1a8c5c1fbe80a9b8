/**
 * Which store a bot test runs against: the file store (the default) or PostgreSQL. A test file written for the file
 * store passes `...(await storeOptions())` to createVerbatim; a second file that calls `runAgainst("postgres")` and
 * then imports it runs the very same tests against a real PostgreSQL (started for that file, a database kept across
 * the file's restarts, stopped after it).
 */
import { afterAll } from "vitest";
import { startPostgres, type TestPostgres } from "./embedded-postgres.js";

let kind: "files" | "postgres" = "files";
let server: Promise<TestPostgres> | null = null;
let url: Promise<string> | null = null;

export function runAgainst(store: "files" | "postgres"): void {
  kind = store;
  if (store === "postgres")
    afterAll(async () => {
      await (await server)?.stop();
    });
}

export function storeUnderTest(): "files" | "postgres" {
  return kind;
}

/** createVerbatim's options for the store under test: nothing for files, the database's URL for PostgreSQL. */
export async function storeOptions(): Promise<{ databaseUrl?: string }> {
  if (kind === "files") return {};
  server ??= startPostgres();
  url ??= server.then((s) => s.createDatabase());
  return { databaseUrl: await url };
}

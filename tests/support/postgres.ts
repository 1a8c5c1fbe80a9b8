/** One PostgreSQL per test file (tests/support/embedded-postgres.ts), started before its tests and stopped after. */
import { afterAll, beforeAll } from "vitest";
import { startPostgres, type TestPostgres } from "./embedded-postgres.js";

export { startPostgres, type TestPostgres } from "./embedded-postgres.js";

/** One PostgreSQL for the test file that calls this (started before its tests, stopped after). */
export function usePostgres(): () => TestPostgres {
  let postgres: TestPostgres | undefined;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
  });
  return () => {
    if (postgres === undefined) throw new Error("PostgreSQL is not started yet (call inside a test)");
    return postgres;
  };
}

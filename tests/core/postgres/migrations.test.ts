/** Schema migrations on a real PostgreSQL: in order, once, under a lock, and refused when the database is not ours. */
import { describe, expect, it } from "vitest";
import { createPool } from "../../../src/core/postgres/database.js";
import {
  type Migration,
  MIGRATIONS,
  migrate,
  SCHEMA_VERSION,
  SchemaError,
} from "../../../src/core/postgres/migrations.js";
import { usePostgres } from "../../support/postgres.js";

const postgres = usePostgres();

describe("migrations", () => {
  it("apply in order, once, even when several processes start together", async () => {
    const url = await postgres().createDatabase();
    const pools = Array.from({ length: 4 }, () => createPool(url, { max: 2 }));
    try {
      const extra: Migration = { version: 2, name: "test: a column", sql: "ALTER TABLE guilds ADD COLUMN note text;" };
      const reports = await Promise.all(pools.map((pool) => migrate(pool, [...MIGRATIONS, extra])));
      // One of them applied both; the others waited for the lock and found nothing to do.
      expect(reports.map((r) => r.applied).sort()).toEqual([[], [], [], [1, 2]]);
      expect(reports.every((r) => r.version === 2)).toBe(true);
      const { rows } = await (pools[0] as (typeof pools)[0]).query(
        "SELECT version, name FROM verbatim_migrations ORDER BY version",
      );
      expect(rows).toEqual([
        { version: 1, name: MIGRATIONS[0]?.name },
        { version: 2, name: "test: a column" },
      ]);
      // This code knows only version 1: the database is newer, and that is one line.
      const error = await migrate(pools[1] as (typeof pools)[0]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as Error).message).toMatch(/newer than this Verbatim knows \(1\): upgrade Verbatim/);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it("refuses a database migrated by another build (a changed migration), and rolls back a failing one", async () => {
    const url = await postgres().createDatabase();
    const pool = createPool(url, { max: 2 });
    try {
      expect(await migrate(pool)).toEqual({ applied: [1], version: SCHEMA_VERSION });
      expect(await migrate(pool)).toEqual({ applied: [], version: SCHEMA_VERSION });
      const changed = [{ ...(MIGRATIONS[0] as Migration), sql: `${MIGRATIONS[0]?.sql} -- edited` }];
      await expect(migrate(pool, changed)).rejects.toThrow(/differs from this Verbatim's/);
      const broken: Migration = {
        version: 2,
        name: "half",
        sql: "CREATE TABLE half_done (x int); SELECT no_such_function();",
      };
      await expect(migrate(pool, [...MIGRATIONS, broken])).rejects.toThrow(/no_such_function/);
      const { rows } = await pool.query(
        "SELECT to_regclass('half_done') AS t, max(version) AS v FROM verbatim_migrations",
      );
      expect(rows[0]).toEqual({ t: null, v: 1 });
    } finally {
      await pool.end();
    }
  });
});

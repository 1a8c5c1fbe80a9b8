/**
 * The layering rules (eslint.layers.js), stated as examples: each wrong-way import is a lint error at the place it
 * would be written, and the right-way import next to it is not. `npm run lint` runs the same rules over the tree.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/paths.js";

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The restricted-import messages ESLint reports for `code` written at `file`. */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: `${REPO_ROOT}/${file}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layers point one way: commands → bot → discord → core", () => {
  it.each([
    ["src/core/search/rank.ts", 'import { Client } from "discord.js";', /never imports Discord/],
    ["src/core/answer/quotes.ts", 'import { respond } from "../../discord/respond.js";', /never imports the bot/],
    ["src/discord/respond.ts", 'import { takeTurn } from "../bot/router.js";', /never imports the bot/],
    ["src/bot/router.ts", 'import { commands } from "../../commands/index.js";', /command list is passed in/],
    ["commands/ask.ts", 'import { createVerbatim } from "../src/app.js";', /never import entry points/],
    ["src/bot/answering.ts", 'import { answerQuestion } from "../core/answer/quotes.js";', /public entry/],
    ["src/cli/ask.ts", 'import { Library } from "../core/library/library.js";', /public entry/],
    ["bench/run.ts", 'import { Segment } from "../src/core/search/segment.js";', /public entry/],
  ])("%s may not %s", async (file, code, message) => {
    const found = await violations(file, code);
    expect(found.length).toBe(1);
    expect(found[0]).toMatch(message);
  });

  it.each([
    ["src/bot/answering.ts", 'import type { Answer } from "../core/index.js";'],
    ["src/discord/render/answer.ts", 'import type { Answer } from "../../core/index.js";'],
    ["commands/ask.ts", 'import { respond } from "../src/discord/respond.js";'],
    ["src/cli/start.ts", 'import { commands } from "../../commands/index.js";'],
  ])("%s may %s", async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});

describe("the core's rooms import only rooms below them", () => {
  it.each([
    [
      "src/core/ingest/load.ts",
      'import { analyze } from "../search/analyze.js";',
      /ingest room imports only rooms below it: storage/,
    ],
    ["src/core/search/segment.ts", 'import { answerQuestion } from "../answer/quotes.js";', /search room/],
    ["src/core/answer/quotes.ts", 'import { Library } from "../library/library.js";', /answer room/],
    ["src/core/library/library.ts", 'import { GuildStore } from "../guilds/store.js";', /library room/],
    ["src/core/guilds/corpora.ts", 'import { PgGuildStore } from "../postgres/store.js";', /guilds room/],
    [
      "src/core/storage/durable.ts",
      'import { splitSentences } from "../ingest/sentences.js";',
      /storage room imports only rooms below it: none/,
    ],
    ["src/core/answer/quotes.ts", 'import { Library } from "../index.js";', /Rooms import each other directly/],
    ["src/core/types.ts", 'import type { Segment } from "./search/segment.js";', /import no room/],
  ])("%s may not %s", async (file, code, message) => {
    const found = await violations(file, code);
    expect(found.length).toBe(1);
    expect(found[0]).toMatch(message);
  });

  it.each([
    ["src/core/guilds/corpora.ts", 'import { Library } from "../library/library.js";'],
    ["src/core/postgres/store.ts", 'import { GuildStore } from "../guilds/store.js";'],
    ["src/core/answer/quotes.ts", 'import { rankPassages } from "../search/rank.js";'],
    ["src/core/search/segment.ts", 'import { chunkDocument } from "../ingest/chunk.js";'],
    ["src/core/ingest/load.ts", 'import type { Source } from "../types.js";'],
  ])("%s may %s", async (file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});

/** The core knows nothing of Discord (STYLE.md §1): no file under src/core imports discord.js or its packages. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const coreDir = join(import.meta.dirname, "../../src/core");
const DISCORD_IMPORT =
  /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](?:discord\.js|discord-api-types|@discordjs\/[^"']+)(?:\/[^"']*)?["']/;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat().filter((f) => f.endsWith(".ts"));
}

describe("src/core", () => {
  it("never imports discord.js", async () => {
    const found = await files(coreDir);
    expect(found.length).toBeGreaterThan(5);
    const offenders: string[] = [];
    for (const file of found) if (DISCORD_IMPORT.test(await readFile(file, "utf8"))) offenders.push(file);
    expect(offenders).toEqual([]);
  });

  it("the check itself catches such an import", () => {
    expect(DISCORD_IMPORT.test('import { Client } from "discord.js";')).toBe(true);
    expect(DISCORD_IMPORT.test("const x = await import('@discordjs/rest');")).toBe(true);
    expect(DISCORD_IMPORT.test('import type { APIUser } from "discord-api-types/v10";')).toBe(true);
    expect(DISCORD_IMPORT.test('import { stemmer } from "stemmer";')).toBe(false);
  });
});

/** What the guild store's tests share: temp data folders (removed after each test), ids, inputs and entries. */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { AuditEntry, DocumentInput } from "../../src/core/guilds/store.js";

export const GUILD = "123456789012345678";
export const OTHER = "876543210987654321";
export const USER = "111111111111111111";

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** A function returning a fresh temporary folder, each removed after the test that made it. */
export function useTempDirs(prefix = "verbatim-guild-store-"): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

export function input(title: string | null, text: string, extra: Partial<DocumentInput["source"]> = {}): DocumentInput {
  return {
    source: { title, publisher: "Example Press", author: null, date: "2024-05-01", url: null, path: null, ...extra },
    text,
    addedBy: USER,
  };
}

export function entry(guildId: string, action: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { at: new Date().toISOString(), guildId, userId: USER, action, outcome: "ok", ...extra };
}

export const docsDir = (dir: string, guildId = GUILD) => join(dir, "guilds", guildId, "documents");

/**
 * Store layout versions and the migrations between them. MIGRATIONS[n] turns a version-n layout into version n+1; each
 * step must be safe to re-run after a crash, because schema.json is only rewritten once the step has finished.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { type Disk, replaceDurably } from "../storage/durable.js";
import type { LoadProblem } from "../types.js";
import { listDir, quarantine, readIfExists } from "./files.js";
import {
  DEFAULT_SETTINGS,
  DOCUMENT_ID,
  GuildStoreError,
  SNOWFLAKE,
  SettingsPatchSchema,
  type GuildSettings,
  type StoredDocument,
  describeIssues,
  documentIdFor,
  isoTime,
  jsonAs,
  sha256,
} from "./schema.js";

export const STORE_SCHEMA_VERSION = 1;
const FORMAT = "verbatim-guilds";
const SchemaFileSchema = z.object({ format: z.literal(FORMAT), version: z.number().int().min(0) });

type Migration = (disk: Disk, root: string, problems: LoadProblem[]) => Promise<void>;

/**
 * Version 0 (before this module): per guild, one `documents.json` holding `{ "documents": [{ id, source, text,
 * addedBy, addedAt }] }` (no hash; ids not guaranteed file-safe) and a `settings.json` that may lack newer keys.
 * Each document becomes its own file, keeping its id when that is safe and unused (otherwise a deterministic new one,
 * so a re-run after a crash writes the same files); the old file is kept as `documents.v0.json`.
 */
const LegacySourceSchema = z.object({
  title: z.string().nullable().optional(),
  publisher: z.string().nullable().optional(),
  author: z.string().nullable().optional(),
  date: z.string().nullable().optional(),
  dateInferred: z.boolean().optional(),
  url: z.string().nullable().optional(),
  path: z.string().nullable().optional(),
});
const LegacyDocumentSchema = z.object({
  id: z.string(),
  source: LegacySourceSchema.optional(),
  title: z.string().nullable().optional(),
  text: z.string(),
  addedBy: z.string().min(1).max(100).optional(),
  addedAt: isoTime.optional(),
});
const LegacyFileSchema = z.object({ documents: z.array(z.unknown()) });

async function migrateV0toV1(disk: Disk, root: string, problems: LoadProblem[]): Promise<void> {
  for (const guildId of await listDir(root)) {
    if (!SNOWFLAKE.test(guildId)) continue;
    const dir = join(root, guildId);
    if (!(await stat(dir)).isDirectory()) continue;

    const legacyPath = join(dir, "documents.json");
    const legacyBytes = await readIfExists(legacyPath);
    if (legacyBytes !== null) {
      const legacy = jsonAs(LegacyFileSchema, legacyBytes);
      if (legacy === null) {
        await quarantine(disk, dir, legacyPath, "version-0 documents file is unreadable", problems);
      } else {
        const docsDir = join(dir, "documents");
        await disk.mkdir(docsDir);
        await disk.syncDir(dir);
        const used = new Set<string>();
        for (const [index, raw] of legacy.documents.entries()) {
          const parsed = LegacyDocumentSchema.safeParse(raw);
          if (!parsed.success) {
            problems.push({
              path: legacyPath,
              reason: `document ${index + 1} is not valid (${describeIssues(parsed.error)}); kept only in documents.v0.json`,
            });
            continue;
          }
          const old = parsed.data;
          const source = {
            title: old.source?.title ?? old.title ?? null,
            publisher: old.source?.publisher ?? null,
            author: old.source?.author ?? null,
            date: old.source?.date ?? null,
            ...(old.source?.dateInferred === undefined ? {} : { dateInferred: old.source.dateInferred }),
            url: old.source?.url ?? null,
            path: old.source?.path ?? null,
          };
          const id =
            DOCUMENT_ID.test(old.id) && !used.has(old.id)
              ? old.id
              : documentIdFor(source, sha256(`${index}:${old.id}`).slice(0, 8));
          used.add(id);
          const document: StoredDocument = {
            id,
            source: { id, ...source },
            text: old.text,
            hash: sha256(old.text),
            addedBy: old.addedBy ?? "unknown",
            addedAt: old.addedAt ?? new Date(0).toISOString(),
          };
          await replaceDurably(disk, join(docsDir, `${id}.json`), JSON.stringify({ seq: index, document }));
        }
        await disk.rename(legacyPath, join(dir, "documents.v0.json"));
        await disk.syncDir(dir);
      }
    }

    const settingsPath = join(dir, "settings.json");
    const settingsBytes = await readIfExists(settingsPath);
    if (settingsBytes !== null) {
      const patch = jsonAs(SettingsPatchSchema, settingsBytes);
      const settings: GuildSettings | null = patch === null ? null : { ...DEFAULT_SETTINGS, ...patch };
      if (settings === null)
        await quarantine(disk, dir, settingsPath, "version-0 settings file is unreadable", problems);
      else await replaceDurably(disk, settingsPath, JSON.stringify(settings, null, 2));
    }
  }
}

const MIGRATIONS: readonly Migration[] = [migrateV0toV1];
if (MIGRATIONS.length !== STORE_SCHEMA_VERSION)
  throw new GuildStoreError("a migration is missing for the store schema version");

export async function writeSchema(disk: Disk, root: string, version = STORE_SCHEMA_VERSION): Promise<void> {
  await replaceDurably(disk, join(root, "schema.json"), `${JSON.stringify({ format: FORMAT, version })}\n`);
}

/** The layout's version: from schema.json; without it, 0 if guild folders exist (written before versioning), else new. */
async function layoutVersion(root: string): Promise<number | null> {
  const path = join(root, "schema.json");
  const bytes = await readIfExists(path);
  if (bytes !== null) {
    const schema = jsonAs(SchemaFileSchema, bytes);
    // Guessing a version could run the wrong migration over people's documents: refuse instead.
    if (schema === null)
      throw new GuildStoreError(
        `${path} is unreadable; restore it (e.g. {"format":"${FORMAT}","version":${STORE_SCHEMA_VERSION}})`,
      );
    return schema.version;
  }
  const guilds = (await listDir(root)).filter((name) => SNOWFLAKE.test(name));
  return guilds.length > 0 ? 0 : null;
}

/**
 * Brings the layout under `root` to STORE_SCHEMA_VERSION, or refuses. Resolves with whether the store is new: its
 * schema.json is then written by the first write to it, so opening never writes to a disk that may be read-only.
 */
export async function migrate(disk: Disk, root: string, problems: LoadProblem[]): Promise<{ fresh: boolean }> {
  let version = await layoutVersion(root);
  if (version === null) return { fresh: true };
  if (version > STORE_SCHEMA_VERSION) {
    throw new GuildStoreError(
      `${root} has store schema version ${version}, newer than this build understands (${STORE_SCHEMA_VERSION})`,
    );
  }
  while (version < STORE_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new GuildStoreError(`no migration from store schema version ${version}`);
    await step(disk, root, problems);
    version += 1;
    await writeSchema(disk, root, version);
  }
  return { fresh: false };
}

/**
 * `npm run export` and `npm run import`: a server's stored data (documents, settings, audit trail, questions, answers,
 * votes, exclusions and pins) moved between the file store and PostgreSQL, verified by content hashes. How an
 * operator switches from files to PostgreSQL (stop the bot first):
 *
 *   npm run export -- --from files verbatim.dump          every server under DATA_DIR (and the DMs' feedback)
 *   npm run import -- --to postgres verbatim.dump         into DATABASE_URL; read back and compared, digest by digest
 *
 * `--guild ID` (repeatable) exports only those servers ("dm" for the DMs' feedback). Without --from/--to, the
 * configured store: PostgreSQL when DATABASE_URL is set, else files.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { configOrReport, loadStoreConfig } from "../config.js";
import { DumpError, exportStores, importStores } from "../core/index.js";
import { openStores, storeKind, type StoreKind } from "./stores.js";

const USAGE = {
  export: "usage: npm run export -- [--from files|postgres] [--guild ID]... FILE",
  import: "usage: npm run import -- [--to files|postgres] FILE",
};

export async function runTransfer(mode: "export" | "import", argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { from: { type: "string" }, to: { type: "string" }, guild: { type: "string", multiple: true } },
    });
  } catch (error) {
    process.stderr.write(`${mode}: ${(error as Error).message}\n${USAGE[mode]}\n`);
    return 2;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    process.stderr.write(`${USAGE[mode]}\n`);
    return 2;
  }
  const config = configOrReport(loadStoreConfig, mode);
  if (config === null) return 1;
  const kind = storeKind(mode === "export" ? parsed.values.from : parsed.values.to, config);
  if (kind !== "files" && kind !== "postgres") {
    process.stderr.write(`${mode}: --${mode === "export" ? "from" : "to"} ${kind}\n`);
    return 2;
  }
  const stores = await openStores(kind as StoreKind, config);
  try {
    if (mode === "export") {
      // Written beside, then renamed: a dump that exists is a whole one.
      const temp = `${file}.partial`;
      const out = createWriteStream(temp);
      const write = (line: string) =>
        new Promise<void>((resolve, reject) => {
          if (out.write(line)) resolve();
          else out.once("drain", resolve).once("error", reject);
        });
      const result = await exportStores(stores, write, parsed.values.guild);
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      await rename(temp, file);
      const counts = Object.entries(result.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ");
      process.stdout.write(
        `export: ${result.scopes.length} scopes from ${kind} to ${file} (${counts || "nothing stored"})\n` +
          result.scopes.map((scope) => `  ${scope} sha256 ${result.digests[scope]}\n`).join(""),
      );
      return 0;
    }
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    const report = await importStores(stores, lines);
    process.stdout.write(
      `import: ${report.scopes.length} scopes into ${kind}, ${report.records} records, verified\n` +
        report.scopes.map((scope) => `  ${scope} sha256 ${report.digests[scope]} (matches the dump)\n`).join(""),
    );
    return 0;
  } catch (error) {
    if (error instanceof DumpError || (error as NodeJS.ErrnoException).code === "ENOENT") {
      process.stderr.write(`${mode}: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await stores.close();
  }
}

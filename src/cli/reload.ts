/**
 * `npm run reload`: the operator's reload without Discord. Brings the saved index of the bundled corpus (CORPUS_DIR,
 * DATA_DIR) up to date with the folder and prints what changed. A running bot picks the change up at its next start or
 * with /operator reload.
 */
import { configOrReport, loadCoreConfig } from "../config.js";
import { Library, lockDataDir } from "../core/index.js";
import { forTerminal } from "./format.js";
import { reportLines, wordsReport } from "./report.js";

async function main(): Promise<number> {
  const config = configOrReport(loadCoreConfig, "reload");
  if (config === null) return 1;
  const verbose = process.argv.includes("--verbose") || process.argv.includes("-v");
  // The saved index belongs to whoever holds DATA_DIR: a running bot reloads with /operator reload instead.
  const lock = await lockDataDir(config.dataDir);
  const { library, report } = await Library.open({ corpusDir: config.corpusDir, dataDir: config.dataDir });
  library.close();
  await lock.release();
  for (const line of reportLines("reload", report)) process.stderr.write(forTerminal(`${line}\n`));
  if (verbose)
    for (const line of wordsReport("reload", library.documentWords())) process.stderr.write(forTerminal(`${line}\n`));
  if (report.saveFailed !== undefined)
    process.stderr.write(forTerminal(`reload: could not save the index (${report.saveFailed})\n`));
  const { diff } = report;
  const list = (items: string[]) => (items.length === 0 ? "none" : items.join(", "));
  process.stdout.write(
    forTerminal(
      `${config.corpusDir}: ${library.stats().documents} documents, ${diff.passagesAfter} passages (index ${report.index}, ${report.ms} ms)\n` +
        `added: ${list(diff.added)}\nchanged: ${list(diff.changed)}\nremoved: ${list(diff.removed)}\npassages: ${diff.passagesBefore} → ${diff.passagesAfter}\n`,
    ),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`reload: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

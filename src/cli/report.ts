/**
 * The load report the CLI prints on standard error: every file skipped or refused with its reason, the root README
 * left out as the folder's description, and (verbose) each document with the share of its words that cleaning kept.
 * Also the progress line shown on a terminal while a corpus is indexed.
 */
import { createHash } from "node:crypto";
import { realpath, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DocumentWords, OpenReport } from "../core/index.js";
import { forTerminal } from "./format.js";

/** Lines of the load report (without the verbose part), each prefixed with `prefix: `. */
export function reportLines(
  prefix: string,
  report: Pick<OpenReport, "problems" | "skipped" | "readme" | "discarded">,
): string[] {
  const lines: string[] = [];
  for (const p of report.skipped) lines.push(`${prefix}: ${forTerminal(p.path)}: skipped: ${p.reason}`);
  for (const p of report.problems) lines.push(`${prefix}: ${forTerminal(p.path)}: ${p.reason}`);
  if (report.readme !== null) {
    lines.push(
      `${prefix}: ${forTerminal(report.readme)}: skipped: the folder's own README (describes the corpus, not part of it)`,
    );
  }
  if (report.discarded !== undefined) lines.push(`${prefix}: saved index not used (${report.discarded}); rebuilt`);
  return lines;
}

const percent = (kept: number, total: number): string =>
  total === 0 ? "  n/a" : `${((100 * kept) / total).toFixed(1).padStart(5)} %`;

/** The verbose report: each document's share of words kept, then the corpus's. */
export function wordsReport(prefix: string, documents: readonly DocumentWords[]): string[] {
  let total = 0;
  let kept = 0;
  const lines = documents.map((d) => {
    total += d.total;
    kept += d.kept;
    return `${prefix}: ${percent(d.kept, d.total)} of ${String(d.total).padStart(6)} words kept  ${forTerminal(d.path ?? d.title ?? "")}`;
  });
  lines.push(`${prefix}: ${percent(kept, total)} of ${total} words kept in ${documents.length} documents`);
  return lines;
}

/** A progress line on a terminal (rewritten in place), shown once indexing has taken a second; silent elsewhere. */
export function progressLine(
  stream: NodeJS.WriteStream,
  enabled: boolean,
): {
  update: (progress: { done: number; total: number }) => void;
  end: () => void;
} {
  const started = performance.now();
  let last = 0;
  let shown = false;
  const active = enabled && stream.isTTY === true;
  return {
    update({ done, total }) {
      if (!active) return;
      const now = performance.now();
      if (now - started < 1000 || (now - last < 200 && done < total)) return;
      last = now;
      shown = true;
      stream.write(`\r\u001b[2Kindexing: ${done}/${total} files`);
    },
    end() {
      if (shown) stream.write("\r\u001b[2K");
    },
  };
}

/**
 * A corpus folder given on the command line: resolved from where the command was run, checked to be a folder, and
 * the place its own saved index lives (keyed by a hash of its real path, so `dir` and `dir/` share one index and a
 * long path never makes a file name too long). Returns a one-line error instead when it is not a folder.
 */
export async function corpusFolder(
  given: string,
  callerDir: string,
  dataDir: string,
): Promise<{ dir: string; dataDir: string } | { error: string }> {
  const dir = resolve(callerDir, given);
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    return {
      error:
        info.code === "ENOENT"
          ? `--corpus ${given}: no such folder`
          : `--corpus ${given}: cannot read it (${info.code ?? info.message})`,
    };
  }
  if (!info.isDirectory()) return { error: `--corpus ${given}: not a folder` };
  const real = await realpath(dir);
  const key = createHash("sha256").update(real).digest("hex").slice(0, 32);
  return { dir: real, dataDir: join(dataDir, "corpora", key) };
}

/**
 * `npm run bench -- --size 100k [--json] [--questions 1000] [--seed 1]`
 *
 * Compares every system in bench/systems/index.ts on the same seeded corpus: build time and speed,
 * memory, saved index size and start-up from it, answer latency, and each figure's ratio to
 * MiniSearch. Each system runs in fresh child processes (bench/child.ts), one after the other.
 *
 * A size that is not expected to fit in memory or in the time budget is reported as skipped with
 * the reason. The estimate extrapolates from this system's last result at a smaller size (kept in
 * bench-out/results/), or from a quick calibration run at a tenth of the size when there is none.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ChildMessage, LoadReport, LoadTask, RunReport, RunTask } from "./child.js";
import { availableMemory, machineInfo } from "./measure.js";
import {
  METHOD,
  corpusWarnings,
  figuresOf,
  formatSeconds,
  ratiosOf,
  renderText,
  type BenchResult,
  type SystemResult,
} from "./report.js";
import { BASELINE, SYSTEMS, findSystem } from "./systems/index.js";
import type { SystemEntry } from "./systems/types.js";
import { estimateFit, skipReason, type StoredResult } from "./estimate.js";
import { SIZES } from "./workload.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const OUT_DIR = join(HERE, "..", "bench-out");
const RESULTS_DIR = join(OUT_DIR, "results");
const CHILD = join(HERE, "child.ts");

const USAGE = `usage: npm run bench -- [--size 10k|100k|1m] [--json] [--questions N] [--seed N]
       [--systems MiniSearch,...] [--budget-min M] [--max-heap-mb MB] [--no-warmup] [--keep-index]`;

interface Settings {
  size: string;
  passages: number;
  json: boolean;
  questions: number;
  seed: number;
  systems: SystemEntry[];
  /** Wall-clock budget per system (its run and load processes together), minutes. */
  budgetMin: number;
  /** --max-old-space-size given to the child processes. */
  maxHeapMb: number;
  warmup: boolean;
  keepIndex: boolean;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: "string", default: "10k" },
      json: { type: "boolean", default: false },
      questions: { type: "string", default: "1000" },
      seed: { type: "string", default: "1" },
      systems: { type: "string" },
      "budget-min": { type: "string", default: "60" },
      "max-heap-mb": { type: "string" },
      "no-warmup": { type: "boolean", default: false },
      "keep-index": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const size = values.size.toLowerCase();
  const passages = SIZES[size];
  if (passages === undefined)
    problems.push(`--size must be one of ${Object.keys(SIZES).join(", ")} (got "${values.size}")`);
  const integer = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) problems.push(`--${name} must be an integer ≥ ${min} (got "${text}")`);
    return n;
  };
  const questions = integer("questions", values.questions, 1);
  const seed = integer("seed", values.seed, 0);
  const budgetMin = Number(values["budget-min"]);
  if (!(budgetMin > 0))
    problems.push(`--budget-min must be a positive number of minutes (got "${values["budget-min"]}")`);
  const defaultHeapMb = Math.floor((totalmem() / 1024 ** 2) * 0.85);
  const maxHeapMb =
    values["max-heap-mb"] === undefined ? defaultHeapMb : integer("max-heap-mb", values["max-heap-mb"], 256);
  let systems: SystemEntry[] = [...SYSTEMS];
  if (values.systems) {
    try {
      systems = values.systems.split(",").map((s) => findSystem(s.trim()));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) {
    console.error(`${problems.map((p) => `bench: ${p}`).join("\n")}\n${USAGE}`);
    process.exit(2);
  }
  return {
    size,
    passages: passages as number,
    json: values.json,
    questions,
    seed,
    systems,
    budgetMin,
    maxHeapMb,
    warmup: !values["no-warmup"],
    keepIndex: values["keep-index"],
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes

/** What to clean up if the run is interrupted (Ctrl-C, SIGTERM): the running child and the index directory. */
const running: { child: ChildProcess | null; dir: string | null; keepIndex: boolean } = {
  child: null,
  dir: null,
  keepIndex: false,
};

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    running.child?.kill("SIGKILL");
    if (running.dir && !running.keepIndex) rmSync(running.dir, { recursive: true, force: true });
    process.stderr.write(`bench: interrupted by ${signal}\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

class ChildFailure extends Error {
  override name = "ChildFailure";
}

/** Runs one task in a fresh process; rejects with a readable reason on error, crash, out-of-memory or timeout. */
function runChild<R>(
  task: RunTask | LoadTask,
  settings: Settings,
  timeoutMs: number,
): Promise<{ report: R; processMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: ["--expose-gc", `--max-old-space-size=${settings.maxHeapMb}`, "--import", "tsx"],
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    running.child = child;
    let stderrTail = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      if (!settings.json) process.stderr.write(text);
      stderrTail = (stderrTail + text).slice(-4000);
    });
    let message: ChildMessage | null = null;
    child.on("message", (m: ChildMessage) => {
      message = m;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new ChildFailure(
          `${task.system} ${task.task} exceeded the time budget (${formatSeconds(timeoutMs / 1000)}; raise --budget-min)`,
        ),
      );
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      running.child = null;
      const processMs = performance.now() - started;
      const m = message as ChildMessage | null;
      if (m?.ok) resolve({ report: m.report as R, processMs });
      else if (m)
        reject(new ChildFailure(`${task.system} ${task.task} failed: ${m.error.split("\n").slice(0, 4).join(" | ")}`));
      else if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderrTail)) {
        reject(
          new ChildFailure(
            `${task.system} ${task.task} ran out of memory (heap limit ${settings.maxHeapMb} MB; --max-heap-mb)`,
          ),
        );
      } else
        reject(
          new ChildFailure(
            `${task.system} ${task.task} exited with ${signal ?? `code ${code}`}: ${stderrTail.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
    });
    child.send(task);
  });
}

// ---------------------------------------------------------------------------------------------
// Stored results and the fit estimate

function storeResult(result: StoredResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = `${result.system.toLowerCase()}-${result.passages}${result.calibration ? "-calibration" : ""}.json`;
  writeFileSync(join(RESULTS_DIR, name), `${JSON.stringify(result, null, 2)}\n`);
}

/** This system's stored result at the largest size below `passages`, if any. */
function priorResult(system: string, passages: number): StoredResult | null {
  let best: StoredResult | null = null;
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS_DIR);
  } catch {
    return null;
  }
  for (const file of files) {
    if (!file.startsWith(`${system.toLowerCase()}-`) || !file.endsWith(".json")) continue;
    try {
      const r = JSON.parse(readFileSync(join(RESULTS_DIR, file), "utf8")) as StoredResult;
      if (r.system === system && r.passages < passages && r.passages >= (best?.passages ?? 0)) best = r;
    } catch {
      // An unreadable result file only means no estimate from it.
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------

function log(settings: Settings, message: string): void {
  if (!settings.json) process.stderr.write(`${message}\n`);
}

async function benchSystem(entry: SystemEntry, settings: Settings): Promise<SystemResult> {
  const budgetMs = settings.budgetMin * 60_000;
  let prior = priorResult(entry.name, settings.passages);
  const calibrationSize = Math.max(10_000, Math.floor(settings.passages / 10));
  if (!prior && settings.passages > calibrationSize) {
    log(
      settings,
      `${entry.name}: no result at a smaller size yet; calibrating at ${calibrationSize.toLocaleString("en")} passages`,
    );
    const questions = Math.min(settings.questions, 200);
    try {
      const { report } = await runChild<RunReport>(
        {
          task: "run",
          system: entry.name,
          seed: settings.seed,
          passages: calibrationSize,
          questions,
          warmup: false,
          saveDir: null,
          probes: 0,
        },
        settings,
        budgetMs,
      );
      prior = {
        system: entry.name,
        passages: calibrationSize,
        questions,
        warmup: false,
        calibration: true,
        run: report,
        load: null,
      };
      storeResult(prior);
    } catch (error) {
      return {
        status: "skipped",
        reason: `calibration at ${calibrationSize.toLocaleString("en")} passages failed: ${(error as Error).message}`,
      };
    }
  }
  if (prior) {
    const availableBytes = Math.min(availableMemory(), settings.maxHeapMb * 1024 ** 2);
    const reason = skipReason(estimateFit(prior, settings.passages, settings), {
      availableBytes,
      budgetMin: settings.budgetMin,
    });
    if (reason) return { status: "skipped", reason };
  }

  mkdirSync(OUT_DIR, { recursive: true });
  const dir = mkdtempSync(join(OUT_DIR, `index-${entry.name.toLowerCase()}-${settings.size}-`));
  running.dir = dir;
  running.keepIndex = settings.keepIndex;
  const started = performance.now();
  try {
    log(settings, `${entry.name}: building and answering (${settings.passages.toLocaleString("en")} passages)`);
    const { report: run } = await runChild<RunReport>(
      {
        task: "run",
        system: entry.name,
        seed: settings.seed,
        passages: settings.passages,
        questions: settings.questions,
        warmup: settings.warmup,
        saveDir: dir,
        probes: 20,
      },
      settings,
      budgetMs,
    );
    log(settings, `${entry.name}: starting from the saved index in a fresh process`);
    let load: (LoadReport & { processMs: number }) | null = null;
    let loadCheck: string | null = null;
    try {
      const remaining = Math.max(60_000, budgetMs - (performance.now() - started));
      const { report, processMs } = await runChild<LoadReport>(
        { task: "load", system: entry.name, dir, probes: run.probes },
        settings,
        remaining,
      );
      load = { ...report, processMs };
      if (report.probesMatched !== report.probesTotal) {
        loadCheck = `the reloaded index answered ${report.probesMatched} of ${report.probesTotal} check questions like the built one`;
      }
    } catch (error) {
      loadCheck = `starting from the saved index failed: ${(error as Error).message}`;
    }
    storeResult({
      system: entry.name,
      passages: settings.passages,
      questions: settings.questions,
      warmup: settings.warmup,
      calibration: false,
      run,
      load,
    });
    return { status: "ok", figures: figuresOf(run, load), run, load, loadCheck };
  } catch (error) {
    if (error instanceof ChildFailure) return { status: "failed", reason: error.message };
    throw error;
  } finally {
    if (!settings.keepIndex) rmSync(dir, { recursive: true, force: true });
    running.dir = null;
  }
}

async function main(): Promise<void> {
  const settings = parseSettings(process.argv.slice(2));
  const machine = machineInfo();
  log(settings, `Machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);
  const systems: Record<string, SystemResult> = {};
  for (const entry of settings.systems) systems[entry.name] = await benchSystem(entry, settings);
  const firstRun = Object.values(systems).find((r) => r.status === "ok");
  const result: BenchResult = {
    size: settings.size,
    targetPassages: settings.passages,
    seed: settings.seed,
    questions: settings.questions,
    machine,
    corpus: firstRun?.status === "ok" ? firstRun.run.corpus : null,
    systems,
    ratios: ratiosOf(systems, BASELINE),
    warnings: corpusWarnings(systems),
    method: METHOD,
  };
  if (settings.json) {
    // The per-run details stay in bench-out/results; the printed object keeps figures, not probes.
    const printable = {
      ...result,
      systems: Object.fromEntries(
        Object.entries(systems).map(([name, r]) => [
          name,
          r.status === "ok"
            ? {
                status: r.status,
                figures: r.figures,
                loadCheck: r.loadCheck,
                run: { ...r.run, probes: undefined },
                load: r.load,
              }
            : r,
        ]),
      ),
    };
    console.log(JSON.stringify(printable, null, 2));
  } else console.log(`\n${renderText(result)}`);
}

await main();

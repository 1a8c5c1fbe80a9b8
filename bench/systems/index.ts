/**
 * The systems `npm run bench` compares, in the order they run. Each runs alone in a fresh child
 * process; ratios in the report are the first system over "MiniSearch".
 */
import { flexSearchSystem } from "./flexsearch.js";
import { miniSearchSystem } from "./minisearch.js";
import type { SystemEntry } from "./types.js";
import { verbatimSystem } from "./verbatim.js";

export const SYSTEMS: readonly SystemEntry[] = [verbatimSystem, miniSearchSystem, flexSearchSystem];

/** The system the others are compared against. */
export const BASELINE = "MiniSearch";

export function findSystem(name: string): SystemEntry {
  const entry = SYSTEMS.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!entry) throw new Error(`bench: unknown system "${name}" (known: ${SYSTEMS.map((s) => s.name).join(", ")})`);
  return entry;
}

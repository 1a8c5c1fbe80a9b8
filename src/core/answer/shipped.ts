/**
 * The data files the answer stages ship in src/core/answer/data/ (word vectors, word relations, the answer model),
 * found from src/core (tsx, tests) or from dist/ (the bundled CLIs), read once on first use.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function shippedPath(file: string): string | null {
  for (const relative of [`./data/${file}`, `../src/core/answer/data/${file}`]) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * A reader of `file` that parses it once with `parse` and then returns the same value; `otherwise` when the file is
 * missing or `parse` throws (the answer stages then work without it).
 */
export function shippedFile<T>(file: string, parse: (bytes: Buffer) => T, otherwise: T): () => T {
  let value: { v: T } | undefined;
  return () => {
    if (value === undefined) {
      const path = shippedPath(file);
      try {
        value = { v: path === null ? otherwise : parse(readFileSync(path)) };
      } catch {
        value = { v: otherwise };
      }
    }
    return value.v;
  };
}

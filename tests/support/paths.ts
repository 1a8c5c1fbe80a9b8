/** Paths every test resolves from the repository root, never from one machine's layout. */
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
/** The bundled corpus. */
export const BUNDLED_CORPUS = join(REPO_ROOT, "corpus");
/** Shared material sits beside the repository (`../shared` from its root), in CI as on a developer's machine. */
export const SHARED = resolve(REPO_ROOT, "../shared");
export const SEEDS_DIR = join(SHARED, "seeds");

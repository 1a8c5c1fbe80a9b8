/**
 * Timing for the linearity tests (time on adversarial input against ordinary input of the same length, in one run):
 * the best of several trials, since a shared machine's noise only ever adds time.
 */

/** The best of `trials` trials of `runs` calls of `f`, in milliseconds, after one warm-up call. */
export function bestTime(f: () => void, runs = 1, trials = 5): number {
  f();
  let best = Infinity;
  for (let trial = 0; trial < trials; trial++) {
    const t = performance.now();
    for (let i = 0; i < runs; i++) f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/**
 * Per-user cooldown. Pure apart from the injectable clock. Memory stays bounded: every entry has the
 * same lifetime, so the Map's insertion order is expiry order (an entry is re-inserted on each hit)
 * and expired entries are dropped from the front (at most once a second); `maxEntries` caps the rest.
 */

export type CooldownCheck = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface Cooldown {
  /** Whether `userId` may go ahead now. Does not start a cooldown. */
  check(userId: string): CooldownCheck;
  /** Starts (or restarts) `userId`'s cooldown. */
  hit(userId: string): void;
  /** Entries currently held, for tests and metrics. */
  readonly size: number;
}

export interface CooldownOptions {
  /** Length of the cooldown; 0 turns it off. */
  seconds: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Most users tracked at once; the oldest are forgotten first (default 10,000). */
  maxEntries?: number;
}

export function createCooldown({ seconds, now = Date.now, maxEntries = 10_000 }: CooldownOptions): Cooldown {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`cooldown seconds must be ≥ 0, got ${seconds}`);
  const durationMs = seconds * 1000;
  /** userId → time the cooldown ends. */
  const until = new Map<string, number>();

  let nextSweep = 0;

  /** Drops expired entries, at most once a second (sweeping on every hit costs more than it saves). */
  function evictExpired(at: number): void {
    if (at < nextSweep) return;
    nextSweep = at + 1000;
    for (const [userId, end] of until) {
      if (end > at) break;
      until.delete(userId);
    }
  }

  return {
    check(userId) {
      const end = until.get(userId);
      const at = now();
      if (end === undefined || end <= at) return { ok: true };
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((end - at) / 1000)) };
    },
    hit(userId) {
      if (durationMs === 0) return;
      const at = now();
      evictExpired(at);
      until.delete(userId);
      until.set(userId, at + durationMs);
      while (until.size > maxEntries) {
        const oldest = until.keys().next().value as string;
        until.delete(oldest);
      }
    },
    get size() {
      return until.size;
    },
  };
}

/** Per-server cooldown lengths share one tracker per length, so a user's wait is the same wherever it is checked. */
export class Cooldowns {
  private readonly bySeconds = new Map<number, Cooldown>();
  constructor(private readonly defaultSeconds: number) {}
  for(seconds: number | null | undefined): Cooldown {
    const s = seconds ?? this.defaultSeconds;
    let cooldown = this.bySeconds.get(s);
    if (cooldown === undefined) {
      cooldown = createCooldown({ seconds: s });
      this.bySeconds.set(s, cooldown);
    }
    return cooldown;
  }
}

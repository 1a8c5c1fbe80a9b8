/**
 * /stats kept up to date as questions are recorded, in bounded memory, so it never rereads the question log: counts
 * per hour, and per day the questions it could not answer most often (a Space-Saving summary: exact while a day has
 * at most CAPACITY different unanswered questions; past that, any question asked more than 1/CAPACITY of the day's
 * unanswered questions is still found). Counts shown are the guaranteed ones, never more than the truth. A question
 * asked privately is counted, never kept as text.
 */
import type { QuestionRecord } from "./schema.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Different unanswered questions remembered per day. */
const CAPACITY = 256;

export interface QuestionWindow {
  days: number;
  answered: number;
  abstained: number;
}

export interface QuestionStats {
  /** Questions answered and not, over each window (7 and 30 days). */
  windows: QuestionWindow[];
  /** The unanswered questions asked most often over the longest window, most asked first. */
  gaps: { question: string; count: number }[];
  /** Unanswered questions over the longest window that were asked privately: counted, never shown. */
  privateAbstained: number;
}

interface HourCounts {
  answered: number;
  abstained: number;
  privateAbstained: number;
}

interface Gap {
  question: string;
  count: number;
  /** How much `count` may overstate (the count it inherited when it replaced another question); 0 = exact. */
  error: number;
}

/** Questions that are the same but for case, spacing and punctuation count as one. */
export function gapKey(question: string): string {
  return question
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Space-Saving over at most CAPACITY keys: a new key past that replaces one of the least counted and inherits its count
 * as its possible overcount (`error`). Counts are kept in buckets (the stream-summary layout), so every step is O(1).
 */
class GapSummary {
  readonly gaps = new Map<string, Gap>();
  /** Keys by count. */
  private readonly buckets = new Map<number, Set<string>>();
  private least = 0;

  private place(key: string, count: number): void {
    let bucket = this.buckets.get(count);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(count, bucket);
    }
    bucket.add(key);
  }

  private unplace(key: string, count: number): void {
    const bucket = this.buckets.get(count);
    bucket?.delete(key);
    if (bucket !== undefined && bucket.size === 0) this.buckets.delete(count);
  }

  add(key: string, question: string): void {
    const known = this.gaps.get(key);
    if (known !== undefined) {
      this.unplace(key, known.count);
      known.count++;
      this.place(key, known.count);
      if (!this.buckets.has(this.least)) this.least++;
      return;
    }
    if (this.gaps.size < CAPACITY) {
      this.gaps.set(key, { question, count: 1, error: 0 });
      this.place(key, 1);
      this.least = 1;
      return;
    }
    const bucket = this.buckets.get(this.least) as Set<string>;
    const evicted = bucket.values().next().value as string;
    this.unplace(evicted, this.least);
    this.gaps.delete(evicted);
    const count = this.least + 1;
    this.gaps.set(key, { question, count, error: this.least });
    this.place(key, count);
    if (!this.buckets.has(this.least)) this.least = count;
  }
}

export class QuestionTally {
  private readonly hours = new Map<number, HourCounts>();
  private readonly days = new Map<number, GapSummary>();

  constructor(private readonly retentionMs: number) {}

  /** Counts a question; `at` is `record.at` in epoch milliseconds, when the caller already has it. */
  add(record: QuestionRecord, at = Date.parse(record.at)): void {
    if (Number.isNaN(at)) return;
    const hour = Math.floor(at / HOUR);
    let counts = this.hours.get(hour);
    if (counts === undefined) {
      counts = { answered: 0, abstained: 0, privateAbstained: 0 };
      this.hours.set(hour, counts);
      // A new hour is when old ones may have expired (cheap to check here, at most once an hour per server).
      this.expire(at);
    }
    if (record.answered) counts.answered++;
    else counts.abstained++;
    if (record.answered) return;
    if (record.private === true) {
      counts.privateAbstained++;
      return;
    }
    const day = Math.floor(at / DAY);
    let summary = this.days.get(day);
    if (summary === undefined) {
      summary = new GapSummary();
      this.days.set(day, summary);
    }
    summary.add(gapKey(record.question), record.question);
  }

  /** Forgets what is older than the retention (and a day's margin). */
  private expire(now: number): void {
    const oldestHour = Math.floor((now - this.retentionMs) / HOUR) - 24;
    for (const hour of this.hours.keys()) if (hour < oldestHour) this.hours.delete(hour);
    const oldestDay = Math.floor((now - this.retentionMs) / DAY) - 1;
    for (const day of this.days.keys()) if (day < oldestDay) this.days.delete(day);
  }

  /** The figures over each window ending `now` (whole hours for the counts, whole days for the gaps). */
  stats(now: number, windowDays: readonly number[] = [7, 30], top = 5): QuestionStats {
    this.expire(now);
    const longest = Math.max(...windowDays);
    const windows = windowDays.map((days) => {
      const from = Math.floor((now - days * DAY) / HOUR);
      let answered = 0;
      let abstained = 0;
      for (const [hour, counts] of this.hours) {
        if (hour < from) continue;
        answered += counts.answered;
        abstained += counts.abstained;
      }
      return { days, answered, abstained };
    });
    const fromHour = Math.floor((now - longest * DAY) / HOUR);
    let privateAbstained = 0;
    for (const [hour, counts] of this.hours) if (hour >= fromHour) privateAbstained += counts.privateAbstained;
    const fromDay = Math.floor((now - longest * DAY) / DAY);
    // Each question's guaranteed count (what it was asked at least), summed over the days: never overstated.
    const merged = new Map<string, { question: string; count: number }>();
    for (const day of [...this.days.keys()].sort((a, b) => a - b)) {
      if (day < fromDay) continue;
      for (const [key, gap] of (this.days.get(day) as GapSummary).gaps) {
        const sum = merged.get(key);
        if (sum === undefined) merged.set(key, { question: gap.question, count: gap.count - gap.error });
        else sum.count += gap.count - gap.error;
      }
    }
    const gaps = [...merged.values()]
      .filter((gap) => gap.count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, top);
    return { windows, gaps, privateAbstained };
  }
}

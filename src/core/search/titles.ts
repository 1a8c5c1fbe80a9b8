/**
 * Title autocomplete (/source, /corpus remove) on flexsearch: prefix matching on titles and publishers is what its
 * "forward" tokenizer and position-based order are made for, and no score is needed. Discord gives autocomplete no
 * deferral, so a large corpus's title index is built in slices off the event loop; until it is ready, a plain scan
 * answers (a few milliseconds even at 100k titles).
 */
import { Charset, Index } from "flexsearch";
import type { Source } from "../types.js";

const SLICE = 2000;
/** Time the background build takes per turn of the event loop. */
const SLICE_MS = 8;
/** Candidates read per typed word; suggestions come from the shortest such list. */
const CANDIDATES = 2000;

function label(source: Source): string {
  return [source.title, source.publisher, source.author].filter((x): x is string => x !== null && x !== "").join(" ");
}

export class TitleIndex {
  private readonly index = new Index({ tokenize: "forward", encoder: Charset.LatinBalance });
  private built = 0;
  private readonly lowered: string[];

  constructor(private readonly sources: readonly Source[]) {
    this.lowered = sources.map((s) => `${label(s)} ${s.id}`.toLowerCase());
    if (sources.length <= SLICE) this.buildSlice(sources.length);
    else this.buildInBackground();
  }

  private ids: Map<string, number> | null = null;

  private idIndex(): Map<string, number> {
    this.ids ??= new Map(this.sources.map((s, i) => [s.id, i]));
    return this.ids;
  }

  get ready(): boolean {
    return this.built === this.sources.length;
  }

  private buildSlice(count: number): void {
    const end = Math.min(this.sources.length, this.built + count);
    for (let i = this.built; i < end; i++) this.index.add(i, label(this.sources[i] as Source));
    this.built = end;
  }

  /** A few milliseconds of titles at a time, so waiting events (interactions, the gateway) run in between. */
  private buildInBackground(): void {
    const step = () => {
      const until = performance.now() + SLICE_MS;
      while (!this.ready && performance.now() < until) this.buildSlice(64);
      if (!this.ready) setImmediate(step).unref();
    };
    setImmediate(step).unref();
  }

  /** Whether some word of the title (or publisher, author, id) starts with `prefix` (as flexsearch folds it, roughly). */
  private hasWordStarting(i: number, prefix: string): boolean {
    const text = this.lowered[i] as string;
    for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
      if (at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1] as string)) return true;
    }
    return false;
  }

  /** At most `limit` sources matching what the user has typed so far, best first. */
  suggest(typed: string, limit: number): Source[] {
    if (limit <= 0) return [];
    const query = typed.trim();
    if (query === "") return this.sources.slice(0, limit);
    const found = new Set<number>();
    // An exact id typed or pasted always comes first.
    const byId = this.idIndex().get(query);
    if (byId !== undefined) found.add(byId);
    if (this.ready) {
      // flexsearch's own multi-word AND intersects whole posting lists (hundreds of ms for two common prefixes at 250k
      // titles), so each word is looked up alone, the shortest list kept, and every word checked on those candidates.
      const words = query.toLowerCase().split(/\s+/).slice(0, 6);
      let candidates: number[] | null = null;
      for (const word of words) {
        const ids = this.index.search(word, { limit: CANDIDATES }) as number[];
        if (candidates === null || ids.length < candidates.length) candidates = ids;
      }
      for (const id of candidates ?? []) {
        if (found.size >= limit) break;
        if (words.every((w) => this.hasWordStarting(id, w))) found.add(id);
      }
    } else {
      const words = query.toLowerCase().split(/\s+/);
      for (let i = 0; i < this.lowered.length && found.size < limit; i++) {
        const text = this.lowered[i] as string;
        if (words.every((w) => text.includes(w))) found.add(i);
      }
    }
    return [...found].slice(0, limit).map((i) => this.sources[i] as Source);
  }
}

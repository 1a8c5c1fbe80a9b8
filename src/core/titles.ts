/**
 * Title autocomplete (/source, /corpus remove) on flexsearch: prefix matching on titles and publishers is what its
 * "forward" tokenizer and position-based order are made for, and no score is needed. Discord gives autocomplete no
 * deferral, so a large corpus's title index is built in slices off the event loop; until it is ready, a plain scan
 * answers (a few milliseconds even at 100k titles).
 */
import { Charset, Index } from "flexsearch";
import type { Source } from "./types.js";

const SLICE = 2000;

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

  get ready(): boolean {
    return this.built === this.sources.length;
  }

  private buildSlice(count: number): void {
    const end = Math.min(this.sources.length, this.built + count);
    for (let i = this.built; i < end; i++) this.index.add(i, label(this.sources[i] as Source));
    this.built = end;
  }

  private buildInBackground(): void {
    const step = () => {
      this.buildSlice(SLICE);
      if (!this.ready) setImmediate(step).unref();
    };
    setImmediate(step).unref();
  }

  /** At most `limit` sources matching what the user has typed so far, best first. */
  suggest(typed: string, limit: number): Source[] {
    if (limit <= 0) return [];
    const query = typed.trim();
    if (query === "") return this.sources.slice(0, limit);
    const found = new Set<number>();
    // An exact id typed or pasted always comes first.
    const byId = this.sources.findIndex((s) => s.id === query);
    if (byId >= 0) found.add(byId);
    if (this.ready) {
      const ids = this.index.search(query, { limit, suggest: true }) as number[];
      for (const id of ids) found.add(id);
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

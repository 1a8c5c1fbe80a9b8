/**
 * An immutable inverted index over a set of documents' passages, held in typed arrays.
 *
 * Why not flexsearch for this part: flexsearch 0.8 keeps no term frequencies and returns no scores (see
 * shared/notes/flexsearch-0.8.md), so it cannot rank with BM25, and its per-passage memory and 1M-passage latency miss
 * our targets. A compressed-sparse-row layout (term → passages, with a term-frequency byte per posting) is the floor
 * for BM25: a question reads exactly the posting lists of its terms, once. It also saves and loads as raw bytes.
 */
import { analyze } from "./analyze.js";
import { chunkDocument, type ChunkOptions, DEFAULT_CHUNK } from "../ingest/chunk.js";
import type { BlockKind, CorpusDocument, Passage, Source } from "../types.js";
import { itemHead } from "../ingest/structure.js";

/** How many times a list item head's terms count in its passage (a field boost, as a title's words count once more). */
const HEAD_WEIGHT = 2;

/** Per-document facts the segment keeps besides its text. */
export interface SegmentDocument {
  source: Source;
  hash: string;
  /** Article-proper spans, flattened [start0, end0, start1, end1, …]. */
  content: number[];
  /** Words of the stored text (headings aside) and how many cleaning kept, when known (the load report's share). */
  words?: { total: number; kept: number };
}

/** Sentence kinds as stored (one byte each; `BREAK_BEFORE` set when markup separates it from the sentence before). */
export const KIND_CODES: Record<BlockKind, number> = { prose: 0, item: 1, row: 2, code: 3 };
export const BREAK_BEFORE = 0x80;
const KINDS: readonly BlockKind[] = ["prose", "item", "row", "code"];

/** A section path as shown: its headings joined by " › ". */
export const sectionLabel = (section: readonly string[]): string => section.join(" › ");

/** A growable Uint32Array (build-time only). */
class U32List {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/** Everything a segment is made of; saved and loaded as-is. */
export interface SegmentParts {
  docs: SegmentDocument[];
  texts: string[] | TextSource;
  /** Sorted distinct terms. */
  terms: string[] | TermTable;
  termStart: Uint32Array;
  postPassage: Uint32Array;
  postTf: Uint8Array;
  passageDoc: Uint32Array;
  passageStart: Uint32Array;
  passageEnd: Uint32Array;
  /** Indexed length in terms (title included), for BM25 length normalisation. */
  passageLength: Uint16Array;
  /** CSR offsets into `sentenceSpans` (pairs), one entry per passage plus one. */
  sentenceStart: Uint32Array;
  sentenceSpans: Uint32Array;
  /** Per sentence: the kind of block it comes from (`KIND_CODES`); empty means all prose. */
  sentenceKind?: Uint8Array;
  /** Per passage: its section, an index into `sections` (0: none); empty means none. */
  passageSection?: Uint32Array;
  /** Section labels ("Installation › Windows"); index 0 is the empty label. */
  sections?: string[];
  builtAt: string;
}

/** Random access to document texts (an in-memory array, or lazily decoded bytes from a saved segment). */
export interface TextSource {
  get(doc: number): string;
}

/** Sorted term table searched by bisection: loads as one string, no per-term objects. */
export interface TermTable {
  readonly size: number;
  find(term: string): number;
  at(index: number): string;
}

export class ArrayTermTable implements TermTable {
  constructor(private readonly terms: string[]) {}
  get size(): number {
    return this.terms.length;
  }
  at(index: number): string {
    return this.terms[index] ?? "";
  }
  find(term: string): number {
    let lo = 0;
    let hi = this.terms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.terms[mid] as string;
      if (t === term) return mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** Terms joined by "\n" in one string with their start offsets: what a saved segment loads. */
export class PackedTermTable implements TermTable {
  constructor(
    private readonly packed: string,
    private readonly offsets: Uint32Array,
  ) {}
  get size(): number {
    return this.offsets.length - 1;
  }
  at(index: number): string {
    return this.packed.slice(this.offsets[index] ?? 0, (this.offsets[index + 1] ?? 1) - 1);
  }
  find(term: string): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.at(mid);
      if (t === term) return mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

export class Segment {
  readonly docs: SegmentDocument[];
  readonly terms: TermTable;
  readonly termStart: Uint32Array;
  readonly postPassage: Uint32Array;
  readonly postTf: Uint8Array;
  readonly passageDoc: Uint32Array;
  readonly passageStart: Uint32Array;
  readonly passageEnd: Uint32Array;
  readonly passageLength: Uint16Array;
  readonly sentenceStart: Uint32Array;
  readonly sentenceSpans: Uint32Array;
  readonly sentenceKind: Uint8Array;
  readonly passageSection: Uint32Array;
  readonly sections: string[];
  readonly builtAt: string;
  readonly totalLength: number;
  private readonly texts: TextSource;
  private readonly docIndexById = new Map<string, number>();

  constructor(parts: SegmentParts) {
    this.docs = parts.docs;
    this.terms = Array.isArray(parts.terms) ? new ArrayTermTable(parts.terms) : parts.terms;
    const texts = parts.texts;
    this.texts = Array.isArray(texts) ? { get: (d) => texts[d] ?? "" } : texts;
    this.termStart = parts.termStart;
    this.postPassage = parts.postPassage;
    this.postTf = parts.postTf;
    this.passageDoc = parts.passageDoc;
    this.passageStart = parts.passageStart;
    this.passageEnd = parts.passageEnd;
    this.passageLength = parts.passageLength;
    this.sentenceStart = parts.sentenceStart;
    this.sentenceSpans = parts.sentenceSpans;
    this.sentenceKind = parts.sentenceKind ?? new Uint8Array(0);
    this.passageSection = parts.passageSection ?? new Uint32Array(0);
    this.sections = parts.sections ?? [""];
    this.builtAt = parts.builtAt;
    let total = 0;
    for (let i = 0; i < this.passageLength.length; i++) total += this.passageLength[i] ?? 0;
    this.totalLength = total;
    this.docs.forEach((d, i) => this.docIndexById.set(d.source.id, i));
  }

  get passageCount(): number {
    return this.passageDoc.length;
  }

  text(doc: number): string {
    return this.texts.get(doc);
  }

  docIndex(id: string): number | undefined {
    return this.docIndexById.get(id);
  }

  /** Document frequency of a term (0 when absent) and where its postings are. */
  postings(term: string): { from: number; to: number } | null {
    const t = this.terms.find(term);
    if (t < 0) return null;
    return { from: this.termStart[t] ?? 0, to: this.termStart[t + 1] ?? 0 };
  }

  passageText(p: number): string {
    return this.text(this.passageDoc[p] ?? 0).slice(this.passageStart[p], this.passageEnd[p]);
  }

  /** The passage's sentences as [start, end) pairs into its document's text. */
  sentencesOf(p: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const a = this.sentenceStart[p] ?? 0;
    const b = this.sentenceStart[p + 1] ?? 0;
    for (let i = a; i < b; i++) out.push([this.sentenceSpans[2 * i] ?? 0, this.sentenceSpans[2 * i + 1] ?? 0]);
    return out;
  }

  /** Per sentence of the passage (same order as `sentencesOf`): whether it is code, which is never quoted. */
  codeSentences(p: number): boolean[] {
    const out: boolean[] = [];
    const a = this.sentenceStart[p] ?? 0;
    const b = this.sentenceStart[p + 1] ?? 0;
    for (let i = a; i < b; i++) out.push(((this.sentenceKind[i] ?? 0) & 0x7f) === KIND_CODES.code);
    return out;
  }

  /** Per sentence of the passage: whether markup separates it from the one before (a quote must not join them). */
  sentenceBreaks(p: number): boolean[] {
    const out: boolean[] = [];
    const a = this.sentenceStart[p] ?? 0;
    const b = this.sentenceStart[p + 1] ?? 0;
    for (let i = a; i < b; i++) out.push(((this.sentenceKind[i] ?? 0) & BREAK_BEFORE) !== 0);
    return out;
  }

  /** Per sentence of the passage: the kind of block it comes from. */
  sentenceKindsOf(p: number): BlockKind[] {
    const out: BlockKind[] = [];
    const a = this.sentenceStart[p] ?? 0;
    const b = this.sentenceStart[p + 1] ?? 0;
    for (let i = a; i < b; i++) out.push(KINDS[(this.sentenceKind[i] ?? 0) & 0x7f] ?? "prose");
    return out;
  }

  /** The passage's section ("Installation › Windows"), or null when it has none. */
  sectionOf(p: number): string | null {
    const label = this.sections[this.passageSection[p] ?? 0] ?? "";
    return label === "" ? null : label;
  }

  /** Passages of one document, in order. */
  passagesOfDoc(doc: number): number[] {
    const out: number[] = [];
    // Passages are stored in document order, so a binary search finds the first one.
    let lo = 0;
    let hi = this.passageDoc.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.passageDoc[mid] ?? 0) < doc) lo = mid + 1;
      else hi = mid;
    }
    for (let p = lo; p < this.passageDoc.length && this.passageDoc[p] === doc; p++) out.push(p);
    return out;
  }
}

/** A document ready to index: its facts, text and passages. */
export interface PreparedDocument {
  doc: CorpusDocument;
  passages: Passage[];
}

export function prepareDocument(doc: CorpusDocument, chunk: ChunkOptions = DEFAULT_CHUNK): PreparedDocument {
  return { doc, passages: chunkDocument(doc, chunk) };
}

/**
 * Builds a segment from documents. Terms are interned to ids while passages stream in; postings are laid out once
 * at the end (count, prefix-sum, fill), so building is two linear passes over the terms.
 */
export class SegmentBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly termNames: string[] = [];
  private readonly fwdTerm = new U32List();
  private readonly fwdTf = new U32List();
  private readonly fwdStart = new U32List();
  private readonly passageDoc = new U32List();
  private readonly passageStart = new U32List();
  private readonly passageEnd = new U32List();
  private readonly passageLength = new U32List();
  private readonly sentenceStart = new U32List();
  private readonly sentenceSpans = new U32List();
  private readonly sentenceKind: number[] = [];
  private readonly passageSection = new U32List();
  private readonly sectionIds = new Map<string, number>([["", 0]]);
  private readonly sectionNames: string[] = [""];
  private readonly docs: SegmentDocument[] = [];
  private readonly texts: string[] = [];
  private readonly counts = new Map<number, number>();

  constructor() {
    this.fwdStart.push(0);
    this.sentenceStart.push(0);
  }

  private section(label: string): number {
    let id = this.sectionIds.get(label);
    if (id === undefined) {
      id = this.sectionNames.length;
      this.sectionIds.set(label, id);
      this.sectionNames.push(label);
    }
    return id;
  }

  private intern(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.termNames.length;
      this.termIds.set(term, id);
      this.termNames.push(term);
    }
    return id;
  }

  add(prepared: PreparedDocument): void {
    const { doc, passages } = prepared;
    const docIndex = this.docs.length;
    const facts: SegmentDocument = {
      source: doc.source,
      hash: doc.hash,
      content: doc.content.flatMap((s) => [s.start, s.end]),
    };
    const words = (doc as { words?: { total: number; kept: number } }).words;
    if (words !== undefined) facts.words = { total: words.total, kept: words.kept };
    this.docs.push(facts);
    this.texts.push(doc.text);
    const titleTerms = analyze(doc.source.title ?? "");
    for (const passage of passages) {
      const counts = this.counts;
      counts.clear();
      let length = 0;
      const count = (term: string) => {
        const id = this.intern(term);
        counts.set(id, (counts.get(id) ?? 0) + 1);
        length++;
      };
      titleTerms.forEach(count);
      // The section's headings are every one of its passages' context, as the title is the document's.
      const section = passage.section ?? [];
      if (section.length > 0) for (const term of analyze(section.join(" "))) count(term);
      passage.sentences.forEach((s, i) => {
        for (const term of analyze(doc.text.slice(s.start, s.end))) count(term);
        // A list item's head (an option's name, a <dt>) names what its passage is about, as a title does: counted
        // HEAD_WEIGHT times, so a question naming "-0" finds the entry "-0, --null …" before passages that mention it.
        const head = itemHead(doc.text, s.start, s.end);
        if (head !== null) for (const term of analyze(head)) for (let k = 1; k < HEAD_WEIGHT; k++) count(term);
        this.sentenceSpans.push(s.start);
        this.sentenceSpans.push(s.end);
        this.sentenceKind.push(KIND_CODES[passage.kinds?.[i] ?? "prose"] | (passage.breaks?.[i] ? BREAK_BEFORE : 0));
      });
      this.passageSection.push(this.section(sectionLabel(section)));
      this.sentenceStart.push(this.sentenceSpans.length / 2);
      for (const [id, tf] of counts) {
        this.fwdTerm.push(id);
        this.fwdTf.push(tf);
      }
      this.fwdStart.push(this.fwdTerm.length);
      this.passageDoc.push(docIndex);
      this.passageStart.push(passage.start);
      this.passageEnd.push(passage.end);
      this.passageLength.push(Math.min(length, 0xffff));
    }
  }

  /** Copies documents from an existing segment without re-analysing their text (incremental re-indexing). */
  addFromSegment(segment: Segment, keep: (doc: number) => boolean): void {
    // Invert the postings back into per-passage term lists, for the kept documents only.
    const passageCount = segment.passageCount;
    const perPassage = new Uint32Array(passageCount + 1);
    const kept = new Uint8Array(segment.docs.length);
    segment.docs.forEach((_, d) => (kept[d] = keep(d) ? 1 : 0));
    for (let i = 0; i < segment.postPassage.length; i++) {
      const p = segment.postPassage[i] ?? 0;
      if (kept[segment.passageDoc[p] ?? 0]) perPassage[p + 1]!++;
    }
    for (let p = 0; p < passageCount; p++) perPassage[p + 1]! += perPassage[p]!;
    const termOf = new Uint32Array(perPassage[passageCount] ?? 0);
    const tfOf = new Uint8Array(termOf.length);
    const fill = perPassage.slice(0, passageCount);
    for (let t = 0; t < segment.terms.size; t++) {
      const id = this.intern(segment.terms.at(t));
      for (let i = segment.termStart[t] ?? 0; i < (segment.termStart[t + 1] ?? 0); i++) {
        const p = segment.postPassage[i] ?? 0;
        if (!kept[segment.passageDoc[p] ?? 0]) continue;
        const at = fill[p]!++;
        termOf[at] = id;
        tfOf[at] = segment.postTf[i] ?? 0;
      }
    }
    for (let d = 0; d < segment.docs.length; d++) {
      if (!kept[d]) continue;
      const docIndex = this.docs.length;
      const old = segment.docs[d] as SegmentDocument;
      this.docs.push(old);
      this.texts.push(segment.text(d));
      for (const p of segment.passagesOfDoc(d)) {
        for (let i = perPassage[p] ?? 0; i < (perPassage[p + 1] ?? 0); i++) {
          this.fwdTerm.push(termOf[i] ?? 0);
          this.fwdTf.push(tfOf[i] ?? 0);
        }
        this.fwdStart.push(this.fwdTerm.length);
        const first = segment.sentenceStart[p] ?? 0;
        segment.sentencesOf(p).forEach(([a, b], i) => {
          this.sentenceSpans.push(a);
          this.sentenceSpans.push(b);
          this.sentenceKind.push(segment.sentenceKind[first + i] ?? 0);
        });
        this.passageSection.push(this.section(segment.sections[segment.passageSection[p] ?? 0] ?? ""));
        this.sentenceStart.push(this.sentenceSpans.length / 2);
        this.passageDoc.push(docIndex);
        this.passageStart.push(segment.passageStart[p] ?? 0);
        this.passageEnd.push(segment.passageEnd[p] ?? 0);
        this.passageLength.push(segment.passageLength[p] ?? 0);
      }
    }
  }

  build(): Segment {
    const termCount = this.termNames.length;
    // Sort terms so the saved table can be searched by bisection; remap ids to sorted order.
    const order = Array.from({ length: termCount }, (_, i) => i).sort((a, b) => {
      const x = this.termNames[a] as string;
      const y = this.termNames[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const rank = new Uint32Array(termCount);
    order.forEach((old, i) => (rank[old] = i));
    const fwdTerm = this.fwdTerm.data;
    const fwdTf = this.fwdTf.data;
    const postings = this.fwdTerm.length;
    const termStart = new Uint32Array(termCount + 1);
    for (let i = 0; i < postings; i++) termStart[(rank[fwdTerm[i] ?? 0] ?? 0) + 1]!++;
    for (let t = 0; t < termCount; t++) termStart[t + 1]! += termStart[t]!;
    const fill = termStart.slice(0, termCount);
    const postPassage = new Uint32Array(postings);
    const postTf = new Uint8Array(postings);
    const fwdStart = this.fwdStart.data;
    const passages = this.passageDoc.length;
    // Passages in ascending order, so every posting list comes out sorted by passage.
    for (let p = 0; p < passages; p++) {
      for (let i = fwdStart[p] ?? 0; i < (fwdStart[p + 1] ?? 0); i++) {
        const t = rank[fwdTerm[i] ?? 0] ?? 0;
        const at = fill[t]!++;
        postPassage[at] = p;
        postTf[at] = Math.min(fwdTf[i] ?? 0, 255);
      }
    }
    return new Segment({
      docs: this.docs,
      texts: this.texts,
      terms: order.map((i) => this.termNames[i] as string),
      termStart,
      postPassage,
      postTf,
      passageDoc: this.passageDoc.toArray(),
      passageStart: this.passageStart.toArray(),
      passageEnd: this.passageEnd.toArray(),
      passageLength: Uint16Array.from(this.passageLength.toArray()),
      sentenceStart: this.sentenceStart.toArray(),
      sentenceSpans: this.sentenceSpans.toArray(),
      sentenceKind: Uint8Array.from(this.sentenceKind),
      passageSection: this.passageSection.toArray(),
      sections: [...this.sectionNames],
      builtAt: new Date().toISOString(),
    });
  }
}

/** Builds one segment from documents in order. */
export function buildSegment(docs: Iterable<CorpusDocument>, chunk: ChunkOptions = DEFAULT_CHUNK): Segment {
  const builder = new SegmentBuilder();
  for (const doc of docs) builder.add(prepareDocument(doc, chunk));
  return builder.build();
}

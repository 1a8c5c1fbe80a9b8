/**
 * Passages by id across the searched segments: finding the passage a quote was cut from, showing a passage in its
 * document (with its section and its neighbours), honouring moderators' exclusions, and leading an answer with a
 * pinned quote. Ids are `${docId}#${ordinal}`; a reference also carries a fingerprint of the passage's text, so a
 * passage that changed (its document was edited or re-cut) is never mistaken for the one a moderator saw.
 */
import { createHash } from "node:crypto";
import type { Segment } from "../search/segment.js";
import { independentSources } from "../sources.js";
import type { Answer, PassageRef, PassageView, PinnedQuote, Quote, Source } from "../types.js";

/** The first 16 hex digits of the sha256 of a passage's text. */
export function fingerprint(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);
}

export interface Located {
  segment: Segment;
  doc: number;
  /** The passage's index in the segment. */
  passage: number;
  /** Its position among its document's passages. */
  ordinal: number;
  /** The document's passages, in order (indices into the segment). */
  passages: number[];
}

const sourceOf = (segment: Segment, doc: number): Source => (segment.docs[doc] as { source: Source }).source;

/** `docId#ordinal` split at its last "#" (document ids never hold one; paths could, so the last one counts). */
function parseId(passageId: string): { docId: string; ordinal: number } | null {
  const hash = passageId.lastIndexOf("#");
  if (hash <= 0) return null;
  const ordinal = Number(passageId.slice(hash + 1));
  if (!Number.isInteger(ordinal) || ordinal < 0) return null;
  return { docId: passageId.slice(0, hash), ordinal };
}

/** The passage with this id, searching the server's own segment before the bundled corpus. */
export function findPassage(segments: readonly Segment[], passageId: string): Located | null {
  const parsed = parseId(passageId);
  if (parsed === null) return null;
  for (const segment of [...segments].reverse()) {
    const doc = segment.docIndex(parsed.docId);
    if (doc === undefined) continue;
    const passages = segment.passagesOfDoc(doc);
    const passage = passages[parsed.ordinal];
    if (passage === undefined) return null;
    return { segment, doc, passage, ordinal: parsed.ordinal, passages };
  }
  return null;
}

export function passageIdOf(located: Pick<Located, "segment" | "doc" | "ordinal">): string {
  return `${sourceOf(located.segment, located.doc).id}#${located.ordinal}`;
}

/**
 * Fingerprints already computed, per immutable segment: every answer checks its server's exclusions (at most 1,000),
 * so those are hashed once. Bounded: past CACHED entries a segment's cache starts over.
 */
const fingerprints = new WeakMap<Segment, Map<number, string>>();
const CACHED = 20_000;

function fingerprintOf(segment: Segment, passage: number): string {
  let known = fingerprints.get(segment);
  if (known === undefined || known.size >= CACHED) fingerprints.set(segment, (known = new Map()));
  let value = known.get(passage);
  if (value === undefined) known.set(passage, (value = fingerprint(segment.passageText(passage))));
  return value;
}

/** The passage a reference points at, when it still holds the same text. */
export function resolveRef(segments: readonly Segment[], ref: PassageRef): Located | null {
  const found = findPassage(segments, ref.passageId);
  if (found === null) return null;
  return fingerprintOf(found.segment, found.passage) === ref.fingerprint ? found : null;
}

/** The passage of document `sourceId` that holds offset `start`. */
export function locate(segments: readonly Segment[], sourceId: string, start: number): Located | null {
  for (const segment of [...segments].reverse()) {
    const doc = segment.docIndex(sourceId);
    if (doc === undefined) continue;
    const passages = segment.passagesOfDoc(doc);
    // Passages are in document order and do not overlap: binary search for the last one starting at or before `start`.
    let lo = 0;
    let hi = passages.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((segment.passageStart[passages[mid] as number] as number) <= start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const passage = passages[found];
    if (passage === undefined || (segment.passageEnd[passage] as number) <= start) return null;
    return { segment, doc, passage, ordinal: found, passages };
  }
  return null;
}

/** The reference (id and fingerprint) of a located passage. */
export function refOf(located: Located): PassageRef {
  return { passageId: passageIdOf(located), fingerprint: fingerprint(located.segment.passageText(located.passage)) };
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/;

/**
 * The Markdown heading (ATX, "## Section") nearest before `offset`, or null when the document has none there. Reads
 * backwards a line at a time from `offset`, so it is linear in the text before it.
 */
export function sectionAt(text: string, offset: number): string | null {
  // The line holding `offset` (the passage's own first line may be a heading), then each line before it.
  let lineStart = offset <= 0 ? 0 : text.lastIndexOf("\n", offset - 1) + 1;
  let lineEnd = text.indexOf("\n", offset);
  if (lineEnd < 0) lineEnd = text.length;
  for (;;) {
    const line = text.slice(lineStart, lineEnd);
    if (line.length <= 300) {
      const m = HEADING.exec(line);
      if (m !== null && m[2] !== undefined) return m[2].trim() || null;
    }
    if (lineStart === 0) return null;
    lineEnd = lineStart - 1;
    lineStart = lineEnd <= 0 ? 0 : text.lastIndexOf("\n", lineEnd - 1) + 1;
  }
}

/** A passage as the Passage button shows it. */
export function viewOf(located: Located): PassageView {
  const { segment, doc, passage, ordinal, passages } = located;
  const start = segment.passageStart[passage] as number;
  const end = segment.passageEnd[passage] as number;
  const text = segment.text(doc);
  const id = (k: number) => (k >= 0 && k < passages.length ? passageIdOf({ segment, doc, ordinal: k }) : null);
  return {
    ref: refOf(located),
    source: sourceOf(segment, doc),
    index: ordinal,
    count: passages.length,
    text: text.slice(start, end),
    start,
    end,
    section: sectionAt(text, start),
    previous: id(ordinal - 1),
    next: id(ordinal + 1),
  };
}

/** Passage indices never to quote, per segment, from moderators' exclusions that still match their passage. */
export function excludedPassages(
  segments: readonly Segment[],
  exclude: readonly PassageRef[] | undefined,
): Map<Segment, Set<number>> {
  const out = new Map<Segment, Set<number>>();
  for (const ref of exclude ?? []) {
    const found = resolveRef(segments, ref);
    if (found === null) continue;
    let set = out.get(found.segment);
    if (set === undefined) out.set(found.segment, (set = new Set()));
    set.add(found.passage);
  }
  return out;
}

/** Each quote with the reference of the passage it was cut from. */
export function withPassages(segments: readonly Segment[], quotes: readonly Quote[]): Quote[] {
  return quotes.map((quote) => {
    const found = locate(segments, quote.source.id, quote.start);
    return found === null ? { ...quote } : { ...quote, passage: refOf(found) };
  });
}

/**
 * The answer led by the pinned quote, when its passage still holds the text the moderator chose and is not excluded:
 * the pin first (marked), then the other quotes that are not the same text, up to `limit`. Otherwise unchanged.
 */
export function leadWith(
  segments: readonly Segment[],
  answer: Answer,
  pin: PinnedQuote,
  limit: number,
  excluded: Map<Segment, Set<number>>,
): Answer {
  const found = resolveRef(segments, pin);
  if (found === null || excluded.get(found.segment)?.has(found.passage) === true) return answer;
  const { segment, doc, passage } = found;
  const from = segment.passageStart[passage] as number;
  const to = segment.passageEnd[passage] as number;
  if (!(from <= pin.start && pin.start < pin.end && pin.end <= to)) return answer;
  const source = sourceOf(segment, doc);
  const same = (q: Quote) => q.source.id === source.id && q.start < pin.end && pin.start < q.end;
  const twin = answer.quotes.find(same);
  const lead: Quote = {
    text: segment.text(doc).slice(pin.start, pin.end),
    start: pin.start,
    end: pin.end,
    score: twin?.score ?? 0,
    source,
    alsoReportedBy: twin?.alsoReportedBy ?? [],
    passage: { passageId: pin.passageId, fingerprint: pin.fingerprint },
    pinned: true,
  };
  const quotes = [lead, ...answer.quotes.filter((q) => !same(q))].slice(0, Math.max(1, limit));
  return { ...answer, answered: true, quotes, independentSources: independentSources(quotes), closest: [] };
}

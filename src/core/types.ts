/**
 * Plain data that crosses the core's boundary (STYLE.md §6). Nothing here knows about Discord.
 */

/** Where a document came from and who to credit. Unknown fields are null, never guessed. */
export interface Source {
  /** Stable document id (derived from the corpus-relative path, or assigned by the store). */
  id: string;
  title: string | null;
  publisher: string | null;
  author: string | null;
  /** ISO date (YYYY-MM-DD) or full ISO timestamp as stated by the document. */
  date: string | null;
  /** True when the date was inferred from the text (e.g. "Sunday" after a dated event) rather than stated. */
  dateInferred?: boolean;
  url: string | null;
  /** Corpus-relative file path, or null for documents that did not come from a file. */
  path: string | null;
}

/** A half-open character range [start, end) into a document's stored text. */
export interface Span {
  start: number;
  end: number;
}

/**
 * What a kept region of a document is: running prose, one list item (or one option of a man page), one table row, or
 * code. Code is indexed (it can be searched) but is never a quote's sentence.
 */
export type BlockKind = "prose" | "item" | "row" | "code";

/** A kept region of a document: a paragraph, list item, table row or code block (or, on a scraped page, one line). */
export interface ContentSpan extends Span {
  /** Absent means prose. */
  kind?: BlockKind;
  /** The headings it sits under, outermost first ("Installation", "Windows"); absent or empty means none. */
  section?: readonly string[];
}

/** A loaded document: its metadata, its stored text, and the spans of that text that are article proper. */
export interface CorpusDocument {
  source: Source;
  /**
   * The stored text quotes are cut from: the file body after front matter (Markdown, plain text), or the text Verbatim
   * extracted from the file (HTML, man pages, PDF, DOCX), laid out as described in src/core/ingest/structure.ts.
   */
  text: string;
  /** Article-proper regions of `text` after cleaning, in order, non-overlapping, none crossing a block boundary. */
  content: ContentSpan[];
  /** sha256 of the raw file bytes (or of the stored text), used to detect changes. */
  hash: string;
}

/** A problem with one file: reported by name, the rest of the corpus still loads. */
export interface LoadProblem {
  path: string;
  reason: string;
}

export interface Passage {
  /** Stable id: `${docId}#${ordinal}`. */
  id: string;
  docId: string;
  start: number;
  end: number;
  /** Sentence spans inside [start, end), offsets into the document text. */
  sentences: Span[];
  /** Per sentence (same order): what kind of block it comes from; absent means all prose. */
  kinds?: BlockKind[];
  /**
   * Per sentence: true when markup (a list bullet, a table's pipes, a fence) stands between it and the sentence before,
   * so one quote must not run across both; absent means none does.
   */
  breaks?: boolean[];
  /** The headings the passage sits under (a passage never spans two sections); empty means none. */
  section?: readonly string[];
}

export interface Quote {
  /** Exactly `document.text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  score: number;
  source: Source;
  /** The section of the document it comes from, headings joined by " › " ("Installation › Windows"), or null. */
  section?: string | null;
  /** Other sources whose text says (nearly) the same thing. */
  alsoReportedBy: Source[];
  /** The passage the quote was cut from (id `${docId}#${ordinal}` and fingerprint), when the library knows it. */
  passage?: PassageRef;
  /** Put first because this server's moderators chose it for this question (a pin). */
  pinned?: boolean;
  /**
   * The sentence(s) that hold the answer, inside [start, end): the whole quote unless context was added around them
   * (the sentence before a "He…", the list after a colon), so a three-sentence quote never buries its answer.
   */
  focus?: Span;
  /**
   * The code block the quote announces ("Example:", "The following sets a timeout:"), shown as code under it: the
   * block's text exactly as stored (its fence lines left out), never part of the quote itself.
   */
  code?: CodeContext;
  /** A table row's header row (its column names, exactly as stored), shown with the row so its cells can be read. */
  columns?: Span & { text: string };
  /** The answer model's chance (0–1) that this quote answers the question. */
  confidence?: number;
  /** Why it was chosen: the scoring signals that fired and their contributions (points added, or a factor). */
  signals?: QuoteSignal[];
  /** The question's terms it matched, each with the document's word and how it matched (exact, family, spelling…). */
  match?: Record<string, TermMatchInfo>;
  /** The document's words that matched the question, in the order first met. */
  terms?: string[];
}

/** A code block shown with a quote: `text` is exactly `document.text.slice(start, end)`. */
export interface CodeContext extends Span {
  text: string;
  /** The language its Markdown fence names ("js", "ts"), or null. */
  language: string | null;
}

/**
 * A passage as it was when someone pointed at it: its id and a fingerprint of its text. A reference whose passage has
 * since changed (the document was edited or re-cut) no longer matches anything, rather than matching other text.
 */
export interface PassageRef {
  passageId: string;
  /** The first 16 hex digits of the sha256 of the passage's text. */
  fingerprint: string;
}

/** A quote a moderator chose: a span of a passage (offsets into its document's text). */
export interface PinnedQuote extends PassageRef {
  start: number;
  end: number;
}

/** When quotes from different sources give different values of the kind asked for (dates, numbers, names). */
export interface SourcesDiffer {
  kind: "time" | "number" | "name";
}

export interface QuoteSignal {
  name: string;
  value: number;
  points?: number;
  factor?: number;
}

export interface TermMatchInfo {
  via: "exact" | "family" | "inflection" | "spelling" | "derived" | "synonym" | "related" | "vector";
  word: string;
  /** Share of an exact match this is worth as evidence. */
  strength: number;
}

export interface Answer {
  question: string;
  answered: boolean;
  quotes: Quote[];
  /** Independent sources behind the quotes (src/core/sources.ts): what the CLI, the JSON and the bot all report. */
  independentSources: number;
  /** When not answered: the closest sources, best first (never presented as an answer). */
  closest: Source[];
  /** Set when the quotes disagree on what was asked (then they are ordered by their sources' dates, newest first). */
  sourcesDiffer?: SourcesDiffer;
  /** The answer model's chance (0–1) that the best quote answers the question; whether to answer is decided on it. */
  confidence?: number;
  /**
   * When not answered because the question has nothing to look up: only the words a question is phrased with, or chat
   * ("hey", "ok so?", "what is it?"). Then no sources are close either.
   */
  nothingAsked?: true;
  /** When not answered because the question is in a language the corpus does not use: both languages. */
  language?: { question: string | null; corpus: string };
  /** Question words read as mistyped ("ambasador" as "ambassador"), when any was: said with the answer. */
  corrected?: Reading[];
}

/** A word of a question or query read as a typing slip: as asked (folded) and as read (src/core/search/spelling.ts). */
export interface Reading {
  asked: string;
  read: string;
}

/** What `search` found: the passages, best first, and the query's words read as mistyped, when any was. */
export interface SearchResult {
  hits: SearchHit[];
  corrected?: Reading[];
}

/** One passage returned by `search`, for browsing (/search). */
export interface SearchHit {
  passageId: string;
  /** Exactly the document text at [start, end). */
  text: string;
  start: number;
  end: number;
  score: number;
  source: Source;
  /** The section of the document it comes from, headings joined by " › ", or null. */
  section?: string | null;
}

/** A document as the bot shows it (/source). */
export interface DocumentView {
  source: Source;
  /** The cleaned article text's opening, verbatim (whole sentences). */
  opening: string;
  passages: number;
  characters: number;
}

/** A passage shown in its document (the Passage button): the quoted span marked inside it. */
export interface PassageView {
  ref: PassageRef;
  source: Source;
  /** 0-based position of the passage in its document, and how many passages the document has. */
  index: number;
  count: number;
  /** Exactly the document text at [start, end). */
  text: string;
  start: number;
  end: number;
  /** The heading of the section the passage sits in, where the document has structure; else null. */
  section: string | null;
  /** Ids of the neighbouring passages, null at either end. */
  previous: string | null;
  next: string | null;
}

export interface CorpusStats {
  documents: number;
  passages: number;
  /** ISO timestamp of the last index build. */
  indexedAt: string;
}

export interface AskOptions {
  /** Extra scope to search besides the bundled corpus (a server's own documents). */
  scope?: string;
  /** Most quotes to return (default 3). */
  limit?: number;
  /** Passages never to quote (this server's moderators excluded them). */
  exclude?: readonly PassageRef[];
  /** A quote to lead with (this server's moderators pinned it for this question), when it still exists. */
  pinned?: PinnedQuote;
}

/**
 * What the Discord adapter and the CLI need from the core. Implemented by `Library` in src/core/library/library.ts.
 */
export interface Answerer {
  answer(question: string, options?: AskOptions): Answer;
  search(query: string, options?: AskOptions): SearchResult;
  /** Title autocomplete: at most `limit` sources whose title/publisher matches `prefix` (empty prefix: first ones). */
  suggestDocuments(prefix: string, limit: number, scope?: string): Source[];
  document(id: string, scope?: string): DocumentView | null;
  /** A passage by id in its document (the Passage button), or null when the scope has no such passage. */
  passage(passageId: string, scope?: string): PassageView | null;
  /** The best quotes for a question, answering or not, each with its passage (what a moderator pins from). */
  candidates(question: string, options?: AskOptions): Quote[];
  stats(scope?: string): CorpusStats;
}

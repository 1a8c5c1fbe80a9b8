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
}

export interface Answer {
  question: string;
  answered: boolean;
  quotes: Quote[];
  /** Independent sources behind the quotes (src/core/sources.ts): what the CLI, the JSON and the bot all report. */
  independentSources: number;
  /** When not answered: the closest sources, best first (never presented as an answer). */
  closest: Source[];
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
}

/**
 * What the Discord adapter and the CLI need from the core. Implemented by `Library` in src/core/library/library.ts.
 */
export interface Answerer {
  answer(question: string, options?: AskOptions): Answer;
  search(query: string, options?: AskOptions): SearchHit[];
  /** Title autocomplete: at most `limit` sources whose title/publisher matches `prefix` (empty prefix: first ones). */
  suggestDocuments(prefix: string, limit: number, scope?: string): Source[];
  document(id: string, scope?: string): DocumentView | null;
  stats(scope?: string): CorpusStats;
}

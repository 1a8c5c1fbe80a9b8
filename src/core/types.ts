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

/** A loaded document: its metadata, its stored text, and the spans of that text that are article proper. */
export interface CorpusDocument {
  source: Source;
  /** The stored text quotes are cut from (the file body after front matter, or extracted article text). */
  text: string;
  /** Article-proper regions of `text` after cleaning, in order, non-overlapping. */
  content: Span[];
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
}

export interface Quote {
  /** Exactly `document.text.slice(start, end)`. */
  text: string;
  start: number;
  end: number;
  score: number;
  source: Source;
  /** Other sources whose text says (nearly) the same thing. */
  alsoReportedBy: Source[];
  /**
   * The sentence(s) that hold the answer, inside [start, end): the whole quote unless context was added around them
   * (the sentence before a "He…", the list after a colon), so a three-sentence quote never buries its answer.
   */
  focus?: Span;
  /** The answer model's chance (0–1) that this quote answers the question. */
  confidence?: number;
  /** Why it was chosen: the scoring signals that fired and their contributions (points added, or a factor). */
  signals?: QuoteSignal[];
  /** The question's terms it matched, each with the document's word and how it matched (exact, family, spelling…). */
  match?: Record<string, TermMatchInfo>;
  /** The document's words that matched the question, in the order first met. */
  terms?: string[];
}

export interface QuoteSignal {
  name: string;
  value: number;
  points?: number;
  factor?: number;
}

export interface TermMatchInfo {
  via: "exact" | "family" | "spelling" | "derived" | "synonym" | "related" | "vector";
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
  /** The answer model's chance (0–1) that the best quote answers the question; whether to answer is decided on it. */
  confidence?: number;
  /** When not answered because the question is in a language the corpus does not use: both languages. */
  language?: { question: string | null; corpus: string };
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

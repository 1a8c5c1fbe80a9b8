/**
 * The core's one public entry: what the CLI, the bot and the benchmark may use. Nothing here knows about Discord.
 *
 * Rooms, each importing only those above it in this list:
 *   types.ts   plain data that crosses the boundary (sources, quotes, answers)
 *   storage/   crash-safe file writes and keyed locks
 *   ingest/    files into documents: loading, HTML, cleaning, sentences, passages
 *   search/    analysis, the inverted index (segments), BM25, saving and loading it, title autocomplete
 *   answer/    from ranked passages to quotes or an honest abstention
 *   library/   the bundled corpus kept in step with its folder, and the answering facade
 *   guilds/    each server's own documents, settings and logs, stored durably (the store contract, the file store)
 *   postgres/  the same contract on PostgreSQL for several processes: migrations, LISTEN/NOTIFY, export/import
 *   eval/      retrieval and QA test collections
 */
export type * from "./types.js";
export { independenceKey, independentSources, sourceLabel, withoutBidiControls } from "./sources.js";
export { DocumentLoadError, loadDocument, SUPPORTED_EXTENSIONS } from "./ingest/load.js";
export { documentFromStored, documentFromText } from "./ingest/document.js";
export { buildSegment, type Segment } from "./search/segment.js";
export { loadSegment, saveSegment } from "./search/persist.js";
export { TitleIndex } from "./search/titles.js";
export { readAs } from "./search/spelling.js";
export { answerQuestion, type AnswerParams, DEFAULT_ANSWER } from "./answer/quotes.js";
export { FENCE_LANGUAGE, shownCode } from "./answer/candidates.js";
export { arrangeBySourceDate, sourcesDiffer } from "./answer/differ.js";
export { type DocumentWords, Library, type LibraryOptions, type OpenReport } from "./library/library.js";
export { createPool, type Executor, inline } from "./library/pool.js";
export type { Progress } from "./library/tasks.js";
export { DataDirLockedError, type DataDirLock, lockDataDir } from "./storage/lock.js";
export type { CorpusDiff } from "./library/sync.js";
export {
  type AddOptions,
  type AuditEntry,
  DEFAULT_SETTINGS,
  DocumentQuotaError,
  DuplicateDocumentError,
  type GuildChange,
  type GuildSettings,
  type GuildStorage,
  GuildStore,
  GuildStoreError,
  type QuestionRecord,
  type QuestionStats,
  type StoredDocument,
  type StoreWarning,
} from "./guilds/store.js";
export {
  type AddedDocument,
  type DocumentInput,
  GuildCorpora,
  type GuildLimits,
  type GuildStats,
  InputError,
} from "./guilds/corpora.js";
export {
  type AnsweredQuote,
  type AnswerLookup,
  type AnswerRecord,
  ANSWER_RETENTION_DAYS,
  ANSWERS_KEPT,
  DM_SCOPE,
  type Exclusion,
  FeedbackError,
  type FeedbackStats,
  type FeedbackStorage,
  FeedbackMemory,
  FeedbackStore,
  type Flag,
  type Pin,
  REPORT_REASONS,
  REPORT_RETENTION_DAYS,
  type ReportItem,
  type ReportReason,
  type VoteRecord,
} from "./guilds/feedback.js";
export { NEAR_THRESHOLD, nearIdentical, questionKey, similarity } from "./guilds/similar.js";
export { evaluate, type EvalResult } from "./eval/evaluate.js";
export {
  evaluateQuestions,
  outcomeLine,
  type QuestionSetResult,
  readQuestions,
  scoreQuestions,
} from "./eval/questions.js";
export {
  createPool as createDatabasePool,
  describeDatabaseError,
  type Pool as DatabasePool,
} from "./postgres/database.js";
export { migrate, type MigrateReport, SCHEMA_VERSION, SchemaError } from "./postgres/migrations.js";
export { ChangeFeed, type Notice } from "./postgres/notify.js";
export { PgGuildStore, type PgStoreOptions } from "./postgres/store.js";
export { PgFeedbackStore, type PgFeedbackOptions } from "./postgres/feedback.js";
export { DumpError, exportStores, type ImportReport, importStores, type Stores } from "./postgres/transfer.js";

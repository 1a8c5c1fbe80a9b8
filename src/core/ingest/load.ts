/**
 * Loading: files on disk (or one uploaded file) into `CorpusDocument`s.
 *
 * `loadDocument` turns one file's bytes into a document and throws `DocumentLoadError` when it
 * cannot; `corpusFiles` lists the files of a corpus folder (the library's sync loads them).
 */
import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import matter from "gray-matter";
import { z } from "zod";
import { cleanText, looksLikeHeadline } from "./clean.js";
import { extractHtmlArticle, NoArticleError } from "./html.js";
import type { CorpusDocument, Source } from "../types.js";

/** File extensions the loader reads; everything else in a corpus directory is ignored. */
export const SUPPORTED_EXTENSIONS: readonly string[] = [".md", ".markdown", ".txt", ".html", ".htm"];

const HTML_EXTENSIONS = new Set([".html", ".htm"]);

/** A file that cannot become a document. `reason` is written for the person who supplied the file. */
export class DocumentLoadError extends Error {
  override readonly name = "DocumentLoadError";

  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Attribution fields a file (front matter, HTML meta) or an upload form can supply. */
export interface DocumentMetadata {
  title: string | null;
  publisher: string | null;
  author: string | null;
  date: string | null;
  dateInferred: boolean;
  url: string | null;
}

export interface LoadDocumentOptions {
  /** Document id; defaults to `documentId(relPath)`. */
  id?: string;
  /** Fields that override what the file says (e.g. from an upload form). `null` clears a field. */
  metadata?: Partial<DocumentMetadata>;
  /**
   * Called for a problem that does not stop the document loading (a date or URL that is not valid
   * is dropped, not guessed). Without it, warnings are discarded.
   */
  onWarning?: (reason: string) => void;
}

// ---------------------------------------------------------------------------------------------
// Identity

/** A stable slug for a corpus-relative path without its extension: lowercase `[a-z0-9-/]`. */
export function documentId(relPath: string): string {
  const withoutExtension = toPosix(relPath).replace(/\.[^./]*$/u, "");
  const segments = withoutExtension
    .split("/")
    .map((segment) =>
      segment
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/gu, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/gu, "-")
        .replace(/^-+|-+$/gu, ""),
    )
    .filter((segment) => segment.length > 0);
  return segments.length > 0 ? segments.join("/") : "document";
}

const toPosix = (relPath: string): string => relPath.split(path.sep).join("/").replace(/\\/gu, "/");

const sha256 = (bytes: Buffer): string => createHash("sha256").update(bytes).digest("hex");

// ---------------------------------------------------------------------------------------------
// Decoding

/** Strict UTF-8: binary files and other encodings are refused rather than loaded as mojibake. */
function decodeUtf8(relPath: string, bytes: Buffer): string {
  if (bytes.length === 0) throw new DocumentLoadError(relPath, "empty file");
  if (bytes.includes(0)) throw new DocumentLoadError(relPath, "binary file (contains NUL bytes), not text");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DocumentLoadError(relPath, "not valid UTF-8 text (save it as UTF-8)");
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** Front-matter text field: a string (numbers are read as text); empty means unknown. */
const textField = z
  .union([z.string(), z.number()])
  .nullable()
  .optional()
  .transform((value) => (value === null || value === undefined ? value : String(value).trim() || null));

const FrontMatter = z.looseObject({
  title: textField,
  publisher: textField,
  // Several authors may be listed; they are credited together.
  author: z
    .union([textField, z.array(z.union([z.string(), z.number()]))])
    .transform((value) => (Array.isArray(value) ? value.map(String).join(", ") || null : value)),
  date: textField,
  date_inferred: z.boolean().nullable().optional(),
  url: textField,
});

type FrontMatterFields = Partial<DocumentMetadata>;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/u;

/** A real calendar date in ISO form (YYYY-MM-DD), or a full ISO timestamp on one. */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value) ?? ISO_TIMESTAMP.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    !Number.isNaN(Date.parse(value))
  );
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * YAML turns `date: 2024-10-06` into a Date at midnight UTC; turn it back into the text the file
 * had, so dates are always strings.
 */
function datesToStrings(value: unknown): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return String(value);
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if (Array.isArray(value)) return value.map(datesToStrings);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, datesToStrings(inner)]));
  }
  return value;
}

const refuseCode = (): never => {
  throw new Error("front matter written as code (---js) is not allowed; use YAML");
};

/** Front matter and body. The body is exactly the file after the front matter block. */
function parseFrontMatter(relPath: string, source: string): { fields: FrontMatterFields; body: string } {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // Options also keep gray-matter from caching every file it has seen; the code engines would run `eval`.
    parsed = matter(source, { language: "yaml", engines: { javascript: refuseCode, coffee: refuseCode } });
  } catch (error) {
    const detail = (error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)).replace(
      /:\s*$/u,
      "",
    );
    throw new DocumentLoadError(relPath, `cannot read the front matter: ${detail}`);
  }
  const data = datesToStrings(parsed.data);
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new DocumentLoadError(relPath, "front matter must be a list of `key: value` lines");
  }
  const result = FrontMatter.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "front matter"}: expected text`);
    throw new DocumentLoadError(relPath, `invalid front matter (${[...new Set(issues)].join("; ")})`);
  }
  const fm = result.data;
  const fields: FrontMatterFields = {};
  // A key that is present but empty is a decision ("not stated"), so it is kept as null, not replaced by a fallback.
  if ("title" in data) fields.title = fm.title ?? null;
  if ("publisher" in data) fields.publisher = fm.publisher ?? null;
  if ("author" in data) fields.author = fm.author ?? null;
  if ("date" in data) fields.date = fm.date ?? null;
  if ("url" in data) fields.url = fm.url ?? null;
  if (fm.date_inferred !== undefined && fm.date_inferred !== null) fields.dateInferred = fm.date_inferred;
  return { fields, body: parsed.content };
}

/** The title a text file implies: its first line when that reads as a headline, else the file name. */
function fallbackTitle(relPath: string, text: string): string {
  const firstLine = text
    .split("\n")
    .map((line) => line.replace(/^#+\s+/u, "").trim())
    .find((line) => line.length > 0);
  if (firstLine && looksLikeHeadline(firstLine)) return firstLine;
  return path.posix.basename(relPath).replace(/\.[^.]*$/u, "");
}

/** Drops a date or URL that is not valid (with a warning) instead of storing something wrong. */
function validated(metadata: DocumentMetadata, warn: (reason: string) => void): DocumentMetadata {
  const result = { ...metadata };
  if (result.date !== null && !isIsoDate(result.date)) {
    warn(`date "${result.date}" is not an ISO date (YYYY-MM-DD); the document loads without a date`);
    result.date = null;
  }
  if (result.date === null) result.dateInferred = false;
  if (result.url !== null && !isWebUrl(result.url)) {
    warn(`url "${result.url}" is not an http(s) URL; the document loads without a URL`);
    result.url = null;
  }
  return result;
}

/** Applies overrides field by field; an `undefined` override leaves the field alone. */
function merge(base: DocumentMetadata, overrides: Partial<DocumentMetadata> | undefined): DocumentMetadata {
  const result = { ...base };
  for (const [key, value] of Object.entries(overrides ?? {}) as [keyof DocumentMetadata, unknown][]) {
    if (value !== undefined) Object.assign(result, { [key]: typeof value === "string" ? value.trim() || null : value });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// One document

/**
 * Loads one file: `relPath` is its corpus-relative path (its extension picks the format), `bytes`
 * its raw content. Throws `DocumentLoadError` with a reason the supplier can act on.
 */
export function loadDocument(
  relPath: string,
  bytes: Buffer | string,
  options: LoadDocumentOptions = {},
): CorpusDocument {
  const posixPath = toPosix(relPath);
  const raw = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  const extension = path.posix.extname(posixPath).toLowerCase();
  if (!SUPPORTED_EXTENSIONS.includes(extension)) {
    throw new DocumentLoadError(
      posixPath,
      `unsupported file type "${extension || "(none)"}" (use ${SUPPORTED_EXTENSIONS.join(", ")})`,
    );
  }
  const source = decodeUtf8(posixPath, raw);
  if (source.trim() === "") throw new DocumentLoadError(posixPath, "empty file");

  let text: string;
  let metadata: DocumentMetadata;
  if (HTML_EXTENSIONS.has(extension)) {
    let article;
    try {
      article = extractHtmlArticle(source);
    } catch (error) {
      if (error instanceof NoArticleError) throw new DocumentLoadError(posixPath, "no article text found in the HTML");
      throw error;
    }
    text = article.text;
    metadata = {
      title: article.title ?? fallbackTitle(posixPath, text),
      publisher: article.publisher,
      author: article.author,
      date: article.date,
      dateInferred: false,
      url: article.url,
    };
  } else {
    const { fields, body } = parseFrontMatter(posixPath, source);
    if (body.trim() === "") throw new DocumentLoadError(posixPath, "no text after the front matter");
    text = body;
    metadata = {
      title: fields.title !== undefined ? fields.title : fallbackTitle(posixPath, text),
      publisher: fields.publisher ?? null,
      author: fields.author ?? null,
      date: fields.date ?? null,
      dateInferred: fields.dateInferred ?? false,
      url: fields.url ?? null,
    };
  }

  metadata = validated(merge(metadata, options.metadata), options.onWarning ?? (() => undefined));
  const content = cleanText(text, { title: metadata.title });
  if (content.length === 0)
    throw new DocumentLoadError(posixPath, "no article text left after removing page boilerplate");

  const sourceInfo: Source = {
    id: options.id ?? documentId(posixPath),
    title: metadata.title,
    publisher: metadata.publisher,
    author: metadata.author,
    date: metadata.date,
    dateInferred: metadata.dateInferred,
    url: metadata.url,
    path: posixPath,
  };
  return { source: sourceInfo, text, content, hash: sha256(raw) };
}

// ---------------------------------------------------------------------------------------------
// A directory

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Corpus-relative paths of the files to load, sorted. Skipped: hidden files and directories
 * (`.git`, `.DS_Store`), a README at the root (it describes the corpus, it is not part of it),
 * unsupported extensions, and symbolic links to directories (they could loop).
 */
export async function corpusFiles(root: string, relDir = ""): Promise<string[]> {
  const entries = (await readdir(path.join(root, relDir), { withFileTypes: true })).sort((a, b) =>
    byCodeUnit(a.name, b.name),
  );
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path.join(root, relPath)).catch(() => null);
      isDirectory = false;
      isFile = target?.isFile() ?? true; // A dangling link is reported when it cannot be read.
    }
    if (isDirectory) {
      files.push(...(await corpusFiles(root, relPath)));
      continue;
    }
    if (!isFile) continue;
    const extension = path.posix.extname(entry.name).toLowerCase();
    if (!SUPPORTED_EXTENSIONS.includes(extension)) continue;
    if (relDir === "" && /^readme\.[^.]+$/iu.test(entry.name)) continue;
    files.push(relPath);
  }
  return files;
}

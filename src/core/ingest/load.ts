/**
 * Loading: files on disk (or one uploaded file) into `CorpusDocument`s.
 *
 * `loadDocument` turns one file's bytes into a document and throws `DocumentLoadError` when it cannot; it is a pure
 * function of the bytes, the path and the options (no shared state), so it can run in a worker. `listCorpus` lists a
 * corpus folder's files, and every file it leaves out with the reason.
 *
 * Formats: Markdown and plain text (stored as written, front matter aside), HTML, man pages (troff `.1`–`.9`, or
 * formatted text), PDF and DOCX (stored as the text Verbatim extracts from them; see structure.ts).
 */
import { createHash } from "node:crypto";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { looksLikeHeadline } from "./clean.js";
import { contentOf, structureOf, type Structure, type TextFormat, wordsKept } from "./document.js";
import { readDocx } from "./docx.js";
import { FrontMatterError, readFrontMatter } from "./frontmatter.js";
import { extractHtmlArticle, NoArticleError, renderHtmlBody } from "./html.js";
import { isTroff, renderFormatted, renderTroff } from "./man.js";
import {
  cleanField,
  dateProblem,
  isPathLikeTitle,
  isWebUrl,
  readableFileName,
  stripBidi,
  usableTitle,
} from "./metadata.js";
import { PdfError, readPdf } from "./pdf.js";
import type { CorpusDocument, LoadProblem, Source } from "../types.js";

export { isIsoDate } from "./metadata.js";

const MAN_EXTENSIONS = [".1", ".2", ".3", ".4", ".5", ".6", ".7", ".8", ".9"];

/** File extensions the loader reads; everything else in a corpus directory is skipped (and reported). */
export const SUPPORTED_EXTENSIONS: readonly string[] = [
  ".md",
  ".markdown",
  ".txt",
  ".html",
  ".htm",
  ".pdf",
  ".docx",
  ...MAN_EXTENSIONS,
];

type FileFormat = "markdown" | "text" | "html" | "man" | "pdf" | "docx";

function formatOf(extension: string): FileFormat | null {
  if (extension === ".md" || extension === ".markdown") return "markdown";
  if (extension === ".txt") return "text";
  if (extension === ".html" || extension === ".htm") return "html";
  if (extension === ".pdf") return "pdf";
  if (extension === ".docx") return "docx";
  if (MAN_EXTENSIONS.includes(extension)) return "man";
  return null;
}

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
   * Called for a problem that does not stop the document loading (a date, URL or title that is not valid is dropped,
   * not guessed). Without it, warnings are discarded.
   */
  onWarning?: (reason: string) => void;
}

/** A loaded document and the share of its words that cleaning kept. */
export interface LoadedDocument extends CorpusDocument {
  words: { total: number; kept: number };
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
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DocumentLoadError(relPath, "not valid UTF-8 text (save it as UTF-8)");
  }
  // A byte-order mark is not text.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ---------------------------------------------------------------------------------------------
// Front matter

const FRONT_MATTER_KEYS = ["title", "publisher", "author", "date", "date_inferred", "url"];

const scalar = z.union([z.string(), z.number()]).nullable();
/** Front-matter text field: a string (numbers are read as text); empty means unknown. */
const textField = scalar.transform((value) => (value === null ? null : String(value).trim() || null));
const FIELDS = {
  title: textField,
  publisher: textField,
  // Several authors may be listed; they are credited together.
  author: z
    .union([textField, z.array(z.union([z.string(), z.number()]))])
    .transform((value) => (Array.isArray(value) ? value.map(String).join(", ") || null : value)),
  date: textField,
  date_inferred: z.boolean().nullable(),
  url: textField,
} as const;

type FrontMatterFields = Partial<DocumentMetadata>;

/** Front matter and body. The body is exactly the file after the front matter block. */
function parseFrontMatter(relPath: string, source: string): { fields: FrontMatterFields; body: string } {
  let read;
  try {
    read = readFrontMatter(source, FRONT_MATTER_KEYS);
  } catch (error) {
    if (error instanceof FrontMatterError) throw new DocumentLoadError(relPath, error.message);
    throw error;
  }
  const issues: string[] = [];
  const fields: FrontMatterFields = {};
  for (const [key, value] of read.fields) {
    const schema = FIELDS[key as keyof typeof FIELDS];
    const result = schema.safeParse(value);
    if (!result.success) {
      issues.push(`${key}: expected ${key === "date_inferred" ? "true or false" : "text"}`);
      continue;
    }
    // A key that is present but empty is a decision ("not stated"), so it is kept as null, not replaced by a fallback.
    if (key === "date_inferred") {
      if (typeof result.data === "boolean") fields.dateInferred = result.data;
    } else {
      Object.assign(fields, { [key]: result.data });
    }
  }
  if (issues.length > 0) throw new DocumentLoadError(relPath, `invalid front matter (${issues.join("; ")})`);
  return { fields, body: read.body };
}

// ---------------------------------------------------------------------------------------------
// Metadata

/**
 * Drops a date, URL or title that is not valid (with a warning naming the field and the value) instead of storing
 * something wrong, and removes bidirectional controls from names.
 */
function validated(metadata: DocumentMetadata, warn: (reason: string) => void): DocumentMetadata {
  const result = { ...metadata };
  result.title = cleanField(result.title);
  result.publisher = cleanField(result.publisher);
  result.author = cleanField(result.author);
  if (result.title !== null && isPathLikeTitle(result.title)) {
    warn(`title "${result.title.slice(0, 80)}" looks like a file path; the document loads without it`);
    result.title = null;
  }
  if (result.date !== null) {
    const problem = dateProblem(result.date);
    if (problem !== null) {
      warn(`date "${result.date.slice(0, 40)}" ${problem}; the document loads without a date`);
      result.date = null;
    }
  }
  if (result.date === null) result.dateInferred = false;
  if (result.url !== null && !isWebUrl(result.url)) {
    warn(`url "${result.url.slice(0, 80)}" is not an http(s) URL; the document loads without a URL`);
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

/**
 * The first top-level heading that can be a title (markup removed, not a badge, a path or a placeholder). A section
 * heading ("## Install") names a part of the document, not the document.
 */
function firstHeading(text: string, structure: Structure): string | null {
  for (const block of structure.blocks) {
    if (block.kind !== "heading" || block.drop !== undefined || (block.level ?? 1) > 1) continue;
    const title = usableTitle(block.text ?? text.slice(block.start, block.end));
    if (title !== null) return title;
  }
  return null;
}

/** A scraped page's title: its first line when that reads as a headline. */
function headlineTitle(text: string): string | null {
  const firstLine = text
    .split("\n", 20)
    .map((line) => line.replace(/^#+\s+/u, "").trim())
    .find((line) => line.length > 0);
  return firstLine !== undefined && looksLikeHeadline(firstLine) ? usableTitle(firstLine) : null;
}

/** The first title candidate that is one, in the order given; the file name made readable when none is. */
function bestTitle(relPath: string, candidates: ReadonlyArray<string | null | undefined>): string {
  for (const candidate of candidates) {
    const title = usableTitle(candidate);
    if (title !== null) return title;
  }
  return readableFileName(relPath);
}

const EMPTY_METADATA: DocumentMetadata = {
  title: null,
  publisher: null,
  author: null,
  date: null,
  dateInferred: false,
  url: null,
};

// ---------------------------------------------------------------------------------------------
// One document

interface Extracted {
  text: string;
  format: TextFormat;
  metadata: DocumentMetadata;
  /** Title candidates after the file's own title metadata (headings, a NAME line), best first. */
  titles: Array<string | null>;
  /** Whether the title came from front matter (stated, even as null: not replaced). */
  stated: boolean;
  /** Whether the document's first heading can be its title (a man page's first heading is "NAME"). */
  headingTitle: boolean;
}

async function extract(posixPath: string, format: FileFormat, raw: Buffer): Promise<Extracted> {
  if (format === "pdf") {
    let pdf;
    try {
      pdf = await readPdf(raw);
    } catch (error) {
      if (error instanceof PdfError) throw new DocumentLoadError(posixPath, error.message);
      throw error;
    }
    return {
      text: pdf.text,
      format: "rendered",
      metadata: { ...EMPTY_METADATA, title: pdf.title, author: pdf.author, date: pdf.date },
      titles: [pdf.firstHeading],
      stated: false,
      headingTitle: false,
    };
  }
  if (format === "docx") {
    let docx;
    try {
      docx = await readDocx(raw);
    } catch (error) {
      if ((error as Error).name === "DocxError") throw new DocumentLoadError(posixPath, (error as Error).message);
      throw error;
    }
    const rendered = renderHtmlBody(docx.html);
    return {
      text: rendered.text,
      format: "rendered",
      metadata: { ...EMPTY_METADATA, title: docx.title, author: docx.author, date: docx.date },
      titles: [],
      stated: false,
      headingTitle: true,
    };
  }
  const source = decodeUtf8(posixPath, raw);
  if (source.trim() === "") throw new DocumentLoadError(posixPath, "empty file");
  if (format === "html") {
    let article;
    try {
      article = extractHtmlArticle(source);
    } catch (error) {
      if (error instanceof NoArticleError) throw new DocumentLoadError(posixPath, "no article text found in the HTML");
      throw error;
    }
    return {
      text: article.text,
      format: "rendered",
      metadata: {
        title: article.title,
        publisher: article.publisher,
        author: article.author,
        date: article.date,
        dateInferred: false,
        url: article.url,
      },
      titles: [article.firstHeading],
      stated: false,
      headingTitle: true,
    };
  }
  if (format === "man") {
    const page = isTroff(source) ? renderTroff(source) : renderFormatted(source);
    return {
      text: page.text,
      format: "rendered",
      metadata: { ...EMPTY_METADATA },
      // The NAME line names the page; its section headings ("NAME", "SYNOPSIS") do not.
      titles: [page.name, page.page],
      stated: false,
      headingTitle: false,
    };
  }
  const { fields, body } = parseFrontMatter(posixPath, source);
  if (body.trim() === "") throw new DocumentLoadError(posixPath, "no text after the front matter");
  return {
    text: body,
    format,
    metadata: {
      title: fields.title ?? null,
      publisher: fields.publisher ?? null,
      author: fields.author ?? null,
      date: fields.date ?? null,
      dateInferred: fields.dateInferred ?? false,
      url: fields.url ?? null,
    },
    titles: [],
    stated: "title" in fields,
    headingTitle: true,
  };
}

/**
 * Loads one file: `relPath` is its corpus-relative path (its extension picks the format), `bytes` its raw content.
 * Throws `DocumentLoadError` with a reason the supplier can act on.
 */
export async function loadDocument(
  relPath: string,
  bytes: Buffer | string,
  options: LoadDocumentOptions = {},
): Promise<LoadedDocument> {
  const posixPath = toPosix(relPath);
  const raw = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  const extension = path.posix.extname(posixPath).toLowerCase();
  const format = formatOf(extension);
  if (format === null) {
    throw new DocumentLoadError(
      posixPath,
      `unsupported file type "${extension || "(none)"}" (use ${SUPPORTED_EXTENSIONS.join(", ")})`,
    );
  }
  if (raw.length === 0) throw new DocumentLoadError(posixPath, "empty file");
  const extracted = await extract(posixPath, format, raw);
  const { text } = extracted;
  const structure = structureOf(text, extracted.format);
  const warn = options.onWarning ?? (() => undefined);

  // The title, from the best source there is: front matter, the file's own title metadata, its first heading, a man
  // page's NAME line, then the file name. A title that is markup, a path or a placeholder is passed over.
  let metadata = extracted.metadata;
  const overridden = options.metadata?.title !== undefined;
  const own = metadata.title === null || overridden ? null : stripBidi(metadata.title);
  // One rule for every source of a title: a path is refused (then the next source is used).
  const pathLike = own !== null && isPathLikeTitle(own);
  if (pathLike) warn(`title "${own.slice(0, 80)}" looks like a file path; it is not used as the title`);
  if (!overridden && (!extracted.stated || pathLike)) {
    const heading = !extracted.headingTitle
      ? null
      : structure.page
        ? headlineTitle(text)
        : firstHeading(text, structure);
    metadata = { ...metadata, title: bestTitle(posixPath, [pathLike ? null : own, heading, ...extracted.titles]) };
  }
  metadata = validated(merge(metadata, options.metadata), warn);
  const content = contentOf(text, structure, metadata.title);
  if (content.length === 0) {
    throw new DocumentLoadError(
      posixPath,
      extracted.format === "rendered"
        ? "no text left after cleaning (only navigation, markup or code)"
        : "no article text left after removing page boilerplate",
    );
  }

  const sourceInfo: Source = {
    id: options.id ?? documentId(posixPath),
    title: metadata.title,
    publisher: metadata.publisher,
    author: metadata.author,
    date: metadata.date,
    dateInferred: metadata.dateInferred,
    url: metadata.url,
    path: stripBidi(posixPath),
  };
  return { source: sourceInfo, text, content, hash: sha256(raw), words: wordsKept(text, structure, content) };
}

// ---------------------------------------------------------------------------------------------
// A directory

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Files larger than this are skipped (and reported), never read into memory. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A corpus file to load: its corpus-relative path and the real file to read (a link's target, checked). */
export interface CorpusFile {
  path: string;
  real: string;
}

/** A corpus folder's files, and every file left out with the reason (hidden files aside). */
export interface CorpusListing {
  files: CorpusFile[];
  skipped: LoadProblem[];
  /** The root README, skipped as the folder's own description (its path), or null. */
  readme: string | null;
}

const isInside = (root: string, target: string): boolean =>
  target === root || target.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);

/**
 * Lists a corpus folder, sorted. Left out: hidden files and folders (`.git`, `.DS_Store`), silently; and, reported
 * with the reason, a README at the root (it describes the corpus, it is not part of it), unsupported types, files over
 * `MAX_FILE_BYTES`, symbolic links to folders (they could loop), links that resolve outside the corpus folder (never
 * followed: a link must not let the corpus quote a file kept elsewhere) and broken links.
 */
export async function listCorpus(root: string): Promise<CorpusListing> {
  const rootReal = await realpath(root);
  const listing: CorpusListing = { files: [], skipped: [], readme: null };
  const pending: string[] = [""];
  const found: CorpusFile[] = [];
  while (pending.length > 0) {
    const relDir = pending.pop() as string;
    const entries = await readdir(path.join(rootReal, relDir), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
      const full = path.join(rootReal, relPath);
      let real = full;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => null);
        if (target === null) {
          listing.skipped.push({ path: relPath, reason: "broken symbolic link (its target does not exist)" });
          continue;
        }
        if (!isInside(rootReal, target)) {
          listing.skipped.push({
            path: relPath,
            reason: "symbolic link to a file outside the corpus folder (not followed)",
          });
          continue;
        }
        const info = await stat(target).catch(() => null);
        if (info?.isDirectory()) {
          listing.skipped.push({ path: relPath, reason: "symbolic link to a folder (not followed)" });
          continue;
        }
        real = target;
        isDirectory = false;
        isFile = info?.isFile() ?? false;
      }
      if (isDirectory) {
        pending.push(relPath);
        continue;
      }
      if (!isFile) continue;
      if (relDir === "" && /^readme(\.[^.]+)?$/iu.test(entry.name)) {
        listing.readme = relPath;
        continue;
      }
      const extension = path.posix.extname(entry.name).toLowerCase();
      if (formatOf(extension) === null) {
        listing.skipped.push({ path: relPath, reason: `unsupported file type "${extension || "(none)"}"` });
        continue;
      }
      const info = await lstat(real).catch(() => null);
      if (info !== null && info.size > MAX_FILE_BYTES) {
        listing.skipped.push({ path: relPath, reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` });
        continue;
      }
      found.push({ path: relPath, real });
    }
  }
  listing.files = found.sort((a, b) => byCodeUnit(a.path, b.path));
  listing.skipped.sort((a, b) => byCodeUnit(a.path, b.path));
  return listing;
}

/** Corpus-relative paths of the files to load, sorted (see `listCorpus`). */
export async function corpusFiles(root: string): Promise<string[]> {
  return (await listCorpus(root)).files.map((f) => f.path);
}

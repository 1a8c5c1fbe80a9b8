/**
 * Attribution fields, checked the same way whatever supplies them (front matter, an HTML page's own metadata, a PDF's
 * info dictionary, a DOCX's properties, an upload form): one rule for dates, one for URLs, one for titles that look
 * like file paths, and bidirectional-control characters removed from every name.
 */

/** Unicode's bidirectional controls: embeddings, overrides, isolates and marks. They can make "gnp.exe" read "exe.png". */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `value` without bidirectional control characters (titles, names, file names). */
export function stripBidi(value: string): string {
  return value.replace(BIDI_CONTROLS, "");
}

/** Whitespace collapsed, bidi controls removed, trimmed; empty means unknown. */
export function cleanField(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const clean = stripBidi(value).replace(/\s+/gu, " ").trim();
  return clean === "" ? null : clean;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/u;

/**
 * Why `value` is not a date Verbatim can store, or null when it is one: ISO form (YYYY-MM-DD, or a full ISO timestamp),
 * and a real calendar day and time (2024-02-30 and 25:00 are refused, never moved to another day).
 */
export function dateProblem(value: string): string | null {
  const match = ISO_DATE.exec(value) ?? ISO_TIMESTAMP.exec(value);
  if (!match) return "is not an ISO date (YYYY-MM-DD)";
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return "is not a real calendar date";
  }
  if (match[4] !== undefined) {
    const [hours, minutes, seconds] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
    if (hours > 23 || minutes > 59 || seconds > 59 || Number.isNaN(Date.parse(value)))
      return "is not a real time of day";
  }
  return null;
}

/** A real calendar date in ISO form (YYYY-MM-DD), or a full ISO timestamp on one. */
export function isIsoDate(value: string): boolean {
  return dateProblem(value) === null;
}

export function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * Whether a title reads as a file path rather than a name — the one rule for every source of a title (an upload's
 * title option, front matter, an HTML `<title>`, a PDF's or DOCX's metadata): a Windows drive (`C:\…`), a backslash,
 * a `..` segment, a path from the root or home (`/home/x`, `~/x`, `./x`), or a single word with a slash and a file
 * extension (`docs/intro.md`). "TCP/IP", "Input/Output" and "AC/DC: a history" are titles.
 */
export function isPathLikeTitle(title: string): boolean {
  const t = title.trim();
  if (/^[a-z]:[\\/]/iu.test(t) || t.includes("\\")) return true;
  if (/(^|\/)\.\.(\/|$)/u.test(t)) return true;
  if (/^(\/|~\/|\.\/)[^\s]/u.test(t)) return true;
  if (/\s/u.test(t)) return false;
  const slashes = t.split("/").length - 1;
  return slashes >= 2 || (slashes === 1 && /\.[a-z0-9]{1,5}$/iu.test(t));
}

/** Titles documents carry that name nothing (PDF producers' and editors' defaults). */
const PLACEHOLDER_TITLES =
  /^(untitled(\s+document)?|document\d*|title|no title|new document|microsoft word\s*-.*|slide \d+|presentation\d*|\(?anonymous\)?|unknown)$/iu;

/**
 * A candidate title from a document's own metadata or headings, or null when it is no title: empty, markup, a
 * placeholder, a path, or too long to be one.
 */
export function usableTitle(candidate: string | null | undefined): string | null {
  const clean = cleanField(candidate);
  if (clean === null) return null;
  if (clean.length > 300 || !/[\p{L}\p{N}]/u.test(clean)) return null;
  if (/^<[^>]*>/u.test(clean) || /^!\[|^\[!\[/u.test(clean)) return null;
  if (PLACEHOLDER_TITLES.test(clean) || isPathLikeTitle(clean)) return null;
  return clean;
}

/** A file name made readable: the base name without its extension, `-`/`_` as spaces ("node-fetch-README.md" → "node fetch README"). */
export function readableFileName(relPath: string): string {
  const base = relPath.split("/").pop() ?? relPath;
  const man = /^(.+)\.([1-9])[a-z]*$/u.exec(base);
  if (man) return `${man[1] as string}(${man[2] as string})`;
  const stem = base.replace(/\.[^.]*$/u, "");
  const readable = stripBidi(stem)
    .replace(/[_]+/gu, " ")
    .replace(/(?<=\S)-(?=\S)/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
  return readable === "" ? stripBidi(base) : readable;
}

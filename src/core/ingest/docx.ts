/**
 * DOCX (Word) through mammoth: the document body as semantic HTML (headings from Word's heading styles, lists, tables),
 * then laid out as blocks like any HTML (html.ts). Title, author and creation date come from the package's core
 * properties (`docProps/core.xml`). Images are dropped, never embedded, and the archive's uncompressed size is checked
 * from its central directory before anything is inflated, so a small file cannot expand into gigabytes.
 */
import { createRequire } from "node:module";
import type * as MammothModule from "mammoth";
import type JSZipModule from "jszip";

export interface DocxDocument {
  html: string;
  title: string | null;
  author: string | null;
  date: string | null;
}

export class DocxError extends Error {
  override readonly name = "DocxError";
}

/** The most a DOCX may inflate to, in bytes (and at most this many times its own size). */
export const MAX_INFLATED = 256 * 1024 * 1024;
export const MAX_RATIO = 200;

const loadCommonJs = createRequire(import.meta.url);

/** Total uncompressed size of a zip archive's entries, from its central directory; null when it is no zip. */
export function zipInflatedSize(bytes: Buffer): number | null {
  // The end-of-central-directory record is in the last 65,557 bytes.
  const from = Math.max(0, bytes.length - 65557);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const entries = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return null;
    const size = bytes.readUInt32LE(at + 24);
    // 0xffffffff: a ZIP64 size; a DOCX of ours never needs one.
    total += size === 0xffffffff ? Number.POSITIVE_INFINITY : size;
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return total;
}

const xmlText = (xml: string, tag: string): string | null => {
  const m = new RegExp(`<${tag}(?:\\s[^>]{0,200})?>([^<]{0,1000})</${tag}>`, "u").exec(xml);
  const value = m?.[1]
    ?.replace(/&lt;/gu, "<")
    .replace(/&gt;/gu, ">")
    .replace(/&quot;/gu, '"')
    .replace(/&apos;/gu, "'")
    .replace(/&amp;/gu, "&")
    .trim();
  return value ? value : null;
};

export async function readDocx(bytes: Buffer): Promise<DocxDocument> {
  const inflated = zipInflatedSize(bytes);
  if (inflated === null) throw new DocxError("not a readable DOCX file (it is not a zip archive)");
  if (inflated > MAX_INFLATED || inflated > Math.max(bytes.length, 64 * 1024) * MAX_RATIO) {
    throw new DocxError("the DOCX expands to far more than its size (a zip bomb?); it was not opened");
  }
  const mammoth = loadCommonJs("mammoth") as typeof MammothModule;
  const JSZip = loadCommonJs("jszip") as typeof JSZipModule;
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: bytes },
      { convertImage: mammoth.images.imgElement(async () => ({ src: "" })), externalFileAccess: false },
    );
    html = result.value;
  } catch (error) {
    throw new DocxError(`not a readable DOCX file (${(error as Error).message.split("\n")[0] ?? "unknown error"})`);
  }
  let title: string | null = null;
  let author: string | null = null;
  let date: string | null = null;
  try {
    const zip = await JSZip.loadAsync(bytes);
    const core = await zip.file("docProps/core.xml")?.async("string");
    if (core !== undefined) {
      title = xmlText(core, "dc:title");
      author = xmlText(core, "dc:creator");
      date = xmlText(core, "dcterms:created")?.slice(0, 10) ?? null;
    }
  } catch {
    // No core properties: the title falls back to the document's first heading or its file name.
  }
  return { html, title, author, date };
}

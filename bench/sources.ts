/**
 * Finds English text already on the machine — nothing is downloaded — and parses it into sections.
 *
 * Only places a fresh machine of the same image also has: the base OS's licenses, package
 * documentation and man pages, and the README files of this project's node_modules. A missing
 * place is skipped; the corpus builder decides whether what was found is enough.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { parseMarkdown, parsePlain, parseRoff, type ParsedText } from "./text-formats.js";

export type SourceOrigin = "license" | "doc" | "man" | "node_modules";

export interface SourceFile {
  path: string;
  origin: SourceOrigin;
  format: "roff" | "markdown" | "plain";
  /** Title used when the text names none: `bash changelog`, `GPL-3 license`, `zod README`. */
  title: string;
}

export interface SourceText extends ParsedText {
  file: SourceFile;
}

export interface SourceRoots {
  licenses: string;
  docs: string;
  man: string;
  nodeModules: string;
}

export const DEFAULT_ROOTS: SourceRoots = {
  licenses: "/usr/share/common-licenses",
  docs: "/usr/share/doc",
  man: "/usr/share/man",
  nodeModules: fileURLToPath(new URL("../node_modules", import.meta.url)),
};

export interface ListOptions {
  roots?: Partial<SourceRoots>;
  /**
   * At most this many man pages per command family (the name before the first `_`, `-` or `.`).
   * Keeps one tool with thousands of generated pages (`gcloud_*`) from dominating. Default 120.
   */
  maxFilesPerFamily?: number;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function stripGz(name: string): string {
  return name.endsWith(".gz") ? name.slice(0, -3) : name;
}

/** Every candidate file, in a fixed order (so a seed always gives the same corpus on the same machine). */
export function listSourceFiles(options: ListOptions = {}): SourceFile[] {
  const roots = { ...DEFAULT_ROOTS, ...options.roots };
  const maxPerFamily = options.maxFilesPerFamily ?? 120;
  const files: SourceFile[] = [];

  for (const name of safeReaddir(roots.licenses)) {
    const path = join(roots.licenses, name);
    if (isFile(path)) files.push({ path, origin: "license", format: "plain", title: `${name} license` });
  }

  for (const pkg of safeReaddir(roots.docs)) {
    const dir = join(roots.docs, pkg);
    for (const name of safeReaddir(dir)) {
      const plain = stripGz(name);
      if (!/^(?:README(?:\.Debian|\.md|\.txt)?|copyright|changelog(?:\.Debian)?|NEWS(?:\.Debian|\.md)?)$/i.test(plain))
        continue;
      const path = join(dir, name);
      if (!isFile(path)) continue;
      const kind = plain.replace(/\.(?:md|txt)$/i, "").replace(/\.Debian$/, " (Debian)");
      files.push({ path, origin: "doc", format: /\.md$/i.test(plain) ? "markdown" : "plain", title: `${pkg} ${kind}` });
    }
  }

  // English man pages only (man1..man8); translations live in sibling directories such as de/.
  for (let section = 1; section <= 8; section++) {
    const dir = join(roots.man, `man${section}`);
    const families = new Map<string, SourceFile[]>();
    for (const name of safeReaddir(dir)) {
      const path = join(dir, name);
      if (!isFile(path)) continue;
      const page = stripGz(name);
      const family = page.split(/[_.-]/)[0] ?? page;
      const list = families.get(family) ?? [];
      list.push({ path, origin: "man", format: "roff", title: page.replace(/\.(\w+)$/, "($1)") });
      families.set(family, list);
    }
    for (const list of families.values()) {
      if (list.length <= maxPerFamily) files.push(...list);
      else
        for (let i = 0; i < maxPerFamily; i++)
          files.push(list[Math.floor((i * list.length) / maxPerFamily)] as SourceFile);
    }
  }

  for (const readme of findReadmes(roots.nodeModules)) files.push(readme);
  return dedupeByRealPath(files);
}

function findReadmes(nodeModules: string, depth = 0): SourceFile[] {
  const found: SourceFile[] = [];
  if (depth > 4) return found;
  for (const entry of safeReaddir(nodeModules)) {
    if (entry.startsWith(".")) continue;
    const packageDirs = entry.startsWith("@")
      ? safeReaddir(join(nodeModules, entry)).map((sub) => ({
          dir: join(nodeModules, entry, sub),
          name: `${entry}/${sub}`,
        }))
      : [{ dir: join(nodeModules, entry), name: entry }];
    for (const { dir, name } of packageDirs) {
      const readme = safeReaddir(dir).find((f) => /^readme\.md$/i.test(f));
      if (readme && isFile(join(dir, readme))) {
        found.push({ path: join(dir, readme), origin: "node_modules", format: "markdown", title: `${name} README` });
      }
      found.push(...findReadmes(join(dir, "node_modules"), depth + 1));
    }
  }
  return found;
}

function dedupeByRealPath(files: SourceFile[]): SourceFile[] {
  const seen = new Set<string>();
  return files.filter((f) => {
    let real = f.path;
    try {
      real = realpathSync(f.path);
    } catch {
      return false;
    }
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
}

/** Reads (and gunzips) one file and parses it; unreadable or binary files give null. */
export function readSourceText(file: SourceFile, maxChars = 400_000): SourceText | null {
  let text: string;
  try {
    const raw = readFileSync(file.path);
    const bytes = file.path.endsWith(".gz") ? gunzipSync(raw) : raw;
    text = bytes.subarray(0, maxChars * 2).toString("utf8");
  } catch {
    return null;
  }
  if (text.includes("\u0000")) return null;
  if (text.length > maxChars) text = text.slice(0, text.lastIndexOf("\n", maxChars) + 1 || maxChars);
  const parsed =
    file.format === "roff" ? parseRoff(text) : file.format === "markdown" ? parseMarkdown(text) : parsePlain(text);
  return { ...parsed, file };
}

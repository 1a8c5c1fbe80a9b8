/**
 * YAML front matter (`---` … `---` at the top of a Markdown or text file), read with the `yaml` package and bounded:
 * at most `MAX_BYTES` of YAML, `MAX_DEPTH` levels of nesting and `MAX_NODES` nodes. Only the fields Verbatim uses are
 * ever turned into values, one alias step at a time, so aliases are never expanded: the "billion laughs" shape (nine
 * levels of ten aliases each) costs what its few hundred bytes cost. The YAML core schema keeps dates as the text the
 * file has (`2024-02-30` stays `2024-02-30` and is then rejected, rather than becoming March 1st).
 */
import { type Document, isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, visit } from "yaml";

export const MAX_BYTES = 16 * 1024;
export const MAX_DEPTH = 16;
export const MAX_NODES = 5000;

/** Front matter that cannot be read; `reason` is written for the person who supplied the file. */
export class FrontMatterError extends Error {
  override readonly name = "FrontMatterError";
}

/** A field's value as the loader sees it: text, a number, a boolean, null, a list of those, or something else. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { complex: true };

export interface FrontMatter {
  /** The known fields present in the front matter, by key (absent keys are absent). */
  fields: Map<string, FieldValue>;
  /** The text after the front matter block, exactly. */
  body: string;
}

const OPENING = /^---([A-Za-z]*)[ \t]*\r?\n/u;
const COMPLEX = { complex: true } as const;

/** The block's closing line (`---` or `...`): the offset where it starts and where the body starts after it. */
function closing(source: string, from: number): { at: number; body: number } | null {
  for (let i = from; i < source.length;) {
    const newline = source.indexOf("\n", i);
    const end = newline === -1 ? source.length : newline;
    const line = source.slice(i, end).replace(/\r$/u, "");
    if (line === "---" || line === "...") return { at: i, body: newline === -1 ? source.length : newline + 1 };
    if (newline === -1) return null;
    i = newline + 1;
  }
  return null;
}

/**
 * An upper bound on the nesting of YAML text, read in one pass: open brackets outside quotes, and on each line the
 * indentation plus the "- " and "? " markers that open a collection (two columns a level).
 */
export function nestingOf(yaml: string): number {
  let deepest = 0;
  let brackets = 0;
  let quote: string | null = null;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < yaml.length; i++) {
    const c = yaml[i] as string;
    if (c === "\n") {
      lineStart = true;
      indent = 0;
      if (quote === "'") quote = null;
      continue;
    }
    if (lineStart) {
      if (c === " " || c === "-" || c === "?" || c === "\t") {
        indent++;
        deepest = Math.max(deepest, Math.floor(indent / 2));
        continue;
      }
      lineStart = false;
    }
    if (quote !== null) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") deepest = Math.max(deepest, ++brackets + Math.floor(indent / 2));
    else if ((c === "]" || c === "}") && brackets > 0) brackets--;
    else if (c === "#") {
      const newline = yaml.indexOf("\n", i);
      i = newline === -1 ? yaml.length : newline - 1;
    }
  }
  return deepest;
}

/** A node's value, following at most one alias and never more than one level into a list. */
function valueOf(node: unknown, doc: Document, nested = false): FieldValue {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (target === undefined || target === null) return null;
  if (isScalar(target)) {
    const value = target.value;
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      return value;
    return String(value);
  }
  if (isSeq(target) && !nested) return target.items.map((item) => valueOf(item, doc, true));
  return COMPLEX;
}

/**
 * Splits `source` into front matter and body and reads the fields named in `keys`. A file without front matter has
 * no fields and the whole source as its body. Throws `FrontMatterError`.
 */
export function readFrontMatter(source: string, keys: readonly string[]): FrontMatter {
  const fields = new Map<string, FieldValue>();
  const opening = OPENING.exec(source);
  if (opening === null) return { fields, body: source };
  const language = (opening[1] ?? "").toLowerCase();
  if (language === "js" || language === "javascript" || language === "coffee" || language === "coffeescript") {
    throw new FrontMatterError(`front matter written as code (---${language}) is not allowed; use YAML`);
  }
  if (language !== "" && language !== "yaml" && language !== "yml") {
    throw new FrontMatterError(`front matter in "${language}" is not supported; use YAML`);
  }
  const end = closing(source, opening[0].length);
  // An opening line with no closing one is a thematic break, not front matter.
  if (end === null) return { fields, body: source };
  const yamlText = source.slice(opening[0].length, end.at);
  if (Buffer.byteLength(yamlText, "utf8") > MAX_BYTES) {
    throw new FrontMatterError(`front matter is larger than ${MAX_BYTES / 1024} KiB`);
  }
  // The YAML parser is not itself bounded for nesting (60,000 "{" exhaust it), so nesting is measured before parsing:
  // brackets of flow collections, and the indentation of block ones.
  if (nestingOf(yamlText) > MAX_DEPTH) {
    throw new FrontMatterError(`front matter is nested more than ${MAX_DEPTH} levels deep`);
  }
  const doc = parseDocument(yamlText, { schema: "core", prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    throw new FrontMatterError(`cannot read the front matter: ${(error.message.split("\n")[0] ?? "").trim()}`);
  }
  let nodes = 0;
  let deepest = 0;
  visit(doc, {
    Node(_key, node, path) {
      nodes++;
      if (isCollection(node)) deepest = Math.max(deepest, path.filter((p) => isCollection(p)).length + 1);
      return nodes > MAX_NODES || deepest > MAX_DEPTH ? visit.BREAK : undefined;
    },
  });
  if (nodes > MAX_NODES) throw new FrontMatterError(`front matter has more than ${MAX_NODES} values`);
  if (deepest > MAX_DEPTH) throw new FrontMatterError(`front matter is nested more than ${MAX_DEPTH} levels deep`);
  const contents = doc.contents;
  if (contents !== null && !isMap(contents)) {
    throw new FrontMatterError("front matter must be a list of `key: value` lines");
  }
  if (contents !== null) {
    for (const pair of contents.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== "string" || !keys.includes(key)) continue;
      fields.set(key, valueOf(pair.value, doc));
    }
  }
  return { fields, body: source.slice(end.body) };
}

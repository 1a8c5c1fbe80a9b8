/**
 * Man pages: troff source in the man(7) or mdoc(7) macros (`.1`–`.9`), or a page already formatted as text (what `man`
 * prints), laid out in the stored-text convention of structure.ts: NAME, DESCRIPTION, OPTIONS… as headings, each
 * option (`.TP`, `.IP`, a `.PP` tag with an indented description, mdoc's `.It` in a tagged list) as one list item, and
 * no-fill text (`.nf`, `.EX`, `.Bd -literal`) as code. The NAME line is the page's title.
 *
 * A small interpreter, not a typesetter: no npm package renders troff, and formatting a page with groff or mandoc
 * would need them installed wherever Verbatim runs. It evaluates conditionals as nroff does (`n` true, `t` false,
 * groff's `\n(.g` true), expands string definitions (`.ds`) and escapes, skips macro definitions, and reads tbl tables
 * as rows. Every loop advances through the source; nothing recurses.
 */
import { collapse, RenderedText } from "./structure.js";

export interface ManPage {
  text: string;
  /** The NAME line ("gzip, gunzip, zcat - compress or expand files"), or null. */
  name: string | null;
  /** The page's name and section from `.TH`/`.Dt` or a formatted header ("gzip(1)"), or null. */
  page: string | null;
}

const GLYPHS: Record<string, string> = {
  bu: "•",
  em: "—",
  en: "–",
  hy: "-",
  mi: "-",
  aq: "'",
  dq: '"',
  lq: "“",
  rq: "”",
  oq: "‘",
  cq: "’",
  Fo: "«",
  Fc: "»",
  fo: "‹",
  fc: "›",
  co: "©",
  rg: "®",
  tm: "™",
  mu: "×",
  di: "÷",
  de: "°",
  "+-": "±",
  "<=": "≤",
  ">=": "≥",
  "!=": "≠",
  "==": "≡",
  "->": "→",
  "<-": "←",
  "<>": "↔",
  rs: "\\",
  sl: "/",
  ti: "~",
  ha: "^",
  at: "@",
  sh: "#",
  Do: "$",
  ba: "|",
  br: "|",
  or: "|",
  ul: "_",
  ru: "_",
  pl: "+",
  eq: "=",
  fm: "′",
  sd: "″",
  aa: "´",
  ga: "`",
  la: "⟨",
  ra: "⟩",
  ss: "ß",
  "'e": "é",
  "`e": "è",
  "^e": "ê",
  ":u": "ü",
  ":o": "ö",
  ":a": "ä",
  sq: "□",
  OK: "✓",
  ps: "¶",
  sc: "§",
  ct: "¢",
  Po: "£",
  Ye: "¥",
  Eu: "€",
  eu: "€",
};

const PREDEFINED_STRINGS: Record<string, string> = {
  Aq: "'",
  lq: "“",
  rq: "”",
  R: "®",
  Tm: "™",
  S: "",
  Lq: "“",
  Rq: "”",
};

function glyph(name: string): string {
  const known = GLYPHS[name];
  if (known !== undefined) return known;
  const unicode = /^u([0-9A-Fa-f]{4,6})(?:_[0-9A-Fa-f]{4,6})*$/u.exec(name);
  if (unicode) {
    const code = Number.parseInt(unicode[1] as string, 16);
    if (code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) return String.fromCodePoint(code);
  }
  return "";
}

/** Escapes with a delimited argument (`\h'…'`) that print nothing. */
const DELIMITED = new Set(["h", "v", "w", "o", "X", "D", "l", "L", "b", "x", "Z", "R", "A", "B", "S", "H"]);
/** Escapes with a one-character, `(xx` or `[name]` argument that print nothing. */
const NAMED_SILENT = new Set(["f", "F", "g", "k", "m", "M", "n", "V", "Y", "O", "$"]);

/** `\c` at the end of a line: the next line continues this one without a space. */
export const CONTINUE = "\u0000";

/**
 * Troff text with its escapes resolved: glyphs, strings, and the formatting escapes (fonts, sizes, motions) removed.
 * One pass, left to right.
 */
export function unescapeTroff(input: string, strings: ReadonlyMap<string, string>): string {
  let out = "";
  let i = 0;
  const readName = (from: number): { name: string; next: number } => {
    const c = input[from];
    if (c === "(") return { name: input.slice(from + 1, from + 3), next: from + 3 };
    if (c === "[") {
      const close = input.indexOf("]", from + 1);
      const end = close === -1 || close - from > 64 ? Math.min(input.length, from + 1) : close;
      return { name: input.slice(from + 1, end), next: close === -1 || close - from > 64 ? from + 1 : close + 1 };
    }
    return { name: c ?? "", next: from + 1 };
  };
  while (i < input.length) {
    const backslash = input.indexOf("\\", i);
    if (backslash === -1) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, backslash);
    const c = input[backslash + 1];
    i = backslash + 2;
    if (c === undefined) break;
    switch (c) {
      case '"':
        return out;
      case "#":
        return out;
      case "-":
        out += "-";
        break;
      case "e":
      case "E":
      case "\\":
        out += "\\";
        break;
      case " ":
      case "~":
      case "0":
      case "t":
        out += " ";
        break;
      case "'":
        out += "'";
        break;
      case "`":
        out += "`";
        break;
      case ".":
        out += ".";
        break;
      case "c":
        out += CONTINUE;
        break;
      case "(":
      case "[": {
        const { name, next } = readName(backslash + 1);
        out += glyph(name);
        i = next;
        break;
      }
      case "*": {
        const { name, next } = readName(backslash + 2);
        out += strings.get(name.split(" ")[0] ?? "") ?? PREDEFINED_STRINGS[name] ?? "";
        i = next;
        break;
      }
      case "s": {
        // \s+2, \s-1, \s0, \s(12, \s[12], \s'12'
        const rest = input.slice(i, i + 8);
        const m = /^(?:[+-]?\d{1,2}|[+-]?\(\d\d|[+-]?\[[^\]]{0,8}\]|'[^']{0,8}')/u.exec(rest);
        i += m?.[0].length ?? 0;
        break;
      }
      case "C":
      case "N": {
        const delimiter = input[i];
        const close = delimiter === undefined ? -1 : input.indexOf(delimiter, i + 1);
        if (close !== -1 && close - i < 40) {
          const arg = input.slice(i + 1, close);
          out +=
            c === "C"
              ? glyph(arg)
              : /^\d{1,7}$/u.test(arg)
                ? String.fromCodePoint(Math.min(Number(arg), 0x10ffff))
                : "";
          i = close + 1;
        }
        break;
      }
      default:
        if (DELIMITED.has(c)) {
          const delimiter = input[i];
          const close = delimiter === undefined ? -1 : input.indexOf(delimiter, i + 1);
          i = close !== -1 && close - i < 200 ? close + 1 : i;
        } else if (NAMED_SILENT.has(c)) {
          const from = c === "n" && (input[i] === "+" || input[i] === "-") ? i + 1 : i;
          i = readName(from).next;
        } else if ("&|^,/%:){}aduprzE!?".includes(c)) {
          // Zero-width and spacing escapes, and conditional braces already handled: nothing to print.
        } else {
          out += c;
        }
    }
  }
  return out;
}

/** A request or macro line's arguments: spaces separate, double quotes group, `""` inside quotes is a quote. */
export function macroArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
    if (i >= line.length) break;
    let arg = "";
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            arg += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (line[i] === "\\" && i + 1 < line.length) {
          arg += line.slice(i, i + 2);
          i += 2;
          continue;
        }
        arg += line[i];
        i++;
      }
    } else {
      while (i < line.length && line[i] !== " " && line[i] !== "\t") {
        if (line[i] === "\\" && i + 1 < line.length) {
          arg += line.slice(i, i + 2);
          i += 2;
          continue;
        }
        arg += line[i];
        i++;
      }
    }
    args.push(arg);
  }
  return args;
}

/** Evaluates an `.if`/`.ie` condition as nroff would; returns the value and the rest of the line. */
function condition(text: string, strings: ReadonlyMap<string, string>): { value: boolean; rest: string } {
  let s = text.replace(/^[ \t]+/u, "");
  let negate = false;
  while (s.startsWith("!")) {
    negate = !negate;
    s = s.slice(1);
  }
  let value = false;
  let rest = "";
  const single = /^([ntoev])(?=[\s\\]|$)/u.exec(s);
  if (single) {
    value = single[1] === "n" || single[1] === "o";
    rest = s.slice(1);
  } else if (/^[dmrcFS][ \t]/u.test(s)) {
    const m = /^([dmrcFS])[ \t]+(\S+)/u.exec(s);
    value = m?.[1] === "d" ? strings.has(m[2] ?? "") : false;
    rest = s.slice(m?.[0].length ?? s.length);
  } else if (/^['"]/u.test(s)) {
    const delimiter = s[0] as string;
    const second = s.indexOf(delimiter, 1);
    const third = second === -1 ? -1 : s.indexOf(delimiter, second + 1);
    if (third === -1) {
      rest = "";
    } else {
      value = unescapeTroff(s.slice(1, second), strings) === unescapeTroff(s.slice(second + 1, third), strings);
      rest = s.slice(third + 1);
    }
  } else {
    const m = /^\S+/u.exec(s);
    const expression = m?.[0] ?? "";
    // groff identifies itself with \n(.g = 1; other numeric tests are read as false.
    value = /^\\n(\(\.g|\[\.g\])$/u.test(expression) || /^[1-9]\d*$/u.test(expression);
    rest = s.slice(expression.length);
  }
  return { value: negate ? !value : value, rest };
}

/** An odd number of backslashes ends the line (counted from the end, not matched by a regex). */
function endsWithEscapedNewline(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === "\\"; i--) n++;
  return n % 2 === 1;
}

const count = (s: string, needle: string): number => {
  let n = 0;
  for (let i = s.indexOf(needle); i !== -1; i = s.indexOf(needle, i + needle.length)) n++;
  return n;
};

/**
 * The source's lines with conditionals applied, macro definitions and ignored blocks dropped, string definitions
 * recorded, escaped newlines joined. Linear: every line is looked at a bounded number of times.
 */
function preprocess(source: string, strings: Map<string, string>): string[] {
  const raw = source.replace(/\r\n?/gu, "\n").split("\n");
  const lines: string[] = [];
  let skipDepth = 0;
  let skipUntil: string | null = null;
  const ieResults: boolean[] = [];
  for (let r = 0; r < raw.length; r++) {
    let line = raw[r] as string;
    // A backslash ending a line escapes the newline: the next line continues it.
    while (endsWithEscapedNewline(line) && r + 1 < raw.length && !line.endsWith("\\{\\") && !line.endsWith("\\}")) {
      line = line.slice(0, -1) + (raw[++r] as string);
    }
    if (line.endsWith("\\{\\")) line = line.slice(0, -1);
    if (skipUntil !== null) {
      // The end of a definition: ".." (spaces may follow the control character: ".  .").
      const request = line.replace(/^([.'])[ \t]+/u, "$1").trim();
      if (request === skipUntil || request.startsWith(`${skipUntil} `)) skipUntil = null;
      continue;
    }
    if (skipDepth > 0) {
      skipDepth += count(line, "\\{") - count(line, "\\}");
      continue;
    }
    const definition = /^[.'][ \t]*(de|de1|am|am1|ig)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?/u.exec(line);
    if (definition) {
      skipUntil = definition[1] === "ig" ? `.${definition[2] ?? "."}` : `.${definition[3] ?? "."}`;
      if (skipUntil === "..") skipUntil = "..";
      continue;
    }
    // Conditionals, possibly nested on one line: `.if n .if t text`.
    let guard = 0;
    while (guard++ < 16) {
      const m = /^[.'][ \t]*(if|ie|el)(?=[\s\\]|$)(.*)$/u.exec(line);
      if (m === null) break;
      let value: boolean;
      let rest: string;
      if (m[1] === "el") {
        value = !(ieResults.pop() ?? true);
        rest = m[2] ?? "";
      } else {
        ({ value, rest } = condition(m[2] ?? "", strings));
        if (m[1] === "ie") ieResults.push(value);
      }
      rest = rest.replace(/^[ \t]+/u, "");
      const opens = rest.startsWith("\\{");
      if (opens) rest = rest.slice(2).replace(/^[ \t]+/u, "");
      if (!value) {
        if (opens) skipDepth = 1 + count(rest, "\\{") - count(rest, "\\}");
        line = "";
        break;
      }
      line = rest;
    }
    line = line.replace(/\\\}/gu, "").replace(/\\\{/gu, "");
    if (line.trim() === "" && (raw[r] as string).trim() !== "" && /^[.']/u.test(raw[r] as string)) continue;
    // An empty request (".", or what is left of ".\}") prints nothing.
    if (/^[.'][ \t]*$/u.test(line)) continue;
    const ds = /^[.'][ \t]*(ds|ds1|as)[ \t]+(\S+)[ \t]?"?(.*)$/u.exec(line);
    if (ds) {
      const value = unescapeTroff(ds[3] ?? "", strings);
      strings.set(ds[2] as string, ds[1] === "as" ? (strings.get(ds[2] as string) ?? "") + value : value);
      continue;
    }
    if (/^[.'][ \t]*\\"/u.test(line) || /^'\\"/u.test(line)) continue;
    lines.push(line);
  }
  return lines;
}

/** Whether a source is troff (man or mdoc macros) rather than formatted text. */
export function isTroff(source: string): boolean {
  return /^\.(TH|SH|Dd|Dt|Sh|Nm|PP|TP|\\")/mu.test(source.slice(0, 20000));
}

// ---------------------------------------------------------------------------------------------
// Writing blocks

/** Collects the text of the block being written (a paragraph, an item's tag and body, code) and writes it out. */
class Writer {
  readonly out = new RenderedText();
  /** The block's words so far, as parts (joined once, when the block is written: appending stays linear). */
  private parts: string[] = [];
  private tag: string | null = null;
  private code: string[] | null = null;
  section = "";
  name: string | null = null;
  nameParts: string[] = [];

  private get last(): string {
    const part = this.parts[this.parts.length - 1];
    return part === undefined ? "" : part.slice(-1);
  }

  private get text(): string {
    return this.parts.join("");
  }

  private set text(value: string) {
    this.parts = value === "" ? [] : [value];
  }

  add(words: string): void {
    if (words === "") return;
    if (this.code !== null) {
      this.code.push(words);
      return;
    }
    const last = this.last;
    if (last === CONTINUE) {
      const index = this.parts.length - 1;
      this.parts[index] = (this.parts[index] as string).slice(0, -1);
      this.parts.push(words);
    } else if (last === "" || last === "\n") this.parts.push(words);
    else this.parts.push(" ", words);
  }

  /** Glue the next words to the previous ones (no space). */
  glue(words: string): void {
    if (this.code !== null) {
      const last = this.code.pop() ?? "";
      this.code.push(last + words);
      return;
    }
    this.parts.push(words);
  }

  lineBreak(): void {
    if (this.code !== null) return;
    const last = this.last;
    if (last !== "" && last !== "\n") this.parts.push("\n");
  }

  startTag(): void {
    this.flush();
    this.tag = "";
  }

  get collectingTag(): boolean {
    return this.tag === "" && this.parts.length === 0;
  }

  /** The words collected so far become the pending item's tag. */
  takeTag(): void {
    if (this.tag === null) this.tag = "";
    this.tag = this.tag === "" ? this.text : `${this.tag}, ${this.text}`;
    this.text = "";
  }

  hasTag(): boolean {
    return this.tag !== null && this.tag !== "";
  }

  /** The paragraph written so far becomes the tag of an item whose body follows (`.PP` term then `.RS`). */
  promoteToTag(): boolean {
    const candidate = this.text.split(CONTINUE).join("").trim();
    if (this.tag !== null || candidate === "" || candidate.length > 120 || /[.:]$/u.test(candidate)) return false;
    this.tag = candidate;
    this.text = "";
    return true;
  }

  startCode(): void {
    this.flush();
    this.code = [];
  }

  endCode(): void {
    if (this.code !== null) this.out.code(this.code.join("\n").split(CONTINUE).join(""));
    this.code = null;
  }

  get inCode(): boolean {
    return this.code !== null;
  }

  heading(level: number, text: string): void {
    this.flush();
    const clean = collapse(text.split(CONTINUE).join(""));
    this.section = clean.toUpperCase();
    this.out.heading(level, clean);
  }

  flush(): void {
    if (this.code !== null) this.endCode();
    const text = this.text.split(CONTINUE).join("").trim();
    const tag = this.tag?.split(CONTINUE).join("").trim() ?? null;
    if (this.section === "NAME" && text !== "") this.nameParts.push(collapse(text));
    if (tag !== null && tag !== "") this.out.item(tag, text);
    else if (tag === "" && text !== "") this.out.item(null, text);
    else if (text !== "") this.out.paragraph(text);
    this.text = "";
    this.tag = null;
  }

  result(page: string | null): ManPage {
    this.flush();
    const name = this.name ?? (this.nameParts.length > 0 ? collapse(this.nameParts.join(" ")) : null);
    return { text: this.out.toString(), name, page };
  }
}

// ---------------------------------------------------------------------------------------------
// man(7)

const BULLETS = /^(•|-|\*|o|·|\d{1,3}[.)]?|[a-z][.)])$/u;

/** Renders a man(7) or mdoc(7) page from its troff source. */
export function renderTroff(source: string): ManPage {
  const strings = new Map<string, string>();
  const lines = preprocess(source, strings);
  if (lines.some((l) => /^\.(Dd|Dt|Sh)\b/u.test(l))) return renderMdoc(lines, strings);
  const w = new Writer();
  const text = (s: string): string => unescapeTroff(s, strings);
  let page: string | null = null;
  let headingNext = 0;
  let tagNext = false;
  let rsDepth = 0;
  let itemAtDepth = -1;
  let table: { tab: string; format: boolean; cell: string[] | null; cells: string[] } | null = null;
  let link: { url: string; had: boolean } | null = null;
  for (const line of lines) {
    if (table !== null) {
      if (/^\.TE\b/u.test(line)) {
        table = null;
        continue;
      }
      if (table.format) {
        // Options end with ";", the format lines with ".": data follows.
        if (/\.\s*$/u.test(line)) table.format = false;
        continue;
      }
      if (table.cell !== null) {
        if (line.startsWith("T}")) {
          table.cells.push(collapse(table.cell.join(" ")));
          table.cell = null;
          const rest = line.slice(2).split(table.tab).slice(1);
          table.cells.push(...rest.map(text));
          if (!line.slice(2).endsWith("T{")) {
            w.out.row(table.cells);
            table.cells = [];
          }
        } else if (!/^[.']/u.test(line)) table.cell.push(text(line));
        continue;
      }
      if (/^[_=]+$/u.test(line.trim()) || /^\.(sp|br|T&)\b/u.test(line)) continue;
      const cells = line.split(table.tab);
      if ((cells[cells.length - 1] ?? "").endsWith("T{")) {
        cells[cells.length - 1] = (cells[cells.length - 1] as string).slice(0, -2);
        table.cells.push(...cells.slice(0, -1).map(text));
        const last = cells[cells.length - 1] as string;
        if (last !== "") table.cells.push(text(last));
        table.cell = [];
        continue;
      }
      w.out.row(cells.map(text));
      continue;
    }
    if (w.inCode && !/^[.'][ \t]*(fi|EE|SH|SS)\b/u.test(line)) {
      if (/^[.'][ \t]*(br|sp|ft|B|I|R|BR|IR|RB|RI|BI|IB|in|ti|PP|P|LP)\b/u.test(line)) {
        const args = macroArgs(line.replace(/^[.'][ \t]*\S+/u, ""));
        if (args.length > 0 && /^[.'][ \t]*(B|I|R|BR|IR|RB|RI|BI|IB)\b/u.test(line)) {
          w.add(args.map(text).join(/^[.'][ \t]*(B|I|R)\b/u.test(line) ? " " : ""));
        }
        continue;
      }
      if (/^[.']/u.test(line)) continue;
      w.add(text(line));
      continue;
    }
    const macro = /^[.'][ \t]*(\S+)(.*)$/u.exec(line);
    if (macro === null) {
      // Text.
      if (line.trim() === "") {
        if (!tagNext) w.flush();
        continue;
      }
      if (line.startsWith(" ") && !tagNext) w.lineBreak();
      const words = text(line).trim();
      if (headingNext > 0) {
        w.heading(headingNext, words);
        headingNext = 0;
        continue;
      }
      w.add(words);
      if (link !== null) link.had = true;
      if (tagNext && !words.endsWith(CONTINUE)) {
        w.takeTag();
        tagNext = false;
      }
      continue;
    }
    const name = macro[1] as string;
    const args = macroArgs(macro[2] ?? "");
    const joined = (sep: string): string => args.map(text).join(sep);
    switch (name) {
      case "TH":
        page = args[0] ? `${text(args[0]).toLowerCase()}(${text(args[1] ?? "")})` : null;
        break;
      case "SH":
      case "SS": {
        rsDepth = 0;
        itemAtDepth = -1;
        tagNext = false;
        const level = name === "SH" ? 1 : 2;
        if (args.length > 0) w.heading(level, joined(" "));
        else {
          w.flush();
          headingNext = level;
        }
        break;
      }
      case "PP":
      case "LP":
      case "P":
      case "HP":
      case "sp":
      case "ne":
        if (!tagNext) w.flush();
        break;
      case "TP":
        w.startTag();
        tagNext = true;
        break;
      case "TQ":
        tagNext = true;
        break;
      case "IP": {
        const tag = args[0] === undefined ? "" : text(args[0]).trim();
        // help2man's `.HP` option line followed by `.IP` and its description: one item.
        if (tag === "" && w.promoteToTag()) break;
        w.flush();
        w.startTag();
        if (tag !== "" && !BULLETS.test(tag)) {
          w.add(tag);
          w.takeTag();
        }
        break;
      }
      case "RS":
        rsDepth++;
        // A short paragraph right before an indented block is an option's name: "-a, --all" then its description.
        if (itemAtDepth < 0 && w.promoteToTag()) itemAtDepth = rsDepth;
        break;
      case "RE":
        if (itemAtDepth === rsDepth) {
          w.flush();
          itemAtDepth = -1;
        }
        rsDepth = Math.max(0, rsDepth - 1);
        break;
      case "br":
        w.lineBreak();
        break;
      case "nf":
      case "EX":
        w.startCode();
        break;
      case "fi":
      case "EE":
        w.endCode();
        break;
      case "TS":
        w.flush();
        table = { tab: "\t", format: true, cell: null, cells: [] };
        break;
      case "B":
      case "I":
      case "SM":
      case "SB":
      case "CW":
        if (args.length > 0) {
          const words = joined(" ");
          if (headingNext > 0) {
            w.heading(headingNext, words);
            headingNext = 0;
            break;
          }
          w.add(words);
          if (tagNext) {
            w.takeTag();
            tagNext = false;
          }
        }
        break;
      case "BR":
      case "BI":
      case "IB":
      case "IR":
      case "RB":
      case "RI": {
        const words = joined("");
        if (headingNext > 0) {
          w.heading(headingNext, words);
          headingNext = 0;
          break;
        }
        w.add(words);
        if (tagNext) {
          w.takeTag();
          tagNext = false;
        }
        break;
      }
      case "UR":
      case "MT":
        link = { url: text(args[0] ?? ""), had: false };
        break;
      case "UE":
      case "ME":
        if (link !== null && !link.had) w.add(link.url);
        if (args[0] !== undefined) w.glue(text(args[0]));
        link = null;
        break;
      case "URL":
      case "MTO":
        w.add(text(args[1] || args[0] || ""));
        if (args[2] !== undefined) w.glue(text(args[2]));
        break;
      case "SY":
        w.startCode();
        w.add(joined(" "));
        break;
      case "OP":
        w.glue(` [${joined(" ")}]`);
        break;
      case "YS":
        w.endCode();
        break;
      default:
      // Layout requests (.in, .ti, .ad, .nh, .ft, .PD, …) and unknown macros print nothing.
    }
  }
  return w.result(page);
}

// ---------------------------------------------------------------------------------------------
// mdoc(7)

const MDOC_CALLABLE = new Set(
  (
    "Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc Do Dq Dv Dx Ec Em En Eo Er Es Ev Fa Fc Fl Fn Fo Fr Ft Fx " +
    "Ic In Li Lk Ms Mt Nm No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc Sh So Sq Ss St Sx Sy Ta Tn Ux Va Vt Xc Xo Xr"
  ).split(" "),
);
const ENCLOSURES: Record<string, [string, string]> = {
  Aq: ["⟨", "⟩"],
  Bq: ["[", "]"],
  Brq: ["{", "}"],
  Dq: ["“", "”"],
  Op: ["[", "]"],
  Pq: ["(", ")"],
  Ql: ["‘", "’"],
  Qq: ['"', '"'],
  Sq: ["‘", "’"],
};
const OPENERS: Record<string, string> = { Oo: "[", Do: "“", Qo: '"', Po: "(", Bo: "[", Ao: "⟨", So: "‘", Bro: "{" };
const CLOSERS: Record<string, string> = { Oc: "]", Dc: "”", Qc: '"', Pc: ")", Bc: "]", Ac: "⟩", Sc: "’", Brc: "}" };
const NAMES: Record<string, string> = {
  Ux: "UNIX",
  Bx: "BSD",
  At: "AT&T UNIX",
  Fx: "FreeBSD",
  Ox: "OpenBSD",
  Nx: "NetBSD",
  Bsx: "BSD/OS",
  Dx: "DragonFly",
};
const CLOSING_PUNCTUATION = /^[.,:;)\]?!]+$/u;
const OPENING_PUNCTUATION = /^[([]+$/u;

/** Pieces of one mdoc line, joined with spaces except where the macros say not to. */
class Pieces {
  private readonly parts: string[] = [];
  private glueNext = false;
  spacing = true;

  push(piece: string, glueBefore = false): void {
    if (piece === "") return;
    const glue = glueBefore || this.glueNext || !this.spacing || this.parts.length === 0;
    if (glue && this.parts.length > 0) this.parts[this.parts.length - 1] += piece;
    else this.parts.push(piece);
    this.glueNext = false;
  }

  glue(): void {
    this.glueNext = true;
  }

  toString(): string {
    return this.parts.join(" ");
  }
}

/** Renders the arguments of an mdoc macro line (macros called inside it included). */
function mdocLine(
  tokens: readonly string[],
  state: { name: string },
  text: (s: string) => string,
  spacing: { on: boolean },
): string {
  const out = new Pieces();
  out.spacing = spacing.on;
  const word = (token: string): void => {
    const value = text(token);
    if (CLOSING_PUNCTUATION.test(value)) out.push(value, true);
    else {
      out.push(value);
      if (OPENING_PUNCTUATION.test(value)) out.glue();
    }
  };
  let i = 0;
  // Arguments of a macro: the tokens up to the next callable macro.
  const takeArgs = (): string[] => {
    const args: string[] = [];
    while (i < tokens.length && !MDOC_CALLABLE.has(tokens[i] as string)) args.push(tokens[i++] as string);
    return args;
  };
  /** Trailing punctuation tokens at the end of the line stay outside an enclosure. */
  const trailing = (): number => {
    let end = tokens.length;
    while (end > i && CLOSING_PUNCTUATION.test(text(tokens[end - 1] as string))) end--;
    return end;
  };
  while (i < tokens.length) {
    const token = tokens[i++] as string;
    if (token === "Sm") {
      const mode = tokens[i];
      if (mode === "off" || mode === "on") i++;
      spacing.on = mode === "on" ? true : mode === "off" ? false : !spacing.on;
      out.spacing = spacing.on;
      continue;
    }
    if (!MDOC_CALLABLE.has(token)) {
      word(token);
      continue;
    }
    const enclosure = ENCLOSURES[token];
    if (enclosure !== undefined) {
      const end = trailing();
      const inner = mdocLine(tokens.slice(i, end), state, text, spacing);
      i = end;
      out.push(`${enclosure[0]}${inner}${enclosure[1]}`);
      continue;
    }
    if (OPENERS[token] !== undefined) {
      out.push(OPENERS[token] as string);
      out.glue();
      continue;
    }
    if (CLOSERS[token] !== undefined) {
      out.push(CLOSERS[token] as string, true);
      continue;
    }
    switch (token) {
      case "Ns":
        out.glue();
        break;
      case "Ap":
        out.push("'", true);
        out.glue();
        break;
      case "Pf": {
        const prefix = tokens[i++];
        if (prefix !== undefined) out.push(text(prefix));
        out.glue();
        break;
      }
      case "Fl": {
        const args = takeArgs();
        if (args.length === 0 || CLOSING_PUNCTUATION.test(text(args[0] as string))) {
          out.push("-");
          if (args.length === 0 && i < tokens.length && tokens[i] !== "Ns") out.glue();
        }
        for (const arg of args) {
          const value = text(arg);
          if (CLOSING_PUNCTUATION.test(value) || value === "|") word(arg);
          else out.push(`-${value}`);
        }
        break;
      }
      case "Ar": {
        const args = takeArgs();
        if (args.filter((a) => !CLOSING_PUNCTUATION.test(text(a))).length === 0) out.push("file ...");
        for (const arg of args) word(arg);
        break;
      }
      case "Nm": {
        const args = takeArgs();
        const named = args.filter((a) => !CLOSING_PUNCTUATION.test(text(a)));
        if (named.length === 0) out.push(state.name);
        else if (state.name === "") state.name = text(named[0] as string);
        for (const arg of args) word(arg);
        break;
      }
      case "Xr": {
        const args = takeArgs();
        if (args.length >= 2) {
          out.push(`${text(args[0] as string)}(${text(args[1] as string)})`);
          for (const arg of args.slice(2)) word(arg);
        } else for (const arg of args) word(arg);
        break;
      }
      case "Fn": {
        const args = takeArgs();
        const values = args.filter((a) => !CLOSING_PUNCTUATION.test(text(a)));
        const rest = args.slice(values.length);
        if (values.length > 0) out.push(`${text(values[0] as string)}(${values.slice(1).map(text).join(", ")})`);
        for (const arg of rest) word(arg);
        break;
      }
      case "Lk": {
        const args = takeArgs();
        const [url, ...label] = args;
        if (label.length > 0) for (const arg of label) word(arg);
        else if (url !== undefined) word(url);
        break;
      }
      case "Pa": {
        const args = takeArgs();
        if (args.length === 0) out.push("~");
        for (const arg of args) word(arg);
        break;
      }
      case "St": {
        const args = takeArgs();
        for (const arg of args) word(arg.replace(/^-/u, "").toUpperCase());
        break;
      }
      case "Ta":
        out.push("\t", true);
        out.glue();
        break;
      case "Xo":
      case "Xc":
        break;
      default:
        if (NAMES[token] !== undefined) {
          out.push(NAMES[token] as string);
          const version = takeArgs();
          for (const arg of version) word(arg);
        } else for (const arg of takeArgs()) word(arg);
    }
  }
  return out.toString();
}

interface MdocList {
  type: string;
  item: boolean;
}

function renderMdoc(lines: readonly string[], strings: Map<string, string>): ManPage {
  const w = new Writer();
  const text = (s: string): string => unescapeTroff(s, strings);
  const state = { name: "" };
  const spacing = { on: true };
  // The first line after `.Sm off` is still spaced from what came before it.
  let spacingJustOff = false;
  let page: string | null = null;
  const lists: MdocList[] = [];
  let tagLines: string[] | null = null;
  let display: "code" | "prose" | null = null;
  let section = "";
  let nameLine: string[] = [];
  let reference: string[] | null = null;
  for (const line of lines) {
    const macro = /^[.'][ \t]*(\S+)(.*)$/u.exec(line);
    if (macro === null) {
      if (line.trim() === "") {
        if (display !== "code") w.flush();
        continue;
      }
      const words = text(line);
      if (display === "code") w.add(words);
      else w.add(words.trim());
      continue;
    }
    const name = macro[1] as string;
    const tokens = macroArgs(macro[2] ?? "");
    if (tagLines !== null) {
      // .It Xo … .Xc: the item's tag runs over several lines.
      const rendered = MDOC_CALLABLE.has(name) ? mdocLine([name, ...tokens], state, text, spacing) : "";
      tagLines.push(rendered);
      if (name === "Xc" || tokens.includes("Xc")) {
        w.add(collapse(tagLines.join(" ")));
        w.takeTag();
        tagLines = null;
      }
      continue;
    }
    switch (name) {
      case "Sm":
        spacing.on = tokens[0] === "on" ? true : tokens[0] === "off" ? false : !spacing.on;
        spacingJustOff = !spacing.on;
        break;
      case "Dd":
      case "Os":
      case "Bk":
      case "Ek":
      case "Tg":
      case "Db":
        break;
      case "Dt":
        page = tokens[0] ? `${text(tokens[0]).toLowerCase()}(${text(tokens[1] ?? "")})` : null;
        break;
      case "Sh":
      case "Ss":
        lists.length = 0;
        display = null;
        w.heading(name === "Sh" ? 1 : 2, mdocLine(tokens, state, text, spacing));
        section = collapse(tokens.map(text).join(" ")).toUpperCase();
        break;
      case "Pp":
      case "Lp":
      case "sp":
        if (display !== "code") w.flush();
        break;
      case "br":
        w.lineBreak();
        break;
      case "Nd":
        nameLine.push(`- ${mdocLine(tokens, state, text, spacing)}`);
        if (section === "NAME") {
          w.name = collapse(nameLine.join(" "));
          nameLine = [];
        }
        w.add(`- ${mdocLine(tokens, state, text, spacing)}`);
        break;
      case "Bl": {
        w.flush();
        const type =
          tokens.find((t) => /^-(tag|hang|ohang|inset|diag|bullet|dash|hyphen|enum|item|column)$/u.test(t)) ?? "-item";
        lists.push({ type, item: false });
        break;
      }
      case "El":
        w.flush();
        lists.pop();
        break;
      case "It": {
        w.flush();
        const list = lists[lists.length - 1];
        const type = list?.type ?? "-item";
        if (type === "-column") {
          const cells = mdocLine(tokens, state, text, spacing).split("\t");
          w.out.row(cells);
          break;
        }
        w.startTag();
        if (/^-(tag|hang|ohang|inset|diag)$/u.test(type)) {
          if (tokens.includes("Xo")) {
            tagLines = [
              mdocLine(
                tokens.filter((t) => t !== "Xo"),
                state,
                text,
                spacing,
              ),
            ];
            break;
          }
          w.add(mdocLine(tokens, state, text, spacing));
          w.takeTag();
        }
        break;
      }
      case "Bd":
        w.flush();
        display = tokens.includes("-literal") || tokens.includes("-unfilled") ? "code" : "prose";
        if (display === "code") w.startCode();
        break;
      case "Ed":
        if (display === "code") w.endCode();
        else w.flush();
        display = null;
        break;
      case "Dl":
        w.flush();
        w.startCode();
        w.add(mdocLine(tokens, state, text, spacing));
        w.endCode();
        break;
      case "D1":
        w.flush();
        w.add(mdocLine(tokens, state, text, spacing));
        w.flush();
        break;
      case "Rs":
        w.flush();
        reference = [];
        break;
      case "Re":
        if (reference !== null) w.add(reference.join(", "));
        reference = null;
        w.flush();
        break;
      case "Ex":
        w.add(`The ${state.name} utility exits 0 on success, and >0 if an error occurs.`);
        break;
      case "Rv":
        w.add(
          "The function returns the value 0 if successful; otherwise the value -1 is returned and the global variable errno is set to indicate the error.",
        );
        break;
      default:
        if (name.startsWith("%")) {
          reference?.push(tokens.map(text).join(" "));
          break;
        }
        if (MDOC_CALLABLE.has(name) || name === "Nm") {
          // With spacing off (`.Sm off`), lines join without a space: ".Oo user @ Oc" "hostname" is "[user@]hostname".
          const glued = !spacing.on && !spacingJustOff;
          spacingJustOff = false;
          const rendered = mdocLine([name, ...tokens], state, text, spacing);
          if (glued) w.glue(rendered);
          else w.add(rendered);
          if (section === "NAME" && name === "Nm") nameLine.push(rendered);
        }
      // Layout requests and unknown macros print nothing.
    }
  }
  return w.result(page);
}

// ---------------------------------------------------------------------------------------------
// Formatted text (what `man` prints)

/**
 * Renders a man page that is already formatted: overstrikes removed, the running header and footer dropped, headings
 * at the left margin, paragraphs joined (hyphenated line ends rejoined), options with their descriptions as items.
 */
export function renderFormatted(source: string): ManPage {
  // Overstrike: "N\bN" is bold, "_\bN" underlined.
  const clean = withoutOverstrike(source.replace(/\r\n?/gu, "\n"));
  const lines = clean.split("\n");
  const header = /^(\S+)\((\w+)\)\s.*\s\1\(\2\)\s*$/u;
  let page: string | null = null;
  const first = lines.find((l) => l.trim() !== "");
  const headerMatch = first === undefined || first.length > 300 ? null : header.exec(first.trim());
  if (headerMatch) page = `${(headerMatch[1] as string).toLowerCase()}(${headerMatch[2] as string})`;
  const out = new RenderedText();
  let name: string | null = null;
  let section = "";
  let paragraph: string[] = [];
  let tag: string | null = null;
  let bodyIndent = 7;
  const flush = (): void => {
    const body = joinWrapped(paragraph);
    if (section === "NAME" && name === null && body !== "") name = body;
    if (tag !== null) out.item(tag, body);
    else if (body !== "") out.paragraph(body);
    paragraph = [];
    tag = null;
  };
  const pageMark = page === null ? null : page.toUpperCase();
  for (const raw of lines) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === "") {
      flush();
      continue;
    }
    // Running headers and footers: the page's NAME(SECTION) at the end of a line that starts at the margin.
    if (
      pageMark !== null &&
      !line.startsWith(" ") &&
      trimmed.toUpperCase().endsWith(pageMark) &&
      trimmed.length > pageMark.length
    ) {
      flush();
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (indent === 0 || (indent <= 3 && /^[\p{Lu}\d][\p{Lu}\d \-/&]*$/u.test(trimmed))) {
      flush();
      out.heading(indent === 0 ? 1 : 2, trimmed);
      section = trimmed.toUpperCase();
      continue;
    }
    // An option at the paragraph margin: "-v, --verbose   Explain" or alone with its description below.
    const option = /^(-{1,2}[^\s].*?)(?: {2,}(\S.*))?$/u.exec(trimmed);
    if (option && indent <= bodyIndent && paragraph.length === 0) {
      flush();
      tag = option[1] as string;
      if (option[2] !== undefined) paragraph.push(option[2]);
      continue;
    }
    if (tag !== null && indent > bodyIndent) {
      paragraph.push(trimmed);
      continue;
    }
    if (paragraph.length === 0) bodyIndent = indent;
    paragraph.push(trimmed);
  }
  flush();
  return { text: out.toString(), name, page };
}

/** Text without overstrikes: "N\bN" (bold) and "_\bN" (underlined) are "N". */
function withoutOverstrike(text: string): string {
  if (!text.includes("\b")) return text;
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i + 1) === 8 && text[i] !== "\n") {
      i++;
      continue;
    }
    if (text.charCodeAt(i) !== 8) out.push(text[i] as string);
  }
  return out.join("");
}

/** Lines of one paragraph joined with spaces; a word hyphenated at a line's end is joined back ("descrip-" "tion"). */
export function joinWrapped(lines: readonly string[]): string {
  let text = "";
  for (const line of lines) {
    if (text === "") text = line;
    else if (/\p{Ll}-$/u.test(text) && /^\p{Ll}/u.test(line)) text = text.slice(0, -1) + line;
    else text += ` ${line}`;
  }
  return text;
}

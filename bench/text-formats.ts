/**
 * Turns the text formats found on a stock Debian machine (roff man pages, Markdown READMEs, plain
 * text licenses, copyright files and changelogs) into sections of plain-prose paragraphs.
 *
 * This is for generating benchmark text, not for faithful rendering: code, tables, option
 * synopses and markup are dropped, and whatever is left is whitespace-normalised prose.
 */

export interface TextSection {
  /** The section heading, or null for text before the first heading. */
  heading: string | null;
  /** Paragraphs with whitespace collapsed to single spaces. */
  paragraphs: string[];
}

export interface ParsedText {
  /** A title the text gives itself (a man page's `.TH`, a Markdown `# heading`), else null. */
  title: string | null;
  sections: TextSection[];
}

/** Collects paragraphs into sections; short fragments (option items, bullets) are joined into sentences. */
class SectionBuilder {
  readonly sections: TextSection[] = [];
  private current: TextSection = { heading: null, paragraphs: [] };
  private pieces: string[] = [];

  heading(text: string): void {
    this.breakParagraph();
    if (this.current.paragraphs.length > 0 || this.current.heading !== null) this.sections.push(this.current);
    this.current = { heading: collapse(text) || null, paragraphs: [] };
  }

  /** Adds running text to the open paragraph. */
  text(line: string): void {
    const clean = collapse(line);
    if (clean) this.pieces.push(clean);
  }

  /** Starts a new sentence inside the open paragraph (a list item, an option description). */
  item(line: string): void {
    const clean = collapse(line);
    if (!clean) return;
    endSentence(this.pieces);
    this.pieces.push(clean);
  }

  breakParagraph(): void {
    if (this.pieces.length === 0) return;
    endSentence(this.pieces);
    this.current.paragraphs.push(this.pieces.join(" "));
    this.pieces = [];
  }

  finish(): TextSection[] {
    this.heading("");
    return this.sections.filter((s) => s.paragraphs.length > 0);
  }
}

/** Gives the last piece a full stop if it has no closing punctuation, so joined fragments read as sentences. */
function endSentence(pieces: string[]): void {
  const last = pieces.at(-1);
  if (last !== undefined && !/[.!?:;]["')\]]?$/.test(last)) pieces[pieces.length - 1] = `${last}.`;
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------
// roff (man and mdoc)

const ROFF_GLYPHS: Record<string, string> = {
  em: "—",
  en: "–",
  hy: "-",
  mi: "-",
  aq: "'",
  dq: '"',
  lq: '"',
  rq: '"',
  oq: "'",
  cq: "'",
  bu: "•",
  co: "©",
  rg: "®",
  tm: "™",
  ga: "`",
  ti: "~",
  ha: "^",
  rs: "\\",
  Fo: "«",
  Fc: "»",
  fo: "‹",
  fc: "›",
  ua: "↑",
  da: "↓",
  ra: "→",
  la: "←",
  ">=": "≥",
  "<=": "≤",
  mu: "×",
  de: "°",
};

/** Replaces roff escape sequences inside a text line by what they print (or nothing). */
export function unescapeRoff(line: string): string {
  return line
    .replace(/\\"(.*)$/, "") // comment to end of line
    .replace(/\\f(?:\[[^\]]*\]|\(..|.)/g, "") // font changes
    .replace(/\\s(?:\[[^\]]*\]|\(\d\d|[+-]?\d)/g, "") // size changes
    .replace(/\\\*(?:\[([^\]]*)\]|\((..)|(.))/g, (_m, a?: string, b?: string, c?: string) => {
      const name = a ?? b ?? c ?? "";
      return name === "lq" || name === "rq" ? '"' : name === "R" ? "®" : name === "Tm" ? "™" : "";
    })
    .replace(/\\(?:\(([^\s]{2})|\[([^\]]*)\])/g, (_m, a?: string, b?: string) => ROFF_GLYPHS[a ?? b ?? ""] ?? "")
    .replace(/\\[hvwlLoNXxbDRZ]'[^']*'/g, "") // motions, width, drawing, device control
    .replace(/\\[nkgmM](?:\[[^\]]*\]|\(..|.)/g, "") // registers, marks, colours
    .replace(/\\[&|^%c,/)!{}]/g, "")
    .replace(/\\[ ~0]/g, " ")
    .replace(/\\(.)/g, (_m, c: string) => (c === "e" ? "\\" : c)); // \- \. \\ and unknown escapes print the character
}

/** Splits a roff request's arguments, honouring double quotes. */
function roffArgs(rest: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"]|"")*)"?|(\S+)/g;
  for (const m of rest.matchAll(re)) args.push((m[1] ?? m[2] ?? "").replace(/""/g, '"'));
  return args;
}

/** Macros whose arguments are printed text (man font macros and mdoc semantic macros). */
const TEXT_MACROS = new Set([
  "B",
  "I",
  "SM",
  "SB",
  "Nm",
  "Nd",
  "Fl",
  "Ar",
  "Pa",
  "Xr",
  "Em",
  "Sy",
  "Li",
  "Dq",
  "Sq",
  "Ql",
  "Op",
  "Va",
  "Ev",
  "Cm",
  "Ic",
  "Dv",
  "Er",
  "Fn",
  "Fa",
  "Ft",
  "Cd",
  "Ad",
  "Ms",
  "Tn",
  "Lk",
  "Mt",
  "Aq",
  "Pq",
  "Bq",
  "Qq",
  "Dl",
  "St",
  "An",
  "Lb",
  "Vt",
  "Ot",
  "Sx",
  "Ux",
  "At",
  "Bx",
  "Ox",
  "Fx",
  "Nx",
  "Dx",
  "D1",
  "Xo",
  "Xc",
  "No",
  "Ns",
]);
/** man macros that alternate fonts between arguments and print them without spaces. */
const ALTERNATING_MACROS = new Set(["BR", "BI", "IB", "IR", "RI", "RB"]);
const BREAK_MACROS = new Set([
  "PP",
  "P",
  "LP",
  "sp",
  "IP",
  "TP",
  "TQ",
  "HP",
  "RS",
  "RE",
  "Pp",
  "Lp",
  "Bl",
  "El",
  "It",
  "Bd",
  "Ed",
  "br",
  "in",
  "ti",
  "bp",
  "ne",
]);
/** mdoc macro names that appear as arguments of other mdoc macros (`.It Fl a Ar file`). */
const MDOC_CALLABLE =
  /^(?:Fl|Ar|Pa|Xr|Em|Sy|Li|Dq|Sq|Ql|Op|Oo|Oc|Va|Ev|Cm|Ic|Dv|Er|Fn|Fa|Ft|Ad|Ms|Tn|Aq|Pq|Bq|Qq|Ns|No|Xo|Xc|Sx|Nm|Vt|Pf|Ek|Ux|Ta)$/;

export function parseRoff(source: string): ParsedText {
  const out = new SectionBuilder();
  let title: string | null = null;
  let skipUntil: RegExp | null = null; // inside a macro definition, table, example or conditional block
  let pendingHeading = false;
  let tagLine = false; // the next text line is a `.TP` tag

  for (const rawLine of source.split("\n")) {
    const line = rawLine.replace(/\r$/, "");
    if (skipUntil) {
      if (skipUntil.test(line)) skipUntil = null;
      continue;
    }
    const request = /^[.'][ \t]*([A-Za-z][A-Za-z0-9]*|\\")?[ \t]*(.*)$/.exec(line);
    if (!request) {
      const text = unescapeRoff(line);
      if (pendingHeading) {
        out.heading(text);
        pendingHeading = false;
      } else if (tagLine) {
        out.item(`${text}:`);
        tagLine = false;
      } else out.text(text);
      continue;
    }
    const name = request[1] ?? "";
    const rest = request[2] ?? "";
    if (name === "" || name === '\\"') continue; // bare dot or comment
    if (name === "de" || name === "am" || name === "ig") {
      skipUntil = /^\.\.\s*$/;
      continue;
    }
    if (name === "TS") {
      skipUntil = /^\.TE\b/;
      out.breakParagraph();
      continue;
    }
    if (name === "nf" || name === "EX") {
      skipUntil = /^\.(?:fi|EE)\b/;
      out.breakParagraph();
      continue;
    }
    if (name === "Bd" && /-literal|-unfilled/.test(rest)) {
      skipUntil = /^\.Ed\b/;
      out.breakParagraph();
      continue;
    }
    if ((name === "if" || name === "ie" || name === "el") && rest.includes("\\{")) {
      if (!rest.includes("\\}")) skipUntil = /\\}/;
      continue;
    }
    if (name === "TH" || name === "Dt") {
      const [page, section] = roffArgs(unescapeRoff(rest));
      if (page) title = section ? `${page.toLowerCase()}(${section})` : page.toLowerCase();
      continue;
    }
    if (name === "SH" || name === "SS" || name === "Sh" || name === "Ss") {
      const heading = unescapeRoff(roffArgs(rest).join(" "));
      if (heading.trim()) out.heading(heading);
      else pendingHeading = true;
      continue;
    }
    if (BREAK_MACROS.has(name)) {
      if (name === "TP" || name === "TQ") {
        out.breakParagraph();
        tagLine = true;
      } else if (name === "IP" || name === "It") {
        const args = roffArgs(unescapeRoff(rest)).filter((a) => !MDOC_CALLABLE.test(a));
        if (name === "IP") out.breakParagraph();
        if (args[0] && !/^[\\•*-]?$/.test(args[0])) out.item(name === "IP" ? args[0] : args.join(" "));
      } else if (name !== "br" && name !== "in" && name !== "ti" && name !== "ne") out.breakParagraph();
      continue;
    }
    if (ALTERNATING_MACROS.has(name)) {
      const text = roffArgs(unescapeRoff(rest)).join("");
      if (tagLine) {
        out.item(`${text}:`);
        tagLine = false;
      } else out.text(text);
      continue;
    }
    if (TEXT_MACROS.has(name)) {
      const args = roffArgs(unescapeRoff(rest)).filter((a) => !MDOC_CALLABLE.test(a));
      let text = args.join(" ");
      if (name === "Fl") text = args.map((a) => `-${a}`).join(" ");
      if (name === "Xr" && args.length >= 2) text = `${args[0]}(${args[1]})${args.slice(2).join("")}`;
      if (name === "Nd") text = `— ${text}`;
      if (tagLine) {
        out.item(`${text}:`);
        tagLine = false;
      } else out.text(text);
      continue;
    }
    // Every other request (registers, strings, fonts, spacing, hyperlinks) prints nothing we want.
  }
  return { title, sections: out.finish() };
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Removes inline Markdown/HTML markup, keeping the words a reader sees. */
function unmarkInline(line: string): string {
  return line
    .replace(/<!--.*?-->/g, "")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "") // images and badges
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
    .replace(/<\/?[A-Za-z][^>]*>/g, "")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__)(.*?)\1/g, "$2")
    .replace(/(^|\W)[*_]([^*_\s][^*_]*)[*_](?=\W|$)/g, "$1$2")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"');
}

export function parseMarkdown(source: string): ParsedText {
  const out = new SectionBuilder();
  let title: string | null = null;
  let fence: string | null = null;
  let inHtmlComment = false;
  for (const raw of source.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (fence) {
      if (line.trimStart().startsWith(fence)) fence = null;
      continue;
    }
    if (inHtmlComment) {
      if (line.includes("-->")) inHtmlComment = false;
      continue;
    }
    const fenceOpen = /^\s*(```|~~~)/.exec(line);
    if (fenceOpen) {
      fence = fenceOpen[1] ?? "```";
      out.breakParagraph();
      continue;
    }
    if (/<!--/.test(line) && !/-->/.test(line)) {
      inHtmlComment = true;
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = collapse(unmarkInline(heading[2] ?? ""));
      if (title === null && heading[1] === "#") title = text || null;
      out.heading(text);
      continue;
    }
    if (/^\s*$/.test(line)) {
      out.breakParagraph();
      continue;
    }
    if (/^\s*(?:\||[-=]{3,}\s*$|[-*_](?:\s*[-*_]){2,}\s*$)/.test(line)) {
      out.breakParagraph();
      continue;
    } // tables, rules, setext underlines
    if (/^( {4}|\t)/.test(line)) continue; // indented code
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) out.item(unmarkInline(item[1] ?? ""));
    else out.text(unmarkInline(line.replace(/^\s*>\s?/, "")));
  }
  return { title, sections: out.finish() };
}

// ---------------------------------------------------------------------------------------------
// Plain text (licenses, Debian copyright files, changelogs, NEWS, READMEs)

export function parsePlain(source: string): ParsedText {
  const out = new SectionBuilder();
  for (const raw of source.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (/^\s*\.?\s*$/.test(line)) {
      out.breakParagraph();
      continue;
    } // blank, or a DEP-5 " ." paragraph break
    if (/^\s*[-=*_~]{3,}\s*$/.test(line)) {
      out.breakParagraph();
      continue;
    } // underlines and rules
    if (/^ -- .*<[^>]*>/.test(line)) {
      out.breakParagraph();
      continue;
    } // Debian changelog sign-off
    const changelogEntry = /^(\S+) \(([^)]+)\) [^;]*; urgency=/.exec(line);
    if (changelogEntry) {
      out.heading(`${changelogEntry[1]} ${changelogEntry[2]}`);
      continue;
    }
    const field =
      /^(Files|Copyright|License|Upstream-Name|Upstream-Contact|Source|Format|Comment|Disclaimer|Files-Excluded):\s*(.*)$/.exec(
        line,
      );
    if (field) {
      out.breakParagraph();
      if (field[1] === "License" && field[2]) out.item(`License: ${field[2]}`);
      else if (field[1] === "Copyright" && field[2]) out.item(`Copyright ${field[2]}`);
      continue;
    }
    const cleaned = line.replace(/<[^<>\s]+@[^<>\s]+>/g, "").replace(/\bhttps?:\/\/\S+/g, "");
    const item = /^\s*(?:[-*+•o]|\d+[.)])\s+(.*)$/.exec(cleaned);
    if (item) out.item(item[1] ?? "");
    else out.text(cleaned);
  }
  return { title: null, sections: out.finish() };
}

// ---------------------------------------------------------------------------------------------
// Prose filter

/** A space-delimited token that is an ordinary word, with optional surrounding punctuation. */
const WORDY_TOKEN = /(?<=^| )[("'[]?[A-Za-z][a-z'’-]*[)"'\],.;:!?]*(?= |$)/g;

/**
 * True for paragraphs that read as English prose: enough words, mostly alphabetic, mostly ASCII
 * letters (skips translations, code, option tables, hex dumps and lists of file names).
 */
export function isProse(paragraph: string, minWords = 8): boolean {
  let tokens = 1;
  for (let i = 0; i < paragraph.length; i++) if (paragraph.charCodeAt(i) === 32) tokens++;
  if (tokens < minWords) return false;
  const wordy = paragraph.match(WORDY_TOKEN)?.length ?? 0;
  if (wordy / tokens < 0.7) return false;
  let nonAscii = 0;
  for (let i = 0; i < paragraph.length; i++) if (paragraph.charCodeAt(i) > 0x7f) nonAscii++;
  return nonAscii / paragraph.length < 0.02;
}

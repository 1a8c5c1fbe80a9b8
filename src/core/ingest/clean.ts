/**
 * Cleaning: keep a document's prose, drop page chrome.
 *
 * Two shapes of text, judged differently:
 * - **documents** (Markdown, plain text, and every extracted format): judged block by block (`judgeBlocks`). A block —
 *   a paragraph however it is wrapped, a list item, a table row — is dropped only when it is boilerplate by its shape
 *   (navigation, appeals, forms, captions, badges…); a wrapped line is never judged alone, and nothing is dropped for
 *   lacking a full stop.
 * - **scraped pages** (`isScrapedPage`: text copied from a web page, one paragraph per line, with no Markdown
 *   structure): judged line by line, as below, because a page's menus, related headlines and trailers are lines.
 *
 * The scraped-page rules, generic rather than written for known pages:
 * - line rules (`LINE_RULES`): each non-blank line is dropped by the first named rule it matches
 *   (navigation, appeals, forms, captions, bylines…, and finally anything that is not a sentence);
 * - section rules: `beforeHeadline` (the headline is the title; what precedes it is chrome),
 *   `afterArticle` (a trailer marker such as "News Feed" ends the article) and `relatedTeaser`
 *   (a linked story's headline and teaser glued onto that trailer);
 * - a leading agency dateline ("(MENAFN) ") is trimmed off the first kept line.
 * The result is a list of spans into the original text, so every kept word is an exact substring
 * at a known offset. `explainClean` says which rule dropped each line.
 */
import { plainBlocks } from "./plain.js";
import { type Block, sectioned } from "./structure.js";
import type { ContentSpan, Span } from "../types.js";

export interface CleanOptions {
  /** The document's title. When a line of the text is the title, it and everything before it is page chrome. */
  title?: string | null;
}

/** Why a line was dropped (a rule name), or null when it is kept as article text. */
export interface LineVerdict extends Span {
  /** The trimmed line, exactly `text.slice(start, end)`. */
  text: string;
  kept: boolean;
  rule: string | null;
}

interface Line extends Span {
  text: string;
  /** A blank line (or the start of the text) comes right before this line. */
  startsBlock: boolean;
}

export interface LineRule {
  name: string;
  test: (line: string) => boolean;
}

/** Sentence-final punctuation, optionally followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?…]["'”’»)\]]*$/u;

const words = (line: string): string[] => line.split(/\s+/u).filter((w) => w.length > 0);

/** Normalizes typography so that titles and markers compare equal however they were typed. */
function normalize(line: string): string {
  return line
    .replace(/[‘’ʼ]/gu, "'")
    .replace(/[“”]/gu, '"')
    .replace(/[‐‑‒–—]/gu, "-")
    .replace(/\s+/gu, " ")
    .trim()
    .toLowerCase();
}

/** A line this long is prose, punctuated or not. */
const PROSE_WORDS = 25;

export function isSentence(line: string): boolean {
  return SENTENCE_END.test(line) || (line.endsWith(":") && words(line).length >= 5);
}

/**
 * A line that ends the way a sentence does (or introduces a quotation or list with a colon). Every rule below is
 * linear in the line's length: no nested or adjacent quantifiers that can match the same characters, and searches that
 * could rescan (a tail in parentheses, a signature) look at the line's end only.
 */
/**
 * Phrases only a publication's own fundraising uses: it speaks of "our" readers and mission, or asks
 * "you" to become a member (but "become a member of NATO" is news, not an appeal).
 */
const MEMBERSHIP_APPEAL: RegExp[] = [
  /\bbecome a (member|supporter|subscriber|patron)\b(?! of\b)/iu,
  /\bgift(ing)? (a )?membership\b/iu,
  /\bfunded by (our )?readers\b/iu,
  /\breaders like you\b/iu,
  /\b(fund|support) our (mission|journalism|reporting)\b/iu,
];

/** Every appeal phrase contains one of these words: lines without them skip the six patterns (most lines). */
const APPEAL_HINT = /member|reader|fund|support/iu;

function isMembershipAppeal(line: string): boolean {
  if (!APPEAL_HINT.test(line)) return false;
  // "a financial contribution … readers", in either order (two searches, not `.*` between them).
  if (/\bfinancial contribution\b/iu.test(line) && /\breaders?\b/iu.test(line)) return true;
  return MEMBERSHIP_APPEAL.some((re) => re.test(line));
}

/** The text in parentheses that ends the line, "(…)" with no parenthesis inside, or null. */
function parentheticalTail(line: string): string | null {
  if (!line.endsWith(")")) return null;
  const open = line.lastIndexOf("(");
  if (open < 0 || line.indexOf(")", open) !== line.length - 1) return null;
  return line.slice(open);
}

/** A caption's credit at the end of a line: "(Mark Wilson/Getty Images)", "(Photo: Reuters)". */
function endsWithPhotoCredit(line: string): boolean {
  const tail = parentheticalTail(line);
  if (tail === null || tail.length > 200) return false;
  return /\/|\bgetty images\b|\breuters\b|\bafp\b|\bap photo\b|\bepa\b|\bshutterstock\b/iu.test(tail);
}

/** The tighter shape outside scraped pages: names on both sides of the slash, or an agency, and nothing else. */
function endsWithNamedCredit(line: string): boolean {
  const tail = parentheticalTail(line);
  if (tail === null || tail.length > 120) return false;
  return (
    /^\((?:(?:photo|image|credit)s?:?\s?)?\p{Lu}[\p{L}.'’ -]{0,60}\/\s?\p{Lu}[\p{L}&.'’ -]{0,60}\)$/u.test(tail) ||
    /^\((?:(?:photo|image|credit)s?:?\s?)?(?:getty images|reuters|afp|ap photo|epa|shutterstock)\)$/iu.test(tail)
  );
}

/** The signature under an embedded tweet: "— Name (@handle) June 19, 2021". Looks only at the last "(@". */
function isEmbedSignature(line: string): boolean {
  if (!/^[—–-]/u.test(line)) return false;
  const at = line.lastIndexOf("(@");
  return at > 0 && /^\(@\w{1,15}\)\s{1,3}\p{L}{1,12}\.?\s{1,3}\d{1,2},\s{1,3}\d{4}$/u.test(line.slice(at));
}

/**
 * Line rules, in order; the first match names the reason a line is dropped.
 * The specific rules come first so the reason is informative; `notASentence` is the catch-all.
 */
export const LINE_RULES: readonly LineRule[] = [
  // Site navigation, editor links and buttons: "Skip to content", "Edit post", "Keep reading", "list of 3 items…".
  {
    name: "navigation",
    test: (l) =>
      /^(skip to (main )?content|edit (this )?post|share( this( article| story)?)?|print|advertisement|keep reading|read next|menu|search|close)\.?$/iu.test(
        l,
      ) || /^list of \d+ items?/iu.test(l),
  },
  // Reader-funding appeals: "become a member", "Gift membership", "funded by our readers", "readers like you".
  {
    name: "membershipAppeal",
    test: isMembershipAppeal,
  },
  // A row of payment-card logos rendered as text: "visa masterCard americanExpress".
  {
    name: "paymentBadges",
    test: (l) =>
      words(l).every((w) =>
        /^(visa|master-?card|american-?express|amex|paypal|apple-?pay|google-?pay|discover)$/iu.test(w),
      ),
  },
  // Newsletter sign-up forms: "* indicates required", "Subscribe", "Enter your email…", "Successfuly subscribed".
  {
    name: "newsletterForm",
    test: (l) =>
      /\bindicates required\b/iu.test(l) ||
      /^subscribe\b/iu.test(l) ||
      /\b(enter|type) (your|a|correct|valid) e-?mail\b/iu.test(l) ||
      /\bsuccess?ful+y subscribed\b/iu.test(l) ||
      /\bthank you for (signing up|subscribing)\b/iu.test(l) ||
      /\bsent you a confirmation e-?mail\b/iu.test(l) ||
      /\bsign up (for|to) (our|the|this) newsletter\b/iu.test(l),
  },
  // Comment forms: "Leave a Reply", "Your email address will not be published. Required fields are marked *".
  {
    name: "commentForm",
    test: (l) =>
      /^leave a (reply|comment)\b/iu.test(l) ||
      /\byour e-?mail address will not be published\b/iu.test(l) ||
      /\brequired fields are marked\b/iu.test(l),
  },
  // Blog-platform follow prompts: "Discover more from <site>".
  { name: "discoverMore", test: (l) => /^discover more from\b/iu.test(l) },
  // Inline links to other stories: "See also …", "Read also: …", "Related: …" (a colon or dash, so prose
  // that starts with "Related measures…" is not caught).
  {
    name: "relatedLink",
    test: (l) =>
      /^(see also|read also|also read)\b/iu.test(l) ||
      /^(related|read more|more on this|recommended)\s{0,3}[:\-–—]\s{0,3}\S/iu.test(l),
  },
  // Bylines and read-time lines: "by Olena Goncharova October 6, 2024 5:58 AM 2 min read". Metadata, not prose.
  {
    name: "byline",
    test: (l) => (/^by\s+\p{Lu}/u.test(l) && !isSentence(l)) || /\b\d{1,4}\s{0,3}min(ute)?s?\s{1,3}read\b/iu.test(l),
  },
  // Photo captions and credits: a trailing "(Mark Wilson/Getty Images)", "Photo: …", "Wikipedia Creative Commons".
  {
    name: "photoCredit",
    test: (l) =>
      endsWithPhotoCredit(l) ||
      /^(photo|image|picture|illustration|credit)s?( credit)?\s{0,3}[:/]/iu.test(l) ||
      (words(l).length <= 6 && /\b(creative commons|wikimedia|getty images|shutterstock)\b/iu.test(l)),
  },
  // Machine-generated audio notices: "This audio is created with AI assistance", "Listen to this article".
  {
    name: "audioNotice",
    test: (l) =>
      /\b(audio|narration|voice) is (created|generated|produced) (with|by|using) ai\b/iu.test(l) ||
      /^listen to (this|the) (article|story)\b/iu.test(l),
  },
  // Bare times from a live feed: "3:44 PM".
  { name: "timestamp", test: (l) => /^\d{1,2}:\d{2}(\s{0,3}[ap]\.?m\.?)?$/iu.test(l) },
  // The signature line under an embedded tweet: "— Jason P. Rebholz (@USEmbRuPress) June 19, 2021".
  {
    name: "embedSignature",
    test: (l) => isEmbedSignature(l) || /\bpic\.twitter\.com\//iu.test(l),
  },
  // Anything that does not end like a sentence: headlines of other stories, menus, labels, buttons, section titles.
  // Long lines are prose even without end punctuation (abstracts, truncated paragraphs, plain-text corpora): only
  // short unpunctuated lines (menus, headings, buttons, captions) are dropped as "not a sentence".
  { name: "notASentence", test: (l) => !isSentence(l) && words(l).length < PROSE_WORDS },
];

/**
 * Markers of the page after the article: once the article has begun, the first of these ends it,
 * and nothing after it (news feeds, other stories, sign-up forms, comments) is article text.
 */
const TRAILER_HEADINGS = new Set([
  "news feed",
  "more news",
  "editors' picks",
  "editor's picks",
  "most read",
  "most popular",
  "latest news",
  "latest stories",
  "you may also like",
  "comments",
  "share this",
  "like this",
]);

function isTrailerMarker(line: string): boolean {
  const heading = normalize(line).replace(/[:.]$/u, "");
  return (
    TRAILER_HEADINGS.has(heading) ||
    /^(discover more from|leave a (reply|comment))\b/iu.test(line) ||
    isMembershipAppeal(line)
  );
}

/** The first rule that drops `line`, or null when it reads as article text. */
export function boilerplateRule(line: string): string | null {
  return LINE_RULES.find((rule) => rule.test(line))?.name ?? null;
}

/** A short line that does not end like a sentence and is not page chrome: a plausible headline. */
export function looksLikeHeadline(line: string): boolean {
  const trimmed = line.trim();
  const count = words(trimmed).length;
  if (count < 2 || count > 25 || trimmed.length > 200) return false;
  if (/[.,;:]$/u.test(trimmed)) return false;
  const rule = boilerplateRule(trimmed);
  return rule === null || rule === "notASentence";
}

/** Non-blank lines, trimmed, with their offsets into `text`. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let previousBlank = true;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    let start = lineStart;
    let end = lineEnd;
    while (start < end && /\s/u.test(text[start] ?? "")) start++;
    while (end > start && /\s/u.test(text[end - 1] ?? "")) end--;
    if (start < end) {
      lines.push({ start, end, text: text.slice(start, end), startsBlock: previousBlank });
      previousBlank = false;
    } else {
      previousBlank = true;
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return lines;
}

/** At most this many lines that read as prose may come before the headline for them to be dropped as chrome. */
const MAX_PROSE_BEFORE_HEADLINE = 2;

/**
 * Index of the line that is the title (a Markdown `#` is allowed), or -1. A title found after more
 * prose than a caption's worth is a repeated heading, not the page's headline, and is not used.
 */
function findTitleLine(lines: Line[], title: string | null | undefined): number {
  const wanted = normalize(title ?? "");
  if (wanted === "") return -1;
  const index = lines.findIndex((line) => normalize(line.text.replace(/^#+\s+/u, "")) === wanted);
  const proseBefore = lines.slice(0, Math.max(index, 0)).filter((line) => boilerplateRule(line.text) === null).length;
  return proseBefore <= MAX_PROSE_BEFORE_HEADLINE ? index : -1;
}

/**
 * A leading agency dateline on the article's first line, "(MENAFN) " or "WASHINGTON (Reuters) — ",
 * is attribution, not a statement: the first kept span starts after it (when a sentence follows).
 */
const DATELINE =
  /^(?:\p{Lu}[\p{Lu}.,'’ -]+\s)?\(\p{Lu}[\p{L}.&]*(?:\s\p{Lu}[\p{L}.&]*)*\)\s*(?:[—–-]\s*)?(?=[\p{Lu}\p{N}"“‘'])/u;

/** Classifies every non-blank line of `text`: kept as article text, or dropped by a named rule. */
export function explainClean(text: string, options: CleanOptions = {}): LineVerdict[] {
  const lines = splitLines(text);
  const verdicts: LineVerdict[] = lines.map((line) => ({
    start: line.start,
    end: line.end,
    text: line.text,
    kept: false,
    rule: null,
  }));
  const drop = (index: number, rule: string): void => {
    const verdict = verdicts[index];
    if (verdict) Object.assign(verdict, { kept: false, rule });
  };

  // Section rule `beforeHeadline`: the headline is the title (metadata, shown with every quote), and
  // what precedes it is page chrome (a hero-image caption, a membership banner, "Skip to content").
  const titleIndex = findTitleLine(lines, options.title);
  for (let i = 0; i < titleIndex; i++) drop(i, "beforeHeadline");
  if (titleIndex >= 0) drop(titleIndex, "headline");

  let keptCount = 0;
  for (let i = titleIndex + 1; i < lines.length; i++) {
    const line = lines[i] as Line;
    // Section rule `afterArticle`: once the article has begun, a trailer marker ends it.
    if (keptCount > 0 && isTrailerMarker(line.text)) {
      for (let j = i; j < lines.length; j++) drop(j, "afterArticle");
      dropRelatedCard(lines, verdicts, i);
      break;
    }
    const rule = boilerplateRule(line.text);
    if (rule) {
      drop(i, rule);
    } else {
      Object.assign(verdicts[i] as LineVerdict, { kept: true, rule: null });
      keptCount++;
    }
  }

  const first = verdicts.find((verdict) => verdict.kept);
  // A dateline is short: only the line's opening is searched.
  const dateline = first ? DATELINE.exec(first.text.slice(0, 200)) : null;
  if (first && dateline) {
    first.start += dateline[0].length;
    first.text = text.slice(first.start, first.end);
  }
  return verdicts;
}

/**
 * Section rule `relatedTeaser`: a link to another story glued onto the trailer — its headline
 * (a line that is not a sentence, opening a block) followed by one or two teaser sentences, with
 * no blank line between them and the trailer marker at `markerIndex`. The teaser is not article text.
 */
function dropRelatedCard(lines: Line[], verdicts: LineVerdict[], markerIndex: number): void {
  let first = markerIndex;
  while (first > 0 && !(lines[first] as Line).startsBlock) first--;
  const teaser = markerIndex - first - 1;
  if (first === markerIndex || teaser < 1 || teaser > 2) return;
  if (verdicts[first]?.rule !== "notASentence") return;
  for (let i = first + 1; i < markerIndex; i++) {
    const verdict = verdicts[i] as LineVerdict;
    if (verdict.kept) Object.assign(verdict, { kept: false, rule: "relatedTeaser" });
  }
}

// ---------------------------------------------------------------------------------------------
// Documents: judged block by block

/** Whether `text` reads as a web page copied as text: paragraphs one per line, some long, and no Markdown structure. */
export function isScrapedPage(text: string): boolean {
  let longParagraphs = 0;
  for (let from = 0; from <= text.length;) {
    const newline = text.indexOf("\n", from);
    const to = newline === -1 ? text.length : newline;
    const line = text.slice(from, to).trim();
    if (line === "") {
      if (newline === -1) break;
      from = newline + 1;
      continue;
    }
    if (
      /^#{1,6}\s/u.test(line) ||
      /^(`{3,}|~{3,})/u.test(line) ||
      /^(={3,}|-{3,})$/u.test(line) ||
      (line.length > 2 && line.startsWith("|") && line.endsWith("|"))
    )
      return false;
    if (line.length >= 200 && isSentence(line)) longParagraphs++;
    if (newline === -1) break;
    from = newline + 1;
  }
  return longParagraphs > 0;
}

const ruleNamed = (name: string): LineRule => LINE_RULES.find((rule) => rule.name === name) as LineRule;
const wordsIn = (unit: string): number => words(unit).length;

/**
 * The scraped-page rules that also apply to documents, each only on the shape it was written for: a menu word alone,
 * an appeal or form's own phrases, a short unpunctuated "See also …" teaser, a byline or caption credit standing alone.
 * Nothing here drops a paragraph for lacking a full stop.
 */
export const DOCUMENT_RULES: readonly LineRule[] = [
  ruleNamed("navigation"),
  ruleNamed("membershipAppeal"),
  ruleNamed("paymentBadges"),
  {
    name: "newsletterForm",
    test: (l) =>
      (/^subscribe\b/iu.test(l) &&
        wordsIn(l) <= 12 &&
        (!isSentence(l) || /\b(e-?mail|newsletter|posts)\b/iu.test(l))) ||
      (ruleNamed("newsletterForm").test(l) && !/^subscribe\b/iu.test(l) && wordsIn(l) <= 30),
  },
  ruleNamed("commentForm"),
  ruleNamed("discoverMore"),
  {
    name: "relatedLink",
    test: (l) => ruleNamed("relatedLink").test(l) && wordsIn(l) <= 20 && !isSentence(l),
  },
  {
    name: "byline",
    test: (l) =>
      (/^by\s+\p{Lu}/u.test(l) && !isSentence(l) && wordsIn(l) <= 12) ||
      (/\b\d{1,4}\s{0,3}min(ute)?s?\s{1,3}read\b/iu.test(l) && wordsIn(l) <= 15),
  },
  {
    name: "photoCredit",
    test: (l) =>
      (endsWithNamedCredit(l) && wordsIn(l) <= 60) ||
      (/^(photo|image|picture|illustration|credit)s?( credit)?\s{0,3}[:/]/iu.test(l) && wordsIn(l) <= 20) ||
      (wordsIn(l) <= 6 && /\b(creative commons|wikimedia|getty images|shutterstock)\b/iu.test(l)),
  },
  ruleNamed("audioNotice"),
  ruleNamed("timestamp"),
  ruleNamed("embedSignature"),
];

/** A block with the cleaner's verdict. */
export interface BlockVerdict extends Block {
  kept: boolean;
  /** Why it was dropped (a rule's name), or null when kept (headings: null unless a rule dropped them). */
  rule: string | null;
}

/** The first document rule that drops `unit` (one block's text, whitespace collapsed), or null. */
export function documentRule(unit: string): string | null {
  return DOCUMENT_RULES.find((rule) => rule.test(unit))?.name ?? null;
}

const unitText = (text: string, block: Span): string => text.slice(block.start, block.end).replace(/\s+/gu, " ");

/**
 * Judges every block of a document: code is kept (searchable, never quoted), headings name sections, and other blocks
 * are kept unless their shape marks them as chrome (`Block.drop`, or one of `DOCUMENT_RULES`). When a block is the
 * title, it and the few blocks before it are the page's masthead.
 */
export function judgeBlocks(text: string, blocks: readonly Block[], options: CleanOptions = {}): BlockVerdict[] {
  const verdicts: BlockVerdict[] = blocks.map((block) => ({ ...block, kept: block.kind !== "heading", rule: null }));
  const drop = (verdict: BlockVerdict, rule: string): void => {
    verdict.kept = false;
    verdict.rule = rule;
    verdict.drop ??= rule;
  };
  for (const verdict of verdicts) {
    if (verdict.kind === "code") continue;
    if (verdict.drop !== undefined) {
      drop(verdict, verdict.drop);
      continue;
    }
    const unit = verdict.kind === "heading" ? (verdict.text ?? "") : unitText(text, verdict);
    const rule = documentRule(unit);
    if (rule !== null) drop(verdict, rule);
  }
  // Section rule `beforeHeadline`, as on scraped pages: the title's own block, and what comes before it when that is
  // no more than a caption's worth of prose.
  const wanted = normalize(options.title ?? "");
  if (wanted !== "") {
    const index = verdicts.findIndex(
      (v) => normalize(v.kind === "heading" ? (v.text ?? "") : unitText(text, v).replace(/^#+\s+/u, "")) === wanted,
    );
    const before = verdicts.slice(0, Math.max(index, 0)).filter((v) => v.kept);
    const caption = before.length <= MAX_PROSE_BEFORE_HEADLINE && before.every((v) => wordsIn(unitText(text, v)) <= 40);
    if (index >= 0 && caption) {
      for (let i = 0; i < index; i++) {
        const verdict = verdicts[i] as BlockVerdict;
        if (verdict.kept || verdict.kind === "heading") drop(verdict, "beforeHeadline");
      }
      const title = verdicts[index] as BlockVerdict;
      if (title.kind !== "heading") drop(title, "headline");
    }
  }
  return verdicts;
}

/** The kept content of a document's blocks, each with its section. */
export function cleanBlocks(text: string, blocks: readonly Block[], options: CleanOptions = {}): ContentSpan[] {
  return sectioned(judgeBlocks(text, blocks, options), options.title ?? null);
}

/**
 * The article-proper regions of plain text: a scraped page's kept lines, or a document's kept blocks (with their
 * kinds and sections). Offsets into `text`, in order, non-overlapping.
 */
export function cleanText(text: string, options: CleanOptions = {}): ContentSpan[] {
  return isScrapedPage(text) ? cleanPage(text, options) : cleanBlocks(text, plainBlocks(text), options);
}

/** The kept lines of text judged as a scraped page (`explainClean`), whatever its shape. */
export function cleanPage(text: string, options: CleanOptions = {}): ContentSpan[] {
  return explainClean(text, options)
    .filter((verdict) => verdict.kept)
    .map(({ start, end }) => ({ start, end }));
}

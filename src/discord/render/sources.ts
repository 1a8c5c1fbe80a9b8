/** How a source is named wherever the bot shows one: attributions, "also reported by", autocomplete choices. */
import { sourceLabel, type Quote, type Source, withoutBidiControls } from "../../core/index.js";
import { clipInline } from "./cut.js";
import { renderDate } from "./dates.js";
import { link, safeUrl } from "./links.js";
import { plural } from "./payload.js";

export const TITLE_MAX = 150;
export const NAME_MAX = 80;
export const PATH_MAX = 160;
/** The quoted section's headings ("Installation › Windows"). */
export const SECTION_MAX = 100;
const ALSO_MAX = 320;
const ALSO_COUNT = 5;
/** Discord allows choice names of at most 100 characters. */
const CHOICE_MAX = 100;

/** The title, linked when the source has a usable link. */
export function titleLink(source: Source, bold: boolean): string {
  const { label: raw } = sourceLabel(source);
  const label = clipInline(raw, TITLE_MAX);
  const url = safeUrl(source.url);
  if (url) return link(label, raw, url, bold);
  return bold ? `**${label}**` : label;
}

/** "Title · Publisher · Author · 5 Mar 2024 · file: path" */
export function attribution(source: Source, section: string | null = null): string {
  const parts = [
    section ? `${titleLink(source, true)} › ${clipInline(section, SECTION_MAX)}` : titleLink(source, true),
  ];
  const publisher = source.publisher?.trim();
  const author = source.author?.trim();
  if (publisher) parts.push(clipInline(publisher, NAME_MAX));
  if (author && author.toLowerCase() !== publisher?.toLowerCase()) parts.push(clipInline(author, NAME_MAX));
  const date = renderDate(source.date, source.dateInferred);
  if (date) parts.push(date);
  const path = source.path?.trim();
  if (path && !safeUrl(source.url) && !sourceLabel(source).fromPath) parts.push(`file: ${clipInline(path, PATH_MAX)}`);
  return parts.join(" · ");
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * A source as an autocomplete choice: "Title — Publisher", at most 100 characters, cut between graphemes (never inside
 * an emoji, a ZWJ sequence or a combining mark) and within 100 UTF-16 units, so it fits however Discord counts.
 */
export function choiceName(source: Source): string {
  const parts = [sourceLabel(source).label];
  if (source.publisher !== null) parts.push(source.publisher);
  const name = withoutBidiControls(parts.join(" — ")).replace(/\s+/g, " ");
  if (name.length <= CHOICE_MAX) return name;
  let cut = "";
  // Only the prefix that can fit is segmented (linear in the budget, whatever the title's length).
  for (const { segment } of graphemes.segment(name.slice(0, CHOICE_MAX + 16))) {
    if (cut.length + segment.length > CHOICE_MAX - 1) break;
    cut += segment;
  }
  return `${cut.trimEnd()}…`;
}

/** "-# Also reported by A, B and 2 more", or null when nobody else reported it. */
export function alsoReportedLine(quote: Quote): string | null {
  const own = quote.source.publisher?.trim().toLowerCase();
  const seen = new Set<string>();
  const names: string[] = [];
  for (const other of quote.alsoReportedBy) {
    if (other.id === quote.source.id) continue;
    const publisher = other.publisher?.trim();
    const useTitle = !publisher || publisher.toLowerCase() === own;
    const raw = useTitle ? sourceLabel(other).label : publisher;
    const key = raw.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const label = clipInline(raw, NAME_MAX);
    const url = safeUrl(other.url);
    names.push(url ? link(label, raw, url) : label);
  }
  if (names.length === 0) return null;
  const prefix = "-# Also reported by ";
  const listed: string[] = [];
  for (const [index, name] of names.entries()) {
    const rest = names.length - index - 1;
    const candidate = [...listed, name];
    const tail = rest > 0 ? ` and ${rest} more` : "";
    if (index >= ALSO_COUNT || prefix.length + candidate.join(", ").length + tail.length > ALSO_MAX) break;
    listed.push(name);
  }
  if (listed.length === 0) return `-# Also reported by ${plural(names.length, "other source")}`;
  const more = names.length - listed.length;
  return `${prefix}${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

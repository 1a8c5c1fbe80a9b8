/** One place for how a source is named and counted, so the CLI, the JSON and the bot always agree. */
import type { Quote, Source } from "./types.js";

/** The title, or failing that the file path or the id: never empty. `fromPath` says the label is a file name. */
export function sourceLabel(source: Source): { label: string; fromPath: boolean } {
  const title = source.title?.trim();
  if (title) return { label: title, fromPath: false };
  const path = source.path?.trim();
  if (path) return { label: path, fromPath: true };
  return { label: `untitled document ${source.id}`, fromPath: false };
}

function host(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.hostname.replace(/^www\./, "") : null;
  } catch {
    return null;
  }
}

/** Sources count as one when they share a publisher (else a website, else they are the same document). */
export function independenceKey(source: Source): string {
  const publisher = source.publisher?.trim().toLowerCase();
  if (publisher) return `publisher:${publisher}`;
  const site = host(source.url);
  if (site !== null) return `host:${site}`;
  return `document:${source.id}`;
}

/** How many independent sources stand behind `quotes`: their own sources and those that also reported them. */
export function independentSources(quotes: readonly Quote[]): number {
  const keys = new Set<string>();
  for (const quote of quotes)
    for (const source of [quote.source, ...quote.alsoReportedBy]) keys.add(independenceKey(source));
  return keys.size;
}

/**
 * Bidirectional-text controls (embeddings, overrides, isolates, marks). In a title or a file name they can make text
 * read other than it is stored ("gnp.exe" shown as "exe.png"), so whatever shows a source's names strips them.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` without bidirectional-text controls. */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

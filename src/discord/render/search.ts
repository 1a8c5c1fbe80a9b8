/** Search results for browsing: rank, source, and a short verbatim excerpt. One message. */
import type { SearchHit, SearchResult } from "../../core/index.js";
import { correctedLine, NOTE_RESERVE } from "./answer.js";
import { clipInline, fitQuote } from "./cut.js";
import { DISCORD_LIMITS, payload, plural, type MessagePayload, type RenderOptions } from "./payload.js";
import { attribution } from "./sources.js";

const SEARCH_HITS_MAX = 10;
const SEARCH_EXCERPT_MAX = 240;
const TRIM_MARKER = " *[…]*";

export interface SearchRenderOptions extends RenderOptions {
  /** The query's words read as mistyped (SearchResult.corrected): said under the query. */
  corrected?: SearchResult["corrected"];
}

export function renderSearch(
  query: string,
  hits: readonly SearchHit[],
  options: SearchRenderOptions = {},
): MessagePayload[] {
  const shownQuery = clipInline(query, 200) || "(empty)";
  const line = correctedLine(options.corrected);
  const read = line === null ? "" : `\n${line}`;
  if (hits.length === 0) {
    return [payload(`No passages match **${shownQuery}**. Try fewer or different words.${read}`, options)];
  }
  let content = `**Search:** ${shownQuery}\n-# ${plural(hits.length, "passage")}, best first.${read}`;
  let shown = 0;
  for (const [index, hit] of hits.slice(0, SEARCH_HITS_MAX).entries()) {
    const heading = `**${index + 1}.** ${attribution(hit.source, hit.section ?? null)}`;
    const fitted = fitQuote(hit.text, SEARCH_EXCERPT_MAX - TRIM_MARKER.length);
    const excerpt = fitted.rendered ? `${fitted.rendered}${fitted.omitted > 0 ? TRIM_MARKER : ""}` : "-# (no text)";
    const entry = `\n\n${heading}\n${excerpt}`;
    if (content.length + entry.length > DISCORD_LIMITS.content - NOTE_RESERVE) break;
    content += entry;
    shown++;
  }
  if (shown < hits.length) content += `\n\n-# ${plural(hits.length - shown, "more passage")} not shown.`;
  return [payload(content, options)];
}

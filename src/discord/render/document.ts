/** One document (/source, /corpus show): its metadata, then its opening, verbatim. */
import { sourceLabel, type DocumentView } from "../../core/index.js";
import { clipInline, fitQuote } from "./cut.js";
import { renderDate } from "./dates.js";
import { DISCORD_LIMITS, payload, plural, type MessagePayload, type RenderOptions } from "./payload.js";
import { NAME_MAX, PATH_MAX, titleLink } from "./sources.js";

export function renderDocument(view: DocumentView, options: RenderOptions = {}): MessagePayload[] {
  const { source } = view;
  const lines = [`## ${titleLink(source, false)}`];
  const byline: string[] = [];
  const publisher = source.publisher?.trim();
  const author = source.author?.trim();
  if (publisher) byline.push(clipInline(publisher, NAME_MAX));
  if (author && author.toLowerCase() !== publisher?.toLowerCase()) byline.push(`by ${clipInline(author, NAME_MAX)}`);
  const date = renderDate(source.date, source.dateInferred);
  if (date) byline.push(date);
  if (byline.length > 0) lines.push(byline.join(" · "));
  const path = source.path?.trim();
  if (path && !sourceLabel(source).fromPath) lines.push(`File: ${clipInline(path, PATH_MAX)}`);
  lines.push(
    `-# ${plural(view.passages, "passage")} · ${plural(view.characters, "character")} · id: ${clipInline(source.id, 120)}`,
  );
  const head = lines.join("\n");
  const trimNote = (omitted: number): string => `-# […] Opening continues: ${plural(omitted, "more character")}.`;
  const room = DISCORD_LIMITS.content - head.length - 2 - trimNote(view.opening.length).length - 1;
  const fitted = fitQuote(view.opening, room);
  const body = fitted.rendered ? [fitted.rendered] : ["-# (No text.)"];
  if (fitted.omitted > 0) body.push(trimNote(fitted.omitted));
  return [payload(`${head}\n\n${body.join("\n")}`, options)];
}

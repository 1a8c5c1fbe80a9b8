/**
 * Documents that do not come from a file (evaluation collections, text typed into a form): same cleaning and hashing as
 * files, so they are indexed by exactly the bot's pipeline.
 */
import { createHash } from "node:crypto";
import { cleanText } from "./clean.js";
import type { CorpusDocument, Source } from "../types.js";

export function documentFromText(input: { id: string; text: string } & Partial<Omit<Source, "id">>): CorpusDocument {
  const source: Source = {
    id: input.id,
    title: input.title ?? null,
    publisher: input.publisher ?? null,
    author: input.author ?? null,
    date: input.date ?? null,
    url: input.url ?? null,
    path: input.path ?? null,
  };
  if (input.dateInferred) source.dateInferred = true;
  return {
    source,
    text: input.text,
    content: cleanText(input.text, { title: source.title }),
    hash: createHash("sha256").update(input.text).digest("hex"),
  };
}

/** A source as a file in a corpus folder gives it: a title and a path, nothing else known. */
import type { Source } from "../../src/core/index.js";

export const fileSource = (title: string, path: string): Source => ({
  id: path.replace(/\.[^.]*$/u, ""),
  title,
  publisher: null,
  author: null,
  date: null,
  url: null,
  path,
});

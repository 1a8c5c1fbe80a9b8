/** A corpus folder's documents, loaded the one way the product loads them (the library's sync), for tests. */
import { DEFAULT_CHUNK } from "../../src/core/ingest/chunk.js";
import { syncCorpus } from "../../src/core/library/sync.js";
import { SegmentBuilder } from "../../src/core/search/segment.js";
import type { ContentSpan, CorpusDocument, LoadProblem } from "../../src/core/types.js";

export interface LoadedFolder {
  documents: CorpusDocument[];
  problems: LoadProblem[];
  /** Files left out without being read, with the reason. */
  skipped: LoadProblem[];
  readme: string | null;
}

export async function loadFolder(dir: string): Promise<LoadedFolder> {
  const { segment, problems, skipped, readme } = await syncCorpus(
    dir,
    new SegmentBuilder().build(),
    { chunk: DEFAULT_CHUNK, files: [] },
    DEFAULT_CHUNK,
  );
  const documents = segment.docs.map((d, i): CorpusDocument => {
    const content: ContentSpan[] = [];
    for (let k = 0; k + 1 < d.content.length; k += 2)
      content.push({ start: d.content[k] as number, end: d.content[k + 1] as number });
    return { source: d.source, text: segment.text(i), content, hash: d.hash };
  });
  return { documents, problems, skipped, readme };
}

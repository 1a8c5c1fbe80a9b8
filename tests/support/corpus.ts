/** A corpus folder's documents, loaded the one way the product loads them (the library's sync), for tests. */
import { DEFAULT_CHUNK } from "../../src/core/ingest/chunk.js";
import { syncCorpus } from "../../src/core/library/sync.js";
import { SegmentBuilder } from "../../src/core/search/segment.js";
import type { CorpusDocument, LoadProblem, Span } from "../../src/core/types.js";

export interface LoadedFolder {
  documents: CorpusDocument[];
  problems: LoadProblem[];
}

export async function loadFolder(dir: string): Promise<LoadedFolder> {
  const { segment, problems } = await syncCorpus(
    dir,
    new SegmentBuilder().build(),
    { chunk: DEFAULT_CHUNK, files: [] },
    DEFAULT_CHUNK,
  );
  const documents = segment.docs.map((d, i): CorpusDocument => {
    const content: Span[] = [];
    for (let k = 0; k + 1 < d.content.length; k += 2)
      content.push({ start: d.content[k] as number, end: d.content[k + 1] as number });
    return { source: d.source, text: segment.text(i), content, hash: d.hash };
  });
  return { documents, problems };
}

/** Names shown to users carry no bidirectional-text controls (issue 9, item 13): "gnp.exe" never reads "exe.png". */
import { describe, expect, it } from "vitest";
import type { Source } from "../../../src/core/index.js";
import {
  attribution,
  choiceName,
  describeDocument,
  escapeInline,
  renderDocument,
} from "../../../src/discord/render/index.js";

const RLO = "\u202e";
const CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const source: Source = {
  id: "spoof",
  title: `Invoice ${RLO}gnp.exe`,
  publisher: `Acme\u2066 Corp\u2069`,
  author: `\u200fJane`,
  date: null,
  url: null,
  path: `scan${RLO}fdp.txt`,
};

describe("bidi controls in names", () => {
  it("are stripped from titles, publishers, authors and file names wherever they are shown", () => {
    const shown = [
      attribution(source),
      attribution({ ...source, title: null }),
      choiceName(source),
      describeDocument({
        id: "spoof",
        source,
        text: "t",
        hash: "0".repeat(64),
        addedBy: "1",
        addedAt: "2025-01-01T00:00:00Z",
      }),
      renderDocument({ source, opening: "Text.", passages: 1, characters: 5 })[0]?.content ?? "",
      escapeInline(`a${RLO}b`),
    ];
    for (const text of shown) expect(text).not.toMatch(CONTROLS);
    expect(choiceName(source)).toBe("Invoice gnp.exe — Acme Corp");
    expect(attribution({ ...source, title: null })).toContain("scanfdp.txt");
  });
});

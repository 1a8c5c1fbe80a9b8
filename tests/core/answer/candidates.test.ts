/**
 * Quote boundaries: a quote reads on its own. The sentence before joins when the quote's subject is a pronoun; the one
 * after when the answer continues there (after a colon, "To do so, …"); a quote never starts or ends inside a
 * quotation; and the sentence that answers is marked as the quote's focus.
 */
import { describe, expect, it } from "vitest";
import { fileSegment, rankedQuotes } from "../../support/answers.js";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { buildSegment } from "../../../src/core/search/segment.js";
import { announcedCode, passageSentences, quotationBalance, widen } from "../../../src/core/answer/candidates.js";
import { answerQuestion, DEFAULT_ANSWER } from "../../../src/core/answer/quotes.js";
import { loadDocument } from "../../../src/core/ingest/load.js";

const sentencesOf = (text: string) => {
  const segment = buildSegment([documentFromText({ id: "d", title: "Doc", text })]);
  return passageSentences(segment, 0);
};
const quoted = (text: string, core: number) => {
  const ps = sentencesOf(text);
  const span = widen(ps, core, core + 1);
  if (span === null) return null;
  return ps.text.slice(
    (ps.sentences[span.from] as { start: number }).start,
    (ps.sentences[span.to - 1] as { end: number }).end,
  );
};

describe("widen", () => {
  it("takes the sentence before when the subject is a pronoun", () => {
    expect(quoted("Anatoly Antonov spoke on Monday. He is rueful about the loss of influence.", 1)).toBe(
      "Anatoly Antonov spoke on Monday. He is rueful about the loss of influence.",
    );
    // A sentence with its own subject stands alone.
    expect(quoted("Anatoly Antonov spoke on Monday. Antonov is rueful about the loss of influence.", 1)).toBe(
      "Antonov is rueful about the loss of influence.",
    );
  });

  it("takes the sentence after a colon or a 'To do so'", () => {
    expect(quoted("Install it in three steps: first download the archive. Then unpack it and run make.", 0)).toBe(
      "Install it in three steps: first download the archive.",
    );
    expect(quoted("The options are these: Unpack the archive and run make install as root. Nothing else.", 0)).toBe(
      "The options are these: Unpack the archive and run make install as root.",
    );
    expect(quoted("You can keep your changes for later. To do so, run git stash with no arguments.", 0)).toBe(
      "You can keep your changes for later. To do so, run git stash with no arguments.",
    );
    expect(quoted("You can keep your changes for later. Run git stash with no arguments.", 0)).toBe(
      "You can keep your changes for later.",
    );
  });

  /** The quote widened from the core ending in `last` (its sentence and the one before), in a Markdown document. */
  const listQuote = async (markdown: string, last: string) => {
    const segment = buildSegment([await loadDocument("commands.md", markdown)]);
    for (let p = 0; p < segment.passageCount; p++) {
      const ps = passageSentences(segment, p);
      const core = ps.sentences.findIndex((s) => ps.text.slice(s.start, s.end) === last);
      if (core < ps.first || core >= ps.last) continue;
      const span = widen(ps, core - 1, core + 1);
      if (span === null) return null;
      const text = ps.text.slice(
        (ps.sentences[span.from] as { start: number }).start,
        (ps.sentences[span.to - 1] as { end: number }).end,
      );
      return { text, widened: span.widened };
    }
    return null;
  };

  it("takes the list a colon announces, its items being passages of their own", async () => {
    const markdown = [
      "# Commands",
      "",
      "There are three pieces of code to write. They are:",
      "",
      "1. The command files, with their definitions.",
      "2. The command handler, which reads the files.",
      "3. The deployment script, which registers them.",
      "",
      "Keep them in one folder.",
      "",
    ].join("\n");
    const quote = await listQuote(markdown, "They are:");
    expect(quote?.text).toBe(
      "There are three pieces of code to write. They are:\n\n1. The command files, with their definitions.\n" +
        "2. The command handler, which reads the files.\n3. The deployment script, which registers them.",
    );
    expect(quote?.widened).toContain("next");
  });

  it("takes no list past a heading, nor one whose items would make the quote longer than 700 characters", async () => {
    const headed = await listQuote(
      "# A\n\nThere are two steps. They are:\n\n## B\n\n- Install it.\n- Run it.\n",
      "They are:",
    );
    expect(headed).toEqual({ text: "There are two steps. They are:", widened: [] });
    const long = `# A\n\nThere are two steps. They are:\n\n- Install it ${"slowly and ".repeat(80)}then stop.\n- Run it.\n`;
    expect(await listQuote(long, "They are:")).toEqual({ text: "There are two steps. They are:", widened: [] });
  });

  it("takes the sentence after a fragment that has none before it to lean on (an option's first sentence)", async () => {
    const markdown = [
      "# Agent",
      "",
      "* **maxRedirections** `Integer` - Default: `0`. The number of HTTP redirections to follow unless told otherwise.",
      "* **factory** `Function` - Creates a dispatcher for each origin the agent connects to.",
      "",
    ].join("\n");
    const segment = await fileSegment("agent.md", markdown);
    const ps = passageSentences(segment, 0);
    const core = ps.sentences.findIndex((s) => ps.text.slice(s.start, s.end).startsWith("**maxRedirections**"));
    const span = widen(ps, core, core + 1);
    expect(span?.widened).toEqual(["next"]);
    expect(ps.text.slice(ps.sentences[span?.from ?? 0]?.start, ps.sentences[(span?.to ?? 1) - 1]?.end)).toBe(
      "**maxRedirections** `Integer` - Default: `0`. The number of HTTP redirections to follow unless told otherwise.",
    );
    // Never across a blank line (one holding spaces, or a CRLF file's, too): a short paragraph stays itself.
    expect(quoted("Short one here.\n\nThe next paragraph says something else entirely.", 0)).toBe("Short one here.");
    expect(quoted("Short one here.\n \t\nThe next paragraph says something else entirely.", 0)).toBe("Short one here.");
    expect(quoted("Short one here.\r\n\r\nThe next paragraph says something else entirely.", 0)).toBe(
      "Short one here.",
    );
  });

  it("never starts or ends inside a quotation", () => {
    const text =
      "The minister spoke at length. “We are doomed to cooperate on many issues of strategic stability. " +
      "There is no other way,” he said. The end came soon.";
    const whole = "“We are doomed to cooperate on many issues of strategic stability. There is no other way,” he said.";
    expect(quoted(text, 1)).toBe(whole);
    expect(quoted(text, 2)).toBe(whole);
  });

  it("quotationBalance tells an open quotation from a closed one", () => {
    expect(quotationBalance("“We are doomed.”")).toBe(0);
    expect(quotationBalance("“We are doomed.")).toBe(1);
    expect(quotationBalance("There is no other way,” he said.")).toBe(-1);
    expect(quotationBalance('He said "yes" and left.')).toBe(0);
    expect(quotationBalance('"We are doomed.')).toBe(1);
    expect(quotationBalance('no other way," he said.')).toBe(-1);
  });
});

describe("the focus", () => {
  it("marks the answering sentence when context precedes it", () => {
    const segment = buildSegment([
      documentFromText({
        id: "d",
        title: "Envoy",
        text: "Anatoly Antonov spoke to reporters in Washington on Monday. He graduated in 1978 from the Moscow State Institute.",
      }),
    ]);
    const top = answerQuestion([segment], "When did he graduate from the Moscow State Institute?", 1, DEFAULT_ANSWER, {
      abstain: false,
    }).quotes[0];
    expect(top?.text.startsWith("Anatoly Antonov spoke")).toBe(true);
    const focus = top?.focus as { start: number; end: number };
    expect(segment.text(0).slice(focus.start, focus.end)).toBe("He graduated in 1978 from the Moscow State Institute.");
  });
});

describe("the code a quote announces", () => {
  const page = [
    "# Mocking",
    "",
    "Intercept a request before it leaves the process. This is what the test file looks like:",
    "",
    "```js",
    "const agent = new MockAgent();",
    "agent.disableNetConnect();",
    "```",
    "",
    "The agent then answers from its interceptors.",
    "",
    "The pool keeps its sockets open for four seconds.",
    "",
    "```js",
    "const pool = new Pool(url);",
    "```",
    "",
  ].join("\n");
  const answer = async (question: string) => {
    const segment = await fileSegment("mocking.md", page);
    return { text: segment.text(0), quotes: rankedQuotes([segment], question, 3) };
  };

  it("comes with the quote that announces it, verbatim at its offsets, with its fence's language", async () => {
    const { text, quotes } = await answer("What does the test file look like?");
    const top = quotes[0];
    expect(top?.text).toContain("This is what the test file looks like:");
    expect(top?.code?.text).toBe("const agent = new MockAgent();\nagent.disableNetConnect();");
    expect(text.slice(top?.code?.start, top?.code?.end)).toBe(top?.code?.text);
    expect(top?.code?.language).toBe("js");
    // The code is shown with the quote, never part of it.
    expect(top?.text).not.toContain("MockAgent");
  });

  it("is not taken by a sentence that does not announce it", async () => {
    const { quotes } = await answer("How long does the pool keep its sockets open?");
    const top = quotes[0];
    expect(top?.text).toBe("The pool keeps its sockets open for four seconds.");
    expect(top?.code).toBeUndefined();
  });

  it("is the block right after a sentence that announces it, and only then", async () => {
    const announced = async (markdown: string, sentence: string) => {
      const segment = await fileSegment("a.md", markdown);
      const ps = passageSentences(segment, 0);
      const at = ps.sentences.findIndex((s) => ps.text.slice(s.start, s.end).includes(sentence));
      return announcedCode(ps, at + 1)?.text ?? null;
    };
    // An indented block, its indentation kept: the span starts at its first line's start.
    expect(await announced("The following starts a server.\n\n    server.listen(80)\n", "following")).toBe(
      "    server.listen(80)",
    );
    // Prose between the sentence and the block.
    expect(
      await announced("The following starts a server.\n\nSee the guide.\n\n```\nserver.listen(80)\n```\n", "following"),
    ).toBeNull();
    // A sentence that announces nothing ("below one kilobyte" is no "shown below").
    expect(await announced("Requests below one kilobyte are buffered.\n\n```\nbuffer()\n```\n", "Requests")).toBeNull();
    expect(await announced("The options are listed below.\n\n```\nbuffer()\n```\n", "listed")).toBe("buffer()");
  });
});

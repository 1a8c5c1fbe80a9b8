import { describe, expect, it } from "vitest";
import { analyze, analyzeQuestion, contentWords } from "../../../src/core/search/analyze.js";

describe("question analysis", () => {
  it("drops the pieces of contractions: won't is not the past of win", () => {
    const words = contentWords("Who won't agree? I can't, didn't, isn’t; they're, we've, I'll, you'd, I'm", true).map(
      (w) => w.word,
    );
    expect(words).toEqual(["agree"]);
  });

  it("keeps the same words when they are words of their own", () => {
    expect([...analyzeQuestion("Who won the election? Don Quixote? Brien, O'Brien, d'Artagnan, the letter t")]).toEqual(
      [
        ["won", 1],
        ["elect", 1],
        ["don", 1],
        ["quixot", 1],
        ["brien", 2],
        ["o", 1],
        ["d", 1],
        ["artagnan", 1],
        ["letter", 1],
        ["t", 1],
      ],
    );
  });

  it("keeps a quoted letter: the 'm' flag is not the clitic of I'm", () => {
    expect(contentWords("What does the 'm' flag do, and sed's 'd'?", true).map((w) => w.word)).toEqual([
      "m",
      "flag",
      "sed",
      "d",
    ]);
  });

  it("drops the words a chat message opens with, and its thanks: 'ok so', 'hey', 'thanks', 'btw'", () => {
    expect(
      contentWords("ok so hey, in that August interview with TASS, what did Antonov explore? thanks btw", true).map(
        (w) => w.word,
      ),
    ).toEqual(["august", "interview", "tass", "antonov", "explore"]);
    // Only while nothing else came first: after it, they are what is asked.
    expect(contentWords("When is response.ok true?", true).map((w) => w.word)).toEqual(["response", "ok", "true"]);
    expect(contentWords("How well does it scale?", true).map((w) => w.word)).toEqual(["well", "scale"]);
    expect(contentWords("Um, well, how do I print hello?", true).map((w) => w.word)).toEqual(["print", "hello"]);
    // A document's words stay: "ok so" is indexed as written.
    expect(analyze("ok so")).toEqual(["ok", "so"]);
  });

  it("leaves documents' words as they are (the index does not change)", () => {
    expect(analyze("He won't say")).toEqual(["he", "won", "t", "sai"]);
  });
});

describe("Markdown link destinations are where a link goes, not words", () => {
  const sentence =
    "Start adding [slash commands](/creating-your-bot/slash-commands.md) to your bot ![logo](img/logo.svg).";

  it("the link's text is indexed, its destination is not", () => {
    expect(analyze(sentence)).toEqual(["start", "ad", "slash", "command", "your", "bot", "logo"]);
    expect(contentWords(sentence, false).map((w) => w.word)).toEqual([
      "start",
      "adding",
      "slash",
      "commands",
      "your",
      "bot",
      "logo",
    ]);
  });

  it("a link's title goes with its destination, and an image inside a link loses both destinations", () => {
    expect(analyze('See [the guide](https://example.org/guide "Guide tooltip") now.')).toEqual(["see", "guid", "now"]);
    expect(analyze("[![build](https://ci.example/badge.svg)](https://ci.example/run) passing")).toEqual([
      "build",
      "pass",
    ]);
  });

  it("brackets and parentheses of prose stay words: a space, or no closing parenthesis, is no destination", () => {
    expect(analyze("a list [1] (see page 4) and f](x y)")).toEqual(["list", "1", "see", "page", "4", "f", "x", "y"]);
    expect(analyze("odd ](unclosed words")).toEqual(["odd", "unclos", "word"]);
  });
});

/**
 * Typing slips: a question word the corpus lacks and the dictionary does not know is read as the corpus's word one
 * edit away; a dictionary word, an acronym, a short word and a word with no close corpus word are left as asked; the
 * reading is said with the answer; and the cost stays bounded whatever the question.
 */
import { describe, expect, it } from "vitest";
import { documentFromText } from "../../../src/core/ingest/document.js";
import { buildSegment } from "../../../src/core/search/segment.js";
import { answerQuestion, DEFAULT_ANSWER } from "../../../src/core/answer/quotes.js";
import { retrieve } from "../../../src/core/search/retrieve.js";
import { correction, edits, readAs } from "../../../src/core/search/spelling.js";
import { stemOf } from "../../../src/core/search/analyze.js";
import { Dictionary } from "../../../src/core/answer/dictionary.js";
import { bestTime } from "../../support/timing.js";

const known = new Dictionary([
  "ambassador",
  "appointed",
  "airport",
  "major",
  "mayor",
  "airline",
  "plane",
  "url",
  "unless",
]);

describe("edits", () => {
  it("holds every deletion, insertion, substitution and swap that keeps the first letter, and not the word", () => {
    const e = edits("plane");
    for (const w of ["pane", "plan", "planne", "palne", "plone", "planes"]) expect(e.has(w)).toBe(true);
    for (const w of ["lane", "xplane", "lpane", "slane", "plane"]) expect(e.has(w)).toBe(false);
  });
});

describe("Dictionary", () => {
  it("knows a listed word and its regular inflections, and nothing one edit away", () => {
    const words = new Dictionary(["telly", "vet", "appoint", "church", "woman"]);
    for (const w of ["telly", "tellies", "vetted", "vets", "appointed", "appointing", "churches", "women"])
      expect(words.hasForm(w)).toBe(true);
    for (const w of ["tely", "apointed", "config", "vetx"]) expect(words.hasForm(w)).toBe(false);
    expect(words.has("appointed")).toBe(false);
  });
});

describe("correction", () => {
  // The corpus's terms and how many passages hold each.
  const df = (counts: Record<string, number>) => (term: string) => counts[term] ?? 0;
  const never = () => false;

  it("reads a word the dictionary does not know as the corpus's word one edit away", () => {
    const read = correction("ambasador", df({ ambassador: 3 }), known, never);
    expect(read).toEqual({ asked: "ambasador", read: "ambassador", term: "ambassador" });
    expect(correction("airprot", df({ airport: 1 }), known, never)?.read).toBe("airport");
    expect(correction("apointed", df({ [stemOf("appointed") as string]: 2 }), known, never)?.read).toBe("appointed");
  });

  it("never changes a word the dictionary knows, however close a corpus word is", () => {
    expect(correction("major", df({ mayor: 9 }), known, never)).toBeNull();
  });

  it("leaves short words, non-letters and words with no corpus word one edit away", () => {
    expect(correction("teh", df({ the: 5, tech: 5 }), known, never)).toBeNull();
    expect(correction("ab1cd", df({ abcd: 5 }), known, never)).toBeNull();
    expect(correction("zqxvw", df({ ambassador: 3 }), known, never)).toBeNull();
  });

  it("takes an unknown reading (a name) only when the corpus writes it as a word", () => {
    // "antonov" is no dictionary word; "confid" is only a stem ("confidential"), never written alone.
    const terms = df({ antonov: 4, confid: 7 });
    const written = (_term: string, word: string) => word === "antonov";
    expect(correction("antonv", terms, known, written)?.read).toBe("antonov");
    expect(correction("config", terms, known, written)).toBeNull();
  });

  it("prefers the reading more passages hold, then one the corpus writes", () => {
    expect(correction("plxne", df({ plane: 2, plone: 5 }), known, () => true)?.read).toBe("plone");
    // "chang" and "change" share the term "chang"; the corpus writes "change".
    const names = new Dictionary(["chang", "change"]);
    const writes = (_t: string, w: string) => w === "change";
    expect(correction("changx", df({ chang: 5 }), names, writes)?.read).toBe("change");
    expect(correction("changx", df({ chang: 5 }), names, never)?.read).toBe("chang");
  });

  it("takes a reading as written, never as an inflection of a listed word", () => {
    // "urles" is one edit from "unles", and "url" + "es"; it is no word, however many passages hold "url".
    expect(correction("unles", df({ url: 9, unless: 2 }), known, never)?.read).toBe("unless");
  });
});

describe("answering a mistyped question", () => {
  const segment = buildSegment([
    documentFromText({
      id: "a",
      title: "Envoy",
      text:
        "Antonov was appointed as ambassador in August 2017. The plane left Sheremetyevo airport on Sunday. " +
        "The mayor opened the new bridge.",
    }),
    documentFromText({ id: "b", title: "Weather", text: "It rained in Geneva all week. Storms are expected." }),
  ]);

  it("quotes what the question means and says how it read it", () => {
    const clean = answerQuestion([segment], "When was Antonov appointed as ambassador?", 1);
    const slipped = answerQuestion([segment], "When was Antonv apointed as ambasador?", 1);
    expect(clean.answered).toBe(true);
    expect(slipped.answered).toBe(true);
    expect(slipped.quotes[0]?.text).toBe(clean.quotes[0]?.text);
    expect(slipped.corrected).toEqual([
      { asked: "antonv", read: "antonov" },
      { asked: "apointed", read: "appointed" },
      { asked: "ambasador", read: "ambassador" },
    ]);
    expect(clean.corrected).toBeUndefined();
  });

  it("reads no slips in a question in another language: it says which language the corpus is in", () => {
    // "airprot" would read as "airport" in an English question.
    const french = answerQuestion([segment], "Pourquoi l'avion a-t-il quitté l'airprot de Sheremetyevo dimanche ?", 1);
    expect(french.answered).toBe(false);
    expect(french.language?.corpus).toBe("English");
    expect(french.corrected).toBeUndefined();
  });

  it("says so when it still does not answer", () => {
    const slipped = answerQuestion([segment], "How many children does the ambasador have?", 1);
    expect(slipped.answered).toBe(false);
    expect(slipped.corrected).toEqual([{ asked: "ambasador", read: "ambassador" }]);
  });

  const ask = (question: string, words: string[]) =>
    retrieve([segment], question, 5, DEFAULT_ANSWER, undefined, undefined, undefined, new Dictionary(words));

  it("leaves dictionary words and acronyms as asked", () => {
    // "plant" is one edit from the corpus's "plane": a slip only for a dictionary that lacks it.
    expect(ask("Which plant left the airport?", ["which", "left", "airport"]).corrections).toEqual([
      { asked: "plant", read: "plane", term: "plane" },
    ]);
    expect(ask("Which plant left the airport?", ["which", "left", "airport", "plant"]).corrections).toEqual([]);
    // In capitals it is a code or an acronym.
    expect(ask("Which PLANT left the airport?", ["which", "left", "airport"]).corrections).toEqual([]);
    expect(answerQuestion([segment], "Who was the major of Geneva?", 1).corrected).toBeUndefined();
  });

  it("drops a mistyped word of the question's own phrasing instead of searching for it", () => {
    const clean = retrieve([segment], "Which airport did the plane leave from?", 5, DEFAULT_ANSWER);
    const slipped = ask("Whcih airport did the plane leave from?", ["which", "airport", "plane", "leave"]);
    expect(slipped.corrections).toEqual([{ asked: "whcih", read: "which", term: null }]);
    expect([...slipped.asked.keys()]).toEqual([...clean.asked.keys()]);
  });

  it("does not read a name asked as the corpus's name with a letter added or dropped at its end", () => {
    expect(answerQuestion([segment], "When was Antonova appointed as ambassador?", 1).corrected).toBeUndefined();
    expect(answerQuestion([segment], "When was Antonv appointed as ambassador?", 1).corrected).toEqual([
      { asked: "antonv", read: "antonov" },
    ]);
  });

  it("reads a name the corpus writes with accents", () => {
    const accented = buildSegment([
      documentFromText({ id: "j", title: "Board", text: "Jürgensen chaired the meeting in Geneva on Monday." }),
    ]);
    expect(answerQuestion([accented], "Who did Jurgensn meet?", 1).corrected).toEqual([
      { asked: "jurgensn", read: "jurgensen" },
    ]);
  });

  it("counts toward its cap only the words that could be slips, each once", () => {
    // Eight short or known words, then eight copies of one unknown word, then the slip: all within the cap.
    const question = `In v1 v2 v3 v4 cats dogs mice rats ${"zzqxwv ".repeat(8)}when was the ambasador appointed?`;
    expect(ask(question, ["cats", "dogs", "mice", "rats", "when", "appointed"]).corrections).toEqual([
      { asked: "ambasador", read: "ambassador", term: "ambassador" },
    ]);
    // Nine different unknown words before it: the ninth is past the cap.
    const many = `${Array.from({ length: 9 }, (_, i) => `zzqx${"abcdefghi"[i]}w`).join(" ")} the ambasador`;
    expect(ask(many, []).corrections).toEqual([]);
  });

  it("costs about the same for a question of gibberish as for an ordinary one of the same length", () => {
    // At most MAX_TRIED unknown words are tried, each about 54 × its length lookups: bounded whatever is asked.
    const n = 4000;
    const time = (text: string) => bestTime(() => answerQuestion([segment], text, 3));
    const ordinary = "when was the ambassador appointed in august ".repeat(n / 40).slice(0, n);
    let gibberish = "";
    for (let i = 0; gibberish.length < n; i++) gibberish += `${"qwrtzpsdfghjklxcvbnm".slice(i % 7, (i % 7) + 13)} `;
    const long = "q" + "wrtzpsdfghjklxcvbnm".repeat(2).slice(0, 29);
    expect(time(gibberish.slice(0, n))).toBeLessThan(10 * time(ordinary) + 20);
    expect(time(`${long} `.repeat(n / 31).slice(0, n))).toBeLessThan(10 * time(ordinary) + 20);
  });
});

describe("readAs", () => {
  it("names the readings that fit and counts the rest", () => {
    const c = (asked: string, read: string) => ({ asked, read });
    expect(readAs([c("ambasador", "ambassador")])).toBe("“ambasador” as “ambassador”");
    const five = [c("a1", "b1"), c("a2", "b2"), c("a3", "b3"), c("a4", "b4"), c("a5", "b5")];
    expect(readAs(five)).toBe("“a1” as “b1”, “a2” as “b2”, “a3” as “b3”, “a4” as “b4”, “a5” as “b5”");
    expect(readAs(five, 40)).toBe("“a1” as “b1”, “a2” as “b2” and 3 more");
    // The first is always named, however long.
    expect(readAs([c("x".repeat(30), "y".repeat(30)), c("a", "b")], 10)).toBe(
      `“${"x".repeat(30)}” as “${"y".repeat(30)}” and 1 more`,
    );
  });
});

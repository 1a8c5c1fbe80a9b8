/**
 * The cleaning spec, on the real bundled corpus: for every document, the exact list of article
 * paragraphs that must be kept, and boilerplate that must never reach an answer.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanPage, cleanText, explainClean, looksLikeHeadline } from "../../../src/core/ingest/clean.js";
import { loadFolder } from "../../support/corpus.js";
import type { CorpusDocument, Span } from "../../../src/core/types.js";
import { BUNDLED_CORPUS, SEEDS_DIR } from "../../support/paths.js";

const CORPUS_DIR = BUNDLED_CORPUS;

/** The article proper of each bundled document, paragraph by paragraph, as judged by hand. */
const ARTICLE: Record<string, string[]> = {
  "defence-talks-russia-ambassador-concludes-term.md": [
    "Russia‘s ambassador to the United States, a staunch Kremlin supporter, is set to return to Moscow, as reported by state media, marking the conclusion of his term during a period of unprecedented tension between the two countries.",
    "According to the TASS news agency, the Russian Foreign Ministry announced, “Russian Ambassador to the U.S. Anatoly Ivanovich Antonov is wrapping up his assignment in Washington and is en route to Moscow.”",
    "Antonov, 69, who hails from Siberia and has had a long career in diplomacy, is regarded as a hardliner yet has demonstrated an ability to negotiate. He has led the Russian diplomatic mission in Washington since 2017 and indicated in July that his tenure was nearing its end.",
    "There has been no announcement regarding his successor, who is viewed as a negotiator with a military approach. Antonov’s position on Russia’s military actions in Ukraine has consistently reflected unwavering support for President Vladimir Putin. In a recent post on the Telegram messaging app, he stated, “It is clear to us that the enemy will be defeated and victory will belong to Russia,” while commenting on Russian forces’ capture of the Ukrainian town of Vuhledar.",
    "Russia characterizes its actions in Ukraine as a special military operation, alleging that Washington and its NATO allies are conducting a hybrid war in the region. In contrast, Kyiv and its Western partners assert that Moscow’s aggression represents an unprovoked imperialistic effort to seize territory.",
    "The invasion of Ukraine by Russia in 2022 marked the most significant confrontation between Moscow and the West since the 1962 Cuban missile crisis, a period when the Soviet Union and the United States were on the brink of nuclear conflict.",
    "Antonov, who held the position of deputy defense minister during the time of Russia’s annexation of Crimea in 2014, was subjected to European sanctions when he was appointed by Putin as Russia’s ambassador to the United States. He graduated in 1978 from the Moscow State Institute of International Relations, the primary diplomatic training institution of the Soviet Union. According to his biography on the embassy’s website, Antonov spent the subsequent thirty years advancing through the ranks of the foreign ministry.",
    "Prior to relocating to Washington, he gained a reputation as a savvy negotiator in arms control, having led Russian delegations in various international discussions on strategic weapons. In an interview with TASS in August, Antonov expressed Russia’s willingness to explore a treaty with Washington regarding arms control. “My approach to negotiations is quite straightforward: we should each take a piece of paper and outline our respective desires,” he stated. “Then, we can compare the two lists to identify any common ground, no matter how small, and use that as a foundation for addressing the issues at hand.”",
  ],
  "kyiv-independent-antonov-concludes-term.md": [
    "Russia’s Ambassador to the United States, Anatoly Antonov, returned to Moscow on Oct. 5 as his term in Washington concluded, according to state media reports.",
    "Antonov's departure marks the end of his assignment during a period of increasingly hostile relations between the two nations, the worst in decades.",
    "The Russian Foreign Ministry confirmed the move, with state news agency TASS citing Antonov's return. The 69-year-old diplomat, known for his hardline stance, has been Russia’s envoy to Washington since 2017. Throughout his tenure, Antonov was seen as a tough negotiator, particularly on military and strategic issues. There has been no announcement regarding his successor, Reuters reports.",
    'Antonov’s support for President Vladimir Putin’s policies has been steadfast, aligning with Russia’s framing of the full-scale invasion as a "special military operation" rather than a war, as described by Kyiv and its Western allies.',
    "During his career, Antonov served as deputy defense minister during Russia’s annexation of Crimea in 2014 and was subject to European sanctions after being appointed to Washington.",
    'Known for his skill as an arms control negotiator, he previously led Russian delegations to key international talks. Despite the current tensions, Antonov expressed openness to working with Washington on arms control in an August interview with TASS. "My tactics for conducting negotiations are very simple: you and I need to take a piece of paper and write down what you want and what I want," he said, advocating for finding common ground, even on minimal terms.',
  ],
  "menafn-antonov-concludes-term-returns-to-moscow.md": [
    "Anatoly Antonov, Russia's former ambassador to the United States, has officially concluded his term and returned to Moscow, as announced by the Russian Foreign on Sunday. This development comes at a time of unprecedented strain in relations between the two nuclear superpowers, highlighting the deepening rift that has characterized interactions in recent years.",
    'The Foreign Ministry confirmed Antonov\'s departure in a brief statement circulated by Russian news agencies but did not provide additional information regarding the appointment of his successor. Antonov has previously remarked on the increasing difficulties faced by Russian diplomats in the U.S., citing the deteriorating state of bilateral relations and the pervasive atmosphere of hostility. He has indicated that he and his colleagues have encountered "threats of physical violence" during their tenure.',
    "Antonov was appointed as ambassador in August 2017, a period already marked by strained relations stemming from allegations of Russian interference in the 2016 U.S. presidential election. Russia has consistently denied these claims and accused U.S. politicians of engaging in fear-mongering and defamation.",
    "Tensions reached new heights following the escalation of the conflict in Ukraine in February 2022, prompting concerns that the geopolitical situation could spiral into a larger conflict. The diplomatic environment has become increasingly fraught, with both nations expelling each other's diplomats in recent years. For example, in 2017, the U.S. ordered the closure of the Russian Consulate in San Francisco and shuttered properties belonging to Russia’s trade mission in Washington and New York. In retaliation, Moscow demanded the closure of the American Consulate in St. Petersburg. Further complicating matters, in 2020, the U.S. suspended the operations of two remaining consulates in Russia.",
    "As Antonov returns to Russia, the future of U.S.-Russia relations remains uncertain, with both countries seemingly entrenched in their positions. The diplomatic stalemate reflects broader geopolitical tensions that may have long-lasting implications for international stability and security.",
  ],
  "nobody-wants-to-talk-to-russias-ambassador.md": [
    "Vladimir Putin's invasion of Ukraine has isolated almost all things Russian around the world. That includes the country's ambassador to the United States, Anatoly Antonov.",
    'The diplomat, in an exclusive interview with Politico, says he cannot get White House or State Department officials to agree to meet with him and that the cold shoulders extend up and down "Embassy Row" in Washington, D.C.',
    'Antonov arrived in the nation\'s capital in 2017 amid the growing controversy over allegations of Russian meddling in the 2016 presidential election. "Antonov is considered a hardliner in the Russian system," Politico writes, "and his long experience includes negotiating nuclear arms treaties. Serving as ambassador to Washington may prove the most thankless task he’s ever had."',
    'He calls the current state of U.S.-Russia relations a "blockade." “When I came to Washington, my idea was to use the word ‘improvement’" to describe his goals for the relationship, Antonov said. “Now I prefer to use the word ‘stabilization.’”',
    "Antonov, who says he hasn't spoken to Putin since he left for Washington, says relations between the two countries cannot remain in their current, frozen state.",
    "“We are doomed to cooperate on various issues,” Antonov said. “It’s impossible to imagine even under such circumstances that problems of strategic stability, climate change, coronavirus, fighting against terrorism, fighting against the proliferation of weapons of mass destruction could be solved without active engagement of the United States and Russia.”",
    "The ambassador dutifully follows the Kremlin's talking points and rejects the notion that Russia’s invasion of Ukraine is a failure. He is rueful about what he sees as an erosion of Russian influence in the post-Soviet Union world and says his country simply is trying to recalibrate international relationships. “It’s a very narrow approach to say the ‘Russian invasion of Ukraine,’” Antonov told Politico. “We are talking about changing the world order that was created by the United States, by NATO countries after the dissolution of the Soviet Union.”",
    "When a reporter suggested that perhaps his \"current lack of popularity in Washington is due to his unwillingness to acknowledge the realities about what Russia is doing to Ukraine, Antonov refers to the adage: 'Every coin has two sides.' In other words, he has his own facts he’d like Americans to consider.\"",
  ],
  "russian-ambassador-returns-to-us-equal-pragmatic-ties.md": [
    "Diplomatic relations between the two countries had all but broken down since Biden took office.",
    "Russia’s ambassador to the US has flown back to Washington, DC, saying he hoped to build “equal and pragmatic” ties after a US-Russia summit in Geneva aimed at reducing tensions.",
    "The plane transporting Ambassador Anatoly Antonov, who was recalled in March for consultations, left Moscow’s Sheremetyevo Airport on Sunday for New York, where he will travel on to Washington, Russian news agencies reported.",
    "“Given the results of the meeting between the two presidents, I am counting on constructive work with my American colleagues to build equal and pragmatic relations,” Antonov told the Ria Novosti agency, adding he was in an “optimistic mood”.",
    "Russian President Vladimir Putin, following summit talks in Geneva with US counterpart Joe Biden, said on Wednesday that Moscow and Washington agreed to return their ambassadors to post.",
    "Diplomatic relations between the two countries had all but broken down since Biden took office and accused the Kremlin of interfering in US elections and launching cyberattacks.",
    "After Biden likened Putin to a “killer”, Russia in March took the rare step of recalling Ambassador Antonov and said the US envoy John Sullivan to Moscow should return to Washington.",
    "Sullivan left Moscow in April as the two countries announced a wave of tit-for-tat sanctions and expulsions of diplomats.",
    "“After an important summit, I look forward to returning to Moscow soon,” Sullivan was quoted as saying in a tweet by the US embassy’s spokesman Jason Rebholz.",
    "AmbSullivan: “After an important summit, I look forward to returning to Moscow soon to lead the strong team @USEmbRu as we implement #POTUS Biden’s policy directives outlined in Geneva, including strategic stability, #humanrights, a stable & predictable relationship w/ #Russia.”",
    "US-Russia relations have been deteriorating for years, notably with Russia’s 2014 annexation of Crimea from Ukraine, its 2015 intervention in Syria and US charges – denied by Moscow – of meddling in the 2016 election won by Biden’s predecessor, Donald Trump.",
    "Putin said last week it was “hard to say” if relations would improve, but that there was a “glimpse of hope”.",
    "The Russian leader called Biden a constructive, experienced partner, and said they spoke “the same language”.",
    "But he added that there had been no friendship, rather a pragmatic dialogue about their two countries’ interests.",
  ],
};

/** Page boilerplate that occurs in each document and must not be in any kept span. */
const BOILERPLATE: Record<string, string[]> = {
  "defence-talks-russia-ambassador-concludes-term.md": [
    "A pedestrian walks with an umbrella outside the Embassy of the Russian Federation",
    "Glover Park neighborhood",
    "See also",
    "BRICS is not a challenge for Dollar unless India and China get serious",
    "Discover more from Defence Talks",
    "Defense News Military Pictures",
    "Subscribe to get the latest posts sent to your email.",
    "Leave a Reply",
    "Your email address will not be published.",
    "Required fields are marked *",
  ],
  "kyiv-independent-antonov-concludes-term.md": [
    "Three years of reporting, funded by our readers",
    "become a member now and help us prepare for 2025.",
    "Goal: 1,000 new members for our birthday.",
    "Gift a membership to your friend",
    "Become a member Gift membership",
    "Skip to content",
    "Edit post",
    "by Olena Goncharova October 6, 2024 5:58 AM 2 min read",
    "speaks during a discussion about the legacy of Anatoly Dobrynin",
    "Dobrynin was the Soviet Ambassador to the United States during the terms of six U.S. presidents",
    "(Mark Wilson/Getty Images)",
    "This audio is created with AI assistance",
    "Ukraine scrambles for resources before uncertain US elections",
    "Kyiv’s efforts to secure as many resources as possible",
    "Millions read the Kyiv Independent",
    "Three years. Millions of readers. All thanks to 12,000 supporters.",
    "It’s thanks to readers like you",
    "Help us get 1,000 new members!",
    "visa masterCard americanExpress",
    "News Feed",
    "3:44 PM",
    "Russian ICBM strike would be 'clear escalation,' EU says.",
    "EU foreign affairs spokesperson Peter Stano said",
    "1:40 PM",
    "Merkel describes Trump as 'fascinated by Putin' in her memoir.",
    "Angela Merkel says in her memoir",
    "MORE NEWS",
    "Editors' Picks",
    "Enter your email to subscribe",
    "Please, enter correct email address",
    "Subscribe",
    "* indicates required",
    "Explaining Ukraine with Kate Tsurkan",
    "Successfuly subscribed",
    "Thank you for signing up for this newsletter.",
    "We’ve sent you a confirmation email.",
  ],
  "menafn-antonov-concludes-term-returns-to-moscow.md": [
    // The agency dateline is attribution (the publisher), not part of the first sentence.
    "(MENAFN)",
  ],
  "nobody-wants-to-talk-to-russias-ambassador.md": ["Wikipedia Creative Commons"],
  "russian-ambassador-returns-to-us-equal-pragmatic-ties.md": [
    "Keep reading",
    "list of 3 items",
    "Biden: Putin is a ‘killer’, Russia to ‘pay’ for election meddling",
    "Moscow-Washington ties in ‘crisis’: Russia recalls US envoy",
    "— Jason P. Rebholz (@USEmbRuPress) June 19, 2021",
  ],
};

/** The headline of each titled document: it is the title (metadata), so it is not repeated as content. */
const HEADLINES: Record<string, string> = {
  "defence-talks-russia-ambassador-concludes-term.md":
    "Russia’s ambassador to US conclude his term during a period of unprecedented bilateral tension",
  "kyiv-independent-antonov-concludes-term.md":
    "Russia's envoy to US concludes his term amid heightened bilateral tensions",
  "nobody-wants-to-talk-to-russias-ambassador.md":
    "Nobody wants to talk to Russia's ambassador to the US -- not even Putin",
  "russian-ambassador-returns-to-us-equal-pragmatic-ties.md":
    "Russian ambassador returns to US to build ‘equal, pragmatic’ ties",
};

const SEED_OF: Record<string, string> = {
  "defence-talks-russia-ambassador-concludes-term.md": "000_1d6783702595b4a2.txt",
  "kyiv-independent-antonov-concludes-term.md": "001_f1e1af631a486365.txt",
  "menafn-antonov-concludes-term-returns-to-moscow.md": "002_71899114f1b0df3e.txt",
  "nobody-wants-to-talk-to-russias-ambassador.md": "003_0702c60d84dcf9ee.txt",
  "russian-ambassador-returns-to-us-equal-pragmatic-ties.md": "004_fef6f109d75a4af5.txt",
};

const kept = (document: CorpusDocument): string[] =>
  document.content.map((span) => document.text.slice(span.start, span.end));

function expectWellFormedSpans(text: string, spans: Span[]): void {
  let previousEnd = 0;
  for (const span of spans) {
    expect(span.start).toBeGreaterThanOrEqual(previousEnd);
    expect(span.end).toBeGreaterThan(span.start);
    expect(span.end).toBeLessThanOrEqual(text.length);
    const slice = text.slice(span.start, span.end);
    expect(slice).toBe(slice.trim());
    expect(slice).not.toContain("\n");
    previousEnd = span.end;
  }
}

describe("cleaning the bundled corpus", () => {
  let documents: Map<string, CorpusDocument>;

  beforeAll(async () => {
    const corpus = await loadFolder(CORPUS_DIR);
    expect(corpus.problems).toEqual([]);
    documents = new Map(corpus.documents.map((document) => [document.source.path ?? "", document]));
  });

  const doc = (file: string): CorpusDocument => {
    const document = documents.get(file);
    if (!document) throw new Error(`${file} did not load`);
    return document;
  };

  it("covers every bundled document", () => {
    expect([...documents.keys()].sort()).toEqual(Object.keys(ARTICLE).sort());
  });

  describe.each(Object.keys(ARTICLE))("%s", (file) => {
    it("keeps exactly the article paragraphs, in order", () => {
      expect(kept(doc(file))).toEqual(ARTICLE[file]);
    });

    it("keeps no boilerplate", () => {
      const keptText = kept(doc(file)).join("\n");
      for (const boilerplate of BOILERPLATE[file] ?? []) {
        expect(doc(file).text, `fixture check: "${boilerplate}" occurs in the document`).toContain(boilerplate);
        expect(keptText).not.toContain(boilerplate);
      }
    });

    it("returns trimmed, ordered, non-overlapping spans inside the text", () => {
      expectWellFormedSpans(doc(file).text, doc(file).content);
    });

    it("is a pure function of the seed text and the title", () => {
      const seedText = readFileSync(path.join(SEEDS_DIR, SEED_OF[file] ?? ""), "utf8");
      expect(cleanText(seedText, { title: doc(file).source.title })).toEqual(doc(file).content);
    });
  });

  it("leaves the headline out (it is the title) but keeps a standfirst sentence", () => {
    for (const [file, headline] of Object.entries(HEADLINES)) {
      expect(doc(file).source.title).toBe(headline);
      expect(kept(doc(file))).not.toContain(headline);
    }
    expect(kept(doc("russian-ambassador-returns-to-us-equal-pragmatic-ties.md"))[0]).toBe(
      "Diplomatic relations between the two countries had all but broken down since Biden took office.",
    );
  });

  it("keeps the embedded tweet text (it is the article’s source for Sullivan’s words) but not its signature line", () => {
    const paragraphs = kept(doc("russian-ambassador-returns-to-us-equal-pragmatic-ties.md"));
    expect(paragraphs.some((p) => p.startsWith("AmbSullivan: “After an important summit"))).toBe(true);
    expect(paragraphs.some((p) => p.includes("@USEmbRuPress"))).toBe(false);
  });

  it("names the rule that dropped each line", () => {
    const rules = (file: string): Map<string, string | null> =>
      new Map(explainClean(doc(file).text, { title: doc(file).source.title }).map((v) => [v.text, v.rule]));
    const kyiv = rules("kyiv-independent-antonov-concludes-term.md");
    expect(kyiv.get("Skip to content")).toBe("beforeHeadline");
    expect(kyiv.get("by Olena Goncharova October 6, 2024 5:58 AM 2 min read")).toBe("byline");
    expect(kyiv.get("This audio is created with AI assistance")).toBe("audioNotice");
    expect(
      kyiv.get("Ukraine scrambles for resources before uncertain US elections, Russian stockpiles not unlimited"),
    ).toBe("notASentence");
    expect(kyiv.get("News Feed")).toBe("afterArticle");
    const defence = rules("defence-talks-russia-ambassador-concludes-term.md");
    expect(defence.get("Discover more from Defence Talks | Defense News Military Pictures")).toBe("afterArticle");
    expect(rules("nobody-wants-to-talk-to-russias-ambassador.md").get("Wikipedia Creative Commons")).toBe(
      "photoCredit",
    );
    const ties = rules("russian-ambassador-returns-to-us-equal-pragmatic-ties.md");
    expect(ties.get("Keep reading")).toBe("navigation");
    expect(ties.get("— Jason P. Rebholz (@USEmbRuPress) June 19, 2021")).toBe("embedSignature");
  });
});

describe("scraped-page rules on other pages", () => {
  const keptLines = (text: string, title?: string): string[] =>
    cleanPage(text, { title }).map((s) => text.slice(s.start, s.end));

  it("keeps offsets exact with CRLF line endings and indentation", () => {
    const text = "Skip to content\r\n\r\n   The council met on Monday.   \r\nIt approved the budget.\r\n";
    const spans = cleanPage(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual([
      "The council met on Monday.",
      "It approved the budget.",
    ]);
    expectWellFormedSpans(text, spans);
  });

  it("drops everything up to the headline only when a title is given and found", () => {
    const text =
      "A man walks past the town hall, in Springfield, U.S.\n\nCouncil approves budget\n\nThe council approved the budget.";
    expect(keptLines(text)).toEqual([
      "A man walks past the town hall, in Springfield, U.S.",
      "The council approved the budget.",
    ]);
    expect(keptLines(text, "Council approves budget")).toEqual(["The council approved the budget."]);
    expect(keptLines(text, "Some other title")).toHaveLength(2);
  });

  it("does not treat a repeated heading deep in the text as the headline", () => {
    const text =
      "First point made here.\nSecond point made here.\nThird point made here.\nSummary of findings\nThe end came quickly.";
    expect(keptLines(text, "Summary of findings")).toEqual([
      "First point made here.",
      "Second point made here.",
      "Third point made here.",
      "The end came quickly.",
    ]);
  });

  it("does not mistake news about membership or related matters for boilerplate", () => {
    const text =
      "Finland applied to become a member of NATO.\nRelated measures were adopted in 2020.\nThe treaty was signed.";
    expect(keptLines(text)).toEqual(text.split("\n"));
  });

  it("matches the headline whatever the quote style", () => {
    const text = "Mayor says ‘no’ to tower\nThe mayor rejected the plan.";
    expect(keptLines(text, "Mayor says 'no' to tower")).toEqual(["The mayor rejected the plan."]);
  });

  it("ends the article at a trailer marker, but not before the article has begun", () => {
    const text =
      "Leave a Reply\nThe bridge reopened.\nIt had been closed for a year.\n\nMore news\nA dog won a prize.\nA cat did too.";
    expect(keptLines(text)).toEqual(["The bridge reopened.", "It had been closed for a year."]);
  });

  it("drops a related-story card glued to the trailer, but not a headline-like line inside the article", () => {
    const card =
      "The bridge reopened.\n\nOther town builds a tunnel\nThe tunnel will open in May.\nBecome a member today.\nReaders fund us.";
    expect(keptLines(card)).toEqual(["The bridge reopened."]);
    const inside =
      "The bridge reopened.\nOther town builds a tunnel\nThe tunnel will open in May.\nThe bridge is older.";
    expect(keptLines(inside)).toEqual(["The bridge reopened.", "The tunnel will open in May.", "The bridge is older."]);
  });

  it("starts the first span after an agency dateline", () => {
    expect(keptLines("WASHINGTON (Reuters) - The Senate voted on Tuesday.")).toEqual(["The Senate voted on Tuesday."]);
    expect(keptLines("(AP) — Rain fell.")).toEqual(["Rain fell."]);
    expect(keptLines("(Updated) no capital after.")).toEqual(["(Updated) no capital after."]);
    expect(keptLines("The vote passed.\n(AP) Later lines keep their parentheses.")).toEqual([
      "The vote passed.",
      "(AP) Later lines keep their parentheses.",
    ]);
  });

  it("keeps a sentence that introduces a quotation with a colon", () => {
    expect(keptLines("The statement said, in full:\n“We will not comment.”")).toEqual([
      "The statement said, in full:",
      "“We will not comment.”",
    ]);
  });

  it("drops captions with a photo credit, bylines, read times and newsletter widgets", () => {
    const text = [
      "By Jane Doe",
      "Officials inspect the site on Monday. (John Smith/AFP)",
      "Photo: Jane Roe",
      "4 min read",
      "Sign up for our newsletter to get the news.",
      "By Monday, the troops had withdrawn.",
    ].join("\n");
    expect(keptLines(text)).toEqual(["By Monday, the troops had withdrawn."]);
  });

  it("returns no spans for text that is all boilerplate", () => {
    expect(cleanPage("Skip to content\nSubscribe\n* indicates required\n")).toEqual([]);
    expect(cleanText("Skip to content\nSubscribe\n* indicates required\n")).toEqual([]);
    expect(cleanText("")).toEqual([]);
  });
});

describe("looksLikeHeadline", () => {
  it("accepts a short line that does not end like a sentence", () => {
    expect(looksLikeHeadline("Library extends opening hours for exam season")).toBe(true);
    expect(looksLikeHeadline("Is the bridge safe?")).toBe(true);
  });

  it("rejects sentences, single words and page chrome", () => {
    expect(looksLikeHeadline("The library will stay open until midnight.")).toBe(false);
    expect(looksLikeHeadline("Notes")).toBe(false);
    expect(looksLikeHeadline("Skip to content")).toBe(false);
    expect(looksLikeHeadline("by Olena Goncharova October 6, 2024 5:58 AM 2 min read")).toBe(false);
  });
});

/**
 * What kind of thing a question asks for, read from its wording ("When…", "How many…", "Who…", "Which country…"), and
 * whether a piece of text offers something of that kind that the question does not already say. A sentence answering
 * "When did the ambassador return?" usually holds a date; one that only repeats the question's words does not.
 *
 * Surface rules only (no tagger): years, months, centuries and weekdays are times; figures and number words are
 * numbers; capitalised words inside a sentence are names (people, organisations, places); "because", "due to"… give
 * reasons. Measured on SQuAD (tuning set): each kind lifts answerTop1 by 0.1–0.3 points, 0.6 together.
 */

import { fold, isPhrasing } from "../search/analyze.js";

export type AnswerType =
  | "time"
  | "day"
  | "occasion"
  | "number"
  | "count"
  | "money"
  | "percent"
  | "measure"
  | "person"
  | "place"
  | "name"
  | "reason";

/** The quantities a figure can be: a sum of money, a share, a measurement with its unit; all are numbers. */
export const QUANTITIES: ReadonlySet<AnswerType> = new Set(["number", "count", "money", "percent", "measure"]);
/** The kinds read surely from the surface, which the answer model's gate holds a quote to: dates and figures. */
export const FIGURES: ReadonlySet<AnswerType> = new Set(["time", "day", ...QUANTITIES]);

/** The question's first question word and up to six words after it. */
const WH = /\b(what|which|who|whom|whose|when|where|why|how)\b((?:\s+[\p{L}\p{N}'’-]+){0,6})/iu;
/** A question opening with an auxiliary verb asks yes or no, whatever question word comes later. */
const YES_NO =
  /^\s*(?:do|does|did|is|are|was|were|can|could|should|would|will|shall|might|must|has|have|had|(?:is|are|was|were|does|do|did|wo|ca|could|should|would|has|have|had)n['’]t)\b/i;
/** "Can you tell me when…", "Has Moscow said who…": a question asked inside a yes/no one is the question. */
const EMBEDDED =
  /\b(?:tell|told|know|knows|knew|say|says|said|explain|remember|recall|announced?|mention(?:ed)?|wonder|ask(?:ed)?|show)\b(?:\s+[\p{L}\p{N}'’-]+){0,3}?\s+(?:what|which|who|whom|whose|when|where|why|how)\b/iu;
/** A question word that opens a clause, perhaps after a preposition or two ("In what year…", "…, which value…"). */
const CLAUSE_WH =
  /(?:^|[,.;:?!—–]\s*|\s-\s+)(?:(?:so|and|but|ok|okay|then|also|in|on|at|by|for|since|until|till|during|from|to|of|after|before|around|about|under|with)\s+){0,2}(what|which|who|whom|whose|when|where|why|how)\b((?:\s+[\p{L}\p{N}'’-]+){0,6})/giu;
/** "How many…", "How long…": a quantity. */
const QUANTITY_AFTER_HOW = /^\s+(many|much|long|old|far|large|big|tall|high|deep|wide|fast)\b/i;
/** "How tall…", "How far…": a measurement, which comes with its unit ("37 storeys", "20 mi", "three weeks"). */
const MEASURE_AFTER_HOW = /^\s+(long|tall|high|far|deep|wide|heavy|thick)\b/i;
/** "How much did it cost…", "How much money…": a sum of money. */
const MONEY_WORDS =
  /\b(money|costs?|costing|cost|pa(?:y|id|ys|ying)|prices?|priced|spen[dt]|spending|worth|dollars?|pounds?|euros?|funds?|funding|budget|fees?|salary|revenues?|earn(?:ed|s)?|sold for|bought for|charged?)\b/i;
/** "How often…": a frequency, which reads as a time ("every hour", "daily", "twice a week"). */
const FREQUENCY_AFTER_HOW = /^\s+often\b/i;
/**
 * The nouns that name each kind after "what"/"which", as whole words ("two-day" is no day); the first kind that
 * matches wins.
 */
const NOUN_KINDS: Array<[RegExp, AnswerType]> = (
  [
    // "What percentage…", "What was the share…"
    ["percent(?:age)?|proportion|share|fraction", "percent"],
    // "What was the cost…", "What price…"
    ["costs?|prices?|budget|fees?|salary|revenues?", "money"],
    // "What number of…", "What was the population…"
    ["number|amount|population|temperature|speed|score", "number"],
    // "What year…", "Which century…"
    ["years?|decades?|centur(?:y|ies)|dates?|months?|days?|eras?", "time"],
    // "Which country…", "What city…"
    [
      "country|countries|city|cities|town|towns|region|state|province|continent|island|river|place|location|airport|capital",
      "place",
    ],
    // "Which person…", "What man…"
    ["person|people|man|woman|men|women|author|writer|president|leader|player|spokes(?:man|woman|person)", "person"],
    // "What company…", "What is the name…"
    [
      "company|organi[sz]ation|team|group|nation|university|college|language|agency|outlet|newspaper|publication|names?|named|called",
      "name",
    ],
  ] as Array<[string, AnswerType]>
).map(([words, kind]) => [new RegExp(`^(?:${words})$`, "i"), kind]);
/** The auxiliary verbs a question's clause is built with. */
const AUXILIARIES = "is|was|were|are|did|does|do|will|would|can|could|should|shall|has|have|had|may|might|must";
const AUXILIARY = new RegExp(`^(?:${AUXILIARIES})$`, "i");
/**
 * Where the noun phrase after "what"/"which" ends: a verb of its clause, a preposition, a conjunction, or a determiner
 * past its first word ("What causes the population…": a verb came before it).
 */
const PHRASE_END = new RegExp(
  `^(?:${AUXILIARIES}|be|been|of|in|on|at|for|to|from|by|with|about|during|since|after|before|that|which|who|whom|` +
    "when|where|and|or|but|if|as|than|the|an?|this|these|those|its|his|her|their)$",
  "i",
);
/** A question that already gives the month or the year. */
const GIVES_MONTH_OR_YEAR = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:January|February|March|April|May|June|July|August|September|October|November|December|1\\d{3}|20\\d{2})(?![\\p{L}\\p{N}])`,
  // Capitalised: "What date may I submit…?" gives no month ("in march 2021" gives its year).
  "u",
);
/** "…in the day", "…of year", "…in time": what follows a noun to make it a time. */
const TIME_AFTER = /^\s*(?:(?:of|in)\s+(?:the\s+)?(?:day|year|month|week|century|decade)|in\s+time)\b/i;
/**
 * The words of the noun phrase a question word governs (up to three, after "is the"/"was a": "What was the year…"),
 * and the rest of the words after it.
 */
function governedWords(after: string): { words: string[]; rest: string; copula: boolean; byVerb: boolean } {
  const words = after
    .trim()
    .split(/\s+/u)
    .filter((w) => w !== "");
  let i = 0;
  // "What was the year…", "What is Warsaw's population?", "What was his score?".
  const copula = /^(?:is|was|were|are)$/i.test(words[0] ?? "");
  if (copula) i = /^(?:the|an?|his|her|its|their|our|your|my)$/i.test(words[1] ?? "") ? 2 : 1;
  else if (/^(?:the|an?)$/i.test(words[0] ?? "")) i = 1;
  const out: string[] = [];
  for (; i < words.length && out.length < 3; i++) {
    const w = words[i] as string;
    if (PHRASE_END.test(w)) break;
    out.push(w);
  }
  // Ended by its clause's auxiliary ("What date format does…"): its last word is its head.
  const byVerb = AUXILIARY.test(words[i] ?? "");
  return { words: out, rest: words.slice(i).join(" "), copula, byVerb };
}

/**
 * The kind of answer `question` asks for, from its first question word and the few words after it ("In what year…",
 * "How many…", "Which country…"); null when the wording does not say ("What did Luther need to do?").
 */
export function answerTypeOf(question: string): AnswerType | null {
  return askedKind(question).type;
}

/**
 * The kind of answer asked for when the question says it surely: its question word opens a clause ("When did…",
 * "…, which year…"), not one inside another ("My files break when I pipe them. How do I…?" asks no date). The answer
 * model's date-or-figure gate uses this one.
 */
export function surelyAsked(question: string): AnswerType | null {
  return askedKind(question).surely;
}

/** The question asks yes or no ("Does dotenv overwrite…?", "Is Xft compatible…?"), not a question inside one. */
export function asksYesNo(question: string): boolean {
  const q = question.length > 2000 ? question.slice(0, 2000) : question;
  if (EMBEDDED.test(q)) return false;
  if (YES_NO.test(q)) return true;
  // "When the clocks jump forward in spring, do the jobs still run?", "If I add a committed file to .gitignore, will Git
  // ignore it?": a clause setting the scene, then the yes/no question.
  const scene = SCENE.exec(q);
  if (scene !== null && YES_NO.test(q.slice(scene[0].length))) return true;
  // "I want request() to reject on a 404, is there an option for that?": a statement, then the yes/no question, and no
  // question word opening a clause anywhere ("What does it return, is it a promise?" asks "what").
  CLAUSE_WH.lastIndex = 0;
  return /\?\s*$/.test(q) && YES_NO.test(lastClause(q)) && !CLAUSE_WH.test(q);
}

/**
 * The question's last clause: what follows its last punctuation mark that a space follows ("http://" and ".env.local"
 * are no boundary), read back from the end once.
 */
function lastClause(q: string): string {
  for (let i = q.length - 2; i >= 0; i--) {
    if (/\s/.test(q.charAt(i + 1)) && ",;:.!?".includes(q.charAt(i))) return q.slice(i + 1);
  }
  return "";
}

/**
 * An opening clause that sets the scene for the question after its comma (at most 200 characters of it read); not a
 * question of its own ("When was the treaty signed, was it before 1950?" asks when).
 */
const SCENE = new RegExp(
  `^\\s*(?:when|whenever|if|once|after|before|while|since|unless)\\b(?!\\s+(?:${AUXILIARIES}|when)\\b)[^,?]{1,200},`,
  "i",
);

/**
 * A statement's polarity said in words: a negation ("is not compatible", "will never modify", "no longer supported",
 * "isn't"). A word of an option or a name is none ("--no-clobber", "no-op", "No. 5"), nor are "none" and "without",
 * which name a value or a condition more often than they answer.
 */
export const POLAR = /(?<![-\w])(?:not|no|never|nothing|neither|cannot)(?![-\w]|\.\s*\d)|\wn['’]t\b/iu;

/** Both at once, from one reading of the question: the kind asked for, and the same when it is asked surely. */
export function askedKind(question: string): { type: AnswerType | null; surely: AnswerType | null } {
  const q = question.length > 2000 ? question.slice(0, 2000) : question;
  // "Does the FHS recommend clearing /tmp when the system boots?" asks yes or no; its "when" opens a clause. "Can you
  // tell me when…" asks "when".
  if (asksYesNo(q)) return { type: null, surely: null };
  // The first question word that opens a clause, unless it opens a "when"/"where" clause before the question proper:
  // "When Antonov came to Washington, what word did he…" asks "what"; "On what date…, and by whom?" asks a date.
  CLAUSE_WH.lastIndex = 0;
  let m = CLAUSE_WH.exec(q);
  // "When a pathogen has been eaten by a phagocyte it becomes trapped in what vesicle?": the "when" clause sets the
  // scene, and the question is the later "what" (read less surely when it opens no clause). With no later question
  // word the "when" is the question ("When exactly did the war end?", "When's the next release?").
  while (m !== null && subordinate(m)) {
    const clauseEnd = m.index + m[0].length - (m[2]?.length ?? 0);
    const next = CLAUSE_WH.exec(q);
    if (next !== null) {
      m = next;
      continue;
    }
    const later = WH.exec(q.slice(clauseEnd));
    if (later !== null) return { type: kindAfter(later, q), surely: null };
    break;
  }
  if (m !== null) {
    const type = kindAfter(m, q);
    return { type, surely: type };
  }
  const loose = WH.exec(q);
  return { type: loose === null ? null : kindAfter(loose, q), surely: null };
}

/** "…scheduled to reopen", "…due to open", "When is it celebrated?": a passive that is dated, not an occasion. */
const DATED_PASSIVE =
  /\b(?:scheduled|expected|due|planned|set|going|likely|supposed|celebrated|observed|held|born|founded|released|published|built|opened)\b/i;

/** A "when"/"where" that opens a clause of its own ("When Antonov came…"), not the question ("When did…"). */
const AUXILIARY_NEXT = new RegExp(`^\\s+(?:${AUXILIARIES})\\b`, "i");
const subordinate = (m: RegExpExecArray) =>
  /^(?:when|where)$/i.test(m[1] as string) && !AUXILIARY_NEXT.test(m[2] ?? "");

/** The kind the question word `m` asks for, with the words after it. */
function kindAfter(m: RegExpExecArray, question: string): AnswerType | null {
  const after = m[2] ?? "";
  switch ((m[1] as string).toLowerCase()) {
    case "when":
      // "When does the server read pg_hba.conf?" asks what it happens on, which a manual says by an event ("at
      // startup", "when the session ends"); "When did…" asks for a date.
      // "When is pg_hba.conf read?" too (a manual: "on start-up and when the server receives a SIGHUP"); "When is the
      // mall scheduled to reopen?" and "When will…" ask a date still.
      if (/^\s+(?:does|do|can|should|must)\b/i.test(after)) return "occasion";
      return /^\s+(?:is|are)\b/i.test(after) && !DATED_PASSIVE.test(question) ? "occasion" : "time";
    case "who":
    case "whom":
    case "whose":
      return "person";
    case "where":
      return "place";
    case "why":
      return "reason";
    case "how":
      if (FREQUENCY_AFTER_HOW.test(after)) return "time";
      if (/^\s+much\b/i.test(after) && MONEY_WORDS.test(question)) return "money";
      if (MEASURE_AFTER_HOW.test(after)) return "measure";
      // "How many…" counts things: a share or a measured decimal is no count.
      if (/^\s+many\b/i.test(after)) return "count";
      return QUANTITY_AFTER_HOW.test(after) ? "number" : null;
    case "what":
    case "which": {
      // The noun the question word governs says the kind: "what year", "which Ukrainian town's capture", "what was the
      // total cost"; its head is the last noun of a kind ("What Chinese era name…" asks a name). Words past a verb or
      // a preposition are not that noun ("What memorial was built years after…", "What characteristic in recent years…").
      let kind: AnswerType | null = null;
      let head = "";
      const { words, rest, copula, byVerb } = governedWords(after);
      // "Which year's budget…", "Which country's defence budget…" ask the year, the country ("What is Warsaw's
      // population?" asks the population); "What date format does PostgreSQL use?" asks a format: before the clause's
      // auxiliary, the phrase's last word is its head.
      const possessive = copula ? -1 : words.findIndex((w) => /['’]s$/u.test(w));
      const heads = possessive >= 0 ? words.slice(0, possessive + 1) : byVerb ? words.slice(-1) : words;
      for (const word of heads) {
        const w = word.replace(/['’]s$/u, "");
        const k = NOUN_KINDS.find(([re]) => re.test(w))?.[1];
        if (k !== undefined) [kind, head] = [k, w];
      }
      // "On what exact day in August 2017…": the month or year is given, the day is asked.
      if (kind === "time" && /^(?:days?|dates?)$/i.test(head) && GIVES_MONTH_OR_YEAR.test(question)) return "day";
      // "At what point in the day…", "what time of year…": a time said after the noun.
      return kind ?? (TIME_AFTER.test(rest) ? "time" : null);
    }
    default:
      return null;
  }
}

const MONTHS =
  "January|February|March|April|May|June|July|August|September|October|November|December|" +
  "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec";
const WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday";
const NUMBER_WORDS =
  "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|" +
  "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|" +
  "trillions?|dozens?|half|twice|several|few|none";
/**
 * Where a word may start: not after a letter or digit, nor inside a figure ("1.1.1…": after "1." a match would start at
 * every dot and scan the rest of the run each time, quadratic in its length).
 */
const WORD_START = "(?<![\\p{L}\\p{N}]|\\d[.,])";
/** Whole words only: not preceded or followed by a letter or digit. */
const wholeWords = (body: string, flags = "") => new RegExp(`${WORD_START}(?:${body})(?![\\p{L}\\p{N}])`, `gu${flags}`);
const YEAR = /^(1\d{3}|20\d{2})s?$/;

/** Words that can answer each kind of question, found in a text by one scan. */
const ANSWER_WORDS: Record<"time" | "number" | "name" | "reason", RegExp> = {
  /** Years ("1878", "1970s"), centuries, eras, and capitalised months and weekdays ("May", not the verb "may"). */
  time: wholeWords(
    `(?:1\\d{3}|20\\d{2})s?|c(?:a?\\.\\s?|)(?:1\\d{3}|20\\d{2})|centur(?:y|ies)|decades?|BCE?|AD|CE|\\d[\\d,]*\\s?BP|${MONTHS}|(?:${WEEKDAYS})s?`,
  ),
  /** Figures ("2,000", "4th", "$40") and number words; a year is a time, not a count. */
  number: wholeWords(`[\\p{L}\\p{N}]*\\d[\\p{L}\\p{N}]*(?:[.,]\\d+)*|${NUMBER_WORDS}`, "i"),
  /** Capitalised words (people, organisations, places); those opening a sentence are checked below. */
  name: wholeWords(`\\p{Lu}[\\p{L}\\p{N}]*`),
  /** Words that give a reason or a purpose. */
  reason: wholeWords(
    "because|due to|owing to|since|in order to|so that|so as to|as a result|led to|leads? to|caused|causes|" +
      "therefore|thus|reasons?",
    "i",
  ),
};

const UNITS =
  "seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|decades?|centuries|century|nights?|" +
  "millimet(?:re|er)s?|centimet(?:re|er)s?|met(?:re|er)s?|kilomet(?:re|er)s?|mm|cm|m|km|inch(?:es)?|feet|foot|ft|" +
  "yards?|yd|miles?|mi|nmi|acres?|hectares?|ha|sq|square|cubic|storeys?|stor(?:y|ies)|floors?|" +
  "grams?|kilograms?|kg|tonnes?|tons?|pounds?|lbs?|lb|ounces?|oz|litres?|liters?|gallons?|barrels?|" +
  "mph|km/h|kph|knots?|degrees?|°[CF]?|bytes?|[KMGT]i?B|bits?|[kMG]?Hz|[kMG]W|volts?|characters?|chars?|" +
  "lines?|pages?|times|levels?|laps?";
/** "4 August ", "November ": the day and month that may stand before a year in a span ("1915 until November 1918"). */
const DAY_MONTH = `(?:(?:\\d{1,2}\\s+)?(?:${MONTHS})\\s+)?`;
/** A figure with a unit: "20 mi", "37-story", "five weeks", "63 bytes", "104 °F". */
const MEASURE = new RegExp(
  `${WORD_START}(?:\\d+(?:[.,]\\d+)*(?:\\s*|-)(?:${UNITS})|(?:${NUMBER_WORDS}|a few)(?:\\s+|-)(?:${UNITS})|` +
    // "less than a year", "half an hour": an article only before a unit of time.
    `(?:half an?|an?)\\s+(?:minute|hour|day|week|month|year|decade|century)|` +
    // A span of years answers "how long": "from 1870 to 1939", "until 1796".
    `(?:1\\d{3}|20\\d{2})\\s*(?:to|–|-|until|till)\\s*${DAY_MONTH}(?:1\\d{3}|20\\d{2})|` +
    `(?:until|till|since)\\s+(?:the\\s+)?${DAY_MONTH}(?:1\\d{3}|20\\d{2})s?|` +
    // "known in seconds", "within minutes", "for decades": a span said by its unit alone.
    `(?:in|within|for|over)\\s+(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries))(?![\\p{L}\\p{N}])`,
  "giu",
);
/** What a measurement question asks when it asks no duration. */
const NOT_DURATION = ["tall", "high", "far", "deep", "wide", "heavy", "thick"];
/** A MEASURE match that is a span of time said without a figure and unit ("over decades", "until 1796"). */
const DURATION_SPAN =
  /^(?:(?:half\s+)?an?\s+(?:minute|hour|day|week|month|year|decade|century)|1\d{3}|20\d{2}|until\s|till\s|since\s|in\s|within\s|for\s|over\s)/i;
/** A sum of money: "$40", "£2.5 million", "US$ 3 billion", "40 dollars", "3 million euros". */
const MONEY = new RegExp(
  "(?:[$£€¥₹]|US\\$|USD|EUR|GBP)\\s?" +
    WORD_START +
    "\\d+(?:[.,]\\d+)*|" +
    WORD_START +
    "(?:\\d+(?:[.,]\\d+)*|" +
    NUMBER_WORDS +
    ")(?:\\s+(?:million|billion|trillion|thousand|hundred))?\\s+(?:dollars?|pounds?|euros?|yen|francs?|marks?|" +
    "rupees?|pesos?|cents?|pence|rubles?|roubles?|yuan|sterling)(?![\\p{L}\\p{N}])|" +
    // "Entry is free": no sum at all.
    WORD_START +
    // "Entry is free, …", not "it is free software".
    "(?:free of charge|for free|(?:is|are|was|were)\\s+free(?=\\s*[.,;:!?)]|\\s*$))",
  "giu",
);
/** A share: "10%", "10 percent", "ten per cent", "percentage points". */
const PERCENT = new RegExp(
  `${WORD_START}(?:\\d+(?:[.,]\\d+)*|${NUMBER_WORDS})\\s?(?:%|percent|per cent|percentage points?)`,
  "giu",
);

/** A day: a weekday, "October 6" or "6 October", "yesterday". */
const DAY_WORDS = wholeWords(
  `\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{2,4}|the\\s+\\d{1,2}(?:st|nd|rd|th)|(?:${WEEKDAYS})s?|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?|\\d{1,2}(?:st|nd|rd|th)?(?:\\s+of)?\\s+(?:${MONTHS})|` +
    `yesterday|today|tomorrow|(?:last|this)\\s+(?:night|morning|evening|week)`,
);
/** A time of day ("10:30", "3 p.m.", "in the evening"), a relative day ("yesterday") or a frequency ("every hour"). */
const TIME_OF_DAY = wholeWords(
  `\\d{1,2}:\\d{2}|\\d{1,2}\\s?[ap]\\.?m\\.?|noon|midnight|yesterday|today|tomorrow|o'clock|` +
    // "at six in the morning", "every hour", "daily": times and frequencies said in words.
    `morning|afternoon|evening|dawn|dusk|summer|autumn|winter|` +
    // "last year", "next week", "at eight", "at 8 o'clock".
    `(?:last|next|this|previous|following)\\s+(?:year|month|week|day|night|spring|summer|autumn|fall|winter|season)|` +
    `at\\s+(?:\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:\\s*o'clock|(?=\\s*[.,;!?)]|\\s*$))|` +
    `(?:every|each)\\s+(?:other\\s+)?(?:(?:\\d+|${NUMBER_WORDS})\\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?)|` +
    `hourly|daily|nightly|weekly|monthly|yearly|annually|` +
    // "the 11th century", "the nineteenth century": the ordinal is the answer, whatever the question says.
    `(?:\\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|` +
    `thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth)[\\s-]+(?:century|centuries|millennium)|` +
    // "In 999", "around 1066": a year of any length after a preposition; "3.5 billion years ago".
    `(?:in|since|by|around|circa)\\s+\\d{3,4}(?=\\s*[,.;:)!?]|\\s+(?:the|a|an|and|when|as|it|he|she|they|we|BCE?|AD|CE)\\b|\\s*$)|` +
    `(?:\\d+(?:[.,]\\d+)*|${NUMBER_WORDS})(?:\\s+(?:thousand|million|billion))?\\s+(?:years?|yrs?|decades?|centuries|months?|weeks?|days?)\\s+ago|` +
    // "until the oil shock", "during the war": a time told by an event.
    `(?:during|until|till)\\s+the\\s+\\p{L}+`,
  "i",
);
/** An occasion: "at the end of the transaction", "whenever it changes", "once the server starts", "at startup". */
const OCCASION = wholeWords(
  "at the (?:end|start|beginning|close) of|whenever|as soon as|each time|every time|" +
    "(?:when|once|after|before|until|while)\\s+(?:the|a|an|it|you|they|each|every|all|its|this|that|there|any)|" +
    "after\\s+\\p{Ll}+ing|under\\s+(?:\\p{Ll}+\\s+)?(?:conditions|circumstances|light|load|pressure|stress)|" +
    "(?:on|at|during|after|before|upon)\\s+(?:startup|start-up|boot|exit|commit|shutdown|reload|restart|login|logout|" +
    "disconnect|connection|error|failure|completion)",
  "i",
);
/** Two or more capitalised words in a row ("John Sullivan"), or a title before one ("Mr. Smith", "President Biden"). */
const PERSON = new RegExp(
  "(?<![\\p{L}\\p{N}])(?:(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|Lord|Lady|President|Prime Minister|Minister|Secretary|Senator|" +
    "Ambassador|Governor|General|Colonel|Captain|King|Queen|Prince|Princess|Pope|Saint|St)\\.?\\s+)?" +
    "\\p{Lu}[\\p{Ll}'’-]+(?:\\s+\\p{Lu}\\.)?\\s+\\p{Lu}[\\p{Ll}'’-]+",
  "gu",
);
const TITLED =
  /^(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|Lord|Lady|President|Prime|Minister|Secretary|Senator|Ambassador|Governor|General|Colonel|Captain|King|Queen|Prince|Princess|Pope|Saint|St)\b/;
/**
 * A capitalised name after a preposition of place ("in Geneva", "at the Kremlin", "near Glover Park", "through
 * WatchESPN"), perhaps after a few words naming part of it ("at the banks of the river Deabolis", "within the borders
 * of Warsaw").
 */
const PLACE = new RegExp(
  "(?<![\\p{L}\\p{N}])(?:in|at|near|from|to|outside|inside|across|throughout|within|into|toward|towards|between|" +
    "through|via|along|off|over|under|beyond|beside|around|upon)\\s+" +
    "(?:the\\s+)?(?:(?:\\p{Ll}+\\s+){1,3}?of\\s+(?:the\\s+)?(?:\\p{Ll}+\\s+)?)?(\\p{Lu}[\\p{L}'’-]*)",
  "gu",
);
/**
 * Where a manual says something is: a path or a stream after a preposition of place ("in /var/tmp", "to stderr"), or a
 * piece of code after one of inside ("in the `path`", "under `~/.config`"; "set it to `false`" says no place).
 */
const PLACE_IN_TEXT =
  /(?<![\p{L}\p{N}])(?:(?:in|into|under|inside|within)\s+(?:the\s+)?`([^`\n]{1,100})`|(?:in|at|from|to|into|under|inside|within|on|onto)\s+(?:the\s+)?(~?\/[\w.~-]+|std(?:out|err|in)\b))/giu;
/** "During the Second World War", "until Putin's visit", "after the Geneva summit": a time told by an event. */
const EVENT_TIME = new RegExp(
  "(?<![\\p{L}\\p{N}])(?:[Dd]uring|[Uu]ntil|[Tt]ill|[Ss]ince|[Aa]fter|[Bb]efore|[Tt]hroughout|" +
    // "At the end of World War I", "by the outbreak of the Revolution".
    "(?:[Aa]t|[Bb]y|[Tt]owards?)\\s+the\\s+(?:end|start|beginning|close|height|outbreak|turn|time)\\s+of)\\s+(?:the\\s+)?(\\p{Lu}[\\p{L}'’-]*)(?![\\p{L}'’-]|\\s*\\d)",
  "gu",
);
/** A purpose or a cause said without "because": "to attend school", "for not having a permit". */
const PURPOSE = new RegExp(
  "(?<![\\p{L}\\p{N}])(?:to\\s+(?!(?:the|a|an|be|his|her|their|its|this|that|these|those|them|him|me|us|it|our|your|my)\\b)\\p{Ll}{2,}|" +
    "for\\s+(?:not\\s+)?\\p{Ll}+ing)(?![\\p{L}\\p{N}])",
  "u",
);
const NOT_PLACE = new RegExp(`^(?:${MONTHS}|${WEEKDAYS}|I|I['’]\\p{L}+)$`, "u");

const TOKEN = /[\p{L}\p{N}]+(?:[.,]\d+)*/gu;
/** A word that opens a sentence is capitalised whatever it is, so it is no evidence of a name. */
const SENTENCE_OPENING = /(^|[.!?]["”’)]?\s+)["“‘(]?$/u;

/** The question's own words, lower-cased: a sentence repeating them offers nothing new. */
export function questionWords(question: string): Set<string> {
  const words = new Set<string>();
  for (const m of question.matchAll(TOKEN)) words.add(m[0].toLowerCase());
  return words;
}

const opensSentence = (text: string, index: number) => SENTENCE_OPENING.test(text.slice(Math.max(0, index - 4), index));

/** A month's name just before or after a figure: the figure is the day of a date ("October 20, 1973", "1 May"). */
const MONTH_BEFORE = new RegExp(`(?:${MONTHS})\\.?\\s$`, "u");
const MONTH_AFTER = new RegExp(`^(?:st|nd|rd|th)?(?:\\s+of)?\\s(?:${MONTHS})(?![\\p{L}])`, "u");
/** True when the figure at `index` is the day of a date, which counts nothing. */
function dayOfDate(text: string, index: number, found: string): boolean {
  if (!/^\d{1,2}(?:st|nd|rd|th)?$/.test(found) || Number.parseInt(found, 10) > 31) return false;
  const end = index + found.length;
  return MONTH_BEFORE.test(text.slice(Math.max(0, index - 11), index)) || MONTH_AFTER.test(text.slice(end, end + 14));
}

function offersWord(
  text: string,
  type: keyof typeof ANSWER_WORDS,
  asked: ReadonlySet<string>,
  /** digits: a figure in digits only ("40", not "two"); counts: a figure that counts things (aCount). */
  only: { digits?: boolean; counts?: boolean } = {},
): boolean {
  for (const m of text.matchAll(ANSWER_WORDS[type])) {
    const found = m[0];
    if (asked.has(found.toLowerCase())) continue;
    if (type === "number" && (YEAR.test(found) || dayOfDate(text, m.index, found))) continue;
    if (only.digits === true && !/\d/.test(found)) continue;
    if (only.counts === true && !aCount(text, m.index + found.length, found, asked)) continue;
    if (type === "name" && opensSentence(text, m.index)) continue;
    return true;
  }
  return false;
}
/** "10% of pupils", "magnitude 6.7": a share or a decimal is no count; "6.7 million people" is one. */
function aCount(text: string, end: number, found: string, asked: ReadonlySet<string>): boolean {
  const after = text.slice(end, end + 12);
  if (/^\s?(?:%|percent\b|per cent\b)/i.test(after)) return asked.has("percent") || asked.has("%");
  // "2.5 miles", "7.5 hours" count what the question counts; "magnitude 6.7 1994 …" counts nothing.
  return !/\d[.,]\d/.test(found) || /^\s+\p{L}/u.test(after) || /,\d{3}$/.test(found);
}
/** A name found after a preposition, without its possessive ("before Thoreau's imprisonment" names Thoreau). */
const bareName = (name: string) => name.replace(/['’]s$/u, "").toLowerCase();

/** True when every figure and word of `found` is the question's own ("in 1994" asked, "1994 years" is no answer). */
function givenIn(found: string, asked: ReadonlySet<string>): boolean {
  const digits = found.match(/\d+(?:[.,]\d+)*/g);
  if (digits !== null) return digits.every((d) => asked.has(d));
  return [...found.matchAll(TOKEN)].every((w) => asked.has(w[0].toLowerCase()));
}

/**
 * How surely `text` holds an answer of the asked-for kind that the question itself does not give: 1 for a date or
 * time ("when"), a figure ("how many"), a figure with its currency, per cent sign or unit ("how much did it cost",
 * "what percentage", "how tall"; ½ for a bare figure), a person's name ("who": two capitalised words, or a title and a name), a named
 * place after a preposition of place ("where"), a reason ("why"); ½ for a lone capitalised word asked "who" (it may be
 * an organisation or a surname); 0 otherwise. Generic surface rules: no lists of any corpus's names.
 */
export function answerStrength(text: string, type: AnswerType, asked: ReadonlySet<string>): number {
  switch (type) {
    case "day":
      for (const m of text.matchAll(DAY_WORDS)) if (!givenIn(m[0], asked)) return 1;
      return 0;
    case "occasion":
      if (answerStrength(text, "time", asked) > 0) return 1;
      // The question's own "when" and "the" are no reason to refuse "when the session ends".
      return text.search(OCCASION) >= 0 ? 1 : 0;
    case "time":
      if (offersWord(text, "time", asked)) return 1;
      for (const m of text.matchAll(TIME_OF_DAY)) if (!givenIn(m[0], asked)) return 1;
      for (const m of text.matchAll(EVENT_TIME)) if (!asked.has(bareName(m[1] as string))) return 1;
      return 0;
    case "money":
    case "percent":
    case "measure": {
      // The figure with its unit or currency is the answer; a bare figure may be one, said another way.
      const pattern = type === "money" ? MONEY : type === "percent" ? PERCENT : MEASURE;
      // "built over decades", "from 1870 to 1939" say how long, never how tall or far.
      const durationAsked = type !== "measure" || !NOT_DURATION.some((w) => asked.has(w));
      for (const m of text.matchAll(pattern))
        if (!givenIn(m[0], asked) && (durationAsked || !DURATION_SPAN.test(m[0]))) return 1;
      // A bare figure in digits may be one ("it cost 40 million"); "two of the six packages" is no sum or share.
      return offersWord(text, "number", asked, { digits: true }) ? 0.5 : 0;
    }
    case "reason":
      if (offersWord(text, "reason", asked)) return 1;
      return PURPOSE.test(text) ? 0.5 : 0;
    case "count":
      return offersWord(text, "number", asked, { counts: true }) ? 1 : 0;
    case "number":
    case "name":
      return offersWord(text, type, asked) ? 1 : 0;
    case "person":
      for (const m of text.matchAll(PERSON)) {
        const name = m[0].split(/\s+/);
        if (name.every((w) => asked.has(w.toLowerCase().replace(/\.$/, "")))) continue;
        // "The Kremlin" opening a sentence is one capitalised word, not a name; a title makes it one.
        if (opensSentence(text, m.index) && !TITLED.test(m[0]) && name.length < 3) continue;
        return 1;
      }
      return offersWord(text, "name", asked) ? 0.5 : 0;
    case "place":
      for (const m of text.matchAll(PLACE)) {
        const name = m[1] as string;
        if (!NOT_PLACE.test(name) && !asked.has(bareName(name))) return 1;
      }
      // A path, stream or piece of code the question itself names is no answer to where it is.
      for (const m of text.matchAll(PLACE_IN_TEXT)) if (!givenIn((m[1] ?? m[2]) as string, asked)) return 1;
      return 0;
  }
}

/** True when `text` holds an answer of the asked-for kind that the question does not already contain. */
export function offersAnswer(text: string, type: AnswerType, asked: ReadonlySet<string>): boolean {
  return answerStrength(text, type, asked) > 0;
}

/** "What date did…", "which year was…": the noun after the question word names the kind of answer, not its topic. */
const KIND_NOUN_BEFORE_VERB =
  /\b(what|which)\s+(?:years?|dates?|days?|months?|times?|centur(?:y|ies)|decades?)\s+(?=(?:did|does|do|is|was|were|are|will|would|has|have|had|can|could|should|might|may)\b)/giu;

/**
 * `question` without a noun that only names the kind of answer asked for ("On what date did Antonov return?" is
 * searched as "On what did Antonov return?": "date" is the answer type, and as a word it would match any "dated" or,
 * through word vectors, "according"). "What date format does…" keeps its noun: a noun follows it, not a verb. A
 * "where" or "when" question loses its last verb too when it only says that the thing happened (withoutEventVerb).
 */
export function withoutKindNoun(question: string): string {
  const searched = question.replace(KIND_NOUN_BEFORE_VERB, "$1 ");
  const type = askedKind(question).type;
  return type === "place" || type === "time" || type === "day" || type === "occasion"
    ? withoutEventVerb(searched)
    : searched;
}

/** A verb that only says something happened, was held or is located; "take place" is read as two words. */
const EVENT_VERB = /^(?:held|located|situated|based|happen(?:s|ed|ing)?|occur(?:s|red|ring)?)$/iu;
const TAKE = /^(?:take|takes|taken|took|taking)$/iu;
/** Words that open a clause of their own: a verb after one belongs to that clause, not to the question. */
const CLAUSE_OPENER = /^(?:when|whenever|where|if|after|before|while|because|since|until|once|unless)$/iu;
const QUESTION_WORD = /^(?:where|when|what|which)$/iu;
const WORD_IN_QUESTION = /[\p{L}\p{N}]+/gu;

/**
 * "Where was the summit held?", "When did the fire take place?": the last verb says only that it happened somewhere or
 * at some time, which the question word already asks; the answer says where ("summit talks in Geneva") without it, so
 * the verb is not searched for. It stays when it is not the question's last word ("…held in 2021?"), when a clause of
 * its own holds it ("Where is the config read when a restart happens?"), and when nothing would be left to search
 * ("Where was it held?"). One pass over the question's words: linear in its length.
 */
function withoutEventVerb(question: string): string {
  // The last word, whatever punctuation follows it ("held?", "held ?!", "held…", "held？").
  const words = [...question.matchAll(WORD_IN_QUESTION)];
  const last = words.at(-1);
  if (last === undefined) return question;
  let verb = words.length - 1;
  if (/^place$/iu.test(last[0]) && TAKE.test(words[verb - 1]?.[0] ?? "")) verb -= 1;
  else if (!EVENT_VERB.test(last[0])) return question;
  const start = (words[verb] as RegExpExecArray).index;
  // A joined word ("well-located", "so-called") is not the verb.
  if (!/\s/u.test(question.charAt(start - 1))) return question;
  const asked = words.findIndex((w) => QUESTION_WORD.test(w[0]));
  let content = false;
  for (let i = 0; i < verb; i += 1) {
    const word = (words[i] as RegExpExecArray)[0];
    if (i > asked && asked >= 0 && CLAUSE_OPENER.test(word)) return question;
    if (!isPhrasing(fold(word))) content = true;
  }
  return content ? question.slice(0, start).trimEnd() : question;
}

/** "What does X mean?" about a name of code or an error code: the question's words, without the frame. */
const MEANS = /^\s*what\s+(?:does|do)\s+(\S{3,100}?)\s+mean\s*\??\s*$/i;
/** A name of code ("SecureProxyConnectionError", "pg_dump", "fs.readFile()") or an error code ("ECONNRESET"). */
const CODE_NAME = /^(?:\p{Lu}[\p{Lu}\d_]{2,}|\S*\p{Ll}\p{Lu}\S*|\S*[\p{L}\d][_.(]\S*)$/u;

/**
 * "What does SecureProxyConnectionError mean?" asks what "What is SecureProxyConnectionError?" asks: the error's
 * entry says it ("tls connection to a proxy failed") without the word "means". Only for a name of code or an error
 * code: in prose, "X means …" is the answer's own wording ("What does isobaric mean?").
 */
export function asDefinition(question: string): string {
  const m = MEANS.exec(question);
  return m !== null && CODE_NAME.test(m[1] as string) ? `What is ${m[1] as string}?` : question;
}

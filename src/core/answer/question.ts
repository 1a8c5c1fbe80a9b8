/**
 * Questions as people type them: what the core analyses is the question's words, not Discord's markup around them.
 * Mentions, channel and role references, custom emoji, timestamps, URLs, Markdown and code fences are removed (a
 * masked link keeps its text); and a question in a script or language the corpus does not use is recognised, so the
 * answer can say which language the corpus is in instead of a bare "not in the corpus".
 *
 * Every pattern here is a single pass with no nested repetition and no two adjacent repetitions that can match the
 * same characters (linear in the question's length; see the ratio tests).
 */

const MAX_QUESTION = 4000;

/** Fenced code blocks (```…```), dropped when the question has words outside them. */
const FENCE = /```[^`]*(?:`(?!``)[^`]*)*(?:```|$)/g;
/** <@id>, <@!id>, <@&id> (role), <#id> (channel), <:name:id> / <a:name:id> (custom emoji), <t:unix:style>, </cmd:id>. */
const DISCORD_TOKEN = /<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[a-zA-Z])?|\/[\w -]+:\d+|id:\w+)>/g;
/** [text](url) masked links keep their text. */
const MASKED_LINK = /\[([^[\]\n]*)\]\(\s*(?:<?[^()[\]\s<>]+>?\s*)?\)/g;
const URL = /<?\b(?:https?:\/\/|www\.)[^\s<>]*>?/gi;
/** Markdown emphasis, strike-through, spoilers, inline code marks, heading/subtext/quote/list markers. */
const MARKUP = /\*{1,3}|_{2}|~~|\|\||`+/g;
const LINE_MARKER = /^[ \t]*(?:#{1,3}[ \t]+|-#[ \t]+|>{1,3}[ \t]+|[-*+][ \t]+|\d{1,3}[.)][ \t]+)/gm;
/** _emphasis_ at word edges (snake_case inside words is left alone). */
const UNDERSCORE_EMPHASIS = /(^|[\s(])_([^_\n]+)_(?=[\s).,!?:;]|$)/g;

/** The question's words without Discord's and Markdown's markup; blank when nothing but markup was asked. */
export function cleanQuestion(raw: string): string {
  let text = raw.length > MAX_QUESTION ? raw.slice(0, MAX_QUESTION) : raw;
  const withoutCode = text.replace(FENCE, " ");
  // A question that is only a code block is asked about that code.
  text = withoutCode.trim() === "" ? text.replace(/```\w*/g, " ") : withoutCode;
  text = text
    .replace(DISCORD_TOKEN, " ")
    .replace(MASKED_LINK, "$1")
    .replace(URL, " ")
    .replace(LINE_MARKER, "")
    .replace(UNDERSCORE_EMPHASIS, "$1$2")
    .replace(MARKUP, "");
  return text.replace(/\s+/g, " ").trim();
}

export type Script =
  "Latin" | "Cyrillic" | "Greek" | "Arabic" | "Hebrew" | "Han" | "Kana" | "Hangul" | "Devanagari" | "Thai";

const SCRIPTS: Array<[Script, RegExp]> = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
  ["Arabic", /\p{Script=Arabic}/u],
  ["Hebrew", /\p{Script=Hebrew}/u],
  ["Han", /\p{Script=Han}/u],
  ["Kana", /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ["Hangul", /\p{Script=Hangul}/u],
  ["Devanagari", /\p{Script=Devanagari}/u],
  ["Thai", /\p{Script=Thai}/u],
];

/** Letters per script in `text` (at most `maxChars` of it read). */
export function scriptCounts(text: string, maxChars = 20_000): Map<Script, number> {
  const counts = new Map<Script, number>();
  const end = Math.min(text.length, maxChars);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    // ASCII fast path: letters are Latin, the rest is not a letter.
    if (c < 128) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) counts.set("Latin", (counts.get("Latin") ?? 0) + 1);
      continue;
    }
    const ch = String.fromCharCode(c);
    for (const [script, test] of SCRIPTS) {
      if (test.test(ch)) {
        counts.set(script, (counts.get(script) ?? 0) + 1);
        break;
      }
    }
  }
  return counts;
}

/**
 * The most frequent function words of languages written in the Latin script: enough to tell which one a sentence is
 * in (no word lists about any corpus's subject). Words two languages share ("a", "de") count for both.
 */
const FUNCTION_WORDS: Record<string, string> = {
  English:
    "the of and to in is was what who when where which why how did does do are were for with that this from by on at an it he she they has have had his her their will would can could should",
  Spanish:
    "el la los las del de que en y es por para con una un su sus se al lo como más pero qué quién cuándo dónde cuál cuáles cómo cuánto cuántos cuánta cuántas fue son está están ha han era tiene tienen hay muy también",
  French:
    "le la les des du de et est que qui en un une pour dans sur par avec au aux ce cette il elle ils sont était ont été quand où pourquoi comment quel quelle quels à combien qu",
  German:
    "der die das den dem des und ist war wer wann wo warum wie wieviel wie viele welche welcher ein eine einen nicht mit von zu auf für im sich auch als hat haben wurde",
  Italian:
    "il lo la gli le di del della che e è un una per con non su nel nella sono era chi quando dove perché come quale quali anche",
  Portuguese:
    "o os as do da dos das de que e é em um uma para com não no na por se quem quando onde porque como qual quais foi são está",
  Dutch:
    "de het een en van is dat die in te niet op voor met zijn was wie wanneer waar waarom hoe welke er maar ook door aan",
};
const WORD_LANGUAGES = new Map<string, string[]>();
for (const [language, words] of Object.entries(FUNCTION_WORDS)) {
  for (const w of words.split(" ")) WORD_LANGUAGES.set(w, [...(WORD_LANGUAGES.get(w) ?? []), language]);
}
const WORD = /\p{L}+/gu;

/** Function-word hits per language in `text` (at most `maxWords` words read). */
export function languageVotes(text: string, maxWords = 5000): Map<string, number> {
  const votes = new Map<string, number>();
  let n = 0;
  for (const m of text.matchAll(WORD)) {
    if (++n > maxWords) break;
    for (const language of WORD_LANGUAGES.get(m[0].toLowerCase()) ?? [])
      votes.set(language, (votes.get(language) ?? 0) + 1);
  }
  return votes;
}

export interface TextLanguage {
  script: Script | null;
  /** A Latin-script language by its function words, or the script's usual language; null when unclear. */
  language: string | null;
}

const SCRIPT_LANGUAGE: Partial<Record<Script, string>> = {
  Cyrillic: "Russian or another Cyrillic-script language",
  Greek: "Greek",
  Arabic: "Arabic",
  Hebrew: "Hebrew",
  Han: "Chinese or Japanese",
  Kana: "Japanese",
  Hangul: "Korean",
  Devanagari: "Hindi or another Devanagari-script language",
  Thai: "Thai",
};

/** The script and language of `text`: the script most of its letters are in, and its function words' language. */
export function languageOf(text: string, minVotes = 2): TextLanguage {
  let script: Script | null = null;
  let most = 0;
  for (const [s, n] of scriptCounts(text)) {
    if (n > most) {
      most = n;
      script = s;
    }
  }
  if (script === null) return { script: null, language: null };
  if (script !== "Latin") return { script, language: SCRIPT_LANGUAGE[script] ?? null };
  const votes = [...languageVotes(text)].sort((a, b) => b[1] - a[1]);
  const [best, second] = votes;
  if (best === undefined || best[1] < minVotes || (second !== undefined && second[1] === best[1]))
    return { script, language: null };
  return { script, language: best[0] };
}

/**
 * Whether a question is in a language the corpus does not use: its letters in a script the corpus's text does not use,
 * or (both in the Latin script) its function words clearly another language's than the corpus's. Returns the corpus's
 * language (to name in the reply), or null when the question could be in the corpus's language.
 */
export function foreignLanguage(
  question: string,
  corpus: TextLanguage,
): { question: string | null; corpus: string } | null {
  if (corpus.script === null || corpus.language === null) return null;
  const asked = languageOf(question);
  if (asked.script === null) return null;
  if (asked.script !== corpus.script) return { question: asked.language, corpus: corpus.language };
  if (asked.language !== null && asked.language !== corpus.language) {
    // A Latin-script question needs more than one word of another language: names and loanwords are shared.
    const votes = languageVotes(question);
    if ((votes.get(asked.language) ?? 0) >= 2 && (votes.get(corpus.language) ?? 0) === 0)
      return { question: asked.language, corpus: corpus.language };
  }
  return null;
}

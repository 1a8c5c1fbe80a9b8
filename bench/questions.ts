/**
 * Benchmark questions cut from the corpus itself, each remembering the document it came from.
 *
 * Half are verbatim phrases (4–8 consecutive words of one sentence, an exact substring of the
 * document), half are 3–6 scattered content words from one passage-sized window (stopwords and the
 * document's inserted code-name sentence skipped), the way a user types keywords.
 */
import { sentencesWithOffsets, type BenchDoc, type SentenceSpan } from "./corpus.js";
import { deriveSeed, mulberry32, randomInt, type Random } from "./random.js";
import { STOPWORDS } from "./stopwords.js";

export interface BenchQuestion {
  id: string;
  kind: "phrase" | "words";
  text: string;
  docId: string;
  /** The passage-sized window of the document the question was cut from: [start, end) in `doc.text`. */
  start: number;
  end: number;
}

export interface QuestionOptions {
  count: number;
  seed: number;
}

const CONTENT_WORD = /\p{L}[\p{L}'’-]*\p{L}|\p{L}/gu;
const TRIM_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/**
 * `count` questions from documents picked uniformly at random. Deterministic for the same documents
 * and seed; alternates phrase and word questions, so exactly half of each (±1).
 */
export function makeQuestions(docs: readonly BenchDoc[], options: QuestionOptions): BenchQuestion[] {
  if (docs.length === 0) throw new Error("makeQuestions: no documents");
  const random = mulberry32(deriveSeed(options.seed, 0x0a5c));
  const questions: BenchQuestion[] = [];
  let attempts = 0;
  while (questions.length < options.count) {
    if (++attempts > options.count * 50)
      throw new Error("makeQuestions: the documents are too short to cut questions from");
    const doc = docs[Math.floor(random() * docs.length)] as BenchDoc;
    const kind = questions.length % 2 === 0 ? "phrase" : "words";
    const q = kind === "phrase" ? phraseQuestion(doc, random) : wordsQuestion(doc, random);
    if (q) questions.push({ id: `q${questions.length}`, kind, docId: doc.id, ...q });
  }
  return questions;
}

/** A window of whole sentences, about one passage (stops before passing 120 words, aims at 80). */
function pickWindow(sentences: SentenceSpan[], random: Random): SentenceSpan[] {
  const first = Math.floor(random() * sentences.length);
  const window: SentenceSpan[] = [];
  let words = 0;
  for (let i = first; i < sentences.length; i++) {
    const s = sentences[i] as SentenceSpan;
    if (window.length > 0 && (words >= 80 || words + s.words > 120)) break;
    window.push(s);
    words += s.words;
  }
  return window;
}

type QuestionBody = Pick<BenchQuestion, "text" | "start" | "end">;

function phraseQuestion(doc: BenchDoc, random: Random): QuestionBody | null {
  const sentences = sentencesWithOffsets(doc.text);
  const window = pickWindow(sentences, random);
  const usable = window.filter((s) => s.words >= 5 && !s.text.includes(doc.tag));
  if (usable.length === 0) return null;
  const sentence = usable[Math.floor(random() * usable.length)] as SentenceSpan;
  const tokens = sentence.text.split(" ");
  const length = Math.min(tokens.length, randomInt(random, 4, 8));
  const from = randomInt(random, 0, tokens.length - length);
  const text = tokens
    .slice(from, from + length)
    .join(" ")
    .replace(TRIM_PUNCTUATION, "");
  const wordCount = text.match(CONTENT_WORD)?.length ?? 0;
  if (wordCount < 4 || text.split(" ").length < 4) return null;
  return { text, ...span(window) };
}

function wordsQuestion(doc: BenchDoc, random: Random): QuestionBody | null {
  const sentences = sentencesWithOffsets(doc.text);
  const window = pickWindow(sentences, random);
  const candidates: string[] = [];
  for (const s of window) {
    if (s.text.includes(doc.tag)) continue;
    for (const match of s.text.matchAll(CONTENT_WORD)) {
      const word = match[0].toLowerCase();
      if (word.length >= 3 && !STOPWORDS.has(word) && !candidates.includes(word)) candidates.push(word);
    }
  }
  if (candidates.length < 3) return null;
  const want = Math.min(candidates.length, randomInt(random, 3, 6));
  // Keep the words in text order, as someone skimming the passage would type them.
  const chosen = new Set<number>();
  while (chosen.size < want) chosen.add(Math.floor(random() * candidates.length));
  const text = [...chosen]
    .sort((a, b) => a - b)
    .map((i) => candidates[i])
    .join(" ");
  return { text, ...span(window) };
}

function span(window: SentenceSpan[]): { start: number; end: number } {
  const first = window[0] as SentenceSpan;
  const last = window.at(-1) as SentenceSpan;
  return { start: first.start, end: last.start + last.text.length };
}

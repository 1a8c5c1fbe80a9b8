import { UserError } from "../discord/errors.js";

const MAX_QUESTION = 300;

/** A question as the user typed it, or a UserError saying what is wrong with it. */
export function readQuestion(raw: string): string {
  const question = raw.replace(/\s+/g, " ").trim();
  if (question === "" || !/[\p{L}\p{N}]/u.test(question)) {
    throw new UserError(
      "empty-question",
      "Ask me a question in words, e.g. `/ask question: when did the ambassador return to Moscow?`",
    );
  }
  if (question.length > MAX_QUESTION) {
    throw new UserError(
      "question-too-long",
      `That question is ${question.length} characters long; please keep it under ${MAX_QUESTION}.`,
    );
  }
  return question;
}

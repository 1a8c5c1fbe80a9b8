/** The trust loop's custom ids: every id made parses back to what made it; anything else parses to nothing. */
import { describe, expect, it } from "vitest";
import {
  answerCustomId,
  operatorCustomId,
  parseAnswerCustomId,
  parseOperatorCustomId,
  parseReviewCustomId,
  reviewCustomId,
  type AnswerAction,
  type ReviewAction,
} from "../../src/discord/ids.js";

const ANSWER = "0t3zq9aabcde";

describe("custom ids", () => {
  it("round-trips every action within Discord's 100 characters", () => {
    const answers: AnswerAction[] = [
      { kind: "passage", answerId: ANSWER, quote: 2 },
      { kind: "source", answerId: ANSWER, quote: 0 },
      { kind: "closest", answerId: ANSWER, index: 1 },
      { kind: "nav", answerId: ANSWER, quote: 1, ordinal: 999_999 },
      { kind: "helpful", answerId: ANSWER },
      { kind: "wrong", answerId: ANSWER },
      { kind: "withdraw", answerId: ANSWER },
      { kind: "report", answerId: ANSWER },
    ];
    for (const action of answers) {
      const id = answerCustomId(action);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(id.startsWith("ask:")).toBe(true);
      expect(parseAnswerCustomId(id)).toEqual(action);
    }
    const reviews: ReviewAction[] = [
      { kind: "reports", page: 3 },
      { kind: "dismiss", item: "0123456789", page: 1 },
      { kind: "exclude", item: "abcdefabcd", page: 2 },
      { kind: "choose", item: "abcdefabcd", page: 2 },
      { kind: "pin", item: "abcdefabcd", candidate: 4, check: "0011aabb", page: 7 },
      { kind: "exclusions", page: 1 },
      { kind: "restore", id: "deadbeef", page: 1 },
      { kind: "pins", page: 2 },
      { kind: "unpin", id: "deadbeef", page: 1 },
    ];
    for (const action of reviews) {
      const id = reviewCustomId(action);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(id.startsWith("review:")).toBe(true);
      expect(parseReviewCustomId(id)).toEqual(action);
    }
    expect(parseOperatorCustomId(operatorCustomId({ kind: "dismiss", item: "0123456789", page: 4 }))).toEqual({
      kind: "dismiss",
      item: "0123456789",
      page: 4,
    });
  });

  it("parses a forged or mangled id to nothing", () => {
    for (const id of [
      "ask:passage:short:0",
      `ask:passage:${ANSWER}:10`,
      `ask:passage:${ANSWER.toUpperCase()}:0`,
      `ask:helpful:${ANSWER}:extra`,
      `ask:nav:${ANSWER}:0:-1`,
      `ask:delete:${ANSWER}`,
      `ask:passage:${ANSWER}:0 `,
      "review:dismiss:../../x:1",
      "review:pin:0123456789:5:0011aab:1",
      "review:restore:deadbeef:-1",
      "review:reports:1234567",
      "operator:dismiss:012345678:1",
      "",
    ]) {
      expect(parseAnswerCustomId(id)).toBeNull();
      expect(parseReviewCustomId(id)).toBeNull();
      expect(parseOperatorCustomId(id)).toBeNull();
    }
  });
});

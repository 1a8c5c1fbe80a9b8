import { MessageFlags } from "discord.js";
import { describe, expect, it } from "vitest";
import { PayloadError, UserError, isUserError } from "../../src/discord/errors.js";
import { type MessagePayload, renderAnswer } from "../../src/discord/render/index.js";
import { genericErrorLine, planInteractionSends, planMessageSends } from "../../src/discord/respond.js";

const payload = (content: string, flags: number = MessageFlags.SuppressEmbeds): MessagePayload => ({
  content,
  allowedMentions: { parse: [] },
  flags,
});
const ephemeral = (content: string): MessagePayload =>
  payload(content, MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral);

const fresh = { deferred: false, replied: false, ephemeral: null };
const deferredPublic = { deferred: true, replied: false, ephemeral: false };
const deferredEphemeral = { deferred: true, replied: false, ephemeral: true };
const replied = { deferred: false, replied: true, ephemeral: false };

describe("planInteractionSends", () => {
  it("replies, then follows up", () => {
    const sends = planInteractionSends(fresh, [ephemeral("one"), ephemeral("two")]);
    expect(sends).toEqual([
      {
        method: "reply",
        options: {
          content: "one",
          allowedMentions: { parse: [] },
          flags: MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral,
        },
      },
      {
        method: "followUp",
        options: {
          content: "two",
          allowedMentions: { parse: [] },
          flags: MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral,
        },
      },
    ]);
  });

  it("replaces a deferred placeholder with editReply, which takes no Ephemeral flag", () => {
    const sends = planInteractionSends(deferredEphemeral, [ephemeral("one"), ephemeral("two")]);
    expect(sends.map((send) => send.method)).toEqual(["editReply", "followUp"]);
    expect(sends[0]?.options.flags).toBe(MessageFlags.SuppressEmbeds);
    expect(planInteractionSends(deferredPublic, [payload("one")])[0]?.method).toBe("editReply");
  });

  it("follows up after an earlier reply instead of overwriting it", () => {
    expect(planInteractionSends(replied, [payload("one")]).map((send) => send.method)).toEqual(["followUp"]);
    expect(planInteractionSends({ ...deferredPublic, replied: true }, [payload("a")])[0]?.method).toBe("followUp");
  });

  it("refuses to show an ephemeral payload in a publicly deferred reply", () => {
    expect(() => planInteractionSends(deferredPublic, [ephemeral("private")])).toThrow(PayloadError);
  });

  it("refuses payloads Discord would reject, before sending any of them", () => {
    expect(() => planInteractionSends(fresh, [payload("fine"), payload("x".repeat(2001))])).toThrow(
      /message 2: content is 2001 characters \(limit 2000\)/,
    );
    expect(() => planInteractionSends(fresh, [])).toThrow(PayloadError);
    const pinging = { ...payload("@everyone"), allowedMentions: { parse: ["everyone"] } } as unknown as MessagePayload;
    expect(() => planInteractionSends(fresh, [pinging])).toThrow(/allowedMentions/);
  });

  it("always sends allowedMentions { parse: [] }, and only the payload's own fields", () => {
    const tampered = { ...payload("x"), extra: "field" } as MessagePayload;
    const [send] = planInteractionSends(fresh, [tampered]);
    expect(send?.options).toEqual({ content: "x", allowedMentions: { parse: [] }, flags: MessageFlags.SuppressEmbeds });
  });

  it("accepts what renderAnswer produces", () => {
    const payloads = renderAnswer({
      question: "q",
      answered: true,
      independentSources: 1,
      closest: [],
      quotes: Array.from({ length: 6 }, (_, index) => ({
        text: "A sentence. ".repeat(150),
        start: 0,
        end: 1,
        score: 1,
        alsoReportedBy: [],
        source: { id: `d${index}`, title: "T", publisher: null, author: null, date: null, url: null, path: null },
      })),
    });
    expect(payloads.length).toBeGreaterThan(1);
    expect(planInteractionSends(fresh, payloads).map((send) => send.method)).toEqual([
      "reply",
      ...payloads.slice(1).map(() => "followUp"),
    ]);
  });
});

describe("planMessageSends", () => {
  it("replies without pinging the asker, then sends plain messages; never ephemeral", () => {
    const sends = planMessageSends([ephemeral("one"), payload("two")]);
    expect(sends).toEqual([
      {
        method: "reply",
        options: {
          content: "one",
          allowedMentions: { parse: [], repliedUser: false },
          flags: MessageFlags.SuppressEmbeds,
          failIfNotExists: false,
        },
      },
      {
        method: "send",
        options: { content: "two", allowedMentions: { parse: [] }, flags: MessageFlags.SuppressEmbeds },
      },
    ]);
  });

  it("checks limits too", () => {
    expect(() => planMessageSends([payload("")])).toThrow(/message is empty/);
  });
});

describe("errors", () => {
  it("tells user errors apart from everything else", () => {
    const error = new UserError("cooldown", "Slow down: try again in 3 s.");
    expect(isUserError(error)).toBe(true);
    expect(error.identifier).toBe("cooldown");
    expect(error.message).toBe("Slow down: try again in 3 s.");
    expect(isUserError(new Error("boom"))).toBe(false);
    expect(new PayloadError(["a", "b"]).message).toBe("Refusing to send a message Discord would reject: a; b");
  });

  it("words the generic line calmly, with a reference and no details", () => {
    expect(genericErrorLine("1a2b3c4d")).toBe(
      "Something went wrong on my side and I couldn't finish that. It has been logged (ref `1a2b3c4d`); please try again in a moment.",
    );
  });
});

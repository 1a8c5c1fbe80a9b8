/** Links never pass for another address (issue 9, item 13): a title that reads as a domain is never a masked link to a different one. */
import { describe, expect, it } from "vitest";
import type { Source } from "../../../src/core/index.js";
import { attribution } from "../../../src/discord/render/index.js";
import { link, looksLikeOtherUrl } from "../../../src/discord/render/links.js";

const source = (title: string, url: string): Source => ({
  id: "d",
  title,
  publisher: null,
  author: null,
  date: null,
  url,
  path: null,
});

describe("masked links", () => {
  it.each([
    ["google.com", "https://evil.example/login"],
    ["GOOGLE.COM", "https://evil.example/login"],
    ["gооgle.com (Cyrillic о)", "https://google.com/"],
    ["example．org (fullwidth dot)", "https://evil.example/"],
    ["paypal。com", "https://evil.example/"],
    ["Sign in at accounts.google.com today", "https://evil.example/"],
    ["www.bank", "https://evil.example/"],
    ["https://bank.example", "https://evil.example/"],
  ])("never mask %j behind %s: the address is shown", (title, url) => {
    const line = attribution(source(title, url));
    expect(line).toContain(`<${url}>`);
    expect(line).not.toMatch(/\]\(</);
  });

  it.each([
    ["Kyiv Independent", "https://kyivindependent.com/antonov"],
    ["google.com", "https://www.google.com/about"],
    ["google.com", "https://google.com/"],
    ["Version 1.2 release notes", "https://example.org/notes"],
    ["The end. Next part", "https://example.org/notes"],
  ])("masks %j linked to %s (it cannot pass for another address)", (title, url) => {
    expect(attribution(source(title, url))).toContain(`](<${url}>)`);
  });

  it("is linear in the label's length, whatever the label", () => {
    const labels = ["x".repeat(200_000), "a.".repeat(100_000), "-.".repeat(100_000), `${"www".repeat(60_000)}:/`];
    const ordinary = "The council approves the budget. ".repeat(6_000);
    const time = (label: string) => {
      const started = performance.now();
      for (let i = 0; i < 5; i++) looksLikeOtherUrl(label, "https://example.org/");
      return performance.now() - started;
    };
    const base = Math.max(time(ordinary), 0.5);
    for (const label of labels) expect(time(label)).toBeLessThan(base * 10);
    expect(link("x", "x", "https://example.org/")).toBe("[x](<https://example.org/>)");
  });
});

import { describe, expect, it } from "vitest";
import { createCooldown } from "../../src/bot/cooldown.js";

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe("createCooldown", () => {
  it("lets a user through until they are hit, then makes them wait", () => {
    const { now, advance } = clock();
    const cooldown = createCooldown({ seconds: 5, now });
    expect(cooldown.check("a")).toEqual({ ok: true });
    cooldown.hit("a");
    expect(cooldown.check("a")).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(cooldown.check("b")).toEqual({ ok: true });
    advance(3_200);
    expect(cooldown.check("a")).toEqual({ ok: false, retryAfterSeconds: 2 });
    advance(1_799);
    expect(cooldown.check("a")).toEqual({ ok: false, retryAfterSeconds: 1 });
    advance(1);
    expect(cooldown.check("a")).toEqual({ ok: true });
  });

  it("restarts the cooldown on each hit", () => {
    const { now, advance } = clock();
    const cooldown = createCooldown({ seconds: 10, now });
    cooldown.hit("a");
    advance(9_000);
    cooldown.hit("a");
    advance(9_000);
    expect(cooldown.check("a")).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it("never blocks when the cooldown is 0 seconds, and holds nothing", () => {
    const cooldown = createCooldown({ seconds: 0 });
    cooldown.hit("a");
    expect(cooldown.check("a")).toEqual({ ok: true });
    expect(cooldown.size).toBe(0);
  });

  it("forgets expired users, so memory tracks only recent ones", () => {
    const { now, advance } = clock();
    const cooldown = createCooldown({ seconds: 5, now });
    for (let i = 0; i < 100_000; i++) {
      cooldown.hit(`user-${i}`);
      advance(1); // 1,000 users a second
    }
    expect(cooldown.size).toBeLessThanOrEqual(6_001); // the last 5 s, plus up to 1 s between sweeps
    advance(5_000);
    cooldown.hit("late");
    expect(cooldown.size).toBe(1);
  });

  it("caps the number of users held", () => {
    const cooldown = createCooldown({ seconds: 3600, now: () => 0, maxEntries: 100 });
    for (let i = 0; i < 1_000; i++) cooldown.hit(`user-${i}`);
    expect(cooldown.size).toBe(100);
    expect(cooldown.check("user-999").ok).toBe(false);
    expect(cooldown.check("user-0").ok).toBe(true);
  });

  it("rejects a negative or non-finite length", () => {
    expect(() => createCooldown({ seconds: -1 })).toThrow(RangeError);
    expect(() => createCooldown({ seconds: Number.NaN })).toThrow(RangeError);
  });
});

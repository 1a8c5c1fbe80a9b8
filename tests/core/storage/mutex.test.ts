import { describe, expect, it } from "vitest";
import { KeyedMutex } from "../../../src/core/storage/mutex.js";

describe("KeyedMutex", () => {
  it("runs one task per key at a time, in order, and re-enters within the same chain", async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string, ms: number) =>
      mutex.run("k", async () => {
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`end ${name}`);
      });
    await Promise.all([task("a", 20), task("b", 1), task("c", 5)]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    expect(await mutex.run("k", () => mutex.run("k", async () => "nested"))).toBe("nested");
    expect(mutex.busy("k")).toBe(false);
  });

  it("does not let work that outlives a task skip the queue", async () => {
    const mutex = new KeyedMutex();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const events: string[] = [];
    let late: Promise<void> | undefined;
    await mutex.run("k", async () => {
      setTimeout(() => (late = mutex.run("k", async () => void events.push("late"))), 20);
    });
    const holder = mutex.run("k", async () => {
      await sleep(80);
      events.push("holder");
    });
    await sleep(40);
    await holder;
    await late;
    expect(events).toEqual(["holder", "late"]);
  });

  it("keeps different keys independent", async () => {
    const mutex = new KeyedMutex();
    let release!: () => void;
    const blocked = mutex.run("a", () => new Promise<void>((resolve) => (release = resolve)));
    await expect(mutex.run("b", async () => "b ran")).resolves.toBe("b ran");
    expect(mutex.busy("a")).toBe(true);
    release();
    await blocked;
    expect(mutex.busy("a")).toBe(false);
  });
});

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/cli/logger.js";

function sink(isTTY: boolean) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { lines, isTTY });
}

describe("createLogger", () => {
  it("writes JSON lines when the output is not a terminal", () => {
    const out = sink(false);
    createLogger("info", out).info({ guilds: 2 }, "connected to Discord");
    const record = JSON.parse(out.lines.join("")) as Record<string, unknown>;
    expect(record).toMatchObject({ msg: "connected to Discord", guilds: 2, app: "verbatim", level: 30 });
  });

  it("writes readable lines (pino-pretty) on a terminal", () => {
    const out = sink(true);
    createLogger("info", out).info({ guilds: 2 }, "connected to Discord");
    const text = out.lines.join("");
    expect(text).toMatch(/INFO.*connected to Discord/);
    expect(text).toMatch(/guilds: 2/);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});

/** The CLI's logger: pretty, human-readable lines on a terminal (development), JSON lines otherwise (services, files). */
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";
import { VERSION } from "../bot/version.js";
import { describeError } from "../discord/errors.js";
import type { LogLevel } from "../config.js";

/** Where the lines go: process.stdout, or a test's stream. */
export type LogSink = NodeJS.WritableStream & { isTTY?: boolean };

export function createLogger(level: LogLevel, sink: LogSink = process.stdout): Logger {
  // Errors are logged through describeError everywhere; the serializer is the backstop (no tokens, no request bodies).
  const options = {
    level,
    base: { app: "verbatim", version: VERSION },
    serializers: { err: (error: unknown) => (error instanceof Error ? describeError(error) : error) },
  };
  if (sink.isTTY !== true) return pino(options, sink === process.stdout ? undefined : sink);
  return pino(
    options,
    pretty({
      colorize: sink === process.stdout,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,app,version",
      destination: sink,
      sync: true,
    }),
  );
}

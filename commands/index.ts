/** Every command, listed once: the deploy script registers these and the router dispatches to them. */
import { about } from "./about.js";
import { ask } from "./ask.js";
import { help } from "./help.js";
import { search } from "./search.js";
import { source } from "./source.js";
import type { Command } from "./types.js";

export const commands: readonly Command[] = [ask, search, source, help, about];

export type { Command, CommandContext } from "./types.js";

/** Every command, listed once: the entry points hand this list to the deploy script and to the bot's router. */
import { about } from "./about.js";
import { ask } from "./ask.js";
import { corpus } from "./corpus.js";
import { help } from "./help.js";
import { operator } from "./operator.js";
import { search } from "./search.js";
import { settings } from "./settings.js";
import { source } from "./source.js";
import { stats } from "./stats.js";
import type { Command } from "../src/bot/command.js";

export const commands: readonly Command[] = [ask, search, source, help, about, corpus, settings, stats, operator];

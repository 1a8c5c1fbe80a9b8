/** Every command, listed once: the entry points hand this list to the deploy script and to the bot's router. */
import { about } from "./about.js";
import { ask } from "./ask.js";
import { askMessage } from "./ask-message.js";
import { corpus } from "./corpus.js";
import { help } from "./help.js";
import { operator } from "./operator.js";
import { review } from "./review.js";
import { search } from "./search.js";
import { settings } from "./settings.js";
import { source } from "./source.js";
import { stats } from "./stats.js";
import type { AnyCommand } from "../src/bot/command.js";

export const commands: readonly AnyCommand[] = [
  ask,
  search,
  source,
  help,
  about,
  corpus,
  settings,
  stats,
  review,
  operator,
  askMessage,
];

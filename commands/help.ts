/** /help: how to ask, listing the commands every member can use (from their own data). */
import type { Command } from "../src/bot/command.js";
import { renderHelp } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

export const help = {
  data: { name: "help", description: "How to ask Verbatim questions." },
  async execute(interaction, { commands }) {
    await respond(interaction, renderHelp(commands));
  },
} satisfies Command;

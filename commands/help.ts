import { renderHelp } from "../src/discord/render/render.js";
import { respond } from "../src/discord/respond.js";
import type { Command } from "../src/bot/command.js";

export const help = {
  data: { name: "help", description: "How to ask Verbatim questions." },
  async execute(interaction, { commands }) {
    // Listed from the registered commands so help never mentions one that does not exist.
    await respond(interaction, renderHelp(commands.map((c) => ({ name: c.name, description: c.description }))));
  },
} satisfies Command;

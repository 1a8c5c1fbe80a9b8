import { renderAbout } from "../src/discord/render/render.js";
import { respond } from "../src/discord/respond.js";
import type { Command } from "../src/bot/command.js";

export const about = {
  data: { name: "about", description: "What Verbatim is and what its documents hold." },
  async execute(interaction, { answerer, version }) {
    await respond(interaction, renderAbout(answerer.stats(interaction.guildId ?? undefined), version, { ephemeral: true }));
  },
} satisfies Command;

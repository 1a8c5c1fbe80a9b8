/** /about: what Verbatim is, its version, and what its documents hold. */
import type { Command } from "../src/bot/command.js";
import { renderAbout } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

export const about = {
  data: { name: "about", description: "What Verbatim is and what its documents hold." },
  async execute(interaction, { answerer, version }) {
    await respond(
      interaction,
      renderAbout(answerer.stats(interaction.guildId ?? undefined), version, { ephemeral: true }),
    );
  },
} satisfies Command;

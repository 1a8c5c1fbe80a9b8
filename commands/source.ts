/** /source: a document's details and how it begins; autocompletes titles. */
import { ApplicationCommandOptionType } from "discord.js";
import { answerVisibility } from "../src/bot/answering.js";
import type { Command } from "../src/bot/command.js";
import { UserError } from "../src/discord/errors.js";
import { choiceName, escapeInline, renderDocument } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";

/** Discord allows at most 25 choices, each value at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_VALUE = 100;

export const source = {
  data: {
    name: "source",
    description: "Show a document's details and how it begins.",
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: "document",
        description: "Start typing a title",
        required: true,
        autocomplete: true,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        name: "hide",
        description: "Only you see it (the server may make this the default).",
      },
    ],
  },
  cooldown: true,
  async execute(interaction, context) {
    const { answerer } = context;
    // The same rule as /ask and /search: allowed channels, private by default, cooldown (the router's).
    const { ephemeral } = answerVisibility(interaction, context);
    const id = interaction.options.getString("document", true).trim();
    const view = answerer.document(id, interaction.guildId ?? undefined);
    if (view === null) {
      // A value typed past the suggestions: say so rather than guess which document was meant.
      throw new UserError(
        "document-not-found",
        `No document has the id \`${escapeInline(id.slice(0, 100))}\`. Pick one of the suggestions as you type, or use \`/search\`.`,
      );
    }
    await respond(interaction, renderDocument(view, { ephemeral }));
  },
  async autocomplete(interaction, { answerer }) {
    const typed = interaction.options.getFocused();
    const sources = answerer.suggestDocuments(typed, MAX_CHOICES, interaction.guildId ?? undefined);
    await interaction.respond(
      sources
        .filter((s) => s.id.length <= MAX_VALUE)
        .slice(0, MAX_CHOICES)
        .map((s) => ({ name: choiceName(s), value: s.id })),
    );
  },
} satisfies Command;

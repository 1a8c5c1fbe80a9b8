/** /settings: where Verbatim answers in this server, whether answers are private by default, cooldown, audit channel. */
import {
  ApplicationCommandOptionType,
  ChannelType,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import type { GuildSettings } from "../src/core/index.js";
import { audit, checkOwnChannel } from "../src/bot/guilds.js";
import { renderSettings } from "../src/discord/render/index.js";
import { respond } from "../src/discord/respond.js";
import type { Command } from "../src/bot/command.js";

const TEXT_CHANNELS: Array<ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.GuildForum> = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.GuildForum,
];

export const settings = {
  data: {
    name: "settings",
    description: "Verbatim's settings for this server (Manage Server).",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    contexts: [InteractionContextType.Guild],
    options: [
      { type: ApplicationCommandOptionType.Subcommand, name: "show", description: "Show the current settings." },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "channel",
        description: "Answer in a channel, or stop answering there (answers everywhere while none is set).",
        options: [
          {
            type: ApplicationCommandOptionType.Channel,
            name: "channel",
            description: "The channel",
            required: true,
            channel_types: TEXT_CHANNELS,
          },
          {
            type: ApplicationCommandOptionType.Boolean,
            name: "answer",
            description: "Answer in it (true) or not (false)",
            required: true,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "all-channels",
        description: "Answer in every channel again.",
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "private",
        description: "Make answers visible only to the asker by default.",
        options: [
          { type: ApplicationCommandOptionType.Boolean, name: "on", description: "Private by default", required: true },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "cooldown",
        description: "Seconds a member waits between questions (leave out for the bot's default).",
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: "seconds",
            description: "0 to 3600",
            min_value: 0,
            max_value: 3600,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: "audit-channel",
        description: "Post every admin action to a channel (leave out to stop).",
        options: [
          {
            type: ApplicationCommandOptionType.Channel,
            name: "channel",
            description: "The channel",
            channel_types: TEXT_CHANNELS,
          },
        ],
      },
    ],
  },
  requires: "manager",
  async execute(interaction, context) {
    const { guildId, guilds } = context;
    const sub = interaction.options.getSubcommand();
    const current = guilds.store.settings(guildId);
    let patch: Partial<GuildSettings> | null = null;
    if (sub === "channel") {
      const channel = interaction.options.getChannel("channel", true);
      const answer = interaction.options.getBoolean("answer", true);
      const others = current.channels.filter((id) => id !== channel.id);
      patch = { channels: answer ? [...others, channel.id] : others };
    } else if (sub === "all-channels") {
      patch = { channels: [] };
    } else if (sub === "private") {
      patch = { ephemeralByDefault: interaction.options.getBoolean("on", true) };
    } else if (sub === "cooldown") {
      patch = { cooldownSeconds: interaction.options.getInteger("seconds") };
    } else if (sub === "audit-channel") {
      const channel = interaction.options.getChannel("channel");
      if (channel !== null) checkOwnChannel(context.client, guildId, channel.id);
      patch = { auditChannelId: channel?.id ?? null };
    }
    if (patch === null) {
      await respond(interaction, [renderSettings(current, false)]);
      return;
    }
    // Saving waits for the disk: acknowledge first, so the 3-second window never depends on it.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const updated = await guilds.store.updateSettings(guildId, patch);
    await respond(interaction, [renderSettings(updated, true)]);
    await audit(context.client, guilds, context.logger, {
      guildId,
      userId: interaction.user.id,
      action: `settings ${sub}`,
      outcome: "ok",
      detail: JSON.stringify(patch),
    });
  },
} satisfies Command;

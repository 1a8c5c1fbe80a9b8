// The loopback rejects what Discord documents as invalid, with Discord's error bodies: command
// definitions, message components, modals and message payloads. One case per rule; each is
// checked against a valid baseline that the same request accepts, so a case cannot pass by
// accident (e.g. a 400 for some other reason).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApplicationCommandOptionType as O,
  ButtonStyle,
  ComponentType as C,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits as P,
  TextInputStyle,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord-api-types/v10";
import { startLoopbackDiscord, type LoopbackDiscord } from "../support/loopback-discord/index.js";

let discord: LoopbackDiscord;
let guildId: string;

beforeAll(async () => {
  discord = await startLoopbackDiscord({
    // Dozens of requests a second: rate limits are not what this file is about (see ratelimits.test.ts).
    rateLimits: false,
    guilds: [
      {
        name: "Rules",
        channels: [
          { name: "general" },
          { name: "no-history", overwrites: [{ target: "Loopback Bot", deny: P.ReadMessageHistory }] },
        ],
        members: [{ user: "alice" }],
      },
    ],
  });
  guildId = discord.guild("Rules").id;
});

afterAll(async () => {
  await discord.close();
});

async function api(method: string, path: string, body?: unknown, auth = true) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth) headers.authorization = `Bot ${discord.token}`;
  const res = await fetch(`${discord.api}/v10${path}`, { method, headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** A 50035 body's error codes, flattened as "path[CODE]" the way discord.js prints them. */
function codes(json: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === "_errors") for (const e of value as { code: string }[]) out.push(`${path}[${e.code}]`);
      else walk(value, path ? `${path}.${key}` : key);
    }
  };
  walk(json?.errors, "");
  return out;
}

// ----- application commands -------------------------------------------------------

const base = (): RESTPostAPIChatInputApplicationCommandsJSONBody => ({
  name: "probe",
  description: "A valid command",
  options: [
    { type: O.String, name: "text", description: "Some text", required: true, max_length: 300 },
    { type: O.Boolean, name: "hide", description: "Only you see it" },
  ],
});
const guildCommand = (body: unknown) =>
  api("POST", `/applications/${discord.applicationId}/guilds/${guildId}/commands`, body);
const globalCommand = (body: unknown) => api("POST", `/applications/${discord.applicationId}/commands`, body);

describe("command definitions", () => {
  it("accepts the valid baseline (guild and global)", async () => {
    expect((await guildCommand(base())).status).toBe(201);
    expect((await globalCommand({ ...base(), contexts: [0, 1] })).status).toBe(201);
  });

  const option = (patch: Record<string, unknown>) => {
    const b = base();
    return { ...b, options: [{ ...b.options?.[0], ...patch }, b.options?.[1]] };
  };
  const cases: [string, unknown, string][] = [
    [
      "an option description of 150 characters",
      option({ description: "d".repeat(150) }),
      "options.0.description[BASE_TYPE_BAD_LENGTH]",
    ],
    [
      "an option name with capitals and a space",
      option({ name: "My Option" }),
      "options.0.name[APPLICATION_COMMAND_INVALID_NAME]",
    ],
    ["a command name in capitals", { ...base(), name: "Probe" }, "name[APPLICATION_COMMAND_INVALID_NAME]"],
    [
      "a command description over 100",
      { ...base(), description: "x".repeat(101) },
      "description[BASE_TYPE_BAD_LENGTH]",
    ],
    ["an empty command description", { ...base(), description: "" }, "description[BASE_TYPE_BAD_LENGTH]"],
    [
      "a required option after an optional one",
      { ...base(), options: [base().options?.[1], base().options?.[0]] },
      "options.1.required[APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID]",
    ],
    ["max_length 10000", option({ max_length: 10_000 }), "options.0.max_length[NUMBER_TYPE_MAX]"],
    [
      "min_length on a boolean",
      { ...base(), options: [{ type: O.Boolean, name: "b", description: "b", min_length: 1 }] },
      "options.0.min_length[APPLICATION_COMMAND_OPTION_INVALID_FIELD]",
    ],
    [
      "autocomplete together with choices",
      option({ autocomplete: true, choices: [{ name: "a", value: "a" }] }),
      "options.0.autocomplete[APPLICATION_COMMAND_AUTOCOMPLETE_INVALID]",
    ],
    [
      "30 choices",
      option({ choices: Array.from({ length: 30 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })) }),
      "options.0.choices[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "a choice name over 100",
      option({ choices: [{ name: "n".repeat(101), value: "v" }] }),
      "options.0.choices.0.name[BASE_TYPE_BAD_LENGTH]",
    ],
    [
      "a string choice with a number value",
      option({ choices: [{ name: "n", value: 3 }] }),
      "options.0.choices.0.value[BASE_TYPE_STRING]",
    ],
    [
      "choices on a boolean option",
      { ...base(), options: [{ type: O.Boolean, name: "b", description: "b", choices: [] }] },
      "options.0.choices[APPLICATION_COMMAND_OPTION_INVALID_FIELD]",
    ],
    ["contexts: [7]", { ...base(), contexts: [7] }, "contexts.0[BASE_TYPE_CHOICES]"],
    [
      "default_member_permissions as a number",
      { ...base(), default_member_permissions: 32 },
      "default_member_permissions[BASE_TYPE_STRING]",
    ],
    [
      "more than 8,000 characters in one command",
      {
        ...base(),
        options: Array.from({ length: 25 }, (_, i) => ({
          type: O.String,
          name: `o${i}`,
          description: "d".repeat(100),
          choices: Array.from({ length: 25 }, (_, j) => ({ name: `n${j}`.padEnd(10, "x"), value: `v${j}` })),
        })),
      },
      "[APPLICATION_COMMAND_TOO_LARGE]",
    ],
    [
      "26 options",
      {
        ...base(),
        options: Array.from({ length: 26 }, (_, i) => ({ type: O.Boolean, name: `b${i}`, description: "b" })),
      },
      "options[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "two options with one name",
      { ...base(), options: [base().options?.[0], { ...base().options?.[1], name: "text" }] },
      "options.1.name[APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS]",
    ],
    [
      "a group inside a subcommand",
      {
        ...base(),
        options: [
          {
            type: O.Subcommand,
            name: "s",
            description: "s",
            options: [{ type: O.SubcommandGroup, name: "g", description: "g", options: [] }],
          },
        ],
      },
      "options.0.options.0.type[APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]",
    ],
    [
      "subcommands beside plain options",
      {
        ...base(),
        options: [
          { type: O.Subcommand, name: "s", description: "s" },
          { type: O.Boolean, name: "b", description: "b" },
        ],
      },
      "options[APPLICATION_COMMAND_OPTIONS_TYPE_INVALID]",
    ],
    [
      "a localization under an unknown locale",
      { ...base(), name_localizations: { klingon: "probe" } },
      "name_localizations.klingon[LOCALE_INVALID]",
    ],
    [
      "a description on a message command",
      { type: 3, name: "Quote this", description: "no" },
      "description[APPLICATION_COMMAND_OPTION_INVALID_FIELD]",
    ],
  ];
  it.each(cases)("rejects %s with 50035", async (_what, body, code) => {
    const res = await guildCommand(body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 50035, message: "Invalid Form Body" });
    expect(codes(res.json)).toContain(code);
  });

  it("puts the size error at the request level, as documented", async () => {
    const body = cases.find(([what]) => what.startsWith("more than 8,000"))?.[1];
    const res = await guildCommand(body);
    expect(res.json).toEqual({
      code: 50035,
      message: "Invalid Form Body",
      errors: { _errors: [{ code: "APPLICATION_COMMAND_TOO_LARGE", message: "Command exceeds maximum size (8000)" }] },
    });
  });

  it("rejects the bot-DM context on a guild command, accepts it globally", async () => {
    const body = { ...base(), contexts: [0, 1] };
    expect(codes((await guildCommand(body)).json)).toContain("contexts.1[APPLICATION_COMMAND_GUILD_INVALID_CONTEXT]");
    expect((await globalCommand(body)).status).toBeLessThan(300);
  });

  it("rejects duplicate names in a bulk overwrite, and an invalid element by its index", async () => {
    const put = (bodies: unknown[]) =>
      api("PUT", `/applications/${discord.applicationId}/guilds/${guildId}/commands`, bodies);
    expect(codes((await put([base(), base()])).json)).toContain("1.name[APPLICATION_COMMANDS_DUPLICATE_NAME]");
    expect(codes((await put([base(), { ...base(), name: "Bad Name" }])).json)).toContain(
      "1.name[APPLICATION_COMMAND_INVALID_NAME]",
    );
    expect((await put([base()])).status).toBe(200);
  });

  it("caps CHAT_INPUT commands at 100 per scope (30032)", async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ ...base(), name: `c${i}` }));
    const res = await api("PUT", `/applications/${discord.applicationId}/guilds/${guildId}/commands`, many);
    expect(res).toMatchObject({ status: 400, json: { code: 30032 } });
  });
});

// ----- message payloads and components -------------------------------------------------

const row = (
  ...components: APIComponentInMessageActionRow[]
): APIActionRowComponent<APIComponentInMessageActionRow> => ({
  type: C.ActionRow,
  components,
});
const button = (custom_id: string, label = "OK") => ({
  type: C.Button as const,
  style: ButtonStyle.Primary as const,
  custom_id,
  label,
});
const post = (body: unknown, channel = "general") =>
  api("POST", `/channels/${discord.channel(channel).id}/messages`, body);

describe("message payloads", () => {
  it("accepts the valid baseline", async () => {
    const res = await post({
      content: "hello",
      allowed_mentions: { parse: [] },
      flags: MessageFlags.SuppressEmbeds,
      components: [
        row(button("a"), button("b")),
        row({ type: C.Button, style: ButtonStyle.Link, url: "https://example.com", label: "Docs" }),
      ],
    });
    expect(res.status).toBe(200);
  });

  const cases: [string, unknown, string][] = [
    [
      "6 action rows",
      { content: "x", components: Array.from({ length: 6 }, (_, i) => row(button(`r${i}`))) },
      "components[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "6 buttons in a row",
      { content: "x", components: [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))] },
      "components.0.components[BASE_TYPE_BAD_LENGTH]",
    ],
    [
      "a 101-character custom_id",
      { content: "x", components: [row(button("c".repeat(101)))] },
      "components.0.components.0.custom_id[BASE_TYPE_BAD_LENGTH]",
    ],
    [
      "a button label over 80 characters",
      { content: "x", components: [row(button("a", "l".repeat(81)))] },
      "components.0.components.0.label[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "two components with one custom_id",
      { content: "x", components: [row(button("same"), button("same"))] },
      "components.0.components.1.custom_id[COMPONENT_CUSTOM_ID_DUPLICATED]",
    ],
    [
      "a button without custom_id",
      { content: "x", components: [row({ type: C.Button, style: ButtonStyle.Primary, label: "x" } as never)] },
      "components.0.components.0.custom_id[BASE_TYPE_REQUIRED]",
    ],
    [
      "a link button with a custom_id",
      {
        content: "x",
        components: [
          row({ type: C.Button, style: ButtonStyle.Link, url: "https://e.com", custom_id: "x", label: "x" } as never),
        ],
      },
      "components.0.components.0.custom_id[BUTTON_COMPONENT_INVALID_FIELD]",
    ],
    [
      "a button style 9",
      { content: "x", components: [row({ ...button("a"), style: 9 } as never)] },
      "components.0.components.0.style[BASE_TYPE_CHOICES]",
    ],
    [
      "a select beside a button",
      {
        content: "x",
        components: [row(button("a"), { type: C.StringSelect, custom_id: "s", options: [{ label: "l", value: "v" }] })],
      },
      "components.0.components[COMPONENT_LAYOUT_WIDTH_EXCEEDED]",
    ],
    [
      "a select placeholder over 150",
      {
        content: "x",
        components: [
          row({
            type: C.StringSelect,
            custom_id: "s",
            placeholder: "p".repeat(151),
            options: [{ label: "l", value: "v" }],
          }),
        ],
      },
      "components.0.components.0.placeholder[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "a select with 26 options",
      {
        content: "x",
        components: [
          row({
            type: C.StringSelect,
            custom_id: "s",
            options: Array.from({ length: 26 }, (_, i) => ({ label: `l${i}`, value: `v${i}` })),
          }),
        ],
      },
      "components.0.components.0.options[BASE_TYPE_BAD_LENGTH]",
    ],
    [
      "a button at the top level",
      { content: "x", components: [button("a")] },
      "components.0.type[COMPONENT_TYPE_INVALID]",
    ],
    [
      "a text input in a message",
      { content: "x", components: [row({ type: C.TextInput, custom_id: "t", style: 1, label: "t" } as never)] },
      "components.0.components.0.type[COMPONENT_TYPE_INVALID]",
    ],
    [
      "allowed_mentions with parse users and users",
      { content: "x", allowed_mentions: { parse: ["users"], users: ["123456789012345678"] } },
      "allowed_mentions[MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE]",
    ],
    [
      "allowed_mentions with parse roles and roles",
      { content: "x", allowed_mentions: { parse: ["roles"], roles: ["123456789012345678"] } },
      "allowed_mentions[MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE]",
    ],
    [
      "allowed_mentions parsing 'channels'",
      { content: "x", allowed_mentions: { parse: ["channels"] } },
      "allowed_mentions.parse.0[BASE_TYPE_CHOICES]",
    ],
    [
      "the Ephemeral flag on a channel message",
      { content: "x", flags: MessageFlags.Ephemeral },
      "flags[MESSAGE_FLAGS_INVALID]",
    ],
    ["content over 2,000 characters", { content: "x".repeat(2001) }, "content[BASE_TYPE_MAX_LENGTH]"],
  ];
  it.each(cases)("rejects %s with 50035", async (_what, body, code) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 50035, message: "Invalid Form Body" });
    expect(codes(res.json)).toContain(code);
  });

  it("gives the documented allowed_mentions error text", async () => {
    const res = await post({ content: "x", allowed_mentions: { parse: ["users"], users: ["123456789012345678"] } });
    expect(res.json?.errors).toEqual({
      allowed_mentions: {
        _errors: [
          {
            code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
            message: 'parse:["users"] and users: [ids...] are mutually exclusive.',
          },
        ],
      },
    });
    // An empty list is no conflict ("does not trigger a validation error").
    expect((await post({ content: "x", allowed_mentions: { parse: ["users", "roles"], users: [] } })).status).toBe(200);
  });

  it("needs Read Message History to reply (403, 160002), not to post", async () => {
    const target = await post({ content: "target" }, "no-history");
    expect(target.status).toBe(200);
    const reply = await post({ content: "reply", message_reference: { message_id: target.json?.id } }, "no-history");
    expect(reply).toEqual({
      status: 403,
      json: { message: "Cannot reply without permission to read message history", code: 160002 },
    });
  });
});

// ----- interaction responses -------------------------------------------------------------

describe("interaction responses", () => {
  const callback = async (body: unknown) => {
    const cmd = discord.injectSlashCommand({
      channelId: "general",
      user: "alice",
      name: "probe",
      options: { text: "x" },
    });
    return api("POST", `/interactions/${cmd.id}/${cmd.token}/callback`, body, false);
  };
  const modal = (components: unknown[], patch: Record<string, unknown> = {}) => ({
    type: InteractionResponseType.Modal,
    data: { custom_id: "form", title: "A form", components, ...patch },
  });
  const label = (component: Record<string, unknown>, patch: Record<string, unknown> = {}) => ({
    type: C.Label,
    label: "Title",
    component,
    ...patch,
  });
  const input = (patch: Record<string, unknown> = {}) => ({
    type: C.TextInput,
    custom_id: "title",
    style: TextInputStyle.Short,
    ...patch,
  });

  it("accepts a modal of Labels and a deprecated action row", async () => {
    const res = await callback(
      modal([label(input()), { type: C.ActionRow, components: [input({ custom_id: "old", label: "Old style" })] }]),
    );
    expect(res.status).toBe(204);
  });

  const cases: [string, unknown, string][] = [
    ["a modal title over 45", modal([label(input())], { title: "t".repeat(46) }), "data.title[BASE_TYPE_MAX_LENGTH]"],
    [
      "six components in a modal",
      modal(Array.from({ length: 6 }, (_, i) => label(input({ custom_id: `i${i}` })))),
      "data.components[BASE_TYPE_BAD_LENGTH]",
    ],
    [
      "a Label over 45 characters",
      modal([label(input(), { label: "l".repeat(46) })]),
      "data.components.0.label[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "a Label description over 100",
      modal([label(input(), { description: "d".repeat(101) })]),
      "data.components.0.description[BASE_TYPE_MAX_LENGTH]",
    ],
    [
      "a text input with its own label inside a Label",
      modal([label(input({ label: "Title" }))]),
      "data.components.0.component.label[TEXT_INPUT_LABEL_NOT_ALLOWED]",
    ],
    [
      "a text input max_length of 4001",
      modal([label(input({ max_length: 4001 }))]),
      "data.components.0.component.max_length[NUMBER_TYPE_MAX]",
    ],
    ["a button in a modal", modal([label(button("b"))]), "data.components.0.component.type[COMPONENT_TYPE_INVALID]"],
    [
      "two inputs with one custom_id",
      modal([label(input()), label(input())]),
      "data.components.1.component.custom_id[COMPONENT_CUSTOM_ID_DUPLICATED]",
    ],
    [
      "a deprecated row text input without a label",
      modal([{ type: C.ActionRow, components: [input()] }]),
      "data.components.0.components.0.label[BASE_TYPE_REQUIRED]",
    ],
    [
      "the SuppressEmbeds flag on a deferred response",
      { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.SuppressEmbeds } },
      "data.flags[MESSAGE_FLAGS_INVALID]",
    ],
    [
      "6 action rows in a reply",
      {
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { content: "x", components: Array.from({ length: 6 }, (_, i) => row(button(`r${i}`))) },
      },
      "data.components[BASE_TYPE_MAX_LENGTH]",
    ],
  ];
  it.each(cases)("rejects %s with 50035", async (_what, body, code) => {
    const res = await callback(body);
    expect(res.status).toBe(400);
    expect(codes(res.json)).toContain(code);
  });

  it("allows Ephemeral on an interaction reply", async () => {
    const res = await callback({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: "x", flags: MessageFlags.Ephemeral },
    });
    expect(res.status).toBe(204);
  });
});

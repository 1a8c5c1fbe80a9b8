// The loopback REST API with plain fetch: error shapes, documented limits,
// interaction token rules, uploads and the CDN route.
import { afterEach, describe, expect, it } from "vitest";
import { PermissionFlagsBits } from "discord-api-types/v10";
import {
  startLoopbackDiscord,
  type LoopbackDiscord,
  type LoopbackDiscordOptions,
} from "../support/loopback-discord/index.js";

let discord: LoopbackDiscord;

async function start(options: LoopbackDiscordOptions = {}): Promise<void> {
  discord = await startLoopbackDiscord(options);
}

afterEach(async () => {
  await discord.close();
});

async function api(method: string, path: string, body?: unknown, opts: { auth?: boolean; form?: FormData } = {}) {
  const headers: Record<string, string> = {};
  if (opts.auth !== false) headers.authorization = `Bot ${discord.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${discord.api}/v10${path}`, {
    method,
    headers,
    body: opts.form ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const channelId = () => discord.channel("general").id;
const callback = (id: string, token: string, body: unknown, query = "") =>
  api("POST", `/interactions/${id}/${token}/callback${query}`, body, { auth: false });

describe("loopback REST", () => {
  it("401 without the bot token, 404 for unknown routes, 405 for a wrong method", async () => {
    await start();
    expect(await api("GET", "/users/@me", undefined, { auth: false })).toMatchObject({
      status: 401,
      json: { message: "401: Unauthorized", code: 0 },
    });
    expect(await api("GET", "/nope")).toMatchObject({ status: 404, json: { message: "404: Not Found", code: 0 } });
    expect(await api("DELETE", "/users/@me")).toMatchObject({ status: 405, json: { code: 0 } });
    const me = await api("GET", "/users/@me");
    expect(me.json).toMatchObject({ id: discord.bot.id, bot: true });
    expect(Number(me.headers.get("x-ratelimit-remaining"))).toBeGreaterThanOrEqual(0);
    expect(discord.sent.map((r) => [r.method, r.route, r.status])).toContainEqual(["GET", "/nope", 404]);
  });

  it("enforces embed limits with Discord's 50035 error tree", async () => {
    await start();
    const post = (body: unknown) => api("POST", `/channels/${channelId()}/messages`, body);

    expect((await post({ embeds: [{ title: "t".repeat(257) }] })).json).toEqual({
      code: 50035,
      message: "Invalid Form Body",
      errors: {
        embeds: {
          0: { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 256 or fewer in length." }] } },
        },
      },
    });
    const fields = Array.from({ length: 26 }, () => ({ name: "n", value: "v" }));
    expect((await post({ embeds: [{ fields }] })).json).toMatchObject({
      errors: { embeds: { 0: { fields: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } },
    });
    expect((await post({ embeds: [{ fields: [{ name: "n", value: "v".repeat(1025) }] }] })).status).toBe(400);
    expect((await post({ embeds: [{ footer: { text: "f".repeat(2049) } }] })).status).toBe(400);
    expect((await post({ embeds: [{ author: { name: "a".repeat(257) } }] })).status).toBe(400);
    expect((await post({ embeds: Array.from({ length: 11 }, () => ({ title: "x" })) })).json).toMatchObject({
      errors: { embeds: { _errors: [{ message: "Must be 10 or fewer in length." }] } },
    });
    const big = { embeds: [{ description: "a".repeat(4000) }, { description: "b".repeat(2001) }] };
    expect((await post(big)).json).toMatchObject({
      code: 50035,
      errors: {
        embeds: { _errors: [{ code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" }] },
      },
    });
    expect((await post({ content: "   " })).json).toEqual({ message: "Cannot send an empty message", code: 50006 });
    expect((await post({ content: "fine", embeds: [{ title: "ok" }] })).status).toBe(200);
  });

  it("checks the bot's channel permissions: 403 50013 without Send Messages", async () => {
    await start({
      guilds: [
        {
          name: "Locked",
          channels: [
            { name: "announcements", overwrites: [{ target: "@everyone", deny: PermissionFlagsBits.SendMessages }] },
          ],
          members: [{ user: "alice" }],
          botPermissions: PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
        },
      ],
    });
    // The bot's role allows sending, but the channel's @everyone overwrite denies it.
    const res = await api("POST", `/channels/${discord.channel("announcements").id}/messages`, { content: "hi" });
    expect(res).toMatchObject({ status: 403, json: { message: "Missing Permissions", code: 50013 } });
    // Interaction responses are webhooks and need no channel permission.
    const cmd = discord.injectSlashCommand({ channelId: "announcements", user: "alice", name: "ping" });
    expect((await callback(cmd.id, cmd.token, { type: 4, data: { content: "allowed" } })).status).toBe(204);
    expect(BigInt(cmd.payload.app_permissions) & PermissionFlagsBits.SendMessages).toBe(0n);
  });

  it("one initial callback per interaction: 40060 for a second, 10062 after the window", async () => {
    await start({ interactionWindowMs: 50 });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    expect((await callback(cmd.id, cmd.token, { type: 5 })).status).toBe(204);
    expect((await callback(cmd.id, cmd.token, { type: 4, data: { content: "again" } })).json).toEqual({
      message: "Interaction has already been acknowledged.",
      code: 40060,
    });

    const late = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    await new Promise((r) => setTimeout(r, 80));
    expect(await callback(late.id, late.token, { type: 4, data: { content: "late" } })).toMatchObject({
      status: 404,
      json: { message: "Unknown interaction", code: 10062 },
    });
    // The token is dead too: no follow-ups for an interaction that was never acknowledged.
    expect(
      (await api("POST", `/webhooks/${discord.applicationId}/${late.token}`, { content: "x" }, { auth: false })).json,
    ).toEqual({
      message: "Unknown Webhook",
      code: 10015,
    });
  });

  it("rejects callback types the interaction does not accept", async () => {
    await start();
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    expect((await callback(cmd.id, cmd.token, { type: 8, data: { choices: [] } })).json).toMatchObject({ code: 50035 });
    expect((await callback(cmd.id, cmd.token, { type: 7, data: { content: "x" } })).status).toBe(400);
    expect((await callback(cmd.id, cmd.token, { type: 4, data: { content: "ok" } })).status).toBe(204);
  });

  it("limits autocomplete choices to 25, names to 100 and string values to 100", async () => {
    await start();
    const ac = () =>
      discord.injectAutocomplete({
        channelId: "general",
        user: "alice",
        name: "search",
        options: { q: "a" },
        focused: "q",
      });
    const many = ac();
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` }));
    expect((await callback(many.id, many.token, { type: 8, data: { choices } })).json).toMatchObject({
      code: 50035,
      errors: { data: { choices: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } },
    });
    const long = ac();
    expect(
      (await callback(long.id, long.token, { type: 8, data: { choices: [{ name: "n".repeat(101), value: "v" }] } }))
        .json,
    ).toMatchObject({
      errors: { data: { choices: { 0: { name: { _errors: [{ code: "BASE_TYPE_BAD_LENGTH" }] } } } } },
    });
    const longValue = ac();
    expect(
      (
        await callback(longValue.id, longValue.token, {
          type: 8,
          data: { choices: [{ name: "n", value: "v".repeat(101) }] },
        })
      ).status,
    ).toBe(400);
    const fine = ac();
    expect((await callback(fine.id, fine.token, { type: 8, data: { choices: choices.slice(0, 25) } })).status).toBe(
      204,
    );
    expect(await fine.choices).toHaveLength(25);
    expect(fine.payload.data).toMatchObject({ options: [{ name: "q", type: 3, value: "a", focused: true }] });
  });

  it("with_response=true returns the interaction callback response object", async () => {
    await start();
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    const res = await callback(cmd.id, cmd.token, { type: 4, data: { content: "hello" } }, "?with_response=true");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      interaction: { id: cmd.id, type: 2, response_message_loading: false, response_message_ephemeral: false },
      resource: { type: 4, message: { content: "hello", type: 20, interaction_metadata: { id: cmd.id } } },
    });
  });

  it("a follow-up right after a deferred reply edits the loading message (documented compatibility)", async () => {
    await start();
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    await callback(cmd.id, cmd.token, { type: 5 });
    expect(cmd.original?.flags).toBe(128); // LOADING: "is thinking…"
    const first = await api(
      "POST",
      `/webhooks/${discord.applicationId}/${cmd.token}?wait=true`,
      { content: "answer" },
      { auth: false },
    );
    expect(first.json).toMatchObject({ id: cmd.original?.id, content: "answer", flags: 0 });
    const second = await api(
      "POST",
      `/webhooks/${discord.applicationId}/${cmd.token}`,
      { content: "more" },
      { auth: false },
    );
    expect(second.json?.id).not.toBe(cmd.original?.id);
    expect(cmd.followUps.map((m) => m.content)).toEqual(["more"]);
    expect(
      (
        await api("DELETE", `/webhooks/${discord.applicationId}/${cmd.token}/messages/@original`, undefined, {
          auth: false,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await api("GET", `/webhooks/${discord.applicationId}/${cmd.token}/messages/@original`, undefined, {
          auth: false,
        })
      ).json,
    ).toEqual({
      message: "Unknown Message",
      code: 10008,
    });
  });

  it("interaction tokens stop working after their lifetime: 401 50027", async () => {
    await start({ interactionTokenLifetimeMs: 50 });
    const cmd = discord.injectSlashCommand({ channelId: "general", user: "alice", name: "ping" });
    await callback(cmd.id, cmd.token, { type: 4, data: { content: "hi" } });
    await new Promise((r) => setTimeout(r, 80));
    expect(
      await api(
        "PATCH",
        `/webhooks/${discord.applicationId}/${cmd.token}/messages/@original`,
        { content: "edit" },
        { auth: false },
      ),
    ).toMatchObject({
      status: 401,
      json: { message: "Invalid Webhook Token", code: 50027 },
    });
  });

  it("accepts multipart uploads with payload_json and serves them from signed CDN urls", async () => {
    await start();
    const form = new FormData();
    form.append("files[0]", new Blob(["file body"], { type: "text/plain" }), "a.txt");
    form.append(
      "payload_json",
      JSON.stringify({
        content: "see file",
        attachments: [{ id: 0, description: "doc" }],
        allowed_mentions: { parse: [] },
      }),
    );
    const res = await api("POST", `/channels/${channelId()}/messages`, undefined, { form });
    const attachment = (res.json?.attachments as { url: string; filename: string; description: string }[])[0];
    expect(attachment).toMatchObject({ filename: "a.txt", description: "doc" });
    expect(await (await fetch(attachment?.url ?? "")).text()).toBe("file body");
    const tampered = (attachment?.url ?? "").replace(/hm=[0-9a-f]+/, "hm=00");
    expect((await fetch(tampered)).status).toBe(404);
    const recorded = discord.requests({ method: "POST" })[0];
    expect(recorded?.body).toEqual({
      content: "see file",
      attachments: [{ id: 0, description: "doc" }],
      allowed_mentions: { parse: [] },
    });
    expect(recorded?.files[0]).toMatchObject({ field: "files[0]", filename: "a.txt", contentType: "text/plain" });
  });

  it("replies need an existing referenced message unless fail_if_not_exists is false; nonces dedupe", async () => {
    await start();
    const path = `/channels/${channelId()}/messages`;
    const missing = { content: "re", message_reference: { message_id: "1234567890123456789" } };
    expect((await api("POST", path, missing)).json).toMatchObject({
      code: 50035,
      errors: { message_reference: { _errors: [{ code: "MESSAGE_REFERENCE_UNKNOWN_MESSAGE" }] } },
    });
    const lenient = await api("POST", path, {
      ...missing,
      message_reference: { ...missing.message_reference, fail_if_not_exists: false },
    });
    expect(lenient.json).toMatchObject({ type: 0, content: "re" });

    const a = await api("POST", path, { content: "once", nonce: "42", enforce_nonce: true });
    const b = await api("POST", path, { content: "once", nonce: "42", enforce_nonce: true });
    expect(b.json?.id).toBe(a.json?.id);
  });

  it("application commands: POST upserts by name (201 then 200), PUT is a bulk overwrite, names are validated", async () => {
    await start();
    const base = `/applications/${discord.applicationId}/commands`;
    const created = await api("POST", base, { name: "ask", description: "Ask" });
    expect(created.status).toBe(201);
    const again = await api("POST", base, { name: "ask", description: "Ask again" });
    expect(again).toMatchObject({ status: 200, json: { id: created.json?.id, description: "Ask again" } });
    expect(again.json?.version).not.toBe(created.json?.version);

    const put = await api("PUT", base, [
      { name: "ask", description: "Ask again" },
      { name: "help", description: "Help" },
    ]);
    expect((put.json as unknown as { id: string }[])[0]?.id).toBe(created.json?.id);
    expect((await api("GET", base)).json).toHaveLength(2);
    expect((await api("PUT", base, [{ name: "Bad Name", description: "x" }])).json).toMatchObject({
      code: 50035,
      errors: { 0: { name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] } } },
    });
    expect((await api("GET", `/applications/1/commands`)).status).toBe(404);
  });
});

// The HTTP API under /api/v10 (what @discordjs/rest calls: `${rest.api}/v10${route}`),
// plus a CDN-like /attachments/… route serving uploaded and test-registered bytes.
// Every API request is recorded with the body exactly as the bot sent it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import {
  GatewayDispatchEvents,
  PermissionFlagsBits as P,
  type APIApplication,
  type APIMessage,
} from "discord-api-types/v10";
import type { CommandStore } from "./commands.js";
import { FormErrors, HttpError, httpErrors } from "./errors.js";
import type { Gateway } from "./gateway.js";
import { isEphemeral, type Interactions } from "./interactions.js";
import { validateMessage } from "./limits.js";
import type { RateLimits } from "./ratelimits.js";
import type { NewMessage, StoredMessage, World } from "./state.js";
import { storeUploads, type UploadedFile } from "./uploads.js";

export interface RecordedRequest {
  method: string;
  /** Path after /api/v10, without the query string, e.g. "/channels/123/messages". */
  route: string;
  query: Record<string, string>;
  /** Parsed JSON body, or the parsed payload_json of a multipart body; untouched. */
  body: unknown;
  files: UploadedFile[];
  /** Whether the request carried `Authorization: Bot <token>`. */
  authorized: boolean;
  status: number;
  response: unknown;
  at: number;
}

export interface RestContext {
  world: World;
  gateway: Gateway;
  interactions: Interactions;
  commands: CommandStore;
  token: string;
  applicationId: string;
  wsUrl: string;
  rateLimits: RateLimits;
  record(request: RecordedRequest): void;
}

interface Input {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

interface Output {
  status: number;
  body?: unknown;
}

type Handler = (ctx: RestContext, input: Input) => Output | Promise<Output>;

interface Route {
  method: string;
  /** "POST /channels/:channel/messages": the route's rate-limit key. */
  key: string;
  pattern: RegExp;
  /** Interaction callbacks and webhook routes authenticate by the token in the path instead. */
  auth: boolean;
  handler: Handler;
}

const ok = (body: unknown): Output => ({ status: 200, body });
const noContent: Output = { status: 204 };

function route(method: string, path: string, auth: boolean, handler: Handler): Route {
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, name: string) => `(?<${name}>[^/]+)`)}$`);
  return { method, key: `${method} ${path}`, pattern, auth, handler };
}

// ----- helpers ----------------------------------------------------------

function channelFor(ctx: RestContext, id: string, needs: bigint = P.ViewChannel) {
  const channel = ctx.world.channels.get(id);
  if (!channel) throw httpErrors.unknownChannel();
  if (ctx.world.guildIdOf(channel)) {
    const perms = ctx.world.channelPermissions(channel.id, ctx.world.bot.id);
    if (!(perms & P.ViewChannel)) throw httpErrors.missingAccess();
    if ((perms & needs) !== needs) throw httpErrors.missingPermissions();
  }
  return channel;
}

function messageIn(ctx: RestContext, channelId: string, messageId: string): StoredMessage {
  const message = ctx.world.messages.get(messageId);
  if (!message || message.channel_id !== channelId) throw httpErrors.unknownMessage();
  return message;
}

function commandScope(ctx: RestContext, params: Record<string, string>): string {
  if (params.app !== ctx.applicationId) throw httpErrors.unknownApplication();
  if (params.guild === undefined) return "global";
  // Observed (not documented): a guild the bot is not in, or was invited to without the applications.commands
  // scope, answers 403 Missing Access on its command routes.
  const guild = ctx.world.guilds.get(params.guild);
  if (!guild || !guild.commandsScope) throw httpErrors.missingAccess();
  return params.guild;
}

const botUser = (ctx: RestContext) => ({ ...ctx.world.bot, verified: true, mfa_enabled: false, email: null });

/** Sent-message dedupe window for `enforce_nonce` (Discord documents "a few minutes"). */
const NONCE_WINDOW_MS = 5 * 60_000;

// ----- routes -----------------------------------------------------------

const routes: Route[] = [
  route("GET", "/gateway", false, (ctx) => ok({ url: ctx.wsUrl })),
  route("GET", "/gateway/bot", true, (ctx) =>
    ok({
      url: ctx.wsUrl,
      shards: ctx.gateway.sharding.recommendedShards,
      session_start_limit: {
        total: 1000,
        remaining: ctx.gateway.sessionStarts,
        reset_after: 14_400_000,
        max_concurrency: ctx.gateway.sharding.maxConcurrency,
      },
    }),
  ),

  route("GET", "/users/@me", true, (ctx) => ok(botUser(ctx))),
  route("GET", "/users/:user", true, (ctx, { params }) => {
    const user = ctx.world.users.get(params.user ?? "");
    if (!user) throw httpErrors.unknownUser();
    return ok(user);
  }),
  route("POST", "/users/@me/channels", true, (ctx, { body }) => {
    const recipient = (body as { recipient_id?: string } | undefined)?.recipient_id ?? "";
    if (!ctx.world.users.has(recipient)) throw httpErrors.unknownUser();
    return ok(ctx.world.dmChannel(recipient));
  }),

  route("GET", "/applications/@me", true, (ctx) =>
    ok({
      id: ctx.applicationId,
      name: ctx.world.bot.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: createHash("sha256").update(ctx.applicationId).digest("hex"),
      team: null,
      flags: 0,
      hook: true,
      bot: botUser(ctx),
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
      tags: [],
      approximate_guild_count: ctx.world.guilds.size,
      integration_types_config: { 0: {} },
    } as unknown as APIApplication),
  ),

  ...(["/applications/:app/commands", "/applications/:app/guilds/:guild/commands"] as const).flatMap((base) => [
    route("GET", base, true, (ctx, { params }) => ok(ctx.commands.list(commandScope(ctx, params)))),
    route("PUT", base, true, (ctx, { params, body }) => ok(ctx.commands.overwrite(commandScope(ctx, params), body))),
    route("POST", base, true, (ctx, { params, body }) => {
      const { command, created } = ctx.commands.upsert(commandScope(ctx, params), body);
      return { status: created ? 201 : 200, body: command };
    }),
    route("GET", `${base}/:command`, true, (ctx, { params }) =>
      ok(ctx.commands.get(commandScope(ctx, params), params.command ?? "")),
    ),
    route("PATCH", `${base}/:command`, true, (ctx, { params, body }) =>
      ok(ctx.commands.patch(commandScope(ctx, params), params.command ?? "", body)),
    ),
    route("DELETE", `${base}/:command`, true, (ctx, { params }) => {
      ctx.commands.delete(commandScope(ctx, params), params.command ?? "");
      return noContent;
    }),
  ]),

  route("POST", "/interactions/:id/:token/callback", false, (ctx, { params, body, files, query }) =>
    ctx.interactions.callback(params.id ?? "", params.token ?? "", body, files, query.get("with_response") === "true"),
  ),
  // Follow-ups: "functions the same as Execute Webhook, but wait is always true".
  route("POST", "/webhooks/:app/:token", false, (ctx, { params, body, files }) =>
    ok(ctx.interactions.followUp(params.app ?? "", params.token ?? "", body, files)),
  ),
  route("GET", "/webhooks/:app/:token/messages/:message", false, (ctx, { params }) =>
    ok(ctx.interactions.getMessage(params.app ?? "", params.token ?? "", params.message ?? "")),
  ),
  route("PATCH", "/webhooks/:app/:token/messages/:message", false, (ctx, { params, body, files }) =>
    ok(ctx.interactions.editMessage(params.app ?? "", params.token ?? "", params.message ?? "", body, files)),
  ),
  route("DELETE", "/webhooks/:app/:token/messages/:message", false, (ctx, { params }) => {
    ctx.interactions.deleteMessage(params.app ?? "", params.token ?? "", params.message ?? "");
    return noContent;
  }),

  route("GET", "/channels/:channel", true, (ctx, { params }) => ok(channelFor(ctx, params.channel ?? ""))),
  route("POST", "/channels/:channel/typing", true, (ctx, { params }) => {
    channelFor(ctx, params.channel ?? "", P.ViewChannel | P.SendMessages);
    return noContent;
  }),
  route("GET", "/channels/:channel/messages", true, (ctx, { params, query }) => {
    const channel = channelFor(ctx, params.channel ?? "", P.ViewChannel | P.ReadMessageHistory);
    const limit = Math.min(Math.max(Number(query.get("limit") ?? 50), 1), 100);
    const before = query.get("before");
    const after = query.get("after");
    const newestFirst = ctx.world
      .messagesIn(channel.id)
      .filter((m) => !isEphemeral(m))
      .filter((m) => (!before || BigInt(m.id) < BigInt(before)) && (!after || BigInt(m.id) > BigInt(after)))
      .reverse();
    return ok(newestFirst.slice(0, limit));
  }),
  route("GET", "/channels/:channel/messages/:message", true, (ctx, { params }) => {
    const channel = channelFor(ctx, params.channel ?? "", P.ViewChannel | P.ReadMessageHistory);
    return ok(messageIn(ctx, channel.id, params.message ?? ""));
  }),
  route("POST", "/channels/:channel/messages", true, (ctx, input) => ok(createChannelMessage(ctx, input))),
  route("PATCH", "/channels/:channel/messages/:message", true, (ctx, { params, body, files }) => {
    const channel = channelFor(ctx, params.channel ?? "");
    const message = messageIn(ctx, channel.id, params.message ?? "");
    if (message.author.id !== ctx.world.bot.id) throw httpErrors.cannotEditOthersMessage();
    validateMessage(body as NewMessage["body"], { creating: false, fileCount: files.length, endpoint: "edit" });
    const edited = ctx.world.editMessage(
      message.id,
      body as NewMessage["body"],
      storeUploads(ctx.world, channel.id, body, files),
    );
    ctx.gateway.dispatchMessage(GatewayDispatchEvents.MessageUpdate, edited);
    return ok(edited);
  }),
  route("DELETE", "/channels/:channel/messages/:message", true, (ctx, { params }) => {
    const channel = channelFor(ctx, params.channel ?? "");
    const message = messageIn(ctx, channel.id, params.message ?? "");
    if (message.author.id !== ctx.world.bot.id) channelFor(ctx, channel.id, P.ViewChannel | P.ManageMessages);
    ctx.world.deleteMessage(message.id);
    ctx.gateway.dispatchMessageDelete(message);
    return noContent;
  }),

  route("GET", "/guilds/:guild", true, (ctx, { params }) => {
    if (!ctx.world.guilds.has(params.guild ?? "")) throw httpErrors.unknownGuild();
    const {
      channels: _c,
      threads: _t,
      members: _m,
      voice_states: _v,
      presences: _p,
      ...guild
    } = ctx.world.guildCreatePayload(params.guild ?? "");
    return ok(guild);
  }),
  route("GET", "/guilds/:guild/channels", true, (ctx, { params }) => {
    if (!ctx.world.guilds.has(params.guild ?? "")) throw httpErrors.unknownGuild();
    return ok(ctx.world.guildCreatePayload(params.guild ?? "").channels);
  }),
  route("GET", "/guilds/:guild/members/:user", true, (ctx, { params }) => {
    if (!ctx.world.guilds.has(params.guild ?? "")) throw httpErrors.unknownGuild();
    const member = ctx.world.member(params.guild ?? "", params.user ?? "");
    if (!member) throw httpErrors.unknownMember();
    return ok(member);
  }),
];

function createChannelMessage(ctx: RestContext, { params, body, files }: Input): APIMessage {
  const data = (body ?? {}) as NewMessage["body"] & {
    enforce_nonce?: boolean;
    message_reference?: { message_id?: string; fail_if_not_exists?: boolean };
  };
  const probe = channelFor(ctx, params.channel ?? "");
  const isThread = ctx.world.isThread(probe);
  const needs =
    P.ViewChannel | (isThread ? P.SendMessagesInThreads : P.SendMessages) | (files.length ? P.AttachFiles : 0n);
  const channel = channelFor(ctx, probe.id, needs);
  // "When creating a message as a reply to another message, the current user must have the
  // READ_MESSAGE_HISTORY permission" (403, 160002, as observed).
  if (data.message_reference?.message_id && ctx.world.guildIdOf(channel)) {
    if (!(ctx.world.channelPermissions(channel.id, ctx.world.bot.id) & P.ReadMessageHistory))
      throw httpErrors.cannotReplyWithoutHistory();
  }
  validateMessage(data, { creating: true, fileCount: files.length, endpoint: "create" });

  let reference = data.message_reference;
  if (reference?.message_id) {
    const target = ctx.world.messages.get(reference.message_id);
    if (!target || target.channel_id !== channel.id) {
      if (reference.fail_if_not_exists !== false) {
        const errors = new FormErrors();
        errors.add(["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
        errors.throwIfAny();
      }
      reference = undefined;
    }
  }

  // enforce_nonce: the same nonce within a few minutes returns the earlier message.
  const nonceKey = data.nonce !== undefined ? `${channel.id}:${String(data.nonce)}` : undefined;
  const previous = nonceKey ? ctx.world.nonces.get(nonceKey) : undefined;
  if (data.enforce_nonce && previous && Date.now() - previous.at < NONCE_WINDOW_MS) {
    const earlier = ctx.world.messages.get(previous.messageId);
    if (earlier) return earlier;
  }

  const message = ctx.world.createMessage({
    channelId: channel.id,
    author: ctx.world.bot,
    body: { ...data, message_reference: reference },
    attachments: storeUploads(ctx.world, channel.id, data, files),
  });
  if (nonceKey) ctx.world.nonces.set(nonceKey, { messageId: message.id, at: Date.now() });
  ctx.gateway.dispatchMessage(GatewayDispatchEvents.MessageCreate, message);
  return message;
}

// ----- HTTP plumbing ----------------------------------------------------

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(raw: Buffer, type: string): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith("multipart/form-data")) {
    // Let undici's spec-compliant parser read the form, as Discord's would.
    const form = await new Request("http://loopback/", {
      method: "POST",
      headers: { "content-type": type },
      body: Uint8Array.from(raw),
    }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        if (field === "payload_json") body = parseJson(value);
      } else {
        files.push({
          field,
          filename: value.name,
          contentType: value.type,
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body, files };
  }
  return { body: parseJson(raw.toString("utf8")), files: [] };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw httpErrors.invalidJson();
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

export async function handleHttp(ctx: RestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://loopback");
  const method = (req.method ?? "GET").toUpperCase();

  if (url.pathname.startsWith("/attachments/") || url.pathname.startsWith("/media/attachments/")) {
    if (ctx.world.attachmentFailure === "stall") return; // no answer; closed with the server
    if (ctx.world.attachmentFailure === "error") {
      req.socket.destroy();
      return;
    }
    const file = method === "GET" || method === "HEAD" ? ctx.world.fileAt(url.pathname, url.searchParams) : undefined;
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("This content is no longer available.");
      return;
    }
    res.writeHead(200, { "content-type": file.contentType, "content-length": String(file.data.length) });
    res.end(method === "HEAD" ? undefined : file.data);
    return;
  }

  const prefix = "/api/v10";
  // Paths arrive percent-encoded (discord.js sends "@original" as "%40original").
  const path = url.pathname.startsWith(`${prefix}/`)
    ? safeDecode(url.pathname.slice(prefix.length).replace(/\/$/, ""))
    : undefined;
  const authorized = req.headers.authorization === `Bot ${ctx.token}`;
  // Always drain the request so keep-alive connections stay usable after errors.
  const raw = await readRaw(req);
  let status = 500;
  let response: unknown;
  let input: Input = { params: {}, query: url.searchParams, body: undefined, files: [] };
  let headers: Record<string, string> = {};
  let shared = false;
  try {
    const candidates = path === undefined ? [] : routes.filter((r) => r.pattern.test(path));
    const matched = candidates.find((r) => r.method === method);
    if (!matched) throw candidates.length ? httpErrors.methodNotAllowed() : httpErrors.notFound();
    const params = { ...(matched.pattern.exec(path ?? "")?.groups ?? {}) };
    if (matched.auth && !authorized) throw httpErrors.unauthorized();
    const decision = ctx.rateLimits.take({
      routeKey: matched.key,
      params,
      interaction: matched.key.includes(" /interactions/") || matched.key.includes(" /webhooks/"),
      callback: matched.key.includes(" /interactions/"),
    });
    headers = decision.headers;
    shared = decision.shared === true;
    input = { params, query: url.searchParams, ...(await parseBody(raw, req.headers["content-type"] ?? "")) };
    if (decision.reject) {
      status = decision.reject.status;
      response = decision.reject.body;
    } else {
      const out = await matched.handler(ctx, input);
      status = out.status;
      response = out.body;
    }
  } catch (error) {
    if (error instanceof HttpError) {
      status = error.status;
      response = error.body;
    } else {
      status = 500;
      response = { message: "500: Internal Server Error", code: 0 };
      console.error("loopback-discord: handler crashed", error);
    }
  }
  if (path !== undefined) ctx.rateLimits.recordStatus(status, shared);
  if (path !== undefined) {
    ctx.record({
      method,
      route: path,
      query: Object.fromEntries(url.searchParams),
      body: input.body,
      files: input.files,
      authorized,
      status,
      response,
      at: Date.now(),
    });
  }
  send(res, status, response, headers);
}

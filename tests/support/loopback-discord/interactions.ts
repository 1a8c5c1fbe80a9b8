// The life of an interaction, as documented in "Receiving and Responding":
// exactly one initial callback, within 3 seconds of the event (else the token is
// invalidated: 10062 Unknown interaction); a second one is 40060; afterwards the
// token works for follow-ups and edits of @original for 15 minutes.
import {
  GatewayDispatchEvents,
  InteractionResponseType as R,
  InteractionType,
  MessageFlags,
  MessageType,
  type APIInteraction,
  type APIMessage,
} from "discord-api-types/v10";
import { FormErrors, httpErrors } from "./errors.js";
import type { Gateway } from "./gateway.js";
import { checkFlags, validateAutocomplete, validateMessage, validateModal } from "./limits.js";
import type { NewMessage, StoredMessage, World } from "./state.js";
import { storeUploads, type UploadedFile } from "./uploads.js";

export interface InteractionTiming {
  /** Time to send the initial callback (Discord: 3 s). */
  windowMs: number;
  /** How long the token works for follow-ups and edits (Discord: 15 min). */
  tokenLifetimeMs: number;
}

export interface InitialResponse {
  type: R;
  data?: unknown;
}

type MessageBody = NewMessage["body"] & { attachments?: { id: string | number }[] };

/** Which callback types each interaction type accepts (documented in the callback type table). */
const ALLOWED: Record<InteractionType, R[]> = {
  [InteractionType.Ping]: [R.Pong],
  [InteractionType.ApplicationCommand]: [R.ChannelMessageWithSource, R.DeferredChannelMessageWithSource, R.Modal],
  [InteractionType.MessageComponent]: [
    R.ChannelMessageWithSource,
    R.DeferredChannelMessageWithSource,
    R.DeferredMessageUpdate,
    R.UpdateMessage,
    R.Modal,
  ],
  [InteractionType.ApplicationCommandAutocomplete]: [R.ApplicationCommandAutocompleteResult],
  [InteractionType.ModalSubmit]: [
    R.ChannelMessageWithSource,
    R.DeferredChannelMessageWithSource,
    R.DeferredMessageUpdate,
    R.UpdateMessage,
  ],
};

export class InteractionState {
  readonly createdAt = Date.now();
  initial: InitialResponse | undefined;
  /** True once the window passed without an initial callback: the token is dead. */
  expired = false;
  /** The message `@original` refers to, once there is one. */
  originalId: string | undefined;
  readonly followUpIds: string[] = [];
  readonly response: Promise<InitialResponse>;
  settle!: { resolve: (r: InitialResponse) => void; reject: (e: Error) => void };
  timer: NodeJS.Timeout | undefined;

  constructor(readonly payload: APIInteraction) {
    this.response = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Tests that never look at `response` must not trip unhandled-rejection checks.
    this.response.catch(() => undefined);
  }

  get channelId(): string | undefined {
    return this.payload.channel?.id;
  }
}

export class Interactions {
  private readonly byId = new Map<string, InteractionState>();
  private readonly byToken = new Map<string, InteractionState>();

  constructor(
    private readonly world: World,
    private readonly gateway: Gateway,
    private readonly applicationId: string,
    private readonly timing: InteractionTiming,
    private readonly onChange: () => void,
  ) {}

  add(payload: APIInteraction): InteractionState {
    const state = new InteractionState(payload);
    this.byId.set(payload.id, state);
    this.byToken.set(payload.token, state);
    state.timer = setTimeout(() => {
      if (state.initial) return;
      state.expired = true;
      state.settle.reject(
        new Error(`loopback-discord: interaction ${payload.id} was not acknowledged within ${this.timing.windowMs} ms`),
      );
      this.onChange();
    }, this.timing.windowMs);
    state.timer.unref();
    // INTERACTION_CREATE needs no intent.
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return state;
  }

  get(id: string): InteractionState | undefined {
    return this.byId.get(id);
  }

  /** The data of the last MODAL callback with this custom_id (what the user's client would be showing). */
  shownModal(customId: string): unknown {
    let found: unknown;
    for (const state of this.byId.values()) {
      const data = state.initial?.data as { custom_id?: unknown } | undefined;
      if (state.initial?.type === R.Modal && data?.custom_id === customId) found = data;
    }
    return found;
  }

  // ----- POST /interactions/{id}/{token}/callback -------------------------

  callback(
    id: string,
    token: string,
    body: unknown,
    files: UploadedFile[],
    withResponse: boolean,
  ): { status: number; body?: unknown } {
    const state = this.byId.get(id);
    if (!state || state.payload.token !== token) throw httpErrors.unknownInteraction();
    if (!state.initial && (state.expired || Date.now() - state.createdAt > this.timing.windowMs)) {
      state.expired = true;
      throw httpErrors.unknownInteraction();
    }
    if (state.initial) throw httpErrors.alreadyAcknowledged();

    const response = (body ?? {}) as { type?: unknown; data?: unknown };
    const type = response.type as R;
    if (!ALLOWED[state.payload.type]?.includes(type)) {
      // The exact error for a wrong callback type is not documented; this is Discord's enum-field shape.
      const errors = new FormErrors();
      errors.add(["type"], "BASE_TYPE_CHOICES", "Value must be one of the valid interaction callback types.");
      errors.throwIfAny();
    }
    const data = (response.data ?? {}) as MessageBody;
    if (type === R.ChannelMessageWithSource || type === R.UpdateMessage) {
      validateMessage(data, {
        prefix: ["data"],
        creating: type === R.ChannelMessageWithSource,
        fileCount: files.length,
        endpoint: "callback",
      });
    }
    if (type === R.DeferredChannelMessageWithSource) {
      // "the only valid message flag you may use is EPHEMERAL".
      const errors = new FormErrors();
      checkFlags(errors, ["data", "flags"], data.flags, "deferred");
      errors.throwIfAny();
    }
    if (type === R.ApplicationCommandAutocompleteResult) validateAutocomplete(response.data);
    if (type === R.Modal) validateModal(response.data);

    state.initial = { type, ...(response.data !== undefined ? { data: response.data } : {}) };
    clearTimeout(state.timer);
    const message = this.applyInitial(state, type, data, files);
    state.settle.resolve(state.initial);
    this.onChange();

    if (!withResponse) return { status: 204 };
    return {
      status: 200,
      body: {
        interaction: {
          id: state.payload.id,
          type: state.payload.type,
          activity_instance_id: null,
          response_message_id: message?.id ?? null,
          response_message_loading: message ? ((message.flags ?? 0) & MessageFlags.Loading) !== 0 : null,
          response_message_ephemeral: message ? ((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 : null,
        },
        resource: {
          type,
          ...(message && (type === R.ChannelMessageWithSource || type === R.UpdateMessage) ? { message } : {}),
        },
      },
    };
  }

  private applyInitial(
    state: InteractionState,
    type: R,
    data: MessageBody,
    files: UploadedFile[],
  ): StoredMessage | undefined {
    const source = state.payload.message?.id;
    switch (type) {
      case R.ChannelMessageWithSource:
        return this.newMessage(state, data, files, { initial: true });
      case R.DeferredChannelMessageWithSource:
        // The user sees "<bot> is thinking…": a loading message, ephemeral if asked.
        return this.newMessage(state, { flags: (data.flags ?? 0) & MessageFlags.Ephemeral }, [], {
          initial: true,
          loading: true,
        });
      case R.DeferredMessageUpdate:
        state.originalId = source;
        return source ? this.world.messages.get(source) : undefined;
      case R.UpdateMessage:
        state.originalId = source;
        return source ? this.edit(state, source, data, files) : undefined;
      default:
        return undefined; // autocomplete choices and modals create no message
    }
  }

  // ----- /webhooks/{application.id}/{interaction.token}/… -----------------

  private forWebhook(appId: string, token: string): InteractionState {
    const state = this.byToken.get(token);
    if (!state || appId !== this.applicationId || state.expired) throw httpErrors.unknownWebhook();
    if (Date.now() - state.createdAt > this.timing.tokenLifetimeMs) throw httpErrors.invalidWebhookToken();
    return state;
  }

  private messageFor(state: InteractionState, ref: string): StoredMessage {
    const id = ref === "@original" ? state.originalId : ref;
    const isOwn = id !== undefined && (id === state.originalId || state.followUpIds.includes(id));
    const message = isOwn ? this.world.messages.get(id) : undefined;
    if (!message) throw httpErrors.unknownMessage();
    return message;
  }

  getMessage(appId: string, token: string, ref: string): StoredMessage {
    return this.messageFor(this.forWebhook(appId, token), ref);
  }

  editMessage(appId: string, token: string, ref: string, body: unknown, files: UploadedFile[]): StoredMessage {
    const state = this.forWebhook(appId, token);
    const message = this.messageFor(state, ref);
    validateMessage(body as MessageBody, { creating: false, fileCount: files.length, endpoint: "edit" });
    return this.edit(state, message.id, body as MessageBody, files);
  }

  deleteMessage(appId: string, token: string, ref: string): void {
    const state = this.forWebhook(appId, token);
    const message = this.messageFor(state, ref);
    this.world.deleteMessage(message.id);
    if (!isEphemeral(message)) this.gateway.dispatchMessageDelete(message);
    this.onChange();
  }

  followUp(appId: string, token: string, body: unknown, files: UploadedFile[]): StoredMessage {
    const state = this.forWebhook(appId, token);
    if (!state.initial) throw httpErrors.unknownWebhook();
    const data = body as MessageBody;
    const original = state.originalId ? this.world.messages.get(state.originalId) : undefined;
    // Documented backwards compatibility: the first follow-up after a deferred
    // reply edits the loading message instead of creating a new one.
    if (original && state.initial.type === R.DeferredChannelMessageWithSource && isLoading(original)) {
      validateMessage(data, { creating: true, fileCount: files.length, endpoint: "followup" });
      return this.edit(state, original.id, { ...data, flags: undefined }, files);
    }
    validateMessage(data, { creating: true, fileCount: files.length, endpoint: "followup" });
    const message = this.newMessage(state, data, files, { initial: false });
    this.onChange();
    return message;
  }

  // ----- messages -----------------------------------------------------------

  private newMessage(
    state: InteractionState,
    data: MessageBody,
    files: UploadedFile[],
    opts: { initial: boolean; loading?: boolean },
  ): StoredMessage {
    const p = state.payload;
    const channelId = state.channelId;
    if (!channelId) throw httpErrors.unknownChannel();
    const user = p.member?.user ?? p.user;
    const flags =
      ((data.flags ?? 0) &
        (MessageFlags.Ephemeral |
          MessageFlags.SuppressEmbeds |
          MessageFlags.IsComponentsV2 |
          MessageFlags.SuppressNotifications)) |
      (opts.loading ? MessageFlags.Loading : 0);
    const isCommand = p.type === InteractionType.ApplicationCommand;
    const commandName = isCommand ? (p.data as { name: string }).name : undefined;
    const message = this.world.createMessage({
      channelId,
      author: this.world.bot,
      body: { ...data, flags, message_reference: undefined },
      // Undocumented detail: follow-ups and component replies show as plain messages.
      type: opts.initial && isCommand ? MessageType.ChatInputCommand : MessageType.Default,
      attachments: storeUploads(this.world, channelId, data, files),
      extra: {
        webhook_id: this.applicationId,
        application_id: this.applicationId,
        ...(user
          ? {
              interaction_metadata: {
                id: p.id,
                type: p.type,
                user,
                authorizing_integration_owners: p.authorizing_integration_owners,
                ...(state.originalId && !opts.initial ? { original_response_message_id: state.originalId } : {}),
              } as APIMessage["interaction_metadata"],
              ...(commandName ? { interaction: { id: p.id, type: p.type, name: commandName, user } } : {}),
            }
          : {}),
      },
    });
    if (opts.initial) state.originalId = message.id;
    else state.followUpIds.push(message.id);
    if (!isEphemeral(message)) this.gateway.dispatchMessage(GatewayDispatchEvents.MessageCreate, message);
    return message;
  }

  private edit(state: InteractionState, messageId: string, data: MessageBody, files: UploadedFile[]): StoredMessage {
    const channelId = this.world.messages.get(messageId)?.channel_id ?? state.channelId ?? "";
    const message = this.world.editMessage(messageId, data, storeUploads(this.world, channelId, data, files));
    // Editing a deferred reply is what ends its loading state.
    message.flags = (message.flags ?? 0) & ~MessageFlags.Loading;
    if (!isEphemeral(message)) this.gateway.dispatchMessage(GatewayDispatchEvents.MessageUpdate, message);
    this.onChange();
    return message;
  }

  close(): void {
    for (const state of this.byId.values()) clearTimeout(state.timer);
  }
}

export const isEphemeral = (m: Pick<APIMessage, "flags">) => ((m.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
export const isLoading = (m: Pick<APIMessage, "flags">) => ((m.flags ?? 0) & MessageFlags.Loading) !== 0;

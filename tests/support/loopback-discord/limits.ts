// Discord's documented payload limits. Violations produce the same 400 responses
// as the real API (50035 Invalid Form Body with a nested `errors` tree, or 50006
// for an empty message), so the bot's error handling is exercised for real.
import { MessageFlags as F } from "discord-api-types/v10";
import { chars } from "./command-rules.js";
import { validateMessageComponents, validateModalData } from "./component-rules.js";
import { FormErrors, httpErrors } from "./errors.js";

export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  attachments: 10,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  modalTitle: 45,
  customId: 100,
  allowedMentionIds: 100,
} as const;

/**
 * Where a message body is sent, which decides the flags it may carry (Message Flags, and each
 * endpoint's `flags` parameter): Create Message takes SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS,
 * IS_VOICE_MESSAGE and IS_COMPONENTS_V2 (not EPHEMERAL); an interaction response (types 4 and 7)
 * adds EPHEMERAL; a deferred response (type 5) takes only EPHEMERAL; a follow-up is Execute
 * Webhook's set plus EPHEMERAL. Edits ignore unsupported flag changes "without error".
 */
export type MessageEndpoint = "create" | "callback" | "deferred" | "followup" | "edit";

const ALLOWED_FLAGS: Record<MessageEndpoint, number | null> = {
  create: F.SuppressEmbeds | F.SuppressNotifications | F.IsVoiceMessage | F.IsComponentsV2,
  callback: F.SuppressEmbeds | F.Ephemeral | F.IsComponentsV2 | F.IsVoiceMessage | F.SuppressNotifications,
  deferred: F.Ephemeral,
  followup: F.SuppressEmbeds | F.SuppressNotifications | F.IsComponentsV2 | F.Ephemeral,
  edit: null,
};

/** The flags check alone (also for deferred responses, which carry no message). */
export function checkFlags(errors: FormErrors, path: Path, flags: unknown, endpoint: MessageEndpoint): void {
  if (flags === undefined || flags === null) return;
  if (typeof flags !== "number" || !Number.isInteger(flags) || flags < 0) {
    errors.add(path, "NUMBER_TYPE_COERCE", `Value "${String(flags)}" is not int.`);
    return;
  }
  const allowed = ALLOWED_FLAGS[endpoint];
  if (allowed !== null && (flags & ~allowed) !== 0) {
    // The docs list the flags each endpoint accepts; the string code of the rejection is not documented.
    errors.add(path, "MESSAGE_FLAGS_INVALID", `Invalid message flags: ${flags & ~allowed} cannot be set here.`);
  }
}

/**
 * allowed_mentions: parse values are "users", "roles", "everyone"; "the parse field is mutually
 * exclusive with the other fields" (per type: parse users + users ids, or parse roles + role ids);
 * at most 100 ids each. An empty or null list of ids is no conflict.
 */
function checkAllowedMentions(errors: FormErrors, path: Path, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object" || Array.isArray(value)) {
    errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return;
  }
  const m = value as { parse?: unknown; users?: unknown; roles?: unknown; replied_user?: unknown };
  const parse = Array.isArray(m.parse) ? (m.parse as unknown[]) : [];
  if (m.parse !== undefined && !Array.isArray(m.parse))
    errors.add([...path, "parse"], "BASE_TYPE_ARRAY", "Must be an array.");
  parse.forEach((p, i) => {
    if (p !== "users" && p !== "roles" && p !== "everyone")
      errors.add([...path, "parse", i], "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone').");
  });
  for (const kind of ["users", "roles"] as const) {
    const ids = m[kind];
    if (ids === undefined || ids === null) continue;
    if (!Array.isArray(ids)) {
      errors.add([...path, kind], "BASE_TYPE_ARRAY", "Must be an array.");
      continue;
    }
    if (ids.length > LIMITS.allowedMentionIds) errors.maxLength([...path, kind], LIMITS.allowedMentionIds);
    if (ids.length > 0 && parse.includes(kind)) {
      errors.add(
        path,
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
  if (m.replied_user !== undefined && typeof m.replied_user !== "boolean")
    errors.add([...path, "replied_user"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
}

type Path = (string | number)[];

interface EmbedLike {
  title?: unknown;
  description?: unknown;
  fields?: unknown;
  footer?: { text?: unknown };
  author?: { name?: unknown };
}

const len = (value: unknown): number => (typeof value === "string" ? chars(value) : 0);

function checkString(errors: FormErrors, path: Path, value: unknown, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string") errors.add(path, "BASE_TYPE_STRING", "Must be a string.");
  else if (chars(value) > max) errors.maxLength(path, max);
}

function checkEmbeds(errors: FormErrors, path: Path, embeds: unknown): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) return errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
  if (embeds.length > LIMITS.embeds) errors.maxLength(path, LIMITS.embeds);
  let total = 0;
  embeds.forEach((raw: EmbedLike, i) => {
    const at = [...path, i];
    checkString(errors, [...at, "title"], raw.title, LIMITS.embedTitle);
    checkString(errors, [...at, "description"], raw.description, LIMITS.embedDescription);
    checkString(errors, [...at, "footer", "text"], raw.footer?.text, LIMITS.footerText);
    checkString(errors, [...at, "author", "name"], raw.author?.name, LIMITS.authorName);
    total += len(raw.title) + len(raw.description) + len(raw.footer?.text) + len(raw.author?.name);
    const fields: unknown[] = Array.isArray(raw.fields) ? raw.fields : [];
    if (fields.length > LIMITS.embedFields) errors.maxLength([...at, "fields"], LIMITS.embedFields);
    fields.forEach((field, j) => {
      const f = field as { name?: unknown; value?: unknown };
      for (const [key, max] of [
        ["name", LIMITS.fieldName],
        ["value", LIMITS.fieldValue],
      ] as const) {
        if (typeof f[key] !== "string" || f[key] === "") {
          errors.add([...at, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required");
        } else checkString(errors, [...at, "fields", j, key], f[key], max);
      }
      total += len(f.name) + len(f.value);
    });
  });
  // The 6000 limit is over the sum of all embeds in the message, reported on `embeds` itself.
  if (total > LIMITS.embedTotal) {
    errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", `Embed size exceeds maximum size of ${LIMITS.embedTotal}`);
  }
}

export interface MessageBodyLike {
  content?: unknown;
  embeds?: unknown;
  components?: unknown;
  attachments?: unknown;
  sticker_ids?: unknown;
  poll?: unknown;
  flags?: unknown;
  allowed_mentions?: unknown;
}

/**
 * Validates a message create/edit body. `prefix` is where the message sits in the
 * request (`["data"]` for interaction callbacks), so errors read `data.content[...]`
 * exactly as Discord reports them.
 */
export function validateMessage(
  body: MessageBodyLike,
  opts: { prefix?: Path; creating: boolean; fileCount: number; endpoint: MessageEndpoint },
): void {
  const prefix = opts.prefix ?? [];
  const errors = new FormErrors();
  checkString(errors, [...prefix, "content"], body.content, LIMITS.content);
  checkEmbeds(errors, [...prefix, "embeds"], body.embeds);
  checkFlags(errors, [...prefix, "flags"], body.flags, opts.endpoint);
  checkAllowedMentions(errors, [...prefix, "allowed_mentions"], body.allowed_mentions);
  validateMessageComponents(
    errors,
    [...prefix, "components"],
    body.components,
    typeof body.flags === "number" ? body.flags : 0,
  );
  const attachments = Array.isArray(body.attachments) ? body.attachments.length : 0;
  if (Math.max(attachments, opts.fileCount) > LIMITS.attachments) {
    errors.maxLength([...prefix, "attachments"], LIMITS.attachments);
  }
  errors.throwIfAny();

  if (opts.creating) {
    const hasContent = typeof body.content === "string" && body.content.trim() !== "";
    const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
    const hasSomething =
      hasContent ||
      nonEmpty(body.embeds) ||
      nonEmpty(body.components) ||
      nonEmpty(body.sticker_ids) ||
      opts.fileCount > 0 ||
      body.poll !== undefined;
    if (!hasSomething) throw httpErrors.emptyMessage();
  }
}

/** APPLICATION_COMMAND_AUTOCOMPLETE_RESULT: at most 25 choices, names 1–100, string values ≤ 100. */
export function validateAutocomplete(data: unknown): void {
  const errors = new FormErrors();
  const choices = (data as { choices?: unknown } | undefined)?.choices;
  if (!Array.isArray(choices)) {
    errors.add(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required");
    return errors.throwIfAny();
  }
  if (choices.length > LIMITS.autocompleteChoices) {
    errors.maxLength(["data", "choices"], LIMITS.autocompleteChoices);
  }
  choices.forEach((choice: { name?: unknown; value?: unknown }, i) => {
    if (typeof choice.name !== "string" || chars(choice.name) < 1 || chars(choice.name) > LIMITS.choiceName) {
      errors.add(
        ["data", "choices", i, "name"],
        "BASE_TYPE_BAD_LENGTH",
        `Must be between 1 and ${LIMITS.choiceName} in length.`,
      );
    }
    if (typeof choice.value === "string" && chars(choice.value) > LIMITS.choiceValue) {
      errors.maxLength(["data", "choices", i, "value"], LIMITS.choiceValue);
    } else if (typeof choice.value !== "string" && typeof choice.value !== "number") {
      errors.add(["data", "choices", i, "value"], "BASE_TYPE_REQUIRED", "This field is required");
    }
  });
  errors.throwIfAny();
}

/** MODAL: the modal's own limits and every component in it (component-rules.ts). */
export function validateModal(data: unknown): void {
  const errors = new FormErrors();
  validateModalData(errors, data);
  errors.throwIfAny();
}

// Discord's documented payload limits. Violations produce the same 400 responses
// as the real API (50035 Invalid Form Body with a nested `errors` tree, or 50006
// for an empty message), so the bot's error handling is exercised for real.
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
} as const;

type Path = (string | number)[];

interface EmbedLike {
  title?: unknown;
  description?: unknown;
  fields?: unknown;
  footer?: { text?: unknown };
  author?: { name?: unknown };
}

const len = (value: unknown): number => (typeof value === "string" ? value.length : 0);

function checkString(errors: FormErrors, path: Path, value: unknown, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string") errors.add(path, "BASE_TYPE_STRING", "Must be a string.");
  else if (value.length > max) errors.maxLength(path, max);
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
}

/**
 * Validates a message create/edit body. `prefix` is where the message sits in the
 * request (`["data"]` for interaction callbacks), so errors read `data.content[...]`
 * exactly as Discord reports them.
 */
export function validateMessage(
  body: MessageBodyLike,
  opts: { prefix?: Path; creating: boolean; fileCount: number },
): void {
  const prefix = opts.prefix ?? [];
  const errors = new FormErrors();
  checkString(errors, [...prefix, "content"], body.content, LIMITS.content);
  checkEmbeds(errors, [...prefix, "embeds"], body.embeds);
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
    if (typeof choice.name !== "string" || choice.name.length < 1 || choice.name.length > LIMITS.choiceName) {
      errors.add(
        ["data", "choices", i, "name"],
        "BASE_TYPE_BAD_LENGTH",
        `Must be between 1 and ${LIMITS.choiceName} in length.`,
      );
    }
    if (typeof choice.value === "string" && choice.value.length > LIMITS.choiceValue) {
      errors.maxLength(["data", "choices", i, "value"], LIMITS.choiceValue);
    } else if (typeof choice.value !== "string" && typeof choice.value !== "number") {
      errors.add(["data", "choices", i, "value"], "BASE_TYPE_REQUIRED", "This field is required");
    }
  });
  errors.throwIfAny();
}

/** MODAL: custom_id ≤ 100, title ≤ 45, between 1 and 5 top-level components. */
export function validateModal(data: unknown): void {
  const errors = new FormErrors();
  const modal = (data ?? {}) as { custom_id?: unknown; title?: unknown; components?: unknown };
  if (typeof modal.custom_id !== "string" || modal.custom_id === "") {
    errors.add(["data", "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
  } else checkString(errors, ["data", "custom_id"], modal.custom_id, LIMITS.customId);
  if (typeof modal.title !== "string" || modal.title === "") {
    errors.add(["data", "title"], "BASE_TYPE_REQUIRED", "This field is required");
  } else checkString(errors, ["data", "title"], modal.title, LIMITS.modalTitle);
  const count = Array.isArray(modal.components) ? modal.components.length : 0;
  if (count < 1 || count > 5) {
    errors.add(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.");
  }
  errors.throwIfAny();
}

// Message components and modals as the Components Reference documents them
// (developers/components/reference.mdx; modals in developers/interactions/receiving-and-responding.mdx):
// action rows (at most 5 per legacy message, up to 5 buttons or one select), buttons (styles and the
// fields each style needs or forbids, label ≤ 80, url ≤ 512), selects (placeholder ≤ 150, values
// 0–25, options 1–25 of ≤ 100 characters), unique custom_ids of 1–100 characters, where each
// component type may be used, and modals (title ≤ 45, 1–5 components, the Label component with a
// label ≤ 45 and a description ≤ 100, text inputs inside a Label without their deprecated label).
import { ButtonStyle, ComponentType as C, MessageFlags, TextInputStyle } from "discord-api-types/v10";
import { chars } from "./command-rules.js";
import type { FormErrors } from "./errors.js";

type Path = (string | number)[];

export const COMPONENT_LIMITS = {
  legacyRows: 5,
  v2Components: 40,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  buttonUrl: 512,
  placeholder: 150,
  selectValues: 25,
  selectOptions: 25,
  selectOptionText: 100,
  modalTitle: 45,
  modalComponents: 5,
  labelLabel: 45,
  labelDescription: 100,
  textInputLength: 4000,
  textInputPlaceholder: 100,
  legacyTextInputLabel: 45,
} as const;

interface Component {
  type?: unknown;
  id?: unknown;
  custom_id?: unknown;
  style?: unknown;
  label?: unknown;
  description?: unknown;
  url?: unknown;
  sku_id?: unknown;
  emoji?: unknown;
  disabled?: unknown;
  placeholder?: unknown;
  min_values?: unknown;
  max_values?: unknown;
  options?: unknown;
  default_values?: unknown;
  required?: unknown;
  min_length?: unknown;
  max_length?: unknown;
  value?: unknown;
  components?: unknown;
  component?: unknown;
  accessory?: unknown;
  content?: unknown;
}

const SELECTS = new Set<number>([C.StringSelect, C.UserSelect, C.RoleSelect, C.MentionableSelect, C.ChannelSelect]);
/** "Usage" column of the component types table (modal-only types: text input, label, file upload, radio/checkbox). */
const MESSAGE_ONLY = new Set<number>([
  C.ActionRow,
  C.Button,
  C.Section,
  C.Thumbnail,
  C.MediaGallery,
  C.File,
  C.Separator,
  C.Container,
]);
const BOTH = new Set<number>([...SELECTS, C.TextDisplay]);
/** What a Label may hold: one text input, select, file upload, radio group, checkbox group or checkbox. */
const IN_LABEL = new Set<number>([C.TextInput, ...SELECTS, C.FileUpload, 21, 22, 23]);

const isString = (v: unknown): v is string => typeof v === "string";
const present = (v: unknown) => v !== undefined && v !== null;

/** Tracks custom_ids and ids that must be unique across one message or modal. */
class Uniques {
  private readonly customIds = new Set<string>();
  private readonly ids = new Set<number>();
  constructor(private readonly errors: FormErrors) {}

  customId(path: Path, value: unknown, required: boolean): void {
    if (!present(value)) {
      if (required) this.errors.add([...path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required");
      return;
    }
    if (!isString(value) || chars(value) < 1 || chars(value) > COMPONENT_LIMITS.customId) {
      this.errors.add(
        [...path, "custom_id"],
        "BASE_TYPE_BAD_LENGTH",
        `Must be between 1 and ${COMPONENT_LIMITS.customId} in length.`,
      );
    } else if (this.customIds.has(value)) {
      this.errors.add(
        [...path, "custom_id"],
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "Component custom id cannot be duplicated",
      );
    }
    if (isString(value)) this.customIds.add(value);
  }

  id(path: Path, value: unknown): void {
    // "0 counts as empty"; otherwise a 32-bit integer unique within the message.
    if (!present(value) || value === 0) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) {
      this.errors.add([...path, "id"], "NUMBER_TYPE_COERCE", `Value "${String(value)}" is not int.`);
    } else if (this.ids.has(value)) {
      this.errors.add([...path, "id"], "COMPONENT_ID_DUPLICATED", "Component id cannot be duplicated");
    } else this.ids.add(value);
  }
}

function maxChars(errors: FormErrors, path: Path, value: unknown, max: number, required = false): void {
  if (!present(value)) {
    if (required) errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  if (!isString(value)) errors.add(path, "BASE_TYPE_STRING", "Must be a string.");
  else if (required && chars(value) < 1)
    errors.add(path, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${max} in length.`);
  else if (chars(value) > max) errors.maxLength(path, max);
}

function intIn(errors: FormErrors, path: Path, value: unknown, min: number, max: number): void {
  if (!present(value)) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    errors.add(path, "NUMBER_TYPE_MAX", `Int value should be between ${min} and ${max}.`);
  }
}

function checkButton(errors: FormErrors, path: Path, b: Component, uniques: Uniques): void {
  const style = b.style;
  if (typeof style !== "number" || style < ButtonStyle.Primary || style > ButtonStyle.Premium) {
    errors.add([...path, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.");
    return;
  }
  maxChars(errors, [...path, "label"], b.label, COMPONENT_LIMITS.buttonLabel);
  const forbid = (key: keyof Component, why: string) => {
    if (present(b[key])) errors.add([...path, key], "BUTTON_COMPONENT_INVALID_FIELD", why);
  };
  if (style === ButtonStyle.Link) {
    // "Link buttons must have a url, and cannot have a custom_id".
    maxChars(errors, [...path, "url"], b.url, COMPONENT_LIMITS.buttonUrl, true);
    if (isString(b.url) && !/^(https?|discord):\/\//.test(b.url))
      errors.add([...path, "url"], "URL_TYPE_INVALID_SCHEME", "Scheme must be one of ('http', 'https', 'discord').");
    forbid("custom_id", "Link buttons cannot have a custom_id.");
    forbid("sku_id", "Link buttons cannot have a sku_id.");
  } else if (style === ButtonStyle.Premium) {
    // "Premium buttons must contain a sku_id, and cannot have a custom_id, label, url, or emoji."
    if (!present(b.sku_id)) errors.add([...path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required");
    for (const key of ["custom_id", "label", "url", "emoji"] as const)
      forbid(key, `Premium buttons cannot have a ${key}.`);
  } else {
    // "Non-link and non-premium buttons must have a custom_id, and cannot have a url or a sku_id."
    uniques.customId(path, b.custom_id, true);
    forbid("url", "Only link buttons can have a url.");
    forbid("sku_id", "Only premium buttons can have a sku_id.");
  }
  if (style !== ButtonStyle.Premium && !present(b.label) && !present(b.emoji))
    errors.add(path, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A button needs a label or an emoji.");
  if (present(b.disabled) && typeof b.disabled !== "boolean")
    errors.add([...path, "disabled"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
}

function checkSelect(errors: FormErrors, path: Path, s: Component, uniques: Uniques, inModal: boolean): void {
  uniques.customId(path, s.custom_id, true);
  maxChars(errors, [...path, "placeholder"], s.placeholder, COMPONENT_LIMITS.placeholder);
  intIn(errors, [...path, "min_values"], s.min_values, 0, COMPONENT_LIMITS.selectValues);
  intIn(errors, [...path, "max_values"], s.max_values, 1, COMPONENT_LIMITS.selectValues);
  const min = typeof s.min_values === "number" ? s.min_values : 1;
  const max = typeof s.max_values === "number" ? s.max_values : 1;
  if (min > max)
    errors.add(
      [...path, "min_values"],
      "SELECT_COMPONENT_MIN_VALUES_TOO_LARGE",
      "min_values cannot exceed max_values.",
    );
  // "Using disabled in a modal will result in an error."
  if (inModal && present(s.disabled))
    errors.add([...path, "disabled"], "SELECT_COMPONENT_INVALID_FIELD", "disabled cannot be used in a modal.");
  if (s.type === C.StringSelect) {
    if (!Array.isArray(s.options) || s.options.length < 1 || s.options.length > COMPONENT_LIMITS.selectOptions) {
      errors.add(
        [...path, "options"],
        "BASE_TYPE_BAD_LENGTH",
        `Must be between 1 and ${COMPONENT_LIMITS.selectOptions} in length.`,
      );
      return;
    }
    const values = new Set<unknown>();
    (s.options as Component[]).forEach((o, i) => {
      const at = [...path, "options", i];
      maxChars(errors, [...at, "label"], o?.label, COMPONENT_LIMITS.selectOptionText, true);
      maxChars(errors, [...at, "value"], o?.value, COMPONENT_LIMITS.selectOptionText, true);
      maxChars(errors, [...at, "description"], o?.description, COMPONENT_LIMITS.selectOptionText);
      if (values.has(o?.value))
        errors.add([...at, "value"], "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED", "Option values must be unique.");
      values.add(o?.value);
    });
    if (max > s.options.length)
      errors.add(
        [...path, "max_values"],
        "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
        "max_values cannot exceed the number of options.",
      );
  } else {
    if (present(s.options))
      errors.add([...path, "options"], "SELECT_COMPONENT_INVALID_FIELD", "Only string selects have options.");
    // default_values: "must be in the range defined by min_values and max_values".
    if (Array.isArray(s.default_values) && (s.default_values.length < min || s.default_values.length > max))
      errors.add([...path, "default_values"], "BASE_TYPE_BAD_LENGTH", `Must be between ${min} and ${max} in length.`);
  }
}

function checkTextInput(errors: FormErrors, path: Path, t: Component, uniques: Uniques, inLabel: boolean): void {
  uniques.customId(path, t.custom_id, true);
  if (t.style !== TextInputStyle.Short && t.style !== TextInputStyle.Paragraph)
    errors.add([...path, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.");
  if (inLabel) {
    // CL 2025-08-25: "When a Text Input is used in a Label component the label field on the Text Input is not allowed".
    if (present(t.label))
      errors.add(
        [...path, "label"],
        "TEXT_INPUT_LABEL_NOT_ALLOWED",
        "The label of a text input inside a Label is not allowed.",
      );
  } else {
    maxChars(errors, [...path, "label"], t.label, COMPONENT_LIMITS.legacyTextInputLabel, true);
  }
  intIn(errors, [...path, "min_length"], t.min_length, 0, COMPONENT_LIMITS.textInputLength);
  intIn(errors, [...path, "max_length"], t.max_length, 1, COMPONENT_LIMITS.textInputLength);
  maxChars(errors, [...path, "value"], t.value, COMPONENT_LIMITS.textInputLength);
  maxChars(errors, [...path, "placeholder"], t.placeholder, COMPONENT_LIMITS.textInputPlaceholder);
}

function typeError(errors: FormErrors, path: Path, where: string): void {
  errors.add([...path, "type"], "COMPONENT_TYPE_INVALID", `This component type cannot be used ${where}.`);
}

/** An action row in a message: up to 5 buttons, or exactly one select. */
function checkMessageRow(errors: FormErrors, path: Path, row: Component, uniques: Uniques): void {
  const children = Array.isArray(row.components) ? (row.components as Component[]) : [];
  if (children.length < 1 || children.length > COMPONENT_LIMITS.buttonsPerRow) {
    errors.add(
      [...path, "components"],
      "BASE_TYPE_BAD_LENGTH",
      `Must be between 1 and ${COMPONENT_LIMITS.buttonsPerRow} in length.`,
    );
  }
  const selects = children.filter((c) => typeof c?.type === "number" && SELECTS.has(c.type)).length;
  if (selects > 0 && children.length > 1) {
    errors.add(
      [...path, "components"],
      "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
      "The specified component exceeds the maximum width",
    );
  }
  children.forEach((c, i) => {
    const at = [...path, "components", i];
    uniques.id(at, c?.id);
    if (c?.type === C.Button) checkButton(errors, at, c, uniques);
    else if (typeof c?.type === "number" && SELECTS.has(c.type)) checkSelect(errors, at, c, uniques, false);
    else typeError(errors, at, "in a message action row");
  });
}

/** Any component that may appear in a message (legacy rows, or Components V2 layouts). */
function checkMessageComponent(errors: FormErrors, path: Path, c: Component, uniques: Uniques, v2: boolean): number {
  uniques.id(path, c?.id);
  const type = c?.type;
  if (typeof type !== "number" || !(MESSAGE_ONLY.has(type) || BOTH.has(type))) {
    typeError(errors, path, "in a message");
    return 1;
  }
  if (type === C.ActionRow) {
    checkMessageRow(errors, path, c, uniques);
    return 1 + (Array.isArray(c.components) ? c.components.length : 0);
  }
  if (!v2) {
    // "Legacy messages allow up to 5 action rows as top-level components".
    typeError(errors, path, "at the top level of a message without the IS_COMPONENTS_V2 flag");
    return 1;
  }
  if (type === C.Button) checkButton(errors, path, c, uniques);
  else if (SELECTS.has(type)) checkSelect(errors, path, c, uniques, false);
  let count = 1;
  if (Array.isArray(c.components))
    (c.components as Component[]).forEach((child, i) => {
      count += checkMessageComponent(errors, [...path, "components", i], child, uniques, v2);
    });
  if (c.accessory && typeof c.accessory === "object")
    count += checkMessageComponent(errors, [...path, "accessory"], c.accessory as Component, uniques, v2);
  return count;
}

/** A message's `components` (creating or editing). */
export function validateMessageComponents(errors: FormErrors, path: Path, components: unknown, flags: number): void {
  if (!present(components)) return;
  if (!Array.isArray(components)) {
    errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.");
    return;
  }
  const v2 = (flags & MessageFlags.IsComponentsV2) !== 0;
  if (!v2 && components.length > COMPONENT_LIMITS.legacyRows) errors.maxLength(path, COMPONENT_LIMITS.legacyRows);
  const uniques = new Uniques(errors);
  let total = 0;
  (components as Component[]).forEach((c, i) => {
    total += checkMessageComponent(errors, [...path, i], c, uniques, v2);
  });
  if (v2 && total > COMPONENT_LIMITS.v2Components)
    errors.add(
      path,
      "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
      `Total components cannot exceed ${COMPONENT_LIMITS.v2Components}.`,
    );
}

/** The MODAL callback's data: custom_id, title, 1–5 components (Labels, Text Displays, or deprecated rows). */
export function validateModalData(errors: FormErrors, data: unknown): void {
  const modal = (data ?? {}) as { custom_id?: unknown; title?: unknown; components?: unknown };
  const path = ["data"];
  maxChars(errors, [...path, "custom_id"], modal.custom_id, COMPONENT_LIMITS.customId, true);
  maxChars(errors, [...path, "title"], modal.title, COMPONENT_LIMITS.modalTitle, true);
  const components = Array.isArray(modal.components) ? (modal.components as Component[]) : [];
  if (components.length < 1 || components.length > COMPONENT_LIMITS.modalComponents) {
    errors.add(
      [...path, "components"],
      "BASE_TYPE_BAD_LENGTH",
      `Must be between 1 and ${COMPONENT_LIMITS.modalComponents} in length.`,
    );
  }
  const uniques = new Uniques(errors);
  components.forEach((c, i) => {
    const at = [...path, "components", i];
    uniques.id(at, c?.id);
    const type = c?.type;
    if (type === C.Label) {
      maxChars(errors, [...at, "label"], c.label, COMPONENT_LIMITS.labelLabel, true);
      maxChars(errors, [...at, "description"], c.description, COMPONENT_LIMITS.labelDescription);
      const child = c.component as Component | undefined;
      if (!child || typeof child !== "object") {
        errors.add([...at, "component"], "BASE_TYPE_REQUIRED", "This field is required");
        return;
      }
      uniques.id([...at, "component"], child.id);
      if (typeof child.type !== "number" || !IN_LABEL.has(child.type))
        typeError(errors, [...at, "component"], "in a Label");
      else if (child.type === C.TextInput) checkTextInput(errors, [...at, "component"], child, uniques, true);
      else if (SELECTS.has(child.type)) checkSelect(errors, [...at, "component"], child, uniques, true);
      else uniques.customId([...at, "component"], child.custom_id, true);
    } else if (type === C.TextDisplay) {
      maxChars(errors, [...at, "content"], c.content, 4000, true);
    } else if (type === C.ActionRow) {
      // Deprecated but still accepted: an action row holding one text input (with its own label).
      const children = Array.isArray(c.components) ? (c.components as Component[]) : [];
      if (children.length !== 1) {
        errors.add([...at, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1 in length.");
      }
      children.forEach((child, j) => {
        const cat = [...at, "components", j];
        if (child?.type === C.TextInput) checkTextInput(errors, cat, child, uniques, false);
        else typeError(errors, cat, "in a modal action row");
      });
    } else if (typeof type === "number" && MESSAGE_ONLY.has(type)) {
      typeError(errors, at, "in a modal");
    } else {
      typeError(errors, at, "at the top level of a modal");
    }
  });
}

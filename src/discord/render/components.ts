/**
 * Discord's documented limits on message components (developers/components/reference.mdx), checked on every payload
 * before it is sent (payloadProblems) and on every modal the bot shows (modalProblems): a component over a limit is a
 * rendering bug, never sent.
 */
import { ButtonStyle, ComponentType } from "discord.js";
import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  APIModalInteractionResponseCallbackData,
} from "discord-api-types/v10";

export const COMPONENT_LIMITS = {
  /** "Legacy messages allow up to 5 action rows as top-level components." */
  rows: 5,
  /** An action row holds up to 5 buttons or a single select. */
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  url: 512,
  placeholder: 150,
  selectOptions: 25,
  optionText: 100,
  modalTitle: 45,
  modalComponents: 5,
  labelText: 45,
  labelDescription: 100,
  textInputLength: 4000,
} as const;

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

function checkId(problems: string[], where: string, id: unknown, seen: Set<string>): void {
  if (typeof id !== "string" || id.length < 1 || id.length > COMPONENT_LIMITS.customId) {
    problems.push(`${where}: custom_id must be 1-${COMPONENT_LIMITS.customId} characters`);
    return;
  }
  if (seen.has(id)) problems.push(`${where}: custom_id ${JSON.stringify(id)} is used twice`);
  seen.add(id);
}

function checkSelect(problems: string[], where: string, select: Record<string, unknown>, seen: Set<string>): void {
  checkId(problems, where, select.custom_id, seen);
  if (typeof select.placeholder === "string" && select.placeholder.length > COMPONENT_LIMITS.placeholder)
    problems.push(`${where}: placeholder over ${COMPONENT_LIMITS.placeholder} characters`);
  const options = Array.isArray(select.options) ? (select.options as Record<string, unknown>[]) : [];
  if (options.length > COMPONENT_LIMITS.selectOptions)
    problems.push(`${where}: ${options.length} options (limit ${COMPONENT_LIMITS.selectOptions})`);
  options.forEach((option, k) => {
    for (const key of ["label", "value", "description"]) {
      const value = option[key];
      if (key !== "description" && (typeof value !== "string" || value.length === 0))
        problems.push(`${where} option ${k + 1}: ${key} is required`);
      if (typeof value === "string" && value.length > COMPONENT_LIMITS.optionText)
        problems.push(`${where} option ${k + 1}: ${key} over ${COMPONENT_LIMITS.optionText} characters`);
    }
  });
}

/** Everything wrong with a message's components as Discord would see it; empty when they can be sent. */
export function componentProblems(rows: readonly Row[] | undefined): string[] {
  const problems: string[] = [];
  if (rows === undefined) return problems;
  if (rows.length > COMPONENT_LIMITS.rows) problems.push(`${rows.length} action rows (limit ${COMPONENT_LIMITS.rows})`);
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    const where = `row ${r + 1}`;
    if (row.type !== ComponentType.ActionRow) return problems.push(`${where}: not an action row`);
    const children = row.components as unknown as Record<string, unknown>[];
    if (children.length === 0) problems.push(`${where}: empty`);
    const buttons = children.filter((c) => c.type === ComponentType.Button);
    if (buttons.length > 0 && buttons.length !== children.length)
      problems.push(`${where}: buttons and a select in one row`);
    if (buttons.length > COMPONENT_LIMITS.buttonsPerRow)
      problems.push(`${where}: ${buttons.length} buttons (limit ${COMPONENT_LIMITS.buttonsPerRow})`);
    if (buttons.length === 0 && children.length > 1) problems.push(`${where}: more than one select`);
    children.forEach((child, c) => {
      const at = `${where} component ${c + 1}`;
      if (child.type === ComponentType.Button) {
        if (typeof child.label === "string" && child.label.length > COMPONENT_LIMITS.buttonLabel)
          problems.push(`${at}: label over ${COMPONENT_LIMITS.buttonLabel} characters`);
        if (child.label === undefined && child.emoji === undefined) problems.push(`${at}: a button needs a label`);
        if (child.style === ButtonStyle.Link) {
          if (typeof child.url !== "string" || child.url.length > COMPONENT_LIMITS.url)
            problems.push(`${at}: a link button needs a url of at most ${COMPONENT_LIMITS.url} characters`);
          if (child.custom_id !== undefined) problems.push(`${at}: a link button cannot have a custom_id`);
        } else checkId(problems, at, child.custom_id, seen);
      } else if (child.type === ComponentType.StringSelect) checkSelect(problems, at, child, seen);
      else problems.push(`${at}: type ${String(child.type)} is not used in messages here`);
    });
    return undefined;
  });
  return problems;
}

/** Everything wrong with a modal as Discord would see it (Label components, as the docs now require). */
export function modalProblems(modal: APIModalInteractionResponseCallbackData): string[] {
  const problems: string[] = [];
  if (modal.custom_id.length < 1 || modal.custom_id.length > COMPONENT_LIMITS.customId)
    problems.push(`modal custom_id must be 1-${COMPONENT_LIMITS.customId} characters`);
  if (modal.title.length < 1 || modal.title.length > COMPONENT_LIMITS.modalTitle)
    problems.push(`modal title must be 1-${COMPONENT_LIMITS.modalTitle} characters`);
  const components = modal.components as unknown as Record<string, unknown>[];
  if (components.length < 1 || components.length > COMPONENT_LIMITS.modalComponents)
    problems.push(`modal has ${components.length} components (1-${COMPONENT_LIMITS.modalComponents})`);
  const seen = new Set<string>();
  components.forEach((component, i) => {
    const where = `modal component ${i + 1}`;
    if (component.type === ComponentType.TextDisplay) return;
    if (component.type !== ComponentType.Label) return problems.push(`${where}: use a Label (type 18)`);
    const label = component.label;
    if (typeof label !== "string" || label.length < 1 || label.length > COMPONENT_LIMITS.labelText)
      problems.push(`${where}: label must be 1-${COMPONENT_LIMITS.labelText} characters`);
    if (typeof component.description === "string" && component.description.length > COMPONENT_LIMITS.labelDescription)
      problems.push(`${where}: description over ${COMPONENT_LIMITS.labelDescription} characters`);
    const child = (component.component ?? {}) as Record<string, unknown>;
    if (child.type === ComponentType.TextInput) {
      checkId(problems, where, child.custom_id, seen);
      if (child.label !== undefined) problems.push(`${where}: a text input inside a Label cannot have its own label`);
      for (const key of ["min_length", "max_length"])
        if (typeof child[key] === "number" && ((child[key] as number) < 0 || (child[key] as number) > 4000))
          problems.push(`${where}: ${key} must be 0-${COMPONENT_LIMITS.textInputLength}`);
    } else if (child.type === ComponentType.StringSelect) {
      checkSelect(problems, where, child, seen);
      if (child.disabled !== undefined) problems.push(`${where}: a select in a modal cannot be disabled`);
    } else problems.push(`${where}: unsupported component`);
    return undefined;
  });
  return problems;
}

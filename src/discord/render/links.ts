/** Links in attributions: only http(s), never with credentials, never shown behind text that looks like another URL. */
const URL_MAX = 512;

/** An http(s) link safe to show, or null (unparseable, other schemes, credentials, too long). */
export function safeUrl(url: string | null): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  if (parsed.username || parsed.password) return null;
  const href = parsed.href;
  if (href.length > URL_MAX || /@(?:everyone|here)/i.test(href)) return null;
  return href;
}

/**
 * `label` linked to `url` without a preview: a masked link `[label](<url>)` where Discord parses that reliably and
 * the label cannot pass for another address, else the label followed by `<url>`. `label` is already escaped.
 */
export function link(label: string, rawLabel: string, url: string, bold = false): string {
  const maskable = !/[[\]]/.test(rawLabel) && !/https?:\/\/|www\./i.test(rawLabel) && /^[^\s()<>[\]\\`|"']+$/.test(url);
  if (maskable) return `[${label}](<${url}>)`;
  return `${bold ? `**${label}**` : label} <${url}>`;
}

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

/** Characters that read as a dot in a domain name: the full stop and its look-alikes (fullwidth, ideographic, …). */
const DOTS = /[.\u3002\uff0e\uff61\u2024\ufe52]/gu;
/** What separates words that could be domain names (everything but letters, digits, hyphens and dots). */
const NOT_IN_DOMAIN = /[^\p{L}\p{N}\-.\u3002\uff0e\uff61\u2024\ufe52]+/u;
/** A label shows at most this much; looking further would only cost time. */
const LABEL_SCAN = 512;

/** The host a word names when a reader could take it for a domain name ("google.com", "gооgle．com"), else null. */
function domainIn(word: string): string | null {
  const dotted = word.replace(DOTS, ".").replace(/^[.-]+|[.-]+$/g, "");
  const last = dotted.lastIndexOf(".");
  if (last <= 0 || !/^\p{L}{2,}$/u.test(dotted.slice(last + 1))) return null;
  try {
    return new URL(`http://${dotted}`).hostname;
  } catch {
    return dotted; // not a valid host, still reads like one
  }
}

/**
 * Whether `rawLabel` could pass for an address other than `url`'s: it holds a scheme or "www.", or a word that reads
 * as a domain name and is not the link's own host (or a parent of it: "example.com" for www.example.com is honest).
 * Linear in the label's length (it is read word by word, and only as far as a label can show).
 */
export function looksLikeOtherUrl(rawLabel: string, url: string): boolean {
  const label = rawLabel.slice(0, LABEL_SCAN);
  if (label.includes("://") || /www[.\u3002\uff0e\uff61]/iu.test(label)) return true;
  let target: string;
  try {
    target = new URL(url).hostname;
  } catch {
    return true;
  }
  for (const word of label.split(NOT_IN_DOMAIN)) {
    const host = domainIn(word);
    if (host !== null && target !== host && !target.endsWith(`.${host}`)) return true;
  }
  return false;
}

/**
 * `label` linked to `url` without a preview: a masked link `[label](<url>)` where Discord parses that reliably and
 * the label cannot pass for another address, else the label followed by `<url>`, so the address itself is what the
 * reader sees. `label` is already escaped.
 */
export function link(label: string, rawLabel: string, url: string, bold = false): string {
  const maskable = !/[[\]]/.test(rawLabel) && !looksLikeOtherUrl(rawLabel, url) && /^[^\s()<>[\]\\`|"']+$/.test(url);
  if (maskable) return `[${label}](<${url}>)`;
  return `${bold ? `**${label}**` : label} <${url}>`;
}

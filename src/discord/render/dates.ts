/** Dates as readers should see them. */
import { clipInline } from "./cut.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const ZONED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const UNZONED_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${day} ${MONTHS[month - 1] as string} ${year}`;
}

/**
 * A calendar date (`2024-03-05`) is written out ("5 Mar 2024"): a Discord timestamp shows an instant in each reader's
 * time zone, so midnight (or noon) UTC would show the wrong day somewhere, and a wrong date is a wrong citation. A
 * full timestamp with a zone is an instant, so it becomes `<t:…:D>` and Discord localises it. Anything else is shown
 * as given.
 */
export function renderDate(date: string | null, inferred = false): string | null {
  const raw = date?.trim();
  if (!raw) return null;
  let text: string | null = null;
  const dateOnly = DATE_ONLY.exec(raw) ?? UNZONED_TIMESTAMP.exec(raw)?.[1]?.match(DATE_ONLY) ?? null;
  const yearMonth = YEAR_MONTH.exec(raw);
  if (dateOnly) {
    text = calendarDate(Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]));
  } else if (ZONED_TIMESTAMP.test(raw)) {
    const ms = Date.parse(raw.replace(" ", "T"));
    if (Number.isFinite(ms)) text = `<t:${Math.floor(ms / 1000)}:D>`;
  } else if (yearMonth) {
    const month = Number(yearMonth[2]);
    if (month >= 1 && month <= 12) text = `${MONTHS[month - 1] as string} ${yearMonth[1] as string}`;
  } else if (/^\d{4}$/.test(raw)) {
    text = raw;
  }
  text ??= clipInline(raw, 40);
  return inferred ? `${text} (date inferred)` : text;
}

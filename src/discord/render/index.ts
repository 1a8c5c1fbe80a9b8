/**
 * Every string a user reads on Discord is rendered here, by pure functions from the core's plain data to message
 * payloads, each checked against Discord's limits (tests/discord/render/).
 */
export * from "./admin.js";
export * from "./components.js";
export * from "./feedback.js";
export * from "./passage.js";
export * from "./review.js";
export * from "./answer.js";
export { blockquote, clipInline, cutPoint, fitCode, fitQuote, type CodeCut, type FittedQuote } from "./cut.js";
export { renderDate } from "./dates.js";
export { renderDocument } from "./document.js";
export { escapeInline, escapeMarkdown, normalizeNewlines, unescapeMarkdown } from "./escape.js";
export * from "./help.js";
export { renderNotice } from "./notice.js";
export * from "./payload.js";
export { renderSearch } from "./search.js";
export { alsoReportedLine, attribution, choiceName, titleLink } from "./sources.js";
export * from "./mention.js";
export { REFUSALS } from "./refusals.js";

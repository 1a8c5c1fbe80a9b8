/**
 * tests/bot/admin.test.ts, every test of it, against PostgreSQL instead of the file store: the same commands, the same
 * answers, and its restart tests (documents, settings, audit trail, answers, votes, reports, pins, exclusions and the
 * buttons on old answers all survive) on a real server.
 */
import { runAgainst } from "../support/store-under-test.js";

runAgainst("postgres");
await import("./admin.test.js");

/**
 * Keeping processes in step: every change another process must see is announced with PostgreSQL's NOTIFY on one
 * channel, inside the transaction that makes it (so it is heard only once committed, and never for a change rolled
 * back). The payload names what changed and its version; each process LISTENs on a connection of its own, and a
 * listener that was cut off (the server restarted, the network dropped) reconnects with backoff and then asks every
 * store to catch up on what changed since the versions it holds, since notifications sent meanwhile are lost.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { PoolClient } from "./database.js";

export const CHANNEL = "verbatim";

/** What changed: a server's documents or settings, a scope's moderation or votes, or the bundled corpus. */
export type Notice =
  | { t: "guild"; g: string; v: number }
  | { t: "moderation"; s: string; v: number }
  | { t: "votes"; s: string; a: string; v: number }
  | { t: "corpus"; v: number };

/** Announces `notice` to every listening process once the transaction `client` is in commits. */
export async function announce(client: Pick<PoolClient, "query">, notice: Notice): Promise<void> {
  await client.query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify(notice)]);
}

function parseNotice(payload: string | undefined): Notice | null {
  try {
    const value = JSON.parse(payload ?? "") as Partial<Notice> & Record<string, unknown>;
    if (typeof value.v !== "number") return null;
    if (value.t === "guild" && typeof value.g === "string") return value as Notice;
    if (value.t === "moderation" && typeof value.s === "string") return value as Notice;
    if (value.t === "votes" && typeof value.s === "string" && typeof value.a === "string") return value as Notice;
    if (value.t === "corpus") return value as Notice;
  } catch {
    // not ours
  }
  return null;
}

export interface ChangeFeedOptions {
  /** First wait before reconnecting; doubled up to `maxReconnectMs`. Default 250 ms. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** Told when the listening connection fails and when it is back. */
  onStatus?: (status: { connected: boolean; error?: string; attempt?: number }) => void;
}

type Listener = (notice: Notice) => void;
type Resync = () => Promise<void>;

/** One process's LISTEN connection: hears notices, and after a reconnect has every store catch up. */
export class ChangeFeed {
  /** Shown in pg_stat_activity, so a test (or an operator) can find this connection. */
  readonly applicationName = `verbatim-listen-${randomBytes(4).toString("hex")}`;
  /** How many times the feed reconnected and had the stores catch up. */
  resyncs = 0;
  private client: pg.Client | null = null;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly resyncers = new Set<Resync>();

  private constructor(
    private readonly url: string,
    private readonly options: ChangeFeedOptions,
  ) {}

  /** Connects and LISTENs; rejects when the first connection fails (the caller says why and stops). */
  static async start(url: string, options: ChangeFeedOptions = {}): Promise<ChangeFeed> {
    const feed = new ChangeFeed(url, options);
    await feed.connect();
    return feed;
  }

  /** Hears every notice (its own process's included); returns a function that stops. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each reconnect, to catch up on what was missed; returns a function that stops. */
  onResync(resync: Resync): () => void {
    this.resyncers.add(resync);
    return () => this.resyncers.delete(resync);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.applicationName });
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL) return;
      const notice = parseNotice(message.payload);
      if (notice === null) return;
      for (const listener of this.listeners) listener(notice);
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = null;
    client.removeAllListeners("notification");
    void client.end().catch(() => undefined);
    this.options.onStatus?.({ connected: false, error: error.message });
    this.schedule();
  }

  private schedule(): void {
    const base = this.options.reconnectMs ?? 250;
    const max = this.options.maxReconnectMs ?? 10_000;
    const delay = Math.min(max, base * 2 ** this.attempt);
    this.attempt++;
    this.timer = setTimeout(() => void this.reconnect(), delay);
    this.timer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.connect();
    } catch (error) {
      this.options.onStatus?.({ connected: false, error: (error as Error).message, attempt: this.attempt });
      this.schedule();
      return;
    }
    this.attempt = 0;
    this.resyncs++;
    this.options.onStatus?.({ connected: true });
    // Notices sent while we were away are lost: every store compares versions and reloads what changed.
    for (const resync of this.resyncers) await resync().catch(() => undefined);
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

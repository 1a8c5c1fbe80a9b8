// HTTP rate limits as "Rate Limits" documents them (developers/topics/rate-limits.mdx):
//
// - per-route buckets, computed separately per top-level resource (channel, guild, or webhook
//   id + token), announced with X-RateLimit-Limit / -Remaining / -Reset / -Reset-After / -Bucket
//   (the bucket hash does not include the top-level resource, so every channel shares a hash but
//   has its own count);
// - 429 bodies `{message, retry_after (float seconds), global}` with Retry-After and
//   X-RateLimit-Scope (user, global, shared), X-RateLimit-Global on the global limit;
// - a global limit of 50 requests per second, which interaction endpoints are not bound to;
// - invalid requests (401, 403, and 429 other than scope shared) counted: 10,000 per 10 minutes,
//   then every request is refused for the rest of the window.
//
// Discord does not publish each route's numbers ("don't hard-code them"); tests set the limits
// they need with `setRoute`, or force a 429 on a channel, a route or globally with `block`.
import { createHash } from "node:crypto";

export interface BucketLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitOptions {
  /** Requests per second across the bot, interaction endpoints excepted (Discord: 50). */
  globalPerSecond?: number;
  /** The bucket every route has unless `routes` says otherwise (default 50 per second). */
  defaultBucket?: BucketLimit;
  /** Per-route buckets, keyed like "POST /channels/:channel/messages". */
  routes?: Record<string, BucketLimit>;
  /** Invalid requests allowed per 10 minutes before the loopback refuses everything (Discord: 10,000). */
  invalidRequestLimit?: number;
}

export type RateLimitScope = "user" | "shared" | "global";

export interface BlockOptions {
  /** Only requests whose top-level resource is this channel id. */
  channel?: string;
  /** Only this route, e.g. "POST /channels/:channel/messages". */
  route?: string;
  /** The global limit: every request not exempt from it. */
  global?: boolean;
  /** How long the 429s last (their retry_after counts down to the end). */
  forMs: number;
  /** X-RateLimit-Scope of the 429s (default "user"; "shared" for a busy resource). */
  scope?: Exclude<RateLimitScope, "global">;
}

/** What the HTTP layer needs to know about a request to rate-limit it. */
export interface RateLimitedRequest {
  /** "POST /channels/:channel/messages" */
  routeKey: string;
  params: Record<string, string>;
  /** Interaction callbacks and interaction webhooks: "not bound to the bot's Global Rate Limit". */
  interaction: boolean;
  /** The callback endpoint itself: no route bucket either (Discord sends none). */
  callback: boolean;
}

export interface RateLimitDecision {
  headers: Record<string, string>;
  /** Set when the request must be answered with this 429 instead. */
  reject?: { status: 429; body: { message: string; retry_after: number; global: boolean; code?: number } };
  /** A shared-scope 429 does not count as an invalid request. */
  shared?: boolean;
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

interface Block extends BlockOptions {
  until: number;
}

export interface RateLimitEvent {
  at: number;
  routeKey: string;
  major: string;
  scope: RateLimitScope;
  retryAfter: number;
}

const INVALID_WINDOW_MS = 10 * 60_000;

export class RateLimits {
  /** False: no 429s and a huge budget in the headers (what the loopback did before it modelled limits). */
  enabled = true;
  /** Every 429 sent, in order. */
  readonly log: RateLimitEvent[] = [];
  private readonly globalPerSecond: number;
  private readonly defaultBucket: BucketLimit;
  private readonly routes = new Map<string, BucketLimit>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly blocks: Block[] = [];
  private readonly invalidLimit: number;
  private globalWindow: number[] = [];
  private invalid: number[] = [];

  constructor(options: RateLimitOptions = {}) {
    this.globalPerSecond = options.globalPerSecond ?? 50;
    this.defaultBucket = options.defaultBucket ?? { limit: 50, windowMs: 1000 };
    this.invalidLimit = options.invalidRequestLimit ?? 10_000;
    for (const [key, limit] of Object.entries(options.routes ?? {})) this.routes.set(key, limit);
  }

  /** Sets (or, with null, resets to the default) the bucket of one route. */
  setRoute(routeKey: string, limit: BucketLimit | null): void {
    if (limit === null) this.routes.delete(routeKey);
    else this.routes.set(routeKey, limit);
    for (const key of [...this.buckets.keys()]) if (key.startsWith(`${routeKey}|`)) this.buckets.delete(key);
  }

  /** Answers matching requests with 429 for `forMs`; returns a function that lifts the block early. */
  block(options: BlockOptions): () => void {
    const block: Block = { ...options, until: Date.now() + options.forMs };
    this.blocks.push(block);
    return () => {
      const i = this.blocks.indexOf(block);
      if (i !== -1) this.blocks.splice(i, 1);
    };
  }

  /** Invalid requests (401, 403, non-shared 429) in the last 10 minutes. */
  get invalidRequests(): number {
    this.invalid = this.invalid.filter((t) => t > Date.now() - INVALID_WINDOW_MS);
    return this.invalid.length;
  }

  /** Counts a response toward the invalid-request limit when Discord would. */
  recordStatus(status: number, shared: boolean): void {
    if (status === 401 || status === 403 || (status === 429 && !shared)) this.invalid.push(Date.now());
  }

  /** Decides a request: the headers to send, and a 429 if it must be refused. Counts it if it goes through. */
  take(req: RateLimitedRequest): RateLimitDecision {
    const now = Date.now();
    const major = majorOf(req.params);
    const hash = createHash("md5").update(req.routeKey).digest("hex").slice(0, 32);
    const rule = this.routes.get(req.routeKey) ?? this.defaultBucket;
    const key = `${req.routeKey}|${major}`;
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { remaining: rule.limit, resetAt: now + rule.windowMs };
      this.buckets.set(key, bucket);
    }
    const routeHeaders = (remaining: number): Record<string, string> =>
      req.callback
        ? {}
        : {
            "x-ratelimit-limit": String(rule.limit),
            "x-ratelimit-remaining": String(Math.max(0, remaining)),
            "x-ratelimit-reset": (bucket.resetAt / 1000).toFixed(3),
            "x-ratelimit-reset-after": (Math.max(0, bucket.resetAt - now) / 1000).toFixed(3),
            "x-ratelimit-bucket": hash,
          };
    if (!this.enabled) {
      return {
        headers: req.callback
          ? {}
          : {
              "x-ratelimit-limit": "1000",
              "x-ratelimit-remaining": "999",
              "x-ratelimit-reset": ((now + 1000) / 1000).toFixed(3),
              "x-ratelimit-reset-after": "1.000",
              "x-ratelimit-bucket": hash,
            },
      };
    }
    const refuse = (scope: RateLimitScope, untilMs: number, message?: string): RateLimitDecision => {
      const retryAfter = Math.max(0.001, (untilMs - now) / 1000);
      this.log.push({ at: now, routeKey: req.routeKey, major, scope, retryAfter });
      const global = scope === "global";
      return {
        headers: {
          ...(global ? {} : routeHeaders(bucket.remaining)),
          "retry-after": String(Math.ceil(retryAfter)),
          "x-ratelimit-scope": scope,
          ...(global ? { "x-ratelimit-global": "true" } : {}),
        },
        reject: {
          status: 429,
          body: {
            message:
              message ?? (scope === "shared" ? "The resource is being rate limited." : "You are being rate limited."),
            retry_after: Number(retryAfter.toFixed(3)),
            global,
          },
        },
        shared: scope === "shared",
      };
    };

    // Too many invalid requests: refused until the oldest leaves the 10-minute window.
    if (this.invalidRequests >= this.invalidLimit) {
      return refuse(
        "global",
        (this.invalid[0] ?? now) + INVALID_WINDOW_MS,
        "You are being blocked from accessing our API temporarily due to exceeding our rate limits frequently.",
      );
    }
    this.blocks.splice(0, this.blocks.length, ...this.blocks.filter((b) => b.until > now));
    for (const b of this.blocks) {
      if (b.global) {
        if (!req.interaction) return refuse("global", b.until);
        continue;
      }
      if (b.channel !== undefined && req.params.channel !== b.channel) continue;
      if (b.route !== undefined && b.route !== req.routeKey) continue;
      return refuse(b.scope ?? "user", b.until);
    }
    if (!req.interaction) {
      this.globalWindow = this.globalWindow.filter((t) => t > now - 1000);
      if (this.globalWindow.length >= this.globalPerSecond)
        return refuse("global", (this.globalWindow[0] ?? now) + 1000);
      this.globalWindow.push(now);
    }
    if (!req.callback) {
      if (bucket.remaining <= 0) return refuse("user", bucket.resetAt);
      bucket.remaining--;
    }
    return { headers: routeHeaders(bucket.remaining) };
  }
}

/** The top-level resource of a request: its channel, guild, or webhook id + token. */
function majorOf(params: Record<string, string>): string {
  if (params.channel) return `channel:${params.channel}`;
  if (params.guild) return `guild:${params.guild}`;
  if (params.app && params.token) return `webhook:${params.app}/${params.token}`;
  return "global";
}

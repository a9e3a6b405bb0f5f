/**
 * A small in-memory rate limiter: one token bucket per client address and kind of request
 * (reads: GET, HEAD, OPTIONS; writes: everything else). A bucket holds up to `burst` tokens and
 * refills at `perMinute`; a request takes a token or is answered 429 with Retry-After.
 *
 * Limits are PER API REPLICA: each process counts on its own, so N replicas behind a load
 * balancer let a client through up to N times the limit. That is enough to make guessing task
 * tokens (256 bits) and hammering the pages pointless; a shared limit would need a shared store.
 *
 * The client address is the socket's peer, unless `trustProxy` says the API sits behind reverse
 * proxies: then it is read from X-Forwarded-For, counting `trustProxy` entries from the right
 * (true = 1, the address our own proxy saw). Entries further left are written by the client and
 * could be anything, so they are never used. IPv6 clients are counted per /64 network (one host
 * usually owns a whole /64). Requests whose address cannot be known share one bucket.
 *
 * Requests from the machine itself (127.0.0.0/8, ::1) are not limited unless `limitLoopback`:
 * local tools, probes, the embedded mode's own tests. A reverse proxy on the same host must
 * therefore be trusted (`trustProxy`), or every client looks like loopback and none is limited
 * (the alternative, every client sharing the proxy's one bucket, would lock everyone out).
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { isIP } from 'node:net';
import { ErrorCode } from '../contract';
import { errorBody } from './errors';

export interface BucketLimit {
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
  /** Bucket size: requests allowed at once after a quiet period. */
  burst: number;
}

export interface RateLimitOptions {
  /** GET, HEAD and OPTIONS. Default 60/minute, burst 30. */
  read?: BucketLimit;
  /** POST and other writes. Default 20/minute, burst 20. */
  write?: BucketLimit;
  /** Behind reverse proxies: how many (true = 1). Off by default: X-Forwarded-For is ignored. */
  trustProxy?: boolean | number;
  /** Limit loopback clients too (see the module comment). Default false. */
  limitLoopback?: boolean;
  /** Buckets kept in memory before the least recently used are dropped. Default 10,000. */
  maxClients?: number;
  /** The clock (tests). */
  now?: () => number;
  /** The 429 answer; the middleware adds Retry-After. Default: the JSON error envelope. */
  onLimited?: (c: Context, retryAfterSeconds: number) => Response | Promise<Response>;
}

export const DEFAULT_READ_LIMIT: BucketLimit = { perMinute: 60, burst: 30 };
export const DEFAULT_WRITE_LIMIT: BucketLimit = { perMinute: 20, burst: 20 };

/** The key of requests whose address is unknown (e.g. `app.request()` in tests). */
export const UNKNOWN_CLIENT = 'unknown';

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key, least recently used first, bounded in number. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: BucketLimit,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit.perMinute > 0) || !(limit.burst >= 1)) throw new Error('a rate limit needs perMinute > 0 and burst >= 1');
    this.perMs = limit.perMinute / 60_000;
  }

  /** Takes a token: 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const found = this.buckets.get(key);
    const bucket = found ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
    bucket.at = now;
    // Re-insert to keep the map in least-recently-used order.
    if (found) this.buckets.delete(key);
    else this.evict();
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops the least recently used tenth when full (a dropped client just starts with a full bucket). */
  private evict(): void {
    if (this.buckets.size < this.maxKeys) return;
    let drop = Math.max(1, Math.floor(this.maxKeys / 10));
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** The address to count a request against (see the module comment). */
export function clientKey(c: Context, trustProxy: boolean | number = false): string {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : Math.max(0, Math.floor(trustProxy));
  if (hops > 0) {
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const forwarded = chain.length ? chain[Math.max(0, chain.length - hops)] : undefined;
    const key = forwarded ? normalizeAddress(forwarded) : undefined;
    if (key) return key;
  }
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    address = undefined; // not served by @hono/node-server (app.request() in tests)
  }
  return (address && normalizeAddress(address)) || UNKNOWN_CLIENT;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; IPv6 → its /64 (but ::1 stays ::1); anything else that is not an address → undefined. */
export function normalizeAddress(address: string): string | undefined {
  let a = address.trim();
  if (a.startsWith('[') && a.includes(']'))
    a = a.slice(1, a.indexOf(']')); // "[::1]:443"
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':')); // "1.2.3.4:5678"
  a = a.replace(/%.*$/, ''); // zone id
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  const version = isIP(a);
  if (version === 4) return a;
  if (version !== 6) return undefined;
  if (/^(0{0,4}:){2,7}0{0,3}1$/.test(a) || a === '::1') return '::1'; // loopback stays itself, not its /64
  const [head = '', tail] = a.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A key from `clientKey` that is the machine itself. */
export const isLoopback = (key: string) => /^127\.\d+\.\d+\.\d+$/.test(key) || key === '::1';

/** The middleware. Every request counts, whatever its answer (unknown links included). */
export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler {
  const reads = new TokenBuckets(options.read ?? DEFAULT_READ_LIMIT, options.maxClients, options.now);
  const writes = new TokenBuckets(options.write ?? DEFAULT_WRITE_LIMIT, options.maxClients, options.now);
  const onLimited =
    options.onLimited ??
    ((c: Context, seconds: number) =>
      c.json(errorBody(ErrorCode.rateLimited, `too many requests; try again in ${seconds} second${seconds === 1 ? '' : 's'}`), 429));
  return async (c, next) => {
    const key = clientKey(c, options.trustProxy ?? false);
    if (!options.limitLoopback && isLoopback(key)) return next();
    const buckets = READ_METHODS.has(c.req.method) ? reads : writes;
    const waitMs = buckets.take(key);
    if (waitMs === 0) return next();
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const res = await onLimited(c, seconds);
    res.headers.set('Retry-After', String(seconds));
    return res;
  };
}

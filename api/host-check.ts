/**
 * The Host allow-list of the embedded mode. A page on another site can rebind its own name to
 * 127.0.0.1 (DNS rebinding) and then read same-origin responses from a loopback server; the one
 * thing it cannot change is the Host header, which still names the attacker's site. So the dev
 * pages (/dev/mailbox…), and the whole API when it is bound to loopback, answer only requests for
 * localhost, 127.0.0.1 or [::1] on our port, or for PUBLIC_BASE_URL's host; anything else is 421.
 */
import type { MiddlewareHandler } from 'hono';

const LOOPBACK_BIND = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackBind(host: string): boolean {
  return LOOPBACK_BIND.has(host.toLowerCase()) || /^127\./.test(host);
}

/** `host[:port]` values a request may name (lower case). */
export function allowedHosts(port: number, publicBaseUrl: string): Set<string> {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  const allowed = new Set(names.map((n) => `${n}:${port}`));
  if (port === 80) for (const n of names) allowed.add(n);
  const pub = new URL(publicBaseUrl);
  allowed.add(pub.host.toLowerCase());
  if (!pub.port) allowed.add(`${pub.hostname.toLowerCase()}:${pub.protocol === 'https:' ? 443 : 80}`);
  return allowed;
}

function misdirected(): Response {
  return new Response(JSON.stringify({ error: { code: 'FORBIDDEN', message: 'this server does not answer for that Host' } }), {
    status: 421,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    },
  });
}

const hostOk = (allowed: Set<string>, host: string | null | undefined) => typeof host === 'string' && allowed.has(host.trim().toLowerCase());

/** For a router (the dev mailbox). */
export function hostCheck(allowed: Set<string>): MiddlewareHandler {
  return async (c, next) => {
    if (!hostOk(allowed, c.req.header('host'))) return misdirected();
    await next();
  };
}

type Fetch = (req: Request, ...rest: any[]) => Response | Promise<Response>;

/**
 * For the whole server, in front of the app. Everything the server passes besides the request
 * (its env: the socket that rate limits and logs read the client address from) goes through.
 */
export function guardHost<F extends Fetch>(fetch: F, allowed: Set<string>): F {
  return ((req: Request, ...rest: unknown[]) => (hostOk(allowed, req.headers.get('host')) ? fetch(req, ...rest) : misdirected())) as F;
}

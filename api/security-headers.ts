/**
 * Security headers for every response (JSON routes, /docs, the task pages, the dev mailbox):
 * Hono's `secure-headers` with framing denied. A router that sets its own Content-Security-Policy
 * (the task pages, /docs, the dev mailbox) keeps it — `overwrite: false` — and every other
 * response gets a policy that allows nothing, so no HTML page can ever be framed.
 */
import { secureHeaders } from 'hono/secure-headers';

/** For responses whose router did not set a policy: nothing may load, nothing may frame them. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeaders() {
  return secureHeaders({
    overwrite: false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  });
}

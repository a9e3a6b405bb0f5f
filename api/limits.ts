/**
 * What the app refuses before any route runs, each with the JSON error shape:
 * - bodies larger than the route's limit (413), counted while they stream in, so a huge body is
 *   never buffered: task links get a small limit, the people import (API and console) a larger one;
 * - text in the URL (path or query) that PostgreSQL could not store (400 with the field);
 * - methods a path does not support (405 with `Allow`), told apart from unknown paths (404).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LinearRouter } from 'hono/router/linear-router';
import { ErrorCode, UNSTORABLE_TEXT_MESSAGE, isStorableText } from '../contract';
import { validationError } from '../core/errors';
import { errorBody } from './errors';

export interface BodyLimits {
  /** `/t/…`: one person's submission. */
  taskLink: number;
  /** `POST /api/people`: a whole organisation as JSON or CSV. */
  peopleImport: number;
  /** Every other route. */
  other: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { taskLink: 64 * 1024, peopleImport: 16 * 1024 * 1024, other: 1024 * 1024 };

function tooLarge(limit: number) {
  return (c: Context) => {
    // Closing the connection spares the server from reading the rest of a body it refused.
    c.header('Connection', 'close');
    return c.json(errorBody(ErrorCode.payloadTooLarge, `the request body is larger than ${limit} bytes`), 413);
  };
}

/** One limit per request, chosen by its path (only one of them applies, the route's own). */
export function bodyLimits(limits: BodyLimits): MiddlewareHandler {
  const make = (maxSize: number) => bodyLimit({ maxSize, onError: tooLarge(maxSize) });
  const taskLink = make(limits.taskLink);
  const peopleImport = make(limits.peopleImport);
  const other = make(limits.other);
  return (c, next) => {
    const path = c.req.path;
    if (path === '/t' || path.startsWith('/t/')) return taskLink(c, next);
    if (path === '/api/people' || path === '/api/people/' || path === '/api/people/preview' || path.startsWith('/console/people/import'))
      return peopleImport(c, next);
    return other(c, next);
  };
}

/** 400 when the path or a query parameter holds U+0000 or broken Unicode, naming where. */
export function storableUrlText(): MiddlewareHandler {
  return async (c, next) => {
    const issues: { path: string; message: string }[] = [];
    if (!isStorableText(c.req.path)) issues.push({ path: 'path', message: UNSTORABLE_TEXT_MESSAGE });
    for (const [name, values] of Object.entries(c.req.queries())) {
      const field = isStorableText(name) ? name : '(a parameter name)';
      if (!isStorableText(name) || values.some((v) => !isStorableText(v))) issues.push({ path: `query.${field}`, message: UNSTORABLE_TEXT_MESSAGE });
    }
    if (issues.length) {
      const err = validationError(issues, 'the request URL');
      return c.json(errorBody(err.code, err.message, err.details), 400);
    }
    await next();
  };
}

const IMPLICIT: Record<string, string[]> = { GET: ['HEAD'] };

/**
 * The app's not-found handler: 405 with `Allow` when the path exists for other methods, else
 * 404. `routes` is read on first use, when every router has been mounted.
 */
export function notFoundOrNotAllowed(routes: () => readonly { method: string; path: string }[]) {
  let router: LinearRouter<string> | undefined;
  const methodsFor = (path: string): string[] => {
    if (!router) {
      router = new LinearRouter<string>();
      for (const r of routes()) if (r.method !== 'ALL') router.add('ALL', r.path, `${r.method.toUpperCase()} ${r.path}`);
    }
    const found = new Set<string>();
    const matches = (router.match('ALL', path)[0] as [string, unknown][]).map(([value]) => value.split(' ') as [string, string]);
    // A path spelled out (/api/cycles/preview) is not also the parameterised one (/api/cycles/:key).
    const exact = matches.filter(([, routePath]) => routePath === path);
    for (const [method] of exact.length ? exact : matches) {
      found.add(method);
      for (const extra of IMPLICIT[method] ?? []) found.add(extra);
    }
    return [...found];
  };
  return (c: Context) => {
    const shown = c.req.path.startsWith('/t/') ? '/t/…' : c.req.path;
    const allowed = methodsFor(c.req.path);
    if (allowed.length && !allowed.includes(c.req.method)) {
      const allow = [...allowed, 'OPTIONS'].join(', ');
      if (c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: allow });
      return c.json(errorBody(ErrorCode.methodNotAllowed, `${c.req.method} is not supported on ${shown}; use ${allowed.join(', ')}`), 405, { Allow: allow });
    }
    return c.json(errorBody(ErrorCode.notFound, `no route for ${c.req.method} ${shown}`), 404);
  };
}

/**
 * Files the pages load (one script, one style sheet), served under /assets/ by a name that
 * carries the content's hash, so they can be cached for a year and a new version is a new URL.
 * Read once at start; the pages' Content-Security-Policy allows scripts and styles from 'self' only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';

const FILES = { 'task-page.js': 'text/javascript; charset=utf-8', 'task-page.css': 'text/css; charset=utf-8' } as const;
export type AssetName = keyof typeof FILES;

interface Asset {
  body: string;
  type: string;
  path: string;
}

const assets = new Map<AssetName, Asset>();
const byPath = new Map<string, Asset>();
for (const [name, type] of Object.entries(FILES) as [AssetName, string][]) {
  const body = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  const asset = { body, type, path: `/assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}` };
  assets.set(name, asset);
  byPath.set(asset.path, asset);
}

/** The URL path of an asset ("/assets/task-page.3f2a….js"). */
export function assetPath(name: AssetName): string {
  return assets.get(name)!.path;
}

/** Serves the assets; any other name under /assets/ is a 404. */
export function assetRoutes() {
  const app = new Hono();
  app.get('/:file', (c) => {
    const asset = byPath.get(`/assets/${c.req.param('file')}`);
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}

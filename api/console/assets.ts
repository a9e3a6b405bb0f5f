/**
 * The console's static files: every .css and .js file in api/console/assets/, served under
 * /console/assets/<name> (the CSP allows scripts and styles from our own origin only). Read once
 * at start-up; a name that is not one of those files is 404.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';

export const ASSETS_DIR = join(__dirname, 'assets');

const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

export function assetRoutes(dir = ASSETS_DIR) {
  const files = new Map<string, { body: string; type: string }>();
  for (const name of readdirSync(dir)) {
    const ext = /\.(css|js)$/.exec(name)?.[1];
    if (ext) files.set(name, { body: readFileSync(join(dir, name), 'utf8'), type: TYPES[ext]! });
  }
  const app = new Hono();
  app.get('/:name', (c) => {
    const file = files.get(c.req.param('name'));
    if (!file) return c.text('not found', 404);
    return c.body(file.body, 200, { 'content-type': file.type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  });
  return app;
}

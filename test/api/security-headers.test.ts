/**
 * Security headers on the running application (embedded mail mode, so the dev mailbox is mounted):
 * JSON routes, /docs, the task pages and the mailbox, each read over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, freePort, startTestStack } from '../support/stack';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ database: 'postgres', env: { SMTP_URL: '', MAILBOX_PORT: String(await freePort()), INBOUND_SMTP_PORT: '0' } });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.base}${path}`, { headers });

describe('security headers', () => {
  it('every response carries secure-headers, and no page can be framed', async () => {
    for (const path of ['/healthz', '/openapi.json', '/docs', '/t/not-a-token', '/dev/mailbox', '/dev/mailbox/messages.json', '/no-such-route']) {
      const res = await get(path, { accept: 'text/html' });
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('the task pages and the mailbox keep their own strict policies', async () => {
    const task = (await get('/t/not-a-token', { accept: 'text/html' })).headers.get('content-security-policy');
    expect(task).toBe("default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    const mailbox = (await get('/dev/mailbox')).headers.get('content-security-policy');
    expect(mailbox).toContain("default-src 'none'");
    expect(mailbox).not.toContain('script-src');
  });

  it('/docs runs Swagger UI from our own files, without keeping the API key in localStorage', async () => {
    const page = await get('/docs');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    const html = await page.text();
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      expect(src[1]).toMatch(/^\/docs\/assets\//);
      expect((await get(src[1]!)).status, src[1]).toBe(200);
    }
    const init = await (await get('/docs/assets/init.js')).text();
    expect(init).toContain('persistAuthorization: false');
    expect(init).not.toContain('persistAuthorization: true');
  });
});

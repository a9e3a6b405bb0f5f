/**
 * The embedded mode (`npm start` without SMTP_URL, PGlite under DATA_DIR) against local attackers:
 * DNS rebinding (a foreign Host), other users reading DATA_DIR, forged mail into the catcher.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync, mkdtempSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, freePort, startTestStack } from '../support/stack';

let t: TestStack;
let dataDir: string;
let mailboxPort: number;

function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    out.push({ path: p, dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return out;
}

/** A GET with the Host header a rebound browser would send (fetch does not let one set Host). */
function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // An existing DATA_DIR from an earlier version: world-readable directory and files.
  dataDir = mkdtempSync(join(tmpdir(), 'okr-embedded-'));
  chmodSync(dataDir, 0o755);
  mkdirSync(join(dataDir, 'mailbox'), { mode: 0o755 });
  chmodSync(join(dataDir, 'mailbox'), 0o755);
  writeFileSync(join(dataDir, 'mailbox', '1700000000000-000001-abcdef.eml'), 'Subject: old\r\n\r\nhttp://localhost/t/secret\r\n', { mode: 0o644 });
  chmodSync(join(dataDir, 'mailbox', '1700000000000-000001-abcdef.eml'), 0o644);
  mailboxPort = await freePort();
  t = await startTestStack({
    database: 'pglite',
    reuse: { dataDir, taskQueue: `okr-embedded-${Date.now()}`, port: await freePort() },
    env: { SMTP_URL: '', MAILBOX_PORT: String(mailboxPort), INBOUND_SMTP_PORT: '0' },
  });
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

describe('embedded mode', () => {
  it('answers only for its own names: a rebound foreign Host gets 421 on the mailbox and the API', async () => {
    const port = t.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const res = await getWithHost('/dev/mailbox/messages.json', host);
      expect(res.status, host).toBe(200);
    }
    for (const path of ['/dev/mailbox/messages.json', '/dev/mailbox', '/healthz', '/api/cycles']) {
      for (const host of [`evil.example:${port}`, 'localhost', `127.0.0.1:${port + 1}`]) {
        const res = await getWithHost(path, host);
        expect(res.status, `${path} ${host}`).toBe(421);
        expect(res.body).not.toContain('/t/');
      }
    }
  });

  it('keeps DATA_DIR private: directories 0700 and files 0600, existing ones fixed at start', () => {
    const all = modes(dataDir);
    expect(all.some((e) => e.path.endsWith('.eml'))).toBe(true);
    expect(all.some((e) => e.path.includes('pglite') && !e.dir)).toBe(true);
    const wrong = all.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(wrong).toEqual([]);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('the catcher refuses mail without the run’s credentials; the app’s own mail still arrives', async () => {
    const catcher = t.stack.mailCatcher!;
    const forged = createTransport({ host: '127.0.0.1', port: mailboxPort, secure: false, ignoreTLS: true });
    await expect(
      forged.sendMail({ from: 'okr@localhost', to: 'ana@example.com', subject: 'Open your task', text: 'http://evil.example/t/x' }),
    ).rejects.toMatchObject({ responseCode: 530 });
    const guessed = createTransport({ host: '127.0.0.1', port: mailboxPort, secure: false, ignoreTLS: true, auth: { user: 'okr', pass: 'guess' } });
    await expect(guessed.sendMail({ from: 'okr@localhost', to: 'ana@example.com', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 535 });
    expect(catcher.messages().filter((m) => m.subject === 'Open your task')).toEqual([]);

    // The app's own sending: people and a cycle through the API, the strategy task email arrives.
    expect(
      (await t.api('/api/people', { method: 'POST', json: [{ email: 'exec@example.com', name: 'Exe Cutive', roles: ['executive', 'hr'] }] })).status,
    ).toBeLessThan(300);
    const start = await t.api('/api/cycles', {
      method: 'POST',
      json: { key: 'EMB-1', title: 'Embedded', startsOn: '2027-01-04', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
    });
    expect(start.status, await start.clone().text()).toBeLessThan(300);
    const mails = await catcher.waitFor((all) => all.some((m) => m.envelopeTo.includes('exec@example.com')), 60_000);
    expect(mails.length).toBeGreaterThan(0);
  }, 90_000);
});

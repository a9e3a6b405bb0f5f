import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../../mail/catcher';
import { createMailboxRouter } from '../../mail/mailbox-routes';
import { wallClock } from '../../contract';

const open: MailCatcher[] = [];
const tempDirs: string[] = [];

async function start(options: Parameters<typeof startMailCatcher>[0] = {}): Promise<MailCatcher> {
  const catcher = await startMailCatcher(options);
  open.push(catcher);
  return catcher;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mail-catcher-'));
  tempDirs.push(dir);
  return dir;
}

function transport(catcher: MailCatcher, extra: Record<string, unknown> = {}) {
  return createTransport({
    host: '127.0.0.1',
    port: catcher.port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    ...extra,
  });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('mail catcher (SMTP)', () => {
  it('listens on a random loopback port', async () => {
    const catcher = await start();
    expect(catcher.host).toBe('127.0.0.1');
    expect(catcher.port).toBeGreaterThan(0);
    expect(catcher.messages()).toEqual([]);
  });

  it('parses a message sent with nodemailer', async () => {
    const catcher = await start();
    const info = await transport(catcher).sendMail({
      from: '"OKR Bot" <okr@example.com>',
      to: 'Alice Example <alice@example.com>',
      subject: 'Set your Q3 objectives — ünïcode',
      text: 'Hello Alice,\nplease open https://okr.example.com/t/abc?x=1&y=2 today.',
      html: '<p>Hello <b>Alice</b></p>',
      messageId: '<q3-alice-1@okr.example.com>',
      headers: { 'X-Okr-Task': 'task-42' },
    });
    expect(info.accepted).toEqual(['alice@example.com']);

    // acknowledged only once stored: no waiting needed
    const all = catcher.messages();
    expect(all).toHaveLength(1);
    const m = all[0]!;
    expect(m.id).toMatch(/^\d{13}-\d{6}-[0-9a-f]{6}$/);
    expect(info.response).toContain(m.id);
    expect(m.subject).toBe('Set your Q3 objectives — ünïcode');
    expect(m.text).toBe('Hello Alice,\nplease open https://okr.example.com/t/abc?x=1&y=2 today.');
    expect(m.html).toBe('<p>Hello <b>Alice</b></p>');
    expect(m.to).toBe('"Alice Example" <alice@example.com>');
    expect(m.from).toBe('"OKR Bot" <okr@example.com>');
    expect(m.messageId).toBe('<q3-alice-1@okr.example.com>');
    expect(m.headers['message-id']).toBe('<q3-alice-1@okr.example.com>');
    expect(m.headers['x-okr-task']).toBe('task-42');
    expect(m.headers['subject']).toBe('Set your Q3 objectives — ünïcode');
    expect(m.headers['date']).toMatch(/\d{4} \d\d:\d\d:\d\d/);
    expect(m.envelopeFrom).toBe('okr@example.com');
    expect(m.envelopeTo).toEqual(['alice@example.com']);
    expect(m.raw).toContain('Message-ID: <q3-alice-1@okr.example.com>');
    expect(Date.parse(m.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(catcher.get(m.id)).toBe(m);
    expect(catcher.get('nope')).toBeUndefined();
  });

  it('text-only message has html null; multiple recipients in envelope', async () => {
    const catcher = await start();
    await transport(catcher).sendMail({
      from: 'okr@example.com',
      to: ['a@example.com', 'b@example.com'],
      cc: 'c@example.com',
      subject: 'plain',
      text: 'just text',
    });
    const m = catcher.messages()[0]!;
    expect(m.html).toBeNull();
    expect(m.text).toBe('just text\n');
    expect(m.to).toBe('a@example.com, b@example.com');
    expect(m.headers['cc']).toBe('c@example.com');
    expect(m.envelopeTo).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('CR/LF and "Bcc:" in a display name do not create a Bcc header or extra recipient', async () => {
    const catcher = await start();
    const info = await transport(catcher).sendMail({
      from: 'okr@example.com',
      to: { name: 'Mallory\r\nBcc: victim@evil.example\r\n', address: 'mallory@example.com' },
      subject: 'header injection',
      text: 'x',
    });
    expect(info.accepted).toEqual(['mallory@example.com']);
    const m = catcher.messages()[0]!;
    expect(m.envelopeTo).toEqual(['mallory@example.com']);
    expect(m.headers['bcc']).toBeUndefined();
    expect(Object.keys(m.headers)).not.toContain('bcc');
    expect(m.raw).not.toMatch(/^bcc:/im);
    // the name survives as text, flattened to one line
    expect(m.to).toBe('"Mallory Bcc: victim@evil.example " <mallory@example.com>');
    expect(m.headers['to']).toBe(m.to);
  });

  it('waitFor resolves when the predicate holds and times out with a clear error', async () => {
    const catcher = await start();
    const t = transport(catcher);
    const waiting = catcher.waitFor((all) => all.some((m) => m.subject === 'second'), 5000);
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'first', text: '1' });
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'second', text: '2' });
    const all = await waiting;
    expect(all.map((m) => m.subject)).toEqual(['first', 'second']);

    const started = Date.now();
    await expect(catcher.waitFor((all) => all.length >= 3, 150)).rejects.toThrow(
      /waitFor timed out after 150 ms: predicate not satisfied; 2 message\(s\) seen/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("setRefuse('connect') makes sendMail reject until setRefuse('none')", async () => {
    const catcher = await start();
    const t = transport(catcher);
    catcher.setRefuse('connect');
    const err = await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'during outage', text: 'x' }).then(
      () => null,
      (e: unknown) => e as { responseCode?: number; message: string },
    );
    expect(err).not.toBeNull();
    expect(err!.responseCode).toBe(421);
    expect(catcher.messages()).toHaveLength(0);

    catcher.setRefuse('none');
    const info = await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'after outage', text: 'x' });
    expect(info.accepted).toEqual(['b@example.com']);
    expect(catcher.messages().map((m) => m.subject)).toEqual(['after outage']);
  });

  it("setRefuse('connect') also fails already-open pooled connections", async () => {
    const catcher = await start();
    const pool = transport(catcher, { pool: true, maxConnections: 1 });
    try {
      await pool.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'warm', text: 'x' });
      catcher.setRefuse('connect');
      await expect(pool.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'cold', text: 'x' })).rejects.toMatchObject({
        responseCode: 421,
      });
      catcher.setRefuse('none');
      await pool.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'back', text: 'x' });
      expect(catcher.messages().map((m) => m.subject)).toEqual(['warm', 'back']);
    } finally {
      pool.close();
    }
  });

  it("setRefuse('permfail') gives a 5xx and 'tempfail' a 4xx", async () => {
    const catcher = await start();
    const t = transport(catcher);
    catcher.setRefuse('permfail');
    const perm = await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'perm', text: 'x' }).then(
      () => null,
      (e: unknown) => e as { responseCode?: number },
    );
    expect(perm).not.toBeNull();
    expect(perm!.responseCode).toBeGreaterThanOrEqual(500);
    expect(perm!.responseCode).toBe(550);

    catcher.setRefuse('tempfail');
    const temp = await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'temp', text: 'x' }).then(
      () => null,
      (e: unknown) => e as { responseCode?: number },
    );
    expect(temp!.responseCode).toBe(451);
    expect(catcher.messages()).toHaveLength(0);

    catcher.setRefuse('none');
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'ok', text: 'x' });
    expect(catcher.messages()).toHaveLength(1);
    expect(() => catcher.setRefuse('bogus' as never)).toThrow(/unknown refuse mode/);
  });

  it('persists to dir and reloads the mailbox on restart', async () => {
    const dir = await tempDir();
    const first = await startMailCatcher({ dir });
    const t = transport(first);
    for (const subject of ['one', 'two', 'three']) {
      await t.sendMail({ from: 'okr@example.com', to: `${subject}@example.com`, subject, text: `body ${subject}`, html: `<i>${subject}</i>` });
    }
    const before = first.messages();
    await first.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml')).sort()).toEqual(before.map((m) => `${m.id}.eml`));

    const second = await start({ dir });
    const after = second.messages();
    expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(after.map((m) => m.subject)).toEqual(['one', 'two', 'three']);
    expect(after[1]).toEqual(before[1]); // envelope, receivedAt, raw, parsed fields all survive
    expect(second.get(before[2]!.id)?.html).toBe('<i>three</i>');

    // new messages sort after the reloaded ones
    await transport(second).sendMail({ from: 'okr@example.com', to: 'four@example.com', subject: 'four', text: 'x' });
    const ids = second.messages().map((m) => m.id);
    expect(ids).toEqual([...ids].sort());
    expect(second.messages().map((m) => m.subject)).toEqual(['one', 'two', 'three', 'four']);

    // clear() empties the directory too
    second.clear();
    expect(second.messages()).toEqual([]);
    await second.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml'))).toEqual([]);
  });

  it('keeps only the newest maxMessages', async () => {
    const dir = await tempDir();
    const catcher = await start({ maxMessages: 3, dir });
    const t = transport(catcher);
    for (let i = 1; i <= 5; i++) {
      await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: `m${i}`, text: 'x' });
    }
    expect(catcher.messages().map((m) => m.subject)).toEqual(['m3', 'm4', 'm5']);
    await catcher.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.eml'))).toHaveLength(3);
  });

  it('accepts ~1,000 small messages/s from a pool of 5 connections', async () => {
    const catcher = await start();
    const pool = transport(catcher, { pool: true, maxConnections: 5, maxMessages: Infinity });
    const n = 1000;
    try {
      // warm up connections and JIT, then measure
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => pool.sendMail({ from: 'okr@example.com', to: `w${i}@example.com`, subject: `warm ${i}`, text: 'w' })),
      );
      catcher.clear();
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          pool.sendMail({ from: 'okr@example.com', to: `p${i}@example.com`, subject: `load ${i}`, text: `message ${i}`, html: `<p>${i}</p>` }),
        ),
      );
      const elapsed = Date.now() - started;
      expect(results).toHaveLength(n);
      const all = await catcher.waitFor((m) => m.length >= n, 5000);
      expect(new Set(all.map((m) => m.id)).size).toBe(n);
      expect(new Set(all.map((m) => m.subject)).size).toBe(n);
      // ~1,000/s target; generous bound so a loaded CI machine does not flake
      expect(elapsed).toBeLessThan(6000);
    } finally {
      pool.close();
    }
  }, 20_000);
});

describe('mailbox router', () => {
  async function setup() {
    const catcher = await start();
    const app = new Hono().route('/dev/mailbox', createMailboxRouter(catcher, { basePath: '/dev/mailbox' }));
    return { catcher, app, t: transport(catcher) };
  }

  it('shows each time in the recipient’s own zone, UTC when they chose none', async () => {
    const catcher = await start();
    const zones = async (emails: string[]) => new Map(emails.filter((e) => e === 'wang@example.com').map((e) => [e, 'Asia/Shanghai']));
    const app = new Hono().route('/dev/mailbox', createMailboxRouter(catcher, { basePath: '/dev/mailbox', timeZoneOf: zones }));
    const t = transport(catcher);
    await t.sendMail({ from: 'a@example.com', to: 'wang@example.com', subject: 'to Wang', text: 'x' });
    await t.sendMail({ from: 'a@example.com', to: 'eva@example.com', subject: 'to Eva', text: 'x' });
    const [toWang, toEva] = catcher.messages();
    const wall = (iso: string, timeZone: string) => wallClock(new Date(iso), timeZone);
    const list = await (await app.request('/dev/mailbox')).text();
    expect(list).toContain(`${wall(toWang!.receivedAt, 'Asia/Shanghai')} Asia/Shanghai`);
    expect(list).toContain(`${wall(toEva!.receivedAt, 'UTC')} UTC`);
    const one = await (await app.request(`/dev/mailbox/${toWang!.id}`)).text();
    expect(one).toContain(`<dt>Received</dt><dd>${wall(toWang!.receivedAt, 'Asia/Shanghai')} Asia/Shanghai</dd>`);
    await catcher.close();
  });

  it('lists messages newest first with escaped subjects', async () => {
    const { catcher, app, t } = await setup();
    await t.sendMail({ from: 'a@example.com', to: 'first@example.com', subject: 'Older one', text: 'x' });
    await t.sendMail({ from: 'a@example.com', to: 'x@example.com', subject: '<script>alert(1)</script> & "q"', text: 'x' });
    const [older, newer] = catcher.messages();

    const res = await app.request('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const body = await res.text();
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;');
    expect(body).toContain('2 messages');
    expect(body).toContain(`href="/dev/mailbox/${newer!.id}"`);
    expect(body).toContain(`href="/dev/mailbox/${older!.id}"`);
    expect(body.indexOf(newer!.id)).toBeLessThan(body.indexOf(older!.id));
    expect(body).toContain('first@example.com');

    const filtered = await (await app.request('/dev/mailbox?q=FIRST@')).text();
    expect(filtered).toContain(older!.id);
    expect(filtered).not.toContain(newer!.id);
    expect(filtered).toContain('1 of 2 messages match');
    expect(body).toContain('<a href="/dev/mailbox">Mailbox</a>');
    expect(body).not.toContain('href="/dev/mailbox/"');
  });

  it('serves messages.json for scripts', async () => {
    const { catcher, app, t } = await setup();
    await t.sendMail({ from: 'a@example.com', to: 'one@example.com', subject: 's1', text: 'x' });
    await t.sendMail({ from: 'a@example.com', to: 'two@example.com', subject: 's2', text: 'x' });
    const [m1, m2] = catcher.messages();
    const res = await app.request('/dev/mailbox/messages.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      { id: m2!.id, receivedAt: m2!.receivedAt, to: 'two@example.com', subject: 's2' },
      { id: m1!.id, receivedAt: m1!.receivedAt, to: 'one@example.com', subject: 's1' },
    ]);
  });

  it('shows a message: headers, sandboxed html, linkified text', async () => {
    const { catcher, app, t } = await setup();
    await t.sendMail({
      from: 'OKR <okr@example.com>',
      to: 'Bob <bob@example.com>',
      subject: 'Review <b>now</b>',
      messageId: '<m-1@okr.example.com>',
      text: 'Open https://okr.example.com/r?a=1&b=2. Or <javascript:alert(1)> (see https://example.com/x)',
      html: '<p onclick="x()">Hi "Bob"</p><script>alert(2)</script>',
    });
    const m = catcher.messages()[0]!;
    const res = await app.request(`/dev/mailbox/${m.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const body = await res.text();
    expect(body).toContain('Review &lt;b&gt;now&lt;/b&gt;');
    expect(body).toContain('&lt;m-1@okr.example.com&gt;');
    expect(body).toContain('<dd>&quot;Bob&quot; &lt;bob@example.com&gt;</dd>');
    expect(body).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"');
    // html body only appears attribute-escaped inside srcdoc
    expect(body).not.toContain('<script>');
    expect(body).not.toContain('<p onclick');
    expect(body).toContain('&lt;p onclick=&quot;x()&quot;&gt;Hi &quot;Bob&quot;&lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    const srcdoc = /srcdoc="([^"]*)"/.exec(body)?.[1];
    expect(srcdoc).toBeDefined();
    expect(srcdoc).toContain('&lt;base target=&quot;_blank&quot;&gt;');
    // text links are clickable, everything else escaped
    expect(body).toContain(
      '<a href="https://okr.example.com/r?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">https://okr.example.com/r?a=1&amp;b=2</a>. Or &lt;javascript:alert(1)&gt;',
    );
    expect(body).toContain('<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">https://example.com/x</a>)');
    expect(body).not.toContain('href="javascript');
    expect(body).toContain(`href="/dev/mailbox/${m.id}/raw"`);
  });

  it('returns the raw eml and 404s for unknown ids', async () => {
    const { catcher, app, t } = await setup();
    await t.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'raw me', text: 'raw body' });
    const m = catcher.messages()[0]!;
    const raw = await app.request(`/dev/mailbox/${m.id}/raw`);
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await raw.text();
    expect(text).toBe(m.raw);
    expect(text).toContain('Subject: raw me');
    expect(text).toContain('raw body');

    const missing = await app.request('/dev/mailbox/0000000000000-000000-000000');
    expect(missing.status).toBe(404);
    const missingBody = await missing.text();
    expect(missingBody).toContain('No message with id');
    const evil = await app.request(`/dev/mailbox/${encodeURIComponent('<img src=x>')}`);
    expect(evil.status).toBe(404);
    expect(await evil.text()).not.toContain('<img');
    expect((await app.request('/dev/mailbox/nope/raw')).status).toBe(404);
  });
});

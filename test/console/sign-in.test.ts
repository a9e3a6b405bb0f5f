/**
 * Signing in to the console with an emailed one-time link, on the real stack (PostgreSQL,
 * Temporal, the test SMTP server): the link works once and for 15 minutes, the answer is the same
 * for unknown addresses, the session cookie is HttpOnly/SameSite=Lax, sessions end on sign-out,
 * when idle and at their absolute end, and the JSON API accepts the session with the person's
 * roles (writes only from our own origin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ensureFirstOperator, consoleLinkForFirstOperator } from '../../core/first-operator';
import { consoleFetch, signInAs, signInByEmail, signInLinkIn, waitForSignInEmail } from '../support/console';
import { TEST_TOKEN_SECRET } from '../support/stack';
import { type TestStack, startTestStack } from '../support/stack';

const PEOPLE = [
  { email: 'hana@example.com', name: 'Hana HR', roles: ['hr'] },
  { email: 'oli@example.com', name: 'Oli Ops', roles: ['admin'] },
  { email: 'emil@example.com', name: 'Emil Employee', roles: ['employee'] },
  { email: 'wei@example.com', name: '王伟', roles: ['hr'], locale: 'zh-CN' },
];

describe('console sign-in', () => {
  let t: TestStack;
  const db = () => t.stack.database.db;

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    expect((await t.api('/api/people', { method: 'POST', json: PEOPLE })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('emails a one-time link quickly, and answers the same for an address nobody has', async () => {
    const before = t.mail.messages().length;
    const started = performance.now();
    const known = await consoleFetch(t, undefined, '/console/sign-in', { method: 'POST', form: { email: 'Hana@Example.com ' } });
    const message = await waitForSignInEmail(t, 'hana@example.com', before);
    const arrivedMs = performance.now() - started;
    console.log(`sign-in email arrived ${Math.round(arrivedMs)} ms after the request`);
    expect(arrivedMs).toBeLessThan(5_000);
    const unknown = await consoleFetch(t, undefined, '/console/sign-in', { method: 'POST', form: { email: 'nobody@example.com' } });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const strip = (s: string, email: string) => s.replaceAll(email, 'EMAIL');
    expect(strip(await unknown.text(), 'nobody@example.com')).toBe(strip(await known.text(), 'hana@example.com'));
    expect(message.subject).toBe('Your sign-in link for the OKR console');
    expect(message.headers['auto-submitted']).toBe('auto-generated');
    await new Promise((r) => setTimeout(r, 300));
    expect(
      t.mail
        .messages()
        .slice(before)
        .filter((m) => m.to.includes('nobody@example.com')),
    ).toEqual([]);
    const link = await db().selectFrom('sign_in_links').select(['sent_at', 'send_attempts', 'token_hash']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(link.sent_at).not.toBeNull();
    // Only the hash is stored: the token in the email is not in the database.
    const token = new URL(signInLinkIn(message)).pathname.split('/').pop()!;
    expect(link.token_hash).not.toContain(token);
  });

  it('shows a button on GET (mail scanners open links), signs in on POST, once', async () => {
    const before = t.mail.messages().length;
    await consoleFetch(t, undefined, '/console/sign-in', { method: 'POST', form: { email: 'oli@example.com' } });
    const path = new URL(signInLinkIn(await waitForSignInEmail(t, 'oli@example.com', before))).pathname;
    for (let i = 0; i < 2; i++) {
      const page = await consoleFetch(t, undefined, path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('Oli Ops');
    }
    const used = await consoleFetch(t, undefined, path, { method: 'POST', form: {} });
    expect(used.status).toBe(303);
    expect(used.headers.get('location')).toBe('/console');
    const cookie = used.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^okr_console=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // http:// in tests; https PUBLIC_BASE_URL sets Secure and the __Host- prefix
    const again = await consoleFetch(t, undefined, path, { method: 'POST', form: {} });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    const home = await consoleFetch(t, cookie.split(';')[0], '/console');
    expect(home.status).toBe(200);
    const text = await home.text();
    expect(text).toContain('Signed in as Oli Ops');
    expect(text).toContain('href="/console/operations"');
    expect(text).not.toContain('<script>');
  });

  it('refuses a link after 15 minutes and a forged or malformed one', async () => {
    const before = t.mail.messages().length;
    await consoleFetch(t, undefined, '/console/sign-in', { method: 'POST', form: { email: 'hana@example.com' } });
    const path = new URL(signInLinkIn(await waitForSignInEmail(t, 'hana@example.com', before))).pathname;
    await sql`update sign_in_links set expires_at = now() - interval '1 second' where used_at is null`.execute(db());
    expect((await consoleFetch(t, undefined, path)).status).toBe(410);
    expect((await consoleFetch(t, undefined, path, { method: 'POST', form: {} })).status).toBe(410);
    expect((await consoleFetch(t, undefined, `/console/sign-in/${'A'.repeat(43)}`, { method: 'POST', form: {} })).status).toBe(410);
    expect((await consoleFetch(t, undefined, '/console/sign-in/short', { method: 'POST', form: {} })).status).toBe(410);
  });

  it('says which field is wrong for a bad address, in the person’s language, and sends nothing', async () => {
    const before = t.mail.messages().length;
    const res = await consoleFetch(t, undefined, '/console/sign-in', {
      method: 'POST',
      form: { email: 'not an email' },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain('请输入邮箱地址');
    expect(page).toContain('aria-invalid="true"');
    expect(t.mail.messages().length).toBe(before);
  });

  it('refuses a sign-in form posted from another site', async () => {
    const res = await consoleFetch(t, undefined, '/console/sign-in', {
      method: 'POST',
      form: { email: 'hana@example.com' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('sends each address only a few links, whatever the client', async () => {
    const before = t.mail.messages().length;
    for (let i = 0; i < 6; i++) {
      const res = await consoleFetch(t, undefined, '/console/sign-in', { method: 'POST', form: { email: 'emil@example.com' } });
      expect(res.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const sent = t.mail
      .messages()
      .slice(before)
      .filter((m) => m.to.includes('emil@example.com'));
    expect(sent.length).toBe(3);
  });

  it('accepts the session on the JSON API with the person’s roles; writes only from our origin', async () => {
    const hr = await signInByEmail(t, 'wei@example.com');
    expect((await consoleFetch(t, hr, '/api/people')).status).toBe(200);
    const body = JSON.stringify([{ email: 'new@example.com', name: 'New' }]);
    const crossSite = await fetch(`${t.base}/api/people`, {
      method: 'POST',
      headers: { cookie: hr, 'content-type': 'application/json', origin: 'https://evil.example' },
      body,
    });
    expect(crossSite.status).toBe(403);
    const noOrigin = await fetch(`${t.base}/api/people`, { method: 'POST', headers: { cookie: hr, 'content-type': 'application/json' }, body });
    expect(noOrigin.status).toBe(403);
    expect(await db().selectFrom('people').select('id').where('email', '=', 'new@example.com').executeTakeFirst()).toBeUndefined();
    const ours = await fetch(`${t.base}/api/people`, { method: 'POST', headers: { cookie: hr, 'content-type': 'application/json', origin: t.base }, body });
    expect(ours.status).toBe(200);
    const audit = await db().selectFrom('audit_log').select('actor').where('action', '=', 'people.imported').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('王伟 <wei@example.com>');
    // An hr session has no admin role.
    expect((await consoleFetch(t, hr, '/api/keys')).status).toBe(403);
    const employee = await signInAs(t, 'emil@example.com');
    expect((await consoleFetch(t, employee, '/api/people')).status).toBe(403);
    expect((await consoleFetch(t, 'okr_console=' + 'x'.repeat(43), '/api/people')).status).toBe(401);
  });

  it('writes the sign-in email in the person’s language', async () => {
    const before = t.mail.messages().length;
    await consoleFetch(t, undefined, '/console/sign-in', { method: 'POST', form: { email: 'wei@example.com' } });
    const message = await waitForSignInEmail(t, 'wei@example.com', before);
    expect(message.subject).toBe('您的 OKR 控制台登录链接');
    expect(message.text).toContain('王伟，您好');
    expect(message.html).toContain('lang="zh-CN"');
  });

  it('makes sure the first operator exists with hr and admin, and prints a link that signs them in once', async () => {
    const created = await ensureFirstOperator(db(), 'First.Op@Example.com');
    expect(created).toMatchObject({ email: 'first.op@example.com', created: true });
    const again = await ensureFirstOperator(db(), 'first.op@example.com');
    expect(again).toMatchObject({ id: created.id, created: false });
    // An existing person keeps their roles and gains both.
    await ensureFirstOperator(db(), 'emil@example.com');
    const emil = await db().selectFrom('people').select('roles').where('email', '=', 'emil@example.com').executeTakeFirstOrThrow();
    expect([...emil.roles].sort()).toEqual(['admin', 'employee', 'hr']);
    await db()
      .updateTable('people')
      .set({ roles: ['employee'] })
      .where('email', '=', 'emil@example.com')
      .execute();
    const link = await consoleLinkForFirstOperator(db(), TEST_TOKEN_SECRET, t.config.publicBaseUrl, 'first.op@example.com');
    expect(link.email).toBe('first.op@example.com');
    const path = new URL(link.url).pathname;
    const used = await consoleFetch(t, undefined, path, { method: 'POST', form: {} });
    expect(used.status).toBe(303);
    const home = await consoleFetch(t, used.headers.get('set-cookie')!.split(';')[0], '/console');
    expect(home.status).toBe(200);
    expect((await consoleFetch(t, undefined, path, { method: 'POST', form: {} })).status).toBe(410);
  });

  it('sends an employee to their own home, and refuses HR’s pages with a 403 page in their language', async () => {
    const employee = await signInAs(t, 'emil@example.com');
    const landing = await consoleFetch(t, employee, '/console');
    expect(landing.status).toBe(303);
    expect(landing.headers.get('location')).toBe('/console/me');
    const res = await consoleFetch(t, employee, '/console/people');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('You cannot open this page');
  });

  it('ends sessions on sign-out, when idle too long, and at their absolute end', async () => {
    const a = await signInAs(t, 'hana@example.com');
    expect((await consoleFetch(t, a, '/console')).status).toBe(200);
    const out = await consoleFetch(t, a, '/console/sign-out', { method: 'POST', form: {} });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/okr_console=;.*Max-Age=0/);
    const after = await consoleFetch(t, a, '/console');
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/console/sign-in');
    expect((await db().selectFrom('audit_log').select('action').where('action', '=', 'console.signed-out').execute()).length).toBeGreaterThan(0);

    const idle = await signInAs(t, 'hana@example.com');
    await sql`update console_sessions set last_seen_at = now() - interval '9 hours' where ended_at is null`.execute(db());
    expect((await consoleFetch(t, idle, '/console')).status).toBe(303);

    const old = await signInAs(t, 'hana@example.com');
    expect((await consoleFetch(t, old, '/console')).status).toBe(200);
    await sql`update console_sessions set expires_at = now() - interval '1 second' where ended_at is null`.execute(db());
    expect((await consoleFetch(t, old, '/console')).status).toBe(303);
  });
});

/** API keys (create, use, list, revoke) and the audit log (filters, paging), over HTTP. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../core/tokens';
import { type TestStack, TEST_API_KEY, startTestStack } from '../support/stack';

type ErrorJson = { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } } };
type KeyJson = { id: number; name: string; role: string; key: string; createdAt: string };
type ListedKey = { id: number; name: string; role: string; createdAt: string; revokedAt: string | null };
type AuditJson = {
  entries: { id: number; at: string; actor: string; action: string; cycleKey: string | null; subject: string | null; detail: unknown }[];
  next: number | null;
};

describe('API keys and the audit log', () => {
  let t: TestStack;

  const createKey = async (name: string, role: string, authorization = `Bearer ${TEST_API_KEY}`) => {
    const res = await t.api('/api/keys', { method: 'POST', json: { name, role }, headers: { authorization } });
    expect(res.status).toBe(201);
    return (await res.json()) as KeyJson;
  };
  const audit = async (query: string, authorization = `Bearer ${TEST_API_KEY}`) => {
    const res = await t.api(`/api/audit${query}`, { headers: { authorization } });
    expect(res.status).toBe(200);
    return (await res.json()) as AuditJson;
  };
  const issuesOf = async (res: Response) => {
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe('VALIDATION_FAILED');
    return body.error.details?.issues ?? [];
  };

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    const people = await t.api('/api/people', {
      method: 'POST',
      json: [
        { email: 'ana@example.com', name: 'Ana', roles: ['hr'] },
        { email: 'bo@example.com', name: 'Bo', managerEmail: 'ana@example.com' },
      ],
    });
    expect(people.status).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates a key that works at once, lists it without the key, revokes it, and then refuses it', async () => {
    const created = await createKey('hris-sync', 'hr');
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'hris-sync',
      role: 'hr',
      key: expect.stringMatching(/^okr_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    const auth = `Bearer ${created.key}`;

    // Use it: hr may read cycles and import people, and is known in the audit log by its id and name.
    expect((await t.api('/api/cycles', { headers: { authorization: auth } })).status).toBe(200);
    const imported = await t.api('/api/people', { method: 'POST', json: [{ email: 'cy@example.com', name: 'Cy' }], headers: { authorization: auth } });
    expect(imported.status).toBe(200);
    const byKey = await audit(`?actor=${encodeURIComponent(`key:${created.id}:hris-sync`)}`);
    expect(byKey.entries.map((e) => e.action)).toEqual(['people.imported']);

    // Listed without the key or its hash.
    const listRes = await t.api('/api/keys');
    expect(listRes.status).toBe(200);
    const listText = await listRes.text();
    expect(listText).not.toContain(created.key);
    expect(listText).not.toContain(hashToken(created.key));
    const listed = (JSON.parse(listText) as { keys: ListedKey[] }).keys.find((k) => k.id === created.id);
    expect(listed).toEqual({ id: created.id, name: 'hris-sync', role: 'hr', createdAt: created.createdAt, revokedAt: null });
    expect(Object.keys(listed!).sort()).toEqual(['createdAt', 'id', 'name', 'revokedAt', 'role']);

    // Stored as its SHA-256 only.
    const rows = await t.stack.database.db.selectFrom('api_keys').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.key);
    expect(rows.find((r) => r.id === created.id)?.key_hash).toBe(hashToken(created.key));

    // Revoke: 204, then the key is refused; revoking again changes nothing.
    const revoked = await t.api(`/api/keys/${created.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(204);
    expect(await revoked.text()).toBe('');
    const refused = await t.api('/api/cycles', { headers: { authorization: auth } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const revokedAt = ((await (await t.api('/api/keys')).json()) as { keys: ListedKey[] }).keys.find((k) => k.id === created.id)!.revokedAt;
    expect(revokedAt).toEqual(expect.any(String));
    expect((await t.api(`/api/keys/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(((await (await t.api('/api/keys')).json()) as { keys: ListedKey[] }).keys.find((k) => k.id === created.id)!.revokedAt).toBe(revokedAt);

    // Audited once each, by the caller, never with the key.
    const entries = (await audit(`?action=api-key.*&limit=1000`)).entries.filter((e) => e.subject === `api-key:${created.id}`);
    expect(entries).toEqual([
      {
        id: expect.any(Number),
        at: expect.any(String),
        actor: 'bootstrap',
        action: 'api-key.revoked',
        cycleKey: null,
        subject: `api-key:${created.id}`,
        detail: { name: 'hris-sync', role: 'hr' },
      },
      {
        id: expect.any(Number),
        at: expect.any(String),
        actor: 'bootstrap',
        action: 'api-key.created',
        cycleKey: null,
        subject: `api-key:${created.id}`,
        detail: { name: 'hris-sync', role: 'hr' },
      },
    ]);
    const auditRows = await t.stack.database.db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(auditRows)).not.toContain(created.key);
    expect(JSON.stringify(auditRows)).not.toContain(hashToken(created.key));
  });

  it('records the admin key that made a change as the actor', async () => {
    const admin = await createKey('ops-admin', 'admin');
    const made = await createKey('made-by-admin', 'hr', `Bearer ${admin.key}`);
    const [entry] = (await audit(`?actor=${encodeURIComponent(`key:${admin.id}:ops-admin`)}`)).entries;
    expect(entry).toMatchObject({ action: 'api-key.created', subject: `api-key:${made.id}`, detail: { name: 'made-by-admin', role: 'hr' } });
  });

  it('answers 404 for an unknown key and 400 for an id that is not one', async () => {
    const unknown = await t.api('/api/keys/999999', { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('999999') } });
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
      expect((await issuesOf(await t.api(`/api/keys/${bad}`, { method: 'DELETE' }))).map((i) => i.path)).toContain('id');
    }
  });

  it('refuses a bad new key, naming the field', async () => {
    const post = (json: unknown) => t.api('/api/keys', { method: 'POST', json });
    expect((await issuesOf(await post({ name: 'x', role: 'root' }))).map((i) => i.path)).toEqual(['role']);
    expect((await issuesOf(await post({ name: '', role: 'hr' }))).map((i) => i.path)).toEqual(['name']);
    expect((await issuesOf(await post({ name: '   ', role: 'hr' }))).map((i) => i.path)).toEqual(['name']);
    expect((await issuesOf(await post({ name: 'x'.repeat(101), role: 'hr' }))).map((i) => i.path)).toEqual(['name']);
    expect((await issuesOf(await post({}))).map((i) => i.path).sort()).toEqual(['name', 'role']);
    const notJson = await t.api('/api/keys', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('filters the audit log by cycle, actor, action and time', async () => {
    const hr = await createKey('cycle-runner', 'hr');
    const hrActor = `key:${hr.id}:cycle-runner`;
    for (const key of ['audit-a', 'audit-b']) {
      const res = await t.api('/api/cycles', {
        method: 'POST',
        json: { key, title: key, startsOn: '2027-01-01', endsOn: '2027-03-31', participants: ['bo@example.com'], schedule: { planning: 'at-once' } },
        headers: { authorization: `Bearer ${key === 'audit-a' ? hr.key : TEST_API_KEY}` },
      });
      expect(res.status).toBe(201);
    }

    const a = await audit('?cycle=audit-a');
    expect(a.entries.length).toBeGreaterThan(0);
    expect(a.entries.every((e) => e.cycleKey === 'audit-a')).toBe(true);
    expect(a.entries.find((e) => e.action === 'cycle.started')).toMatchObject({ actor: hrActor, subject: 'cycle:audit-a', detail: { participants: 1 } });
    expect((await audit('?cycle=audit-b')).entries.map((e) => [e.action, e.actor])).toContainEqual(['cycle.started', 'bootstrap']);

    // actor: exact, or a prefix ending in *
    expect((await audit(`?actor=${encodeURIComponent(hrActor)}`)).entries.map((e) => [e.action, e.cycleKey])).toEqual([['cycle.started', 'audit-a']]);
    expect((await audit(`?actor=${encodeURIComponent(`key:${hr.id}:*`)}`)).entries).toHaveLength(1);
    expect((await audit('?actor=key:')).entries).toEqual([]); // not a prefix without *
    // LIKE wildcards in the filter are literal
    expect((await audit('?actor=%25')).entries).toEqual([]);
    expect((await audit('?actor=_*')).entries).toEqual([]);
    // Filters combine
    expect((await audit('?cycle=audit-b&actor=bootstrap&action=cycle.started')).entries).toHaveLength(1);
    expect((await audit(`?cycle=audit-b&actor=${encodeURIComponent(hrActor)}`)).entries).toEqual([]);
    // action: exact and prefix
    const started = await audit('?action=cycle.started');
    expect(started.entries.map((e) => e.cycleKey)).toEqual(['audit-b', 'audit-a']); // newest first
    expect((await audit('?action=cycle.*')).entries.map((e) => e.id)).toEqual(started.entries.map((e) => e.id));

    // since
    expect((await audit('?since=2100-01-01T00:00:00Z')).entries).toEqual([]);
    const all = await audit('?since=2000-01-01&limit=1000');
    expect(all.entries.length).toBeGreaterThan(0);
    const cutoff = started.entries[1]!.at; // audit-a's start
    const sinceCutoff = await audit(`?since=${encodeURIComponent(cutoff)}&action=cycle.started`);
    expect(sinceCutoff.entries.map((e) => e.cycleKey)).toEqual(['audit-b', 'audit-a']);
    expect(sinceCutoff.entries.every((e) => e.at >= cutoff)).toBe(true);

    // HR may read it too.
    expect((await audit('?cycle=audit-a', `Bearer ${hr.key}`)).entries.length).toBe(a.entries.length);

    const unknown = await t.api('/api/audit?cycle=no-such-cycle');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('pages newest first with before = next, without gaps or repeats', async () => {
    for (let i = 0; i < 7; i++) await createKey(`page-${i}`, 'hr');
    const everything = await audit('?limit=1000');
    expect(everything.next).toBeNull(); // fewer than 1000 entries in this database
    const ids = everything.entries.map((e) => e.id);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);

    // Workflows of the cycles started above may still be writing: page from a fixed point.
    const seen: number[] = [];
    let before: number | null = ids[0]! + 1;
    let pages = 0;
    do {
      const page: AuditJson = await audit(`?limit=3&before=${before}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((e) => e.id));
      if (page.next !== null) expect(page.next).toBe(page.entries[page.entries.length - 1]!.id);
      before = page.next;
      pages++;
    } while (before !== null && pages < 100);
    expect(seen).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 3));

    // A page that ends exactly at the last entry says so.
    const exact = await audit(`?limit=${ids.length}&before=${ids[0]! + 1}`);
    expect(exact.entries).toHaveLength(ids.length);
    expect(exact.next).toBeNull();

    // Paging with a filter.
    const firstKeys = await audit('?action=api-key.created&limit=2');
    expect(firstKeys.entries.map((e) => e.detail)).toEqual([
      { name: 'page-6', role: 'hr' },
      { name: 'page-5', role: 'hr' },
    ]);
    const nextKeys = await audit(`?action=api-key.created&limit=2&before=${firstKeys.next}`);
    expect(nextKeys.entries.map((e) => e.detail)).toEqual([
      { name: 'page-4', role: 'hr' },
      { name: 'page-3', role: 'hr' },
    ]);
    // The default page is 100.
    expect((await audit(`?before=${ids[0]! + 1}`)).entries.length).toBe(Math.min(100, ids.length));
  });

  it('refuses bad audit filters, naming the field', async () => {
    const get = (q: string) => t.api(`/api/audit${q}`);
    expect((await issuesOf(await get('?limit=5000'))).map((i) => i.path)).toEqual(['limit']);
    expect((await issuesOf(await get('?limit=0'))).map((i) => i.path)).toEqual(['limit']);
    expect((await issuesOf(await get('?limit=ten'))).map((i) => i.path)).toEqual(['limit']);
    expect((await issuesOf(await get('?since=yesterday'))).map((i) => i.path)).toEqual(['since']);
    expect((await issuesOf(await get('?before=abc'))).map((i) => i.path)).toEqual(['before']);
    expect((await issuesOf(await get('?cycle=bad%20key'))).map((i) => i.path)).toEqual(['cycle']);
    expect((await issuesOf(await get('?actor='))).map((i) => i.path)).toEqual(['actor']);
    expect((await issuesOf(await get('?limit=5000&since=x'))).map((i) => i.path).sort()).toEqual(['limit', 'since']);
  });

  it('keeps keys and task tokens out of the request log, and logs who called', async () => {
    const key = await createKey('logged', 'admin');
    const token = 'T'.repeat(43);
    // Every call the running app makes to its logger, whatever the level.
    const calls: { level: string; args: unknown[] }[] = [];
    const spies = (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).map((level) =>
      vi.spyOn(t.stack.log, level).mockImplementation(((...args: unknown[]) => {
        calls.push({ level, args });
      }) as never),
    );
    try {
      await t.api('/api/keys', { headers: { authorization: `Bearer ${key.key}`, 'x-request-id': 'req-123' } });
      await t.api(`/api/audit?actor=${encodeURIComponent(key.key)}`);
      await t.api('/api/keys', { headers: { authorization: `Bearer ${key.key}x` } });
      await fetch(`${t.base}/t/${token}`, { headers: { accept: 'application/json' } });
      await fetch(`${t.base}/t/${token}/nope`);
      await fetch(`${t.base}/healthz`);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    const lines = calls.map((c) => JSON.stringify({ level: c.level, obj: c.args[0], msg: c.args[1] }));
    const text = lines.join('\n');
    for (const secret of [key.key, TEST_API_KEY, token, encodeURIComponent(key.key)]) expect(text).not.toContain(secret);
    const requests = calls
      .filter((c) => c.args[1] === 'request')
      .map((c) => ({ level: c.level, ...(c.args[0] as Record<string, unknown>) }) as Record<string, unknown>);
    expect(requests).toHaveLength(6);
    expect(requests[0]).toMatchObject({
      reqId: 'req-123',
      method: 'GET',
      path: '/api/keys',
      route: '/api/keys',
      status: 200,
      actor: `key:${key.id}:logged`,
      level: 'info',
    });
    expect(requests[1]).toMatchObject({ path: '/api/audit', status: 200, actor: 'bootstrap' });
    expect(requests[2]).toMatchObject({ path: '/api/keys', status: 401 });
    expect(requests[2]).not.toHaveProperty('actor');
    expect(requests[3]).toMatchObject({ path: '/t/:token', route: '/t/:token', status: 404 });
    expect(requests[4]).toMatchObject({ path: '/t/:token', status: 404 });
    expect(requests[5]).toMatchObject({ path: '/healthz', status: 200, level: 'debug' }); // probes at debug
    for (const r of requests) expect(r.reqId).toEqual(expect.any(String));
  });
});

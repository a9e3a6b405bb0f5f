/**
 * The role matrix. The rule is written in docs/operations.md ("Who may call what"); this test
 * reads that table, checks that it names every route the app serves, and calls every /api route
 * with no key, a wrong key, a revoked key, an hr key, an admin key and the bootstrap key,
 * expecting 401 / 403 / the route's own answer as the table says.
 */
import { assetPath } from '../../api/assets';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestStack, TEST_API_KEY, startTestStack } from '../support/stack';

type Role = 'hr' | 'admin';
interface Rule {
  method: string;
  route: string;
  /** Empty for public and token routes. */
  roles: Role[];
  who: string;
}

/** Parses the "Who may call what" table: | method | `route` | who | notes |. */
function documentedRules(): Rule[] {
  const text = readFileSync(fileURLToPath(new URL('../../docs/operations.md', import.meta.url)), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Who may call what'));
  if (!section) throw new Error('docs/operations.md has no "Who may call what" section');
  const rules: Rule[] = [];
  for (const line of section.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|/.exec(line);
    if (!m) continue;
    const who = m[3]!;
    const roles = (['hr', 'admin'] as const).filter((r) => new RegExp(`\\b${r}\\b`).test(who));
    rules.push({ method: m[1]!, route: m[2]!, roles, who });
  }
  return rules;
}

const id = (method: string, route: string) => `${method} ${route}`;

/**
 * A request per /api route. An allowed caller gets one of `ok`; without `ok` (routes that change
 * a cycle or a step: they are aimed at a cycle or step that does not exist, so nothing changes)
 * any answer but 401, 403 and 5xx.
 */
interface Sample {
  path: string;
  json?: unknown;
  ok?: number[];
}

const allowed = (sample: Sample, status: number) => (sample.ok ? sample.ok.includes(status) : status !== 401 && status !== 403 && status < 500);

const CYCLE = {
  key: 'roles',
  title: 'Roles',
  startsOn: '2027-01-01',
  endsOn: '2027-03-31',
  participants: ['ana@example.com'],
  schedule: { planning: 'at-once' },
};

describe('who may call what', () => {
  let t: TestStack;
  const keys: Record<'hr' | 'admin' | 'revoked', string> = { hr: '', admin: '', revoked: '' };
  let victimId = 0;
  const rules = documentedRules();

  const samples = (): Record<string, Sample> => ({
    'POST /api/people': { path: '/api/people', json: [{ email: 'ana@example.com', name: 'Ana', roles: ['hr'] }], ok: [200] },
    'GET /api/people': { path: '/api/people', ok: [200] },
    'POST /api/people/preview': { path: '/api/people/preview', json: [{ email: 'ana@example.com', name: 'Ana', roles: ['hr'] }], ok: [200] },
    // The same body as the cycle started in beforeAll: idempotent, starts nothing new.
    'POST /api/cycles': { path: '/api/cycles', json: CYCLE, ok: [200] },
    // No cycle starts in 2031: refused with the field named, nothing is created.
    'POST /api/awards-runs': { path: '/api/awards-runs', json: { key: 'roles-run', title: 'Run', year: 2031 }, ok: [400] },
    'GET /api/cycles': { path: '/api/cycles', ok: [200] },
    'GET /api/cycles/:key': { path: '/api/cycles/roles', ok: [200] },
    'GET /api/cycles/:key/tasks': { path: '/api/cycles/roles/tasks', ok: [200] },
    'POST /api/keys': { path: '/api/keys', json: { name: 'made-by-matrix', role: 'hr' }, ok: [201] },
    'GET /api/keys': { path: '/api/keys', ok: [200] },
    'DELETE /api/keys/:id': { path: `/api/keys/${victimId}`, ok: [204] },
    'GET /api/audit': { path: '/api/audit', ok: [200] },
    'POST /api/people/:email/absences': { path: '/api/people/nobody@example.com/absences', json: { weeks: ['2027-01-04'] } },
    'GET /api/cycles/:key/alignment': { path: '/api/cycles/roles/alignment', ok: [200] },
    'GET /api/cycles/:key/scores': { path: '/api/cycles/roles/scores', ok: [200] },
    'POST /api/cycles/:key/advance': { path: '/api/cycles/no-such-cycle/advance', json: { phase: 'drafting' } },
    'POST /api/cycles/:key/extend': { path: '/api/cycles/no-such-cycle/extend', json: { phase: 'drafting', until: '2027-02-01T00:00:00Z' } },
    'POST /api/cycles/:key/cancel': { path: '/api/cycles/no-such-cycle/cancel', json: { reason: 'role matrix test' } },
    'POST /api/cycles/:key/tasks/:id/extend': { path: '/api/cycles/no-such-cycle/tasks/1/extend', json: { until: '2027-02-01T00:00:00Z' } },
    'POST /api/cycles/:key/participants': { path: '/api/cycles/no-such-cycle/participants', json: { emails: ['ana@example.com'] } },
    'DELETE /api/cycles/:key/participants/:email': { path: '/api/cycles/no-such-cycle/participants/ana@example.com' },
    'POST /api/cycles/preview': {
      path: '/api/cycles/preview',
      json: { key: 'roles-preview', title: 'Preview', startsOn: '2027-01-04', endsOn: '2027-03-31' },
      ok: [200],
    },
    'GET /api/cycles/:key/dashboard': { path: '/api/cycles/no-such-cycle/dashboard' },
    'GET /api/cycles/:key/alignment-tree': { path: '/api/cycles/roles/alignment-tree', ok: [200] },
    'GET /api/cycles/:key/exports/:name': { path: '/api/cycles/roles/exports/scores.csv', ok: [200] },
    'GET /api/cycles/:key/awards': { path: '/api/cycles/roles/awards', ok: [200] },
    'GET /api/cycles/:key/awards/bonuses.csv': { path: '/api/cycles/roles/awards/bonuses.csv', ok: [200] },
    'GET /api/cycles/:key/awards/:nominationId/certificate.pdf': { path: '/api/cycles/roles/awards/1/certificate.pdf', ok: [404] },
    'POST /api/cycles/:key/tasks/:id/remind': { path: '/api/cycles/no-such-cycle/tasks/1/remind' },
    'GET /api/admin/stalled': { path: '/api/admin/stalled', ok: [200] },
    'GET /api/me': { path: '/api/me?email=ana@example.com', ok: [200] },
    'GET /api/people/:email/checkins': { path: '/api/people/ana@example.com/checkins', ok: [200] },
    'POST /api/key-results/:id/execution-items': {
      path: '/api/key-results/999999999/execution-items',
      json: { kind: 'task', title: 'role matrix' },
      ok: [404],
    },
    'GET /api/company': { path: '/api/company', ok: [200] },
    'GET /api/admin/outbox': { path: '/api/admin/outbox?cycle=roles', ok: [200] },
    'POST /api/admin/stalled/:id/retry': { path: '/api/admin/stalled/step-999999999/retry' },
    'POST /api/admin/stalled/:id/skip': { path: '/api/admin/stalled/step-999999999/skip', json: { reason: 'role matrix test' } },
    'GET /api/team': { path: '/api/team?cycle=roles&manager=ana@example.com', ok: [200] },
    'GET /api/departments/:name': { path: '/api/departments/Eng?cycle=roles', ok: [200] },
    // Nobody in the department is behind: refused, nothing sent.
    'POST /api/departments/:name/nudges': { path: '/api/departments/Eng/nudges', json: { cycle: 'roles' }, ok: [409] },
  });

  const call = (method: string, sample: Sample, authorization: string) =>
    t.api(sample.path, { method, headers: { authorization }, ...(sample.json !== undefined ? { json: sample.json } : {}) });

  const createKey = async (name: string, role: Role) => {
    const res = await t.api('/api/keys', { method: 'POST', json: { name, role } });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number; key: string };
  };

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    keys.hr = (await createKey('matrix-hr', 'hr')).key;
    keys.admin = (await createKey('matrix-admin', 'admin')).key;
    const revoked = await createKey('matrix-revoked', 'admin');
    expect((await t.api(`/api/keys/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
    keys.revoked = revoked.key;
    victimId = (await createKey('matrix-victim', 'hr')).id;
    expect((await t.api('/api/people', { method: 'POST', json: [{ email: 'ana@example.com', name: 'Ana', roles: ['hr'] }] })).status).toBe(200);
    expect((await t.api('/api/cycles', { method: 'POST', json: CYCLE })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('documents every route the app serves, and no /api route it does not', () => {
    const served = new Set<string>();
    for (const r of t.stack.app!.routes) {
      if (r.method === 'ALL') continue; // middleware
      // '/docs/assets/:file{swagger-ui\.css|…}' → '/docs/assets/:file'
      served.add(id(r.method, r.path.replace(/\{[^}]*\}/g, '')));
    }
    const documented = new Set(rules.map((r) => id(r.method, r.route)));
    const undocumented = [...served].filter((r) => !documented.has(r));
    expect(undocumented, 'routes without a row in docs/operations.md "Who may call what"').toEqual([]);
    const gone = rules.filter((r) => r.route.startsWith('/api/') && !served.has(id(r.method, r.route))).map((r) => id(r.method, r.route));
    expect(gone, 'documented /api routes the app does not serve').toEqual([]);
    // Every /api route needs a key; every other route is public or uses its own token.
    for (const r of rules) {
      // Console pages name the session's roles; test/console/roles.test.ts walks them.
      if (r.route.startsWith('/console')) continue;
      if (r.route.startsWith('/api/')) expect(r.roles.length, `${id(r.method, r.route)} names no role`).toBeGreaterThan(0);
      else expect(r.roles, `${id(r.method, r.route)} is not an /api route: no API-key roles`).toEqual([]);
    }
    // Every documented /api route has a request in this test.
    const known = samples();
    const untested = rules.filter((r) => r.route.startsWith('/api/') && !known[id(r.method, r.route)]).map((r) => id(r.method, r.route));
    expect(untested, 'add a request for these routes to samples() in this file').toEqual([]);
  });

  it('refuses every /api route without a valid key (401), and a key without the role (403)', async () => {
    const known = samples();
    const apiRules = rules.filter((r) => r.route.startsWith('/api/'));
    expect(apiRules.length).toBeGreaterThanOrEqual(10);
    const results: string[] = [];
    for (const rule of apiRules) {
      const sample = known[id(rule.method, rule.route)]!;
      // 'allowed' = the route's own answer; a number = exactly that status.
      const credentials: [string, string, 'allowed' | number][] = [
        ['no key', '', 401],
        ['not bearer', `Basic ${Buffer.from(`x:${TEST_API_KEY}`).toString('base64')}`, 401],
        ['wrong key', 'Bearer okr_this-is-not-a-key', 401],
        ['revoked key', `Bearer ${keys.revoked}`, 401],
        ['hr key', `Bearer ${keys.hr}`, rule.roles.includes('hr') ? 'allowed' : 403],
        ['admin key', `Bearer ${keys.admin}`, rule.roles.includes('admin') ? 'allowed' : 403],
        ['bootstrap key', `Bearer ${TEST_API_KEY}`, 'allowed'],
      ];
      for (const [label, authorization, expected] of credentials) {
        const res = await call(rule.method, sample, authorization);
        const line = `${id(rule.method, rule.route)} with ${label}: ${res.status} (expected ${expected === 'allowed' ? (sample.ok?.join(' or ') ?? 'not 401/403/5xx') : expected})`;
        results.push(line);
        if (expected === 'allowed') expect(allowed(sample, res.status), line).toBe(true);
        else expect(res.status, line).toBe(expected);
        if (res.status === 401 || res.status === 403) {
          const body = (await res.json()) as { error: { code: string; message: string } };
          expect(body.error.code, line).toBe(res.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
          expect(body.error.message, line).toEqual(expect.any(String));
        } else {
          await res.body?.cancel();
        }
      }
    }
    // Every route × 7 credentials, each checked above.
    expect(results.length).toBe(apiRules.length * 7);
  });

  it('serves public routes without a key, and token routes by their token alone', async () => {
    for (const rule of rules.filter((r) => !r.route.startsWith('/api/'))) {
      if (rule.route.startsWith('/dev/')) continue; // embedded mode only; not mounted with SMTP_URL
      if (rule.route.startsWith('/console')) continue; // sessions and sign-in links: test/console/
      // The task pages' assets are served by their hashed name only.
      const path = rule.route === '/assets/:file' ? assetPath('task-page.js') : rule.route.replace(':token', 'A'.repeat(43)).replace(':file', 'swagger-ui.css');
      const res = await fetch(`${t.base}${path}`, {
        method: rule.method,
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: rule.method === 'POST' ? '{}' : undefined,
      });
      const line = `${id(rule.method, rule.route)}: ${res.status}`;
      // An unknown task token or certificate signature: 404, not 401.
      if (rule.route.startsWith('/t/') || rule.route.startsWith('/awards/certificates/'))
        expect(res.status, line).toBe(404); // unknown token, not 401
      else expect(res.status, line).toBe(200);
      await res.body?.cancel();
    }
  });

  it('makes a revoked key stop working at once', async () => {
    const { id: keyId, key } = await createKey('short-lived', 'admin');
    expect((await t.api('/api/keys', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await t.api(`/api/keys/${keyId}`, { method: 'DELETE' })).status).toBe(204);
    const after = await t.api('/api/keys', { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});

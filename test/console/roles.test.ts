/**
 * Every console route checks the role on the server. Reads docs/operations.md's "Who may call
 * what" rows for /console and calls each guarded one with no session (303 to the sign-in page),
 * an employee's session (403 for every HR/admin page; the personal homes — rows for
 * "everyone" — open for them), an hr session and an admin session (403 exactly where the row
 * does not name their role). test/api/roles.test.ts checks that every route the app serves has
 * a row.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFetch, signInAs } from '../support/console';
import { type TestStack, startTestStack } from '../support/stack';

interface Rule {
  method: string;
  route: string;
  roles: ('hr' | 'admin')[];
  /** Any signed-in person (the personal homes, which show each viewer what core/visibility.ts allows). */
  everyone: boolean;
}

function consoleRules(): Rule[] {
  const text = readFileSync(fileURLToPath(new URL('../../docs/operations.md', import.meta.url)), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Who may call what'))!;
  const rules: Rule[] = [];
  for (const line of section.split('\n')) {
    const m = /^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`(\/console[^`]*)`\s*\|\s*console session: ([^|]+?)\s*\|/.exec(line);
    if (m)
      rules.push({
        method: m[1]!,
        route: m[2]!,
        roles: (['hr', 'admin'] as const).filter((r) => new RegExp(`\\b${r}\\b`).test(m[3]!)),
        everyone: /^everyone\b/.test(m[3]!),
      });
  }
  return rules;
}

const concrete = (route: string) => route.replace(/:[a-z]+/gi, '1');

describe('console roles', () => {
  let t: TestStack;
  const rules = consoleRules();
  const sessions: Record<'employee' | 'hr' | 'admin', string> = { employee: '', hr: '', admin: '' };

  beforeAll(async () => {
    t = await startTestStack({ database: 'postgres' });
    const people = [
      { email: 'e@example.com', name: 'Employee', roles: ['employee', 'manager', 'ambassador', 'executive', 'award-committee'] },
      { email: 'h@example.com', name: 'HR', roles: ['hr'] },
      { email: 'a@example.com', name: 'Admin', roles: ['admin'] },
    ];
    expect((await t.api('/api/people', { method: 'POST', json: people })).status).toBe(200);
    sessions.employee = await signInAs(t, 'e@example.com');
    sessions.hr = await signInAs(t, 'h@example.com');
    sessions.admin = await signInAs(t, 'a@example.com');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('documents guarded console routes (at least the home page)', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.everyone || r.roles.length > 0, `${r.method} ${r.route} names no role`).toBe(true);
    // The personal homes are documented as open to everyone signed in.
    for (const home of ['/console', '/console/me', '/console/company']) expect(rules.find((r) => r.route === home)?.everyone, home).toBe(true);
  });

  it('sends a caller without a session to the sign-in page, everywhere', async () => {
    for (const r of rules) {
      const res = await consoleFetch(t, undefined, concrete(r.route), { method: r.method, ...(r.method === 'GET' ? {} : { form: {} }) });
      expect(res.status, `${r.method} ${r.route}`).toBe(303);
      // A page asked for with GET comes back after signing in (its path in ?next=).
      const back = r.method === 'GET' && r.route !== '/console' ? `?next=${encodeURIComponent(concrete(r.route))}` : '';
      expect(res.headers.get('location'), `${r.method} ${r.route}`).toBe(`/console/sign-in${back}`);
    }
  });

  it('refuses an employee’s session on every HR and admin console route (403), opens the personal homes to them, and each role where the table says so', async () => {
    const lines: string[] = [];
    for (const r of rules) {
      for (const who of ['employee', 'hr', 'admin'] as const) {
        const res = await consoleFetch(t, sessions[who], concrete(r.route), {
          method: r.method,
          ...(r.method === 'GET' ? {} : { form: { reason: 'roles test', confirm: 'yes' } }),
        });
        const allowed = r.everyone || (who !== 'employee' && r.roles.includes(who));
        const line = `${r.method} ${r.route} as ${who}: ${res.status}`;
        lines.push(line);
        if (allowed) expect(res.status, line).not.toBe(403);
        else {
          expect(res.status, line).toBe(403);
          const page = await res.text();
          expect(page, line).toContain('You cannot open this page');
        }
        await res.body?.cancel().catch(() => undefined);
      }
    }
    expect(lines.length).toBe(rules.length * 3);
  });
});

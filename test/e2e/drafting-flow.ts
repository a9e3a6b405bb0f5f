/**
 * The first cycle as a user meets it, over HTTP and real SMTP: import people, start a cycle,
 * receive the emails, complete one task through the page's form and one through JSON, and see
 * the counts change. Shared by the PostgreSQL and the PGlite test files.
 */
import { expect } from 'vitest';
import type { TestStack } from '../support/stack';
import { linkIn, poll } from '../support/stack';

export const ORG = [
  { email: 'ana@example.com', name: 'Ana Lead', department: 'Product', roles: ['manager', 'hr'] },
  { email: 'bo@example.com', name: 'Bo Builder', managerEmail: 'ana@example.com', department: 'Product', locale: 'zh-CN' },
  { email: 'cy@example.com', name: 'Cy <b>Bold</b>', managerEmail: 'ana@example.com', department: 'Product' },
];

export const GOOD_DRAFT = {
  objectives: [
    {
      title: 'Make onboarding delightful',
      keyResults: [
        { kind: 'numeric', title: 'Activation rate', start: 40, target: 60, unit: '%' },
        { kind: 'milestone', title: 'Ship the new guided tour' },
      ],
    },
  ],
};

export async function cycleView(t: TestStack, key: string) {
  const res = await t.api(`/api/cycles/${key}`);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    state: { phase: string; phases: { phase: string; status: string; dueAt: string }[] } | null;
    taskCounts: Record<string, number>;
    emailCounts: Record<string, number>;
    participantCount: number;
  };
}

export async function runDraftingFlow(t: TestStack, key: string): Promise<void> {
  const imported = await t.api('/api/people', { method: 'POST', json: ORG });
  expect(imported.status).toBe(200);
  expect(await imported.json()).toEqual({ created: 3, updated: 0 });

  const started = await t.api('/api/cycles', {
    method: 'POST',
    json: { key, title: 'Q1 2027', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
  });
  expect(started.status).toBe(201);
  expect(await started.json()).toMatchObject({ key, participantCount: 3, status: 'running', workflowId: `okr-cycle:${key}` });

  const mails = await t.mail.waitFor((all) => all.length >= 3, 30_000);
  expect(mails.map((m) => m.envelopeTo[0]).sort()).toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com']);
  for (const m of mails) {
    expect(m.subject).toContain('Q1 2027');
    expect(m.html).toContain(linkIn(m).replace(/&/g, '&amp;'));
  }
  const bo = mails.find((m) => m.envelopeTo[0] === 'bo@example.com')!;
  expect(bo.subject).toContain('OKR'); // zh-CN subject
  expect(bo.subject).toMatch(/制定/);
  const cy = mails.find((m) => m.envelopeTo[0] === 'cy@example.com')!;
  expect(cy.html).toContain('Cy &lt;b&gt;Bold&lt;/b&gt;');
  expect(cy.html).not.toContain('<b>Bold</b>');

  await poll(
    () => cycleView(t, key),
    (v) => v.emailCounts.sent === 3,
    10_000,
    'three emails marked sent',
  );
  const before = await cycleView(t, key);
  expect(before.state?.phase).toBe('drafting');
  expect(before.taskCounts).toEqual({ open: 3, completed: 0, expired: 0, cancelled: 0 });

  // Ana completes hers through the page: GET shows the form, the form POST completes it.
  const ana = mails.find((m) => m.envelopeTo[0] === 'ana@example.com')!;
  const anaLink = linkIn(ana);
  const page = await fetch(anaLink);
  expect(page.status).toBe(200);
  expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  const pageHtml = await page.text();
  expect(pageHtml).toContain('name="o0.kr1.target"');
  const form = new URLSearchParams({
    'o0.title': 'Make onboarding delightful',
    'o0.kr0.title': 'Activation rate',
    'o0.kr0.kind': 'percent',
    'o0.kr0.start': '40',
    'o0.kr0.target': '60',
    'o0.kr1.title': 'Ship the new guided tour',
    'o0.kr1.kind': 'milestone',
  });
  const posted = await fetch(anaLink, { method: 'POST', body: form, headers: { origin: new URL(anaLink).origin } });
  expect(posted.status).toBe(200);
  expect(await posted.text()).toContain('your OKRs are submitted');

  // Cy completes through JSON, as an integration would.
  const cyLink = linkIn(cy);
  const asJson = await fetch(cyLink, { headers: { accept: 'application/json' } });
  expect(asJson.status).toBe(200);
  const described = (await asJson.json()) as { task: { kind: string; status: string }; fields: { properties: Record<string, unknown> } };
  expect(described.task).toMatchObject({ kind: 'draft', status: 'open' });
  expect(Object.keys(described.fields.properties)).toEqual(['objectives']);
  const done = await fetch(cyLink, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
  expect(done.status).toBe(200);
  expect(await done.json()).toMatchObject({ status: 'completed', taskId: expect.any(Number) });

  const after = await cycleView(t, key);
  expect(after.taskCounts).toEqual({ open: 1, completed: 2, expired: 0, cancelled: 0 });

  // What they submitted is stored as objectives and key results.
  const stored = await t.stack.database.db
    .selectFrom('objectives as o')
    .innerJoin('people as p', 'p.id', 'o.owner_id')
    .innerJoin('key_results as k', 'k.objective_id', 'o.id')
    .select(['p.email', 'o.title', 'k.title as kr', 'k.kind', 'k.start_value', 'k.target_value'])
    .orderBy('p.email')
    .orderBy('k.position')
    .execute();
  expect(stored).toEqual([
    { email: 'ana@example.com', title: 'Make onboarding delightful', kr: 'Activation rate', kind: 'percent', start_value: 40, target_value: 60 },
    { email: 'ana@example.com', title: 'Make onboarding delightful', kr: 'Ship the new guided tour', kind: 'milestone', start_value: 0, target_value: 1 },
    { email: 'cy@example.com', title: 'Make onboarding delightful', kr: 'Activation rate', kind: 'numeric', start_value: 40, target_value: 60 },
    { email: 'cy@example.com', title: 'Make onboarding delightful', kr: 'Ship the new guided tour', kind: 'milestone', start_value: 0, target_value: 1 },
  ]);
}

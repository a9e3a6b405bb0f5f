/** Stopping the application and starting it again loses nothing: people, cycles, running workflows. */
import { describe, expect, it } from 'vitest';
import { GOOD_DRAFT, ORG, cycleView } from './drafting-flow';
import { linkIn, startTestStack } from '../support/stack';

describe('restart', () => {
  it('keeps a running cycle on PostgreSQL: links sent before the restart still complete tasks', async () => {
    const first = await startTestStack({ database: 'postgres' });
    let second: Awaited<ReturnType<typeof startTestStack>> | undefined;
    try {
      expect((await first.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
      expect(
        (
          await first.api('/api/cycles', {
            method: 'POST',
            json: { key: 'rs', title: 'Restart', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
          })
        ).status,
      ).toBe(201);
      const mails = await first.mail.waitFor((all) => all.length >= 3);
      await first.stop({ keepData: true });

      second = await startTestStack({
        database: 'postgres',
        reuse: { databaseUrl: first.databaseUrl, taskQueue: first.taskQueue, port: first.port },
      });
      const res = await fetch(linkIn(mails[0]!), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
      expect(res.status).toBe(200);
      const view = await cycleView(second, 'rs');
      expect(view.state?.phase).toBe('drafting');
      expect(view.taskCounts).toEqual({ open: 2, completed: 1, expired: 0, cancelled: 0 });
      expect(view.emailCounts.sent).toBe(3);
      expect(second.mail.messages()).toHaveLength(0); // nothing was sent twice
    } finally {
      await (second ?? first).stop();
    }
  });

  it('keeps the embedded database (PGlite) on disk between starts', async () => {
    const first = await startTestStack({ database: 'pglite' });
    try {
      expect((await first.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
      await first.stop({ keepData: true });
      const second = await startTestStack({ database: 'pglite', reuse: { dataDir: first.dataDir, taskQueue: first.taskQueue, port: first.port } });
      try {
        const list = (await (await second.api('/api/people')).json()) as { people: { email: string }[] };
        expect(list.people.map((p) => p.email)).toEqual(ORG.map((p) => p.email).sort());
      } finally {
        await second.stop();
      }
    } finally {
      const { rmSync } = await import('node:fs');
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

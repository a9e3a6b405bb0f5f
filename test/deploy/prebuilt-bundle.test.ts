/**
 * The production image builds the workflow bundle once (`npm run build:bundle`) and workers load
 * it from WORKFLOW_BUNDLE_PATH. This builds it the same way, starts a worker from that file
 * against the dev server and runs a small cycle.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type TestStack, linkIn, startTestStack } from '../support/stack';
import { GOOD_DRAFT, ORG, cycleView } from '../e2e/drafting-flow';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

describe('a worker from a prebuilt workflow bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'okr-bundle-'));
  let t: TestStack | undefined;
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a cycle with the bundle built by npm run build:bundle', { timeout: 180_000 }, async () => {
    const bundle = join(dir, 'workflow-bundle.js');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/build-bundle.ts', bundle], { cwd: ROOT, timeout: 120_000 });
    expect(stdout).toContain('workflow bundle written to');
    expect(statSync(bundle).size).toBeGreaterThan(100_000);

    t = await startTestStack({ database: 'postgres', env: { WORKFLOW_BUNDLE_PATH: bundle } });
    expect(t.config.temporal.workflowBundlePath).toBe(bundle);
    expect((await t.api('/api/people', { method: 'POST', json: ORG })).status).toBe(200);
    expect(
      (
        await t.api('/api/cycles', {
          method: 'POST',
          json: { key: 'bundled', title: 'Bundled', startsOn: '2027-01-01', endsOn: '2027-03-31', schedule: { planning: 'at-once' } },
        })
      ).status,
    ).toBe(201);
    const mails = await t.mail.waitFor((all) => all.length >= 3, 30_000);
    const ana = mails.find((m) => m.envelopeTo[0] === 'ana@example.com')!;
    const done = await fetch(linkIn(ana), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GOOD_DRAFT) });
    expect(done.status).toBe(200);
    expect((await cycleView(t, 'bundled')).taskCounts).toMatchObject({ open: 2, completed: 1 });
  });
});

import { afterAll, beforeAll, describe, it } from 'vitest';
import { type TestStack, startTestStack } from '../support/stack';
import { runDraftingFlow } from './drafting-flow';

describe('a first cycle on the embedded database (PGlite)', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ database: 'pglite' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('runs the same flow as on a PostgreSQL server', async () => {
    await runDraftingFlow(t, 'lite-q1');
  });
});

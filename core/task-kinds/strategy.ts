/** strategy: an executive's 1–5 company objectives (no owner, no parent), approved by HR before anyone aligns to them. */
import type { StrategySubmission } from '../../contract';
import { saveObjectives } from './draft';
import { changesRequested, emptyContext, previousSubmission } from './shared';
import type { KindHandler } from './types';

export const strategyHandler: KindHandler<'strategy'> = {
  /** A new round starts from the executive's previous submission and shows HR's comment. */
  async context(db, task) {
    const previous = (await previousSubmission(db, task)) as StrategySubmission | null;
    const comment = await changesRequested(db, task.cycleId, task.personId, 'strategy-review');
    return {
      ...emptyContext(),
      values: previous,
      notes: comment === null ? [] : [`HR asked for changes: ${comment}`],
    };
  },
  async record(tx, task, submission) {
    // Status stays 'draft' until HR approves; this executive's earlier rounds become 'superseded'.
    await saveObjectives(tx, task, submission.objectives, null);
    return {};
  },
};

/** The submission schemas refuse what no handler should ever see. */
import { describe, expect, it } from 'vitest';
import { draftSubmissionSchema, scoreSubmissionSchema, submissionSchemas, toFieldIssues } from '../../contract';
import { kr } from '../support/kinds-fixture';

const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => {
  expect(result.success).toBe(false);
  return toFieldIssues(result.error!.issues);
};

describe('submission schemas', () => {
  it('refuses an objective without key results', () => {
    expect(issuesOf(draftSubmissionSchema.safeParse({ objectives: [{ title: 'Grow the business', keyResults: [] }] }))).toEqual([
      { path: 'objectives.0.keyResults', message: 'at least 2 key results' },
    ]);
  });

  it('refuses an objective with a single key result', () => {
    expect(issuesOf(draftSubmissionSchema.safeParse({ objectives: [{ title: 'Grow the business', keyResults: [kr.launch] }] }))).toEqual([
      { path: 'objectives.0.keyResults', message: 'at least 2 key results' },
    ]);
  });

  it('refuses six objectives', () => {
    const objective = { title: 'Grow the business', keyResults: [kr.users, kr.launch] };
    expect(issuesOf(draftSubmissionSchema.safeParse({ objectives: Array.from({ length: 6 }, () => objective) }))).toEqual([
      { path: 'objectives', message: 'at most 5 objectives' },
    ]);
    expect(draftSubmissionSchema.safeParse({ objectives: Array.from({ length: 5 }, () => objective) }).success).toBe(true);
  });

  it('refuses a target equal to the start, for numeric and percent key results', () => {
    const result = draftSubmissionSchema.safeParse({
      objectives: [
        {
          title: 'Grow the business',
          keyResults: [
            { ...kr.users, target: 100 },
            { kind: 'percent', title: 'Share', start: 30, target: 30 },
          ],
        },
      ],
    });
    expect(issuesOf(result)).toEqual([
      { path: 'objectives.0.keyResults.0.target', message: 'must differ from start' },
      { path: 'objectives.0.keyResults.1.target', message: 'must differ from start' },
    ]);
  });

  it('refuses a score above 1.0 or below 0.0', () => {
    expect(
      issuesOf(
        scoreSubmissionSchema.safeParse({
          scores: [
            { keyResultId: 1, score: 0.7 },
            { keyResultId: 2, score: 1.2 },
            { keyResultId: 3, score: -0.1 },
          ],
        }),
      ),
    ).toEqual([
      { path: 'scores.1.score', message: 'from 0.0 to 1.0' },
      { path: 'scores.2.score', message: 'from 0.0 to 1.0' },
    ]);
  });

  it('refuses a request for changes that does not say what, and a check-in key result with neither value nor done', () => {
    expect(issuesOf(submissionSchemas.review.safeParse({ decision: 'changes', comment: '' }))).toEqual([
      { path: 'comment', message: 'say what should change (at least 3 characters)' },
    ]);
    expect(issuesOf(submissionSchemas.checkin.safeParse({ keyResults: [{ keyResultId: 4 }], confidence: 11 }))).toEqual([
      { path: 'keyResults.0', message: 'give a value or done' },
      { path: 'confidence', message: 'from 1 to 10' },
    ]);
  });

  it('refuses a repeated vote', () => {
    expect(issuesOf(submissionSchemas.vote.safeParse({ nominationIds: [3, 3] }))).toEqual([{ path: 'nominationIds', message: 'each nomination once' }]);
  });
});

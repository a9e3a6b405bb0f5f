/** What counts as "the same submission" when a completion is sent again (a retry after a 503). */
import { describe, expect, it } from 'vitest';
import { sameSubmission } from '../../core/task-access';

describe('sameSubmission', () => {
  const draft = { objectives: [{ title: 'Grow', keyResults: [{ kind: 'numeric', title: 'Revenue', start: 1, target: 2, unit: 'k' }] }] };

  it('ignores the order of object keys (PostgreSQL jsonb reorders them)', () => {
    const reordered = { objectives: [{ keyResults: [{ unit: 'k', target: 2, start: 1, title: 'Revenue', kind: 'numeric' }], title: 'Grow' }] };
    expect(sameSubmission(reordered, draft)).toBe(true);
  });

  it('differs on any value, on the order of list items, and never matches nothing stored', () => {
    expect(sameSubmission(draft, { objectives: [{ ...draft.objectives[0]!, title: 'Grow more' }] })).toBe(false);
    const two = { items: [{ a: 1 }, { a: 2 }] };
    expect(sameSubmission(two, { items: [{ a: 2 }, { a: 1 }] })).toBe(false);
    expect(sameSubmission(null, draft)).toBe(false);
    expect(sameSubmission(undefined, undefined)).toBe(false);
  });
});

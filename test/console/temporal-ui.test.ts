/** The link from the operations page (and GET /api/cycles/:key) to a workflow in the Temporal UI. */
import { describe, expect, it } from 'vitest';
import { workflowUiUrl } from '../../api/temporal-ui';

describe('workflowUiUrl', () => {
  const temporal = { client: undefined as never, taskQueue: 'q', namespace: 'okr prod', uiUrl: 'http://localhost:8233' };
  it('points at the workflow in its namespace, both escaped', () => {
    expect(workflowUiUrl(temporal, 'okr-cycle:2027/Q1')).toBe('http://localhost:8233/namespaces/okr%20prod/workflows/okr-cycle%3A2027%2FQ1');
  });
  it('is null when no UI is known', () => {
    expect(workflowUiUrl({ ...temporal, uiUrl: undefined }, 'okr-cycle:x')).toBeNull();
  });
});

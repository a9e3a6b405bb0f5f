/** Links into the Temporal Web UI (when one is known: TEMPORAL_UI_URL, or the embedded dev server's). */
import type { ApiDeps } from './deps';

export function workflowUiUrl(temporal: ApiDeps['temporal'], workflowId: string): string | null {
  const ui = temporal.uiUrl;
  return ui ? `${ui}/namespaces/${encodeURIComponent(temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}` : null;
}

/**
 * All activities, built from their dependencies. Workflows import only the type
 * (`import type { Activities }`), never this module's values.
 */
import { createCycleActivities } from './cycles';
import type { ActivityDeps } from './deps';
import { createEmailActivities } from './email';
import { createNotificationActivities } from './notifications';
import { createStallActivities } from './stalls';
import { createTaskActivities } from './tasks';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCycleActivities(deps),
    ...createTaskActivities(deps),
    ...createEmailActivities(deps),
    ...createNotificationActivities(deps),
    ...createStallActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';

import type { Client } from '@temporalio/client';
import type { StepPolicy } from '../contract';
import type { BodyLimits } from './limits';
import type { RateLimitOptions } from './rate-limit';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Logger } from '../runtime/logger';
import type { ConsoleOptions } from './session';
import type { VisibilityPolicy } from '../core/visibility';

/** What the HTTP app needs; passed to `createApp`, never imported as singletons. */
export interface ApiDeps {
  db: Kysely<DB>;
  temporal: { client: Client; taskQueue: string; uiUrl: string | undefined; namespace: string };
  publicBaseUrl: string;
  /** The From address of mail the API queues itself (personal reminders); it names the Message-ID's domain. */
  mailFrom?: string;
  bootstrapApiKey: string | undefined;
  taskBatchSize: number;
  stepPolicy: StepPolicy;
  /** A completion waits this long for Temporal, then answers 503 with Retry-After (DEFAULT_COMPLETION_DEADLINE_MS when absent). */
  completionDeadlineMs?: number;
  /** Rate limits of the task links (per replica); false turns them off. */
  taskPageRateLimit?: RateLimitOptions | false;
  /** Largest request bodies accepted (bytes); DEFAULT_BODY_LIMITS when absent. */
  bodyLimits?: BodyLimits;
  /** Display time zone for dates on task pages when a cycle has none. */
  log: Logger;
  /** Reachability checks for /healthz and /readyz. */
  health: { database(): Promise<boolean>; temporal(): Promise<boolean> };
  /** Who sees what on the personal homes (core/visibility.ts); DEFAULT_VISIBILITY when absent. */
  visibility?: VisibilityPolicy;
  /** The console (sign-in, sessions, pages under /console); absent: no console, API keys only. */
  console?: ConsoleOptions;
}

/** What starting a cycle or an awards run needs, from the app's dependencies. */
export function cycleDepsOf(deps: ApiDeps) {
  return { db: deps.db, client: deps.temporal.client, taskQueue: deps.temporal.taskQueue, batchSize: deps.taskBatchSize, stepPolicy: deps.stepPolicy };
}

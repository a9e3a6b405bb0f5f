import type { Kysely } from 'kysely';
import type { Limiter } from '../core/concurrency';
import type { DB } from '../db/schema';
import type { Mailer } from '../mail/mailer';
import type { Logger } from '../runtime/logger';

/** What the activities need from the outside world; passed in, never imported as singletons. */
export interface ActivityDeps {
  db: Kysely<DB>;
  mailer: Mailer;
  publicBaseUrl: string;
  tokenSecret: string;
  log: Logger;
  /** How many emails the process composes at once, shared by every running send (default 32). */
  composeLimit?: Limiter;
  /** Aborted when the worker process is stopping: long activities stop between units of work. */
  stopping?: AbortSignal;
}

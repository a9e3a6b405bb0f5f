/**
 * The one place that reads the process environment. Every variable is declared here, validated
 * with zod, and turned into a typed `AppConfig`. A bad value stops start-up with a message that
 * names the variable and the problem.
 *
 * Unset service variables mean "embedded": `DATABASE_URL` → PGlite under DATA_DIR,
 * `TEMPORAL_ADDRESS` → a local Temporal dev server, `SMTP_URL` → the built-in mail catcher.
 * Production entry points (`npm run api`, `npm run worker`) call `requireExternalServices`.
 */
import { z } from 'zod';
import { type StepPolicy, durationSchema, durationToMs } from '../contract';
import { FACETS, type VisibilityPolicy, parseVisibility } from '../core/visibility';

const optionalString = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const url = (protocols: string[]) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/** A duration such as "30s" (checked by pattern alone, so a bad value is a plain configuration error). */
const timeout = (fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(?:\.\d+)?\s*(?:ms|s|m|h|d|w)$/, 'a duration such as "30s" or "1500ms"')
    .default(fallback);

const secret = (what: string) =>
  optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: `${what} must be at least 32 characters`,
  });

/** Every environment variable the application accepts, with its default. */
export const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  PUBLIC_BASE_URL: url(['http:', 'https:']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),

  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATABASE_POOL_SIZE: positiveInt(10),
  /** PostgreSQL cancels a statement (or an idle transaction) running longer than this. */
  DATABASE_STATEMENT_TIMEOUT: timeout('30s'),
  /** The client gives up on an answer that does not come (a hung server or network) after this. */
  DATABASE_QUERY_TIMEOUT: timeout('35s'),
  DATABASE_CONNECT_TIMEOUT: timeout('5s'),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('okr-cycles'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_UI_URL: url(['http:', 'https:']),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_API_KEY: optionalString,
  WORKFLOW_BUNDLE_PATH: optionalString,
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(50),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(20),
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt(400),
  /** The worker touches this file every 15 s while it runs (a container health check reads it). */
  WORKER_HEARTBEAT_FILE: optionalString,

  SMTP_URL: url(['smtp:', 'smtps:']),
  SMTP_MAX_CONNECTIONS: positiveInt(5),
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(0).default(0),
  MAILBOX_PORT: port(1025),
  MAIL_FROM: z.string().min(3).default('OKR <okr@localhost>'),
  /**
   * Replies by email: task emails get `Reply-To: tasks+<key>@MAIL_REPLY_DOMAIN`, and the API role
   * listens for those replies on INBOUND_SMTP_PORT. On when MAIL_REPLY_DOMAIN is set, or in the
   * embedded mail mode (SMTP_URL unset), where it defaults to `localhost`.
   */
  MAIL_REPLY_DOMAIN: optionalString.refine(
    (v) => v === undefined || /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(v),
    {
      message: 'must be a domain name such as replies.example.com',
    },
  ),
  /** The inbound SMTP listener for replies (API role, on HOST); 0 = off. */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  /** Largest reply accepted (announced in EHLO as SIZE; larger ones get 552), in bytes. */
  INBOUND_SMTP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Connections the reply listener serves at once; more are refused with 421. */
  INBOUND_SMTP_MAX_CLIENTS: z.coerce.number().int().min(1).max(1000).default(10),

  BOOTSTRAP_API_KEY: secret('BOOTSTRAP_API_KEY'),
  TOKEN_SECRET: secret('TOKEN_SECRET'),
  TASK_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(250),
  /** Task links (/t/…) per client address and minute, per API replica: reads and submissions. */
  TASK_LINK_READS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  TASK_LINK_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  /** The largest people import (JSON or CSV) accepted, in bytes; other bodies have fixed limits (docs/deployment.md). */
  PEOPLE_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** How many reverse proxies in front of the API to trust for X-Forwarded-For (0 = none). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * A task completion (`POST /t/:token`) waits this long for Temporal's answer, then answers 503
   * with Retry-After; the same submission sent again answers the real result.
   */
  COMPLETION_DEADLINE: timeout('10s').refine((v) => {
    let ms: number;
    try {
      ms = durationToMs(v);
    } catch {
      return true; // not a duration: the format check above says so
    }
    return ms >= 1000 && ms <= 120_000;
  }, 'between 1s and 2m'),
  /** A workflow step (activity) is retried this many times, backing off from STEP_RETRY_INITIAL to STEP_RETRY_MAX, then reported stalled. */
  STEP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  STEP_RETRY_INITIAL: durationSchema.default('1s'),
  STEP_RETRY_MAX: durationSchema.default('1m'),
  /** A stalled step tries again by itself every this long (one attempt each) until it succeeds or an operator retries or skips it. */
  STEP_AUTO_RETRY_AFTER: durationSchema.default('30s'),
  /** Console sessions end after this long unused, and this long after sign-in whatever happens. */
  CONSOLE_SESSION_IDLE: durationSchema.default('8h'),
  CONSOLE_SESSION_MAX: durationSchema.default('7d'),
  /** Sign-in requests (asking for a link, using one) per client address and minute, per API replica. */
  CONSOLE_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /**
   * The first operator (HR + admin) by email: created if missing (or given both roles) when the
   * API starts, so they can ask for a sign-in link; `npm start` prints one for them. Unset in the
   * embedded setup: operator@okr.localhost.
   */
  CONSOLE_FIRST_OPERATOR: optionalString.pipe(z.email({ message: 'must be an email address' }).optional()),
  /**
   * What everyone signed in may see of everyone on the personal homes (Me, Company, My team, My
   * department): a comma-separated list of facets (core/visibility.ts). The rest only the person,
   * their manager chain, ambassadors of their department and HR see. Empty: nothing is public.
   */
  VISIBILITY_PUBLIC: z
    .string()
    .default('objectives')
    .refine((v) => parseVisibility(v).ok, { message: `a comma-separated list of: ${FACETS.join(', ')}` }),
});

export type EnvInput = z.input<typeof envSchema>;
export const acceptedEnvVars = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export interface TemporalConfig {
  /** host:port of an external server; undefined → embedded dev server. */
  address: string | undefined;
  namespace: string;
  taskQueue: string;
  cliPath: string | undefined;
  devPort: number;
  uiPort: number;
  uiUrl: string | undefined;
  /** TLS to the frontend: a client certificate (mTLS) and/or a CA for the server's certificate. */
  tls: { certPath: string | undefined; keyPath: string | undefined; caPath: string | undefined } | undefined;
  apiKey: string | undefined;
  workflowBundlePath: string | undefined;
  worker: { maxConcurrentActivities: number; maxConcurrentWorkflowTasks: number; maxCachedWorkflows: number };
  workerHeartbeatFile: string | undefined;
}

export interface AppConfig {
  host: string;
  port: number;
  publicBaseUrl: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  dataDir: string;
  database: { url: string | undefined; poolSize: number; timeouts: { statementMs: number; queryMs: number; connectMs: number } };
  temporal: TemporalConfig;
  smtp: { url: string | undefined; maxConnections: number; ratePerSecond: number; mailboxPort: number; from: string };
  /** Replies by email; `domain` undefined = off (no Reply-To, no reply instructions, no listener). */
  replies: { domain: string | undefined; inboundPort: number; maxBytes: number; maxClients: number };
  bootstrapApiKey: string | undefined;
  tokenSecret: string | undefined;
  taskBatchSize: number;
  /** How long a completion request waits for Temporal before answering 503 (COMPLETION_DEADLINE). */
  completionDeadlineMs: number;
  stepPolicy: StepPolicy;
  taskLinkLimits: { readsPerMinute: number; writesPerMinute: number; trustProxyHops: number };
  /** Largest request bodies, in bytes. */
  bodyLimits: { taskLink: number; peopleImport: number; other: number };
  console: { sessionIdleMs: number; sessionMaxMs: number; signInPerMinute: number; firstOperator: string | undefined; secureCookie: boolean };
  /** Who sees what on the personal homes (VISIBILITY_PUBLIC). */
  visibility: VisibilityPolicy;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration. Only unknown keys are ignored. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      timeouts: {
        statementMs: durationToMs(e.DATABASE_STATEMENT_TIMEOUT),
        queryMs: durationToMs(e.DATABASE_QUERY_TIMEOUT),
        connectMs: durationToMs(e.DATABASE_CONNECT_TIMEOUT),
      },
    },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
      tls:
        (e.TEMPORAL_TLS_CERT_PATH && e.TEMPORAL_TLS_KEY_PATH) || e.TEMPORAL_TLS_CA_PATH
          ? { certPath: e.TEMPORAL_TLS_CERT_PATH, keyPath: e.TEMPORAL_TLS_KEY_PATH, caPath: e.TEMPORAL_TLS_CA_PATH }
          : undefined,
      apiKey: e.TEMPORAL_API_KEY,
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH,
      worker: {
        maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
        maxConcurrentWorkflowTasks: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      },
      workerHeartbeatFile: e.WORKER_HEARTBEAT_FILE,
    },
    smtp: {
      url: e.SMTP_URL,
      maxConnections: e.SMTP_MAX_CONNECTIONS,
      ratePerSecond: e.SMTP_RATE_PER_SECOND,
      mailboxPort: e.MAILBOX_PORT,
      from: e.MAIL_FROM,
    },
    replies: {
      domain: e.MAIL_REPLY_DOMAIN ?? (e.SMTP_URL ? undefined : 'localhost'),
      inboundPort: e.INBOUND_SMTP_PORT,
      maxBytes: e.INBOUND_SMTP_MAX_BYTES,
      maxClients: e.INBOUND_SMTP_MAX_CLIENTS,
    },
    bootstrapApiKey: e.BOOTSTRAP_API_KEY,
    tokenSecret: e.TOKEN_SECRET,
    taskBatchSize: e.TASK_BATCH_SIZE,
    completionDeadlineMs: durationToMs(e.COMPLETION_DEADLINE),
    bodyLimits: { taskLink: 64 * 1024, peopleImport: e.PEOPLE_IMPORT_MAX_BYTES, other: 1024 * 1024 },
    taskLinkLimits: { readsPerMinute: e.TASK_LINK_READS_PER_MINUTE, writesPerMinute: e.TASK_LINK_WRITES_PER_MINUTE, trustProxyHops: e.TRUST_PROXY_HOPS },
    console: {
      sessionIdleMs: durationToMs(e.CONSOLE_SESSION_IDLE),
      sessionMaxMs: durationToMs(e.CONSOLE_SESSION_MAX),
      signInPerMinute: e.CONSOLE_SIGN_IN_PER_MINUTE,
      firstOperator: e.CONSOLE_FIRST_OPERATOR?.toLowerCase(),
      secureCookie: (e.PUBLIC_BASE_URL ?? '').startsWith('https:'),
    },
    visibility: (parseVisibility(e.VISIBILITY_PUBLIC) as { ok: true; policy: VisibilityPolicy }).policy,
    stepPolicy: {
      maxAttempts: e.STEP_MAX_ATTEMPTS,
      initialInterval: e.STEP_RETRY_INITIAL,
      maxInterval: e.STEP_RETRY_MAX,
      autoRetryAfter: e.STEP_AUTO_RETRY_AFTER,
    },
  };
}

/** Production processes run against configured services only; say which ones are missing. */
export function requireExternalServices(config: AppConfig, needs: { smtp: boolean; bootstrapKey: boolean }): void {
  const problems: string[] = [];
  if (!config.database.url) problems.push('DATABASE_URL: required (a PostgreSQL URL) outside `npm start`');
  if (!config.temporal.address) problems.push('TEMPORAL_ADDRESS: required (host:port of a Temporal frontend) outside `npm start`');
  if (needs.smtp && !config.smtp.url) problems.push('SMTP_URL: required (smtp://user:pass@host:port) outside `npm start`');
  if (!config.tokenSecret) problems.push('TOKEN_SECRET: required (at least 32 random characters) outside `npm start`');
  if (needs.bootstrapKey && !config.bootstrapApiKey) problems.push('BOOTSTRAP_API_KEY: required (at least 32 random characters) outside `npm start`');
  if (problems.length) throw new ConfigError(problems);
}

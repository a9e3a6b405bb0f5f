/**
 * Composes the running system from configuration: database (+ migrations), mail (SMTP_URL or
 * the built-in catcher), Temporal (TEMPORAL_ADDRESS or the local dev server), the worker and the
 * HTTP API. `npm start` runs all of it in one process; `npm run api` / `npm run worker` run one
 * role each against external services; tests start it in-process on the real parts.
 *
 * Each role loads only its own modules (imported when the role starts): a worker process never
 * loads the HTTP API, its routes and pages, or the inbound mail listener; an API process never
 * loads the activities or the worker's native bridge.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { ServerType } from '@hono/node-server';
import type { Worker } from '@temporalio/worker';
import type { createApp } from '../api/app';
import type { AppConfig } from '../config';
import { type Database, migrateToLatest, openDatabase } from '../db/connect';
import type { MailCatcher } from '../mail/catcher';
import { timeZonesByEmail } from '../db/people';
import { secureDataDir } from './secrets';
import { type Mailer, createMailer } from '../mail/mailer';
import { ensureFirstOperator } from '../core/first-operator';
import { type Logger, createLogger, installTemporalLogging } from './logger';
import { type TemporalAccess, connectTemporal, startEmbeddedTemporal, temporalReachable } from './temporal';

export interface StackOptions {
  config: AppConfig;
  roles: { api: boolean; worker: boolean };
  /** Secrets resolved by the caller (configuration, or generated for the embedded default). */
  secrets: { tokenSecret: string; bootstrapApiKey: string | undefined };
  /** Use this Temporal connection instead of connecting or starting one (tests). */
  temporal?: TemporalAccess;
  /** Prebuilt workflow bundle code (tests bundle once per run). */
  workflowBundleCode?: string;
  log?: Logger;
}

export interface Stack {
  config: AppConfig;
  database: Database;
  temporal: TemporalAccess;
  mailCatcher: MailCatcher | undefined;
  worker: Worker | undefined;
  /** The listening HTTP server's base URL, when the API runs. */
  apiUrl: string | undefined;
  app: ReturnType<typeof createApp> | undefined;
  log: Logger;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const { config, roles } = options;
  const log = options.log ?? createLogger(config.logLevel);
  // Only a process that runs a worker or the embedded server loads the SDK's native runtime.
  if (roles.worker || (!options.temporal && !config.temporal.address)) installTemporalLogging(log);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        log.warn({ err: error }, 'error while stopping');
      }
    }
    cleanups.length = 0;
  };

  try {
    secureDataDir(config.dataDir);
    const database = await openDatabase({
      url: config.database.url,
      poolSize: config.database.poolSize,
      dataDir: config.dataDir,
      timeouts: config.database.timeouts,
    });
    cleanups.push(() => database.close());
    await migrateToLatest(database.db);

    let mailCatcher: MailCatcher | undefined;
    let smtpUrl = config.smtp.url;
    if (!smtpUrl) {
      // Per-run credentials: only this process's mailers can put mail into the catcher.
      const auth = { user: 'okr', pass: randomBytes(18).toString('base64url') };
      const { startMailCatcher } = await import('../mail/catcher');
      mailCatcher = await startMailCatcher({
        port: config.smtp.mailboxPort,
        dir: config.dataDir === 'memory://' ? undefined : join(config.dataDir, 'mailbox'),
        auth,
      });
      cleanups.push(() => mailCatcher!.close());
      smtpUrl = `smtp://${auth.user}:${auth.pass}@127.0.0.1:${mailCatcher.port}?tls=off`;
    }

    let temporal = options.temporal;
    if (!temporal) {
      temporal = config.temporal.address
        ? await connectTemporal({ ...config.temporal, address: config.temporal.address })
        : await startEmbeddedTemporal(config.temporal, join(config.dataDir, 'temporal'));
      const owned = temporal;
      cleanups.push(() => owned.close());
    }

    let worker: Worker | undefined;
    if (roles.worker) {
      const [{ createActivities }, { createWorker }] = await Promise.all([import('../activities'), import('./worker')]);
      const mailer: Mailer = createMailer({
        url: smtpUrl,
        from: config.smtp.from,
        maxConnections: config.smtp.maxConnections,
        ratePerSecond: config.smtp.ratePerSecond,
        replyDomain: config.replies.domain,
      });
      cleanups.push(() => mailer.close());
      // Aborted when the worker is asked to stop: sends stop between messages at once, not after the grace time.
      const stopping = new AbortController();
      const activities = createActivities({
        db: database.db,
        mailer,
        publicBaseUrl: config.publicBaseUrl,
        tokenSecret: options.secrets.tokenSecret,
        log,
        stopping: stopping.signal,
      });
      worker = await createWorker({
        connection: await temporal.workerConnection(),
        namespace: temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        activities,
        workflowBundlePath: config.temporal.workflowBundlePath,
        workflowBundleCode: options.workflowBundleCode,
        limits: config.temporal.worker,
      });
      const running = worker.run();
      const w = worker;
      cleanups.push(async () => {
        stopping.abort();
        if (w.getState() === 'RUNNING') w.shutdown();
        await running;
      });
    }

    let apiUrl: string | undefined;
    let app: ReturnType<typeof createApp> | undefined;
    if (roles.api) {
      const [{ createApp }, { allowedHosts, guardHost, isLoopbackBind }, { createMailboxRouter }] = await Promise.all([
        import('../api/app'),
        import('../api/host-check'),
        import('../mail/mailbox-routes'),
      ]);
      const access = temporal;
      // The console's sign-in emails go out from the API process at once (core/sign-in.ts).
      const signInMailer = createMailer({ url: smtpUrl, from: config.smtp.from, maxConnections: 1, ratePerSecond: config.smtp.ratePerSecond });
      cleanups.push(() => signInMailer.close());
      if (config.console.firstOperator) await ensureFirstOperator(database.db, config.console.firstOperator);
      const hosts = allowedHosts(config.port, config.publicBaseUrl);
      app = createApp(
        {
          db: database.db,
          temporal: { client: access.client, taskQueue: config.temporal.taskQueue, uiUrl: access.uiUrl, namespace: access.namespace },
          publicBaseUrl: config.publicBaseUrl,
          mailFrom: config.smtp.from,
          bootstrapApiKey: options.secrets.bootstrapApiKey,
          taskBatchSize: config.taskBatchSize,
          stepPolicy: config.stepPolicy,
          visibility: config.visibility,
          completionDeadlineMs: config.completionDeadlineMs,
          bodyLimits: config.bodyLimits,
          taskPageRateLimit: {
            read: { perMinute: config.taskLinkLimits.readsPerMinute, burst: Math.max(1, Math.ceil(config.taskLinkLimits.readsPerMinute / 2)) },
            write: { perMinute: config.taskLinkLimits.writesPerMinute, burst: config.taskLinkLimits.writesPerMinute },
            trustProxy: config.taskLinkLimits.trustProxyHops,
          },
          log,
          console: {
            tokenSecret: options.secrets.tokenSecret,
            mailer: signInMailer,
            sessionPolicy: { idleMs: config.console.sessionIdleMs, absoluteMs: config.console.sessionMaxMs },
            secureCookie: config.console.secureCookie,
            signInRateLimit: { perMinute: config.console.signInPerMinute, burst: config.console.signInPerMinute },
            smtpReachable: () => tcpReachable(smtpUrl!),
          },
          health: {
            database: () =>
              database.ping().then(
                () => true,
                () => false,
              ),
            temporal: () => temporalReachable(access),
          },
        },
        {
          mounts: mailCatcher
            ? [
                {
                  path: '/dev/mailbox',
                  app: createMailboxRouter(mailCatcher, {
                    basePath: '/dev/mailbox',
                    allowedHosts: hosts,
                    timeZoneOf: (emails) => timeZonesByEmail(database.db, emails),
                  }),
                },
              ]
            : [],
        },
      );
      const server = await listen(isLoopbackBind(config.host) ? guardHost(app.fetch, hosts) : app.fetch, config.host, config.port);
      cleanups.push(() => closeServer(server));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      apiUrl = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
    }

    // ---- Replies by email (docs/email.md) ------------------------------------------------------
    // With the API role, when replies are on (MAIL_REPLY_DOMAIN, or the embedded mail mode) and
    // INBOUND_SMTP_PORT is not 0: an SMTP listener for `tasks+<key>@<domain>` that completes tasks
    // through the same Temporal update as the task page, and answers each reply by email.
    if (roles.api && config.replies.domain && config.replies.inboundPort > 0) {
      const [{ completeThroughWorkflow, createReplyHandler }, { replyRecipientCheck, startInboundServer }] = await Promise.all([
        import('../core/replies'),
        import('../mail/inbound'),
      ]);
      const replyDomain = config.replies.domain;
      const answers = createMailer({ url: smtpUrl, from: config.smtp.from, maxConnections: 1, ratePerSecond: config.smtp.ratePerSecond, replyDomain });
      cleanups.push(() => answers.close());
      const handle = createReplyHandler({
        db: database.db,
        mailer: answers,
        tokenSecret: options.secrets.tokenSecret,
        replyDomain,
        publicBaseUrl: config.publicBaseUrl,
        log,
        complete: completeThroughWorkflow({ db: database.db, client: temporal.client }),
      });
      const inbound = await startInboundServer({
        host: config.host,
        port: config.replies.inboundPort,
        domain: replyDomain,
        checkRecipient: replyRecipientCheck({ db: database.db, tokenSecret: options.secrets.tokenSecret, domain: replyDomain }),
        handle,
        log,
        maxBytes: config.replies.maxBytes,
        maxClients: config.replies.maxClients,
      });
      cleanups.push(() => inbound.close());
    }
    // ---- end of replies by email ----------------------------------------------------------------

    // Files the database, Temporal and the catcher created during this start.
    secureDataDir(config.dataDir);
    return { config, database, temporal, mailCatcher, worker, apiUrl, app, log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Whether host:port of a smtp:// URL accepts a TCP connection within 2 s. */
function tcpReachable(url: string): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || (protocol === 'smtps:' ? 465 : 587)), timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function listen(fetch: (req: Request, ...rest: any[]) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting connections and lets in-flight requests finish (up to 10 s). */
function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      resolve();
    }, 10_000);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

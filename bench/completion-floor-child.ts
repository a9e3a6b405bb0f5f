/**
 * The completion floor, run in its own process (forked by bench/completion-floor.ts): the work a
 * completion cannot avoid, with no Temporal — an HTTP server (Hono on @hono/node-server, as the
 * API) whose `POST /t/:token` finds the task by its token, checks the submission with the kind's
 * zod schema, and runs the same transaction as the app (`recordSubmission`: the row lock, the
 * kind's rules and writes, the task, its event and the audit entry), then answers JSON.
 *
 * Left out, so the floor is a little lower than it could be: the API's rate limiter, its
 * middleware (request ids, logging, security headers), and the workflow's bookkeeping.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createTaskActivities } from '../activities/tasks';
import { submissionSchemas, toFieldIssues } from '../contract';
import { findTaskByToken } from '../core/task-access';
import { openDatabase } from '../db/connect';
import type { Mailer } from '../mail/mailer';
import { createLogger } from '../runtime/logger';

export interface CompletionFloorInput {
  databaseUrl: string;
  /** As the API's (DATABASE_POOL_SIZE default). */
  poolSize: number;
}

async function main(input: CompletionFloorInput): Promise<void> {
  const database = await openDatabase({ url: input.databaseUrl, poolSize: input.poolSize, dataDir: 'memory://' });
  const db = database.db;
  const unusedMailer = { send: () => Promise.reject(new Error('the completion floor sends no mail')), close: () => undefined } as unknown as Mailer;
  const { recordSubmission } = createTaskActivities({
    db,
    mailer: unusedMailer,
    publicBaseUrl: 'http://127.0.0.1',
    tokenSecret: 'unused',
    log: createLogger('silent'),
  });

  const app = new Hono();
  app.post('/t/:token', async (c) => {
    const task = await findTaskByToken(db, c.req.param('token'));
    if (!task) return c.json({ error: { code: 'NOT_FOUND' } }, 404);
    if (task.status !== 'open') return c.json({ error: { code: 'TASK_CLOSED' } }, 409);
    const parsed = submissionSchemas[task.kind].safeParse(await c.req.json());
    if (!parsed.success) return c.json({ error: { code: 'VALIDATION_FAILED', details: { issues: toFieldIssues(parsed.error.issues) } } }, 400);
    const { completedAt } = await recordSubmission({ taskId: task.id, kind: task.kind, submission: parsed.data, via: 'json' });
    return c.json({ taskId: task.id, status: 'completed', completedAt });
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.send!({ port: info.port }));
  process.once('disconnect', () => {
    server.close();
    void database.close().finally(() => process.exit(0));
  });
}

process.once('message', (input: CompletionFloorInput) => {
  main(input).catch((error: unknown) => {
    process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
  });
});

/**
 * The floor, run in its own process (forked by bench/floor.ts) so that, like the worker, it does
 * not share an event loop with the SMTP sink: N task rows inserted in bulk with Kysely
 * (multi-row VALUES, 1,000 rows a statement, one transaction, token hashes computed as the app
 * does) into a scratch table shaped like `tasks`, then N emails sent through the app's pooled
 * transport (createMailer, same SMTP_MAX_CONNECTIONS) to the bench's sink. No Temporal.
 *
 * The emails are rendered with the app's template before the clock starts; rendering is timed
 * separately and reported as its own number.
 */
import { sql } from 'kysely';
import { type EmailData, renderEmail } from '../mail/templates';
import { draftKind } from '../kinds/objectives';
import { hashToken, taskLink, taskToken } from '../core/tokens';
import { openDatabase } from '../db/connect';
import { createMailer, messageIdFor } from '../mail/mailer';

export interface FloorInput {
  databaseUrl: string;
  n: number;
  smtpPort: number;
  maxConnections: number;
  publicBaseUrl: string;
  tokenSecret: string;
  from: string;
  /** Recipient address of person i (same addresses as the launch). */
  emails: string[];
}

export interface FloorOutput {
  insertSeconds: number;
  sendSeconds: number;
  renderSeconds: number;
  totalSeconds: number;
  /** CPU seconds of this process between the start of the inserts and the last email. */
  cpuSeconds: number;
  sent: number;
  errors: number;
  firstError?: string;
}

const CHUNK = 1_000;
const SCRATCH = 'bench_floor_tasks';

async function main(input: FloorInput): Promise<FloorOutput> {
  const database = await openDatabase({ url: input.databaseUrl, poolSize: 10, dataDir: 'memory://' });
  const db = database.db;
  const mailer = createMailer({ url: `smtp://127.0.0.1:${input.smtpPort}?tls=off`, from: input.from, maxConnections: input.maxConnections, ratePerSecond: 0 });
  try {
    await sql`drop table if exists ${sql.table(SCRATCH)}`.execute(db);
    // Same columns, defaults, unique indexes (token_hash, the task identity) as tasks; no foreign keys.
    await sql`create table ${sql.table(SCRATCH)} (like tasks including defaults including indexes)`.execute(db);
    const cycleId = 1_000_000;
    const dueAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const workflowId = 'okr-cycle:bench-floor:drafting:r1:b0';

    // Rendering (the app does it per email at send time): timed apart from the floor.
    const r0 = performance.now();
    const messages = input.emails.slice(0, input.n).map((address, i) => {
      const token = taskToken(input.tokenSecret, { cycleId, kind: draftKind.kind, round: 1, personId: i + 1 });
      const data: EmailData['task-invite'] = {
        locale: i % 10 === 3 ? 'zh-CN' : 'en',
        personName: `Person ${i}`,
        cycleTitle: `Bench ${input.n}`,
        taskKind: draftKind.kind,
        dueAt,
        timeZone: 'UTC',
        round: 1,
      };
      const rendered = renderEmail('task-invite', data, taskLink(input.publicBaseUrl, token));
      return { to: { name: data.personName, address }, messageId: messageIdFor(hashToken(`floor:${i}`).slice(0, 40), input.from), ...rendered };
    });
    const renderSeconds = (performance.now() - r0) / 1000;

    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < input.n; i += CHUNK) {
        const rows = [];
        for (let j = i; j < Math.min(input.n, i + CHUNK); j++) {
          rows.push({
            cycle_id: cycleId,
            person_id: j + 1,
            kind: draftKind.kind,
            phase: 'drafting' as const,
            round: 1,
            batch_no: 0,
            workflow_id: workflowId,
            due_at: dueAt,
            token_hash: hashToken(taskToken(input.tokenSecret, { cycleId, kind: draftKind.kind, round: 1, personId: j + 1 })),
          });
        }
        await tx
          .insertInto(SCRATCH as 'tasks')
          .values(rows)
          .execute();
      }
    });
    const t1 = performance.now();
    let errors = 0;
    let firstError: string | undefined;
    await Promise.all(
      messages.map((m) =>
        mailer.send(m).catch((e: unknown) => {
          errors++;
          firstError ??= e instanceof Error ? e.message : String(e);
        }),
      ),
    );
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    return {
      insertSeconds: (t1 - t0) / 1000,
      sendSeconds: (t2 - t1) / 1000,
      renderSeconds,
      totalSeconds: (t2 - t0) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      sent: messages.length - errors,
      errors,
      ...(firstError ? { firstError } : {}),
    };
  } finally {
    mailer.close();
    await sql`drop table if exists ${sql.table(SCRATCH)}`.execute(db).catch(() => undefined);
    await database.close();
  }
}

process.once('message', (input: FloorInput) => {
  main(input).then(
    (out) => process.send!({ ok: true, out }, () => process.exit(0)),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
  );
});
process.once('disconnect', () => process.exit(1));

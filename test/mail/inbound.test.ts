/**
 * The inbound reply listener on the real parts: smtp-server on loopback spoken to over a raw TCP
 * socket (so a test sees each SMTP answer and controls what is sent), PostgreSQL for the reply-key
 * check at RCPT TO. The reply handler is a recorder: what it receives is what the listener let in.
 */
import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundReply } from '../../core/replies';
import { replyAddress } from '../../core/reply-keys';
import { type Database, migrateToLatest, openDatabase } from '../../db/connect';
import type { DB } from '../../db/schema';
import { type InboundServer, replyRecipientCheck, startInboundServer } from '../../mail/inbound';
import { createLogger } from '../../runtime/logger';
import { type TestDatabase, createTestDatabase } from '../support/postgres';
import { seedCycle, seedPeople, seedTask } from './seed';

const SECRET = 'inbound-test-secret-0123456789abcdefghijklmn';
const DOMAIN = 'replies.test';
const MAX_BYTES = 25 * 1024 * 1024;
const MAX_CLIENTS = 4;

let testDb: TestDatabase;
let database: Database;
let server: InboundServer;
const received: InboundReply[] = [];
let failNext: Error | undefined;
const task: Record<'open' | 'closedLongAgo' | 'closedToday', number> = { open: 0, closedLongAgo: 0, closedToday: 0 };

/** A line-oriented SMTP client: `cmd` sends a line and resolves with the complete (multi-line) answer. */
class Smtp {
  private buffer = '';
  private waiting: ((answer: string) => void)[] = [];
  private answers: string[] = [];
  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (data: string) => {
      this.buffer += data;
      let m: RegExpExecArray | null;
      // biome-ignore lint/suspicious/noAssignInExpressions: reading complete answers
      while ((m = /^((?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n)/.exec(this.buffer))) {
        this.buffer = this.buffer.slice(m[1]!.length);
        const next = this.waiting.shift();
        if (next) next(m[1]!);
        else this.answers.push(m[1]!);
      }
    });
    socket.on('error', () => undefined);
  }
  static async open(port: number): Promise<{ smtp: Smtp; greeting: string }> {
    const socket = connect(port, '127.0.0.1');
    const smtp = new Smtp(socket);
    await once(socket, 'connect');
    return { smtp, greeting: await smtp.answer() };
  }
  answer(): Promise<string> {
    const ready = this.answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  cmd(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.answer();
  }
  /** Writes the message body (already dot-stuffed) in chunks, respecting backpressure, then the final dot. */
  async data(chunks: Iterable<string>): Promise<string> {
    for (const chunk of chunks) if (!this.socket.write(chunk)) await once(this.socket, 'drain');
    this.socket.write('\r\n.\r\n');
    return this.answer();
  }
  close(): void {
    this.socket.destroy();
  }
}

const code = (answer: string) => Number(answer.slice(0, 3));

function* message(to: string, opts: { text?: string; attachmentBytes?: number; extraHeader?: string } = {}): Generator<string> {
  yield `From: Bo <bo@example.com>\r\nTo: ${to}\r\nSubject: Re: check-in\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.com>\r\n`;
  if (opts.extraHeader) yield opts.extraHeader;
  yield 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n';
  yield `--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${opts.text ?? 'KR1: 50%'}\r\n`;
  if (opts.attachmentBytes) {
    yield '--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="quoted.png"\r\n\r\n';
    const line = `${'QUJD'.repeat(19)}\r\n`; // 76 base64 characters a line
    const block = line.repeat(2048);
    for (let sent = 0; sent < opts.attachmentBytes; sent += block.length) yield block;
  }
  yield '--b1--\r\n';
}

async function sendOne(to: string, body: Iterable<string>, mailFromArgs = ''): Promise<{ mail: string; rcpt?: string; data?: string; final?: string }> {
  const { smtp } = await Smtp.open(server.port);
  try {
    await smtp.cmd('EHLO client.test');
    const mail = await smtp.cmd(`MAIL FROM:<bo@example.com>${mailFromArgs}`);
    if (code(mail) !== 250) return { mail };
    const rcpt = await smtp.cmd(`RCPT TO:<${to}>`);
    if (code(rcpt) !== 250) return { mail, rcpt };
    const data = await smtp.cmd('DATA');
    if (code(data) !== 354) return { mail, rcpt, data };
    return { mail, rcpt, data, final: await smtp.data(body) };
  } finally {
    smtp.close();
  }
}

const address = (taskId: number) => replyAddress(SECRET, taskId, DOMAIN);

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openDatabase({ url: testDb.url, poolSize: 4, dataDir: 'memory://' });
  await migrateToLatest(database.db);
  const [bo] = await seedPeople(database.db, [{ email: 'bo@example.com', name: 'Bo' }]);
  const cycle = await seedCycle(database.db, 'Q1', [bo!.id]);
  task.open = (await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: bo!.id, kind: 'checkin', round: 1 })).id;
  task.closedLongAgo = (await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: bo!.id, kind: 'checkin', round: 2 })).id;
  task.closedToday = (await seedTask(database.db, SECRET, { cycleId: cycle.id, personId: bo!.id, kind: 'checkin', round: 3 })).id;
  await database.db
    .updateTable('tasks')
    .set({ status: 'expired', closed_at: new Date(Date.now() - 30 * 24 * 3600_000) })
    .where('id', '=', task.closedLongAgo)
    .execute();
  await database.db
    .updateTable('tasks')
    .set({ status: 'completed', completed_at: new Date(Date.now() - 3600_000) })
    .where('id', '=', task.closedToday)
    .execute();
  server = await startInboundServer({
    host: '127.0.0.1',
    port: 0,
    domain: DOMAIN,
    checkRecipient: replyRecipientCheck({ db: database.db, tokenSecret: SECRET, domain: DOMAIN }),
    async handle(reply) {
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      received.push(reply);
    },
    log: createLogger('silent'),
    maxBytes: MAX_BYTES,
    maxClients: MAX_CLIENTS,
  });
});

afterAll(async () => {
  await server?.close();
  await database?.close();
  await testDb?.drop();
});

describe('inbound SMTP: the reply key is checked at RCPT TO', () => {
  it('refuses forged keys, unknown tasks, other recipients and long-closed tasks with 550 before any data', async () => {
    const before = received.length;
    const forged = `tasks+${task.open}.AAAAAAAAAAAAAAAAAAAAAA@${DOMAIN}`;
    const unknownTask = address(999_999);
    for (const to of [forged, unknownTask, `okr@${DOMAIN}`, replyAddress(SECRET, task.open, 'elsewhere.test'), address(task.closedLongAgo)]) {
      const result = await sendOne(to, message(to));
      expect(code(result.rcpt!), to).toBe(550);
      expect(result.data, to).toBeUndefined();
    }
    expect((await sendOne(address(task.closedLongAgo), message('x'))).rcpt).toContain('expired');
    expect(received.length).toBe(before);
  });

  it('accepts an open task, and a task closed within the week (so the owner is told it was not recorded)', async () => {
    const before = received.length;
    for (const id of [task.open, task.closedToday]) {
      const result = await sendOne(address(id), message(address(id), { text: `KR1: ${id}%` }));
      expect(code(result.rcpt!)).toBe(250);
      expect(code(result.final!)).toBe(250);
    }
    expect(received.slice(before).map((r) => [r.to, r.text.trim()])).toEqual([
      [[address(task.open)], `KR1: ${task.open}%`],
      [[address(task.closedToday)], `KR1: ${task.closedToday}%`],
    ]);
    expect(received.at(-1)!.from).toBe('bo@example.com');
    expect(received.at(-1)!.subject).toBe('Re: check-in');
  });

  it('answers 451 (try later) at RCPT TO when the database cannot be asked', async () => {
    const unreachable = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 }) }),
    });
    try {
      const check = replyRecipientCheck({ db: unreachable, tokenSecret: SECRET, domain: DOMAIN });
      expect(await check(address(task.open))).toMatchObject({ accept: false, code: 451 });
      expect(await check(`tasks+1.AAAAAAAAAAAAAAAAAAAAAA@${DOMAIN}`)).toMatchObject({ accept: false, code: 550 }); // forged: no lookup needed
    } finally {
      await unreachable.destroy();
    }
  });
});

describe('inbound SMTP: size, connections and what a retry cannot fix', () => {
  it('announces SIZE in EHLO, refuses a MAIL FROM with a larger SIZE, and answers 552 to a message that grows past it', async () => {
    const { smtp } = await Smtp.open(server.port);
    try {
      expect(await smtp.cmd('EHLO client.test')).toMatch(new RegExp(`^250[- ]SIZE ${MAX_BYTES}\\r$`, 'm'));
    } finally {
      smtp.close();
    }
    expect(code((await sendOne(address(task.open), [], ` SIZE=${MAX_BYTES + 1}`)).mail)).toBe(552);

    const before = received.length;
    const oversized = await sendOne(address(task.open), message(address(task.open), { attachmentBytes: MAX_BYTES + 1024 * 1024 }));
    expect(code(oversized.final!)).toBe(552);
    expect(received.length).toBe(before);
  });

  it(`serves at most ${MAX_CLIENTS} connections at once; the next one is refused with 421`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_CLIENTS }, () => Smtp.open(server.port)));
    try {
      for (const { greeting } of held) expect(code(greeting)).toBe(220);
      const extra = await Smtp.open(server.port);
      expect(code(extra.greeting)).toBe(421);
      extra.smtp.close();
    } finally {
      for (const { smtp } of held) smtp.close();
    }
    await sleep(100);
    const again = await Smtp.open(server.port);
    expect(code(again.greeting)).toBe(220);
    again.smtp.close();
  });

  it('answers 554 to mail that can never be parsed, and 451 when the reply could not be handled yet', async () => {
    const before = received.length;
    const hugeHeader = `X-Junk: ${'a'.repeat(76)}\r\n${` ${'b'.repeat(76)}\r\n`.repeat(16_000)}`; // a 1.2 MB header block
    const unparseable = await sendOne(address(task.open), message(address(task.open), { extraHeader: hugeHeader }));
    expect(code(unparseable.final!)).toBe(554);
    expect(unparseable.final).toContain('5.6.0');

    failNext = new Error('the database is down');
    const temporary = await sendOne(address(task.open), message(address(task.open)));
    expect(code(temporary.final!)).toBe(451);
    expect(received.length).toBe(before);
  });

  it('keeps memory bounded: 8 concurrent 23 MB replies (quoted images) cost far less than their size', async () => {
    const rss = () => process.memoryUsage().rss;
    global.gc?.();
    const start = rss();
    let peak = start;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 20);
    const size = 23 * 1024 * 1024;
    const before = received.length;
    // MAX_CLIENTS at a time, as a relay would queue them.
    const results: { final?: string }[] = [];
    for (let i = 0; i < 8; i += MAX_CLIENTS) {
      results.push(
        ...(await Promise.all(
          Array.from({ length: MAX_CLIENTS }, (_, j) =>
            sendOne(address(task.open), message(address(task.open), { text: `KR1: ${i + j}%`, attachmentBytes: size })),
          ),
        )),
      );
    }
    clearInterval(sampler);
    expect(results.map((r) => code(r.final!))).toEqual(new Array(8).fill(250));
    expect(received.length - before).toBe(8);
    const grownMiB = (peak - start) / 1024 / 1024;
    // 8 × 23 MB = 184 MiB went through; buffering each message (as before) grew RSS by > 400 MiB.
    console.log(`inbound: RSS grew ${grownMiB.toFixed(0)} MiB for 8 × 23 MB accepted`);
    expect(grownMiB).toBeLessThan(120);
  }, 120_000);
});

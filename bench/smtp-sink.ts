/**
 * An SMTP sink on loopback that accepts every message and counts it, with as little work per
 * message as smtp-server allows (no parsing; the raw bytes are kept only while a phase asks for
 * them, to find the task links afterwards). Messages are counted per phase, by recipient.
 */
import { SMTPServer } from 'smtp-server';

export interface SinkPhase {
  name: string;
  expected: number;
  /** Messages accepted in this phase (a resend counts again). */
  accepted: number;
  /** Distinct recipients seen in this phase. */
  recipients: number;
  /** performance.now() when `expected` distinct recipients had been accepted. */
  doneAt: number | undefined;
  firstAt: number | undefined;
  /** Resolves when every expected recipient has a message. */
  done: Promise<number>;
  /** The raw message per recipient (only when the phase keeps them). */
  raw: Map<string, Buffer> | undefined;
}

export interface SmtpSink {
  port: number;
  /** Starts counting a new phase; messages outside a phase are counted as stray. */
  phase(name: string, expected: number, options?: { keepRaw?: boolean }): SinkPhase;
  endPhase(): void;
  stray(): number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let current: (SinkPhase & { seen: Set<string>; resolve: (t: number) => void }) | undefined;
  let stray = 0;

  const server = new SMTPServer({
    name: 'bench-sink.local',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    hideSize: true,
    socketTimeout: 120_000,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      const phase = current;
      const keep = phase?.raw !== undefined;
      const chunks: Buffer[] = [];
      if (keep) stream.on('data', (c: Buffer) => chunks.push(c));
      else stream.resume();
      // Read the envelope now: the session is reset for the next message once we answer.
      const to = session.envelope.rcptTo[0]?.address ?? '';
      stream.once('end', () => {
        callback(null, 'OK');
        if (!phase || phase !== current) {
          stray++;
          return;
        }
        phase.accepted++;
        phase.firstAt ??= performance.now();
        if (!phase.seen.has(to)) {
          phase.seen.add(to);
          phase.recipients++;
          if (keep) phase.raw!.set(to, Buffer.concat(chunks));
          if (phase.recipients === phase.expected) {
            phase.doneAt = performance.now();
            phase.resolve(phase.doneAt);
          }
        }
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    phase(name, expected, options = {}) {
      let resolve!: (t: number) => void;
      const done = new Promise<number>((r) => {
        resolve = r;
      });
      current = {
        name,
        expected,
        accepted: 0,
        recipients: 0,
        doneAt: undefined,
        firstAt: undefined,
        done,
        raw: options.keepRaw ? new Map() : undefined,
        seen: new Set(),
        resolve,
      };
      return current;
    },
    endPhase() {
      current = undefined;
    },
    stray: () => stray,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

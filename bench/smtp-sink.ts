/**
 * An SMTP sink on loopback that accepts every message and counts it, with as little work per
 * message as smtp-server allows (no parsing; the raw bytes are kept only while a phase asks for
 * them, to find the task links afterwards). Messages are counted per phase, by recipient.
 *
 * A phase may count only the messages whose Subject matches (the check-in fan-out must not count
 * a late email of the review phase): then the header block is read and its Subject decoded
 * (RFC 2047, as nodemailer writes non-ASCII subjects); the rest of the message is not looked at.
 */
import { SMTPServer } from 'smtp-server';

export interface SinkPhase {
  name: string;
  expected: number;
  /** Messages accepted in this phase (a resend counts again). */
  accepted: number;
  /** Messages accepted during this phase that its `match` did not count (0 without `match`). */
  other: number;
  /** Their subjects with a count each (the first 20 distinct; the rest are counted under "…"). */
  otherSubjects: Map<string, number>;
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

export interface PhaseOptions {
  keepRaw?: boolean;
  /** Count only messages whose decoded Subject passes this test; the others go to `other`. */
  match?: (subject: string) => boolean;
}

export interface SmtpSink {
  port: number;
  /** Starts counting a new phase; messages outside a phase are counted as stray. */
  phase(name: string, expected: number, options?: PhaseOptions): SinkPhase;
  endPhase(): void;
  stray(): number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let current: (SinkPhase & { seen: Set<string>; resolve: (t: number) => void; match: PhaseOptions['match'] }) | undefined;
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
      const match = phase?.match;
      const chunks: Buffer[] = [];
      let head: Buffer | undefined;
      if (keep) stream.on('data', (c: Buffer) => chunks.push(c));
      else if (match) {
        // Only the header block: stop collecting once the blank line that ends it has arrived.
        let headEnd = -1;
        stream.on('data', (c: Buffer) => {
          if (headEnd >= 0) return;
          head = head ? Buffer.concat([head, c]) : c;
          headEnd = head.indexOf('\r\n\r\n');
          if (headEnd >= 0) head = head.subarray(0, headEnd);
        });
      } else stream.resume();
      // Read the envelope now: the session is reset for the next message once we answer.
      const to = session.envelope.rcptTo[0]?.address ?? '';
      stream.once('end', () => {
        callback(null, 'OK');
        if (!phase || phase !== current) {
          stray++;
          return;
        }
        if (match) {
          const subject = subjectOf(keep ? Buffer.concat(chunks) : (head ?? Buffer.alloc(0)));
          if (!match(subject)) {
            phase.other++;
            const key = phase.otherSubjects.has(subject) || phase.otherSubjects.size < 20 ? subject : '…';
            phase.otherSubjects.set(key, (phase.otherSubjects.get(key) ?? 0) + 1);
            return;
          }
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
        other: 0,
        otherSubjects: new Map(),
        recipients: 0,
        doneAt: undefined,
        firstAt: undefined,
        done,
        raw: options.keepRaw ? new Map() : undefined,
        seen: new Set(),
        resolve,
        match: options.match,
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

/**
 * The Subject of a message (its header block, or the whole message), unfolded and with RFC 2047
 * encoded words decoded. Adjacent encoded words are joined as bytes before decoding, so a
 * character split across two of them comes out whole.
 */
export function subjectOf(message: Buffer): string {
  const end = message.indexOf('\r\n\r\n');
  const header = message
    .subarray(0, end >= 0 ? end : message.length)
    .toString('latin1')
    .replace(/\r\n(?=[ \t])/g, '');
  const line = /^subject:[ \t]*(.*)$/im.exec(header)?.[1] ?? '';
  return decodeWords(line.trimEnd());
}

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/y;

function decodeWords(value: string): string {
  let out = '';
  let bytes: Buffer[] = [];
  let charset = '';
  const flush = () => {
    if (!bytes.length) return;
    out += new TextDecoder(charset, { fatal: false }).decode(Buffer.concat(bytes));
    bytes = [];
  };
  let i = 0;
  while (i < value.length) {
    ENCODED_WORD.lastIndex = i;
    const m = ENCODED_WORD.exec(value);
    if (m) {
      const cs = m[1]!.toLowerCase().split('*')[0]!;
      if (bytes.length && cs !== charset) flush();
      charset = cs;
      bytes.push(
        m[2]!.toUpperCase() === 'B'
          ? Buffer.from(m[3]!, 'base64')
          : Buffer.from(
              m[3]!.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
              'latin1',
            ),
      );
      i = ENCODED_WORD.lastIndex;
      // Whitespace between two encoded words is not part of the text.
      const gap = /^[ \t]+(?==\?)/.exec(value.slice(i));
      if (gap) i += gap[0].length;
      continue;
    }
    flush();
    // Plain text: the header was read as latin1, so UTF-8 bytes sent raw (SMTPUTF8) are restored.
    const next = value.indexOf('=?', i + 1);
    const stop = next < 0 ? value.length : next;
    out += Buffer.from(value.slice(i, stop), 'latin1').toString('utf8');
    i = stop;
  }
  flush();
  return out;
}

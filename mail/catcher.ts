/**
 * Embedded SMTP "mail catcher".
 *
 * A real SMTP server (smtp-server) bound to loopback that accepts every message for every
 * recipient and keeps it in memory (optionally mirrored to a directory of .eml files), so the
 * orchestrator can run without an external SMTP relay and tests can exercise the real SMTP path.
 * `setRefuse` lets tests simulate outages and rejections on the live server.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressObject, ParsedMail } from 'mailparser';
import { mapLimit } from '../core/concurrency';

export interface CaughtMessage {
  id: string;
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
  messageId: string | null;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  raw: string;
}

export type RefuseMode = 'none' | 'connect' | 'tempfail' | 'permfail';

export interface MailCatcher {
  port: number;
  host: string;
  messages(): CaughtMessage[];
  get(id: string): CaughtMessage | undefined;
  waitFor(predicate: (all: CaughtMessage[]) => boolean, timeoutMs?: number): Promise<CaughtMessage[]>;
  clear(): void;
  close(): Promise<void>;
  /** for failure tests */
  setRefuse(mode: RefuseMode): void;
}

export interface MailCatcherOptions {
  /** 0 (default) = random free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** if set, each message is also written as <id>.eml and reloaded on start */
  dir?: string;
  /** keep the newest N in memory, default 5000 */
  maxMessages?: number;
  /** Require SMTP AUTH with these credentials (the embedded mode: per-run, so other local users cannot inject mail). */
  auth?: { user: string; pass: string };
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_MESSAGES = 5000;
const DEFAULT_WAIT_TIMEOUT_MS = 10_000;
const REFUSE_MODES: readonly RefuseMode[] = ['none', 'connect', 'tempfail', 'permfail'];
/** First line of a stored .eml: the SMTP envelope, which the message itself does not carry. */
const ENVELOPE_HEADER = 'X-Mail-Catcher-Envelope: ';
const ID_PATTERN = /^[0-9]{13}-[0-9]{6}-[0-9a-f]{6}$/;
const EML_FILE_PATTERN = /^([0-9]{13}-[0-9]{6}-[0-9a-f]{6})\.eml$/;

const PARSER_OPTIONS = {
  // we only show the HTML part as sent; no need for text->html conversion or attachment hashes
  skipTextToHtml: true,
  skipTextLinks: true,
  checksumAlgo: false,
} as const;

let idSequence = 0;

/**
 * Sortable, unique, file-name-safe id: 13-digit epoch milliseconds, a 6-digit in-process
 * sequence (orders messages stored within the same millisecond) and a random suffix.
 */
function makeId(nowMs: number): string {
  idSequence = (idSequence + 1) % 1_000_000;
  return `${String(nowMs).padStart(13, '0')}-${String(idSequence).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && Array.isArray((value as AddressObject).value) && typeof (value as AddressObject).text === 'string';
}

/** Header values are single lines; decoded encoded-words may still carry CR/LF (e.g. a hostile display name). */
function oneLine(value: string): string {
  return value.includes('\r') || value.includes('\n') ? value.replace(/[\r\n]+/g, ' ') : value;
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return oneLine(Array.isArray(value) ? value.map((v) => v.text).join(', ') : value.text);
}

/** Unfolded value of a raw header line ("Name: value\r\n continued"). */
function rawHeaderValue(line: string): string {
  const colon = line.indexOf(':');
  return (colon >= 0 ? line.slice(colon + 1) : line).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Lower-cased header name -> string value, multiple occurrences joined with ", ". */
function flattenHeaders(parsed: ParsedMail): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawByKey = new Map<string, string[]>();
  for (const { key, line } of parsed.headerLines) {
    const list = rawByKey.get(key);
    if (list) list.push(rawHeaderValue(line));
    else rawByKey.set(key, [rawHeaderValue(line)]);
  }
  for (const [key, rawValues] of rawByKey) {
    const value = parsed.headers.get(key);
    let text: string;
    if (typeof value === 'string') {
      text = value;
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      text = (value as string[]).join(', ');
    } else if (isAddressObject(value)) {
      text = value.text;
    } else if (Array.isArray(value) && value.every(isAddressObject)) {
      text = (value as AddressObject[]).map((v) => v.text).join(', ');
    } else {
      // dates, structured headers (content-type ...), list-* headers: keep what was sent
      text = rawValues.join(', ');
    }
    out[key] = oneLine(text);
  }
  return { ...out };
}

interface Envelope {
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
}

async function buildMessage(id: string, envelope: Envelope, rawBuffer: Buffer): Promise<CaughtMessage> {
  const raw = rawBuffer.toString('utf8');
  let parsed: ParsedMail | null = null;
  try {
    parsed = await simpleParser(rawBuffer, PARSER_OPTIONS);
  } catch {
    parsed = null; // keep the message anyway; a catcher must not lose mail
  }
  if (!parsed) {
    return { id, ...envelope, messageId: null, from: '', to: '', subject: '', text: '', html: null, headers: {}, raw };
  }
  return {
    id,
    ...envelope,
    messageId: parsed.messageId ? oneLine(parsed.messageId) : null,
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    subject: oneLine(parsed.subject ?? ''),
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : null,
    headers: flattenHeaders(parsed),
    raw,
  };
}

function encodeEnvelopeLine(envelope: Envelope): string {
  return `${ENVELOPE_HEADER}${encodeURIComponent(JSON.stringify(envelope))}\r\n`;
}

function decodeStoredFile(id: string, file: Buffer): { envelope: Envelope; raw: Buffer } {
  const fallback: Envelope = { receivedAt: receivedAtFromId(id), envelopeFrom: '', envelopeTo: [] };
  if (file.subarray(0, ENVELOPE_HEADER.length).toString('latin1') !== ENVELOPE_HEADER) {
    return { envelope: fallback, raw: file };
  }
  const eol = file.indexOf('\r\n');
  if (eol < 0) return { envelope: fallback, raw: file };
  try {
    const data = JSON.parse(decodeURIComponent(file.subarray(ENVELOPE_HEADER.length, eol).toString('latin1'))) as Partial<Envelope>;
    const envelope: Envelope = {
      receivedAt: typeof data.receivedAt === 'string' ? data.receivedAt : fallback.receivedAt,
      envelopeFrom: typeof data.envelopeFrom === 'string' ? data.envelopeFrom : '',
      envelopeTo: Array.isArray(data.envelopeTo) ? data.envelopeTo.filter((x): x is string => typeof x === 'string') : [],
    };
    return { envelope, raw: file.subarray(eol + 2) };
  } catch {
    return { envelope: fallback, raw: file.subarray(eol + 2) };
  }
}

function receivedAtFromId(id: string): string {
  const ms = Number(id.slice(0, 13));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : new Date(0).toISOString();
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const dir = options.dir ? path.resolve(options.dir) : undefined;
  const maxMessages = Math.max(1, Math.floor(options.maxMessages ?? DEFAULT_MAX_MESSAGES));

  /** oldest first */
  let store: CaughtMessage[] = [];
  const byId = new Map<string, CaughtMessage>();
  let refuse: RefuseMode = 'none';

  // --- persistence -------------------------------------------------------------------------
  const pendingWrites = new Map<string, Promise<void>>();
  const pendingFsOps = new Set<Promise<void>>();
  const track = (op: Promise<void>): Promise<void> => {
    pendingFsOps.add(op);
    void op.finally(() => pendingFsOps.delete(op));
    return op;
  };
  let writeErrorReported = false;

  const persist = (message: CaughtMessage, rawBuffer: Buffer): Promise<void> => {
    if (!dir) return Promise.resolve();
    const file = path.join(dir, `${message.id}.eml`);
    const tmp = `${file}.tmp`;
    const envelopeLine = encodeEnvelopeLine({
      receivedAt: message.receivedAt,
      envelopeFrom: message.envelopeFrom,
      envelopeTo: message.envelopeTo,
    });
    const op = (async () => {
      try {
        await writeFile(tmp, Buffer.concat([Buffer.from(envelopeLine, 'utf8'), rawBuffer]), { mode: 0o600 });
        await rename(tmp, file);
      } catch (err) {
        if (!writeErrorReported) {
          writeErrorReported = true;
          console.error(`mail catcher: could not write ${file} (message kept in memory only):`, err);
        }
      } finally {
        pendingWrites.delete(message.id);
      }
    })();
    pendingWrites.set(message.id, op);
    return track(op);
  };

  const removeFiles = (ids: readonly string[]): void => {
    if (!dir || ids.length === 0) return;
    void track(
      (async () => {
        await mapLimit(ids, 16, async (id) => {
          await pendingWrites.get(id); // never let a late write resurrect a removed message
          await unlink(path.join(dir, `${id}.eml`)).catch(() => undefined);
        });
      })(),
    );
  };

  // --- store ---------------------------------------------------------------------------------
  const waiters = new Set<() => void>();
  let checkScheduled = false;
  const notify = (): void => {
    if (checkScheduled || waiters.size === 0) return;
    checkScheduled = true;
    setImmediate(() => {
      checkScheduled = false;
      for (const check of [...waiters]) check();
    });
  };

  const add = (message: CaughtMessage): void => {
    store.push(message);
    byId.set(message.id, message);
    if (store.length > maxMessages) {
      const evicted = store.splice(0, store.length - maxMessages);
      for (const m of evicted) byId.delete(m.id);
      removeFiles(evicted.map((m) => m.id));
    }
    notify();
  };

  if (dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const ids = (await readdir(dir))
      .map((name) => EML_FILE_PATTERN.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .sort();
    const keep = ids.slice(-maxMessages);
    removeFiles(ids.slice(0, ids.length - keep.length));
    const loaded = await mapLimit(keep, 16, async (id) => {
      try {
        const { envelope, raw } = decodeStoredFile(id, await readFile(path.join(dir, `${id}.eml`)));
        return await buildMessage(id, envelope, raw);
      } catch {
        return null; // unreadable file: skip it
      }
    });
    for (const message of loaded) if (message) add(message);
  }

  // --- SMTP server ---------------------------------------------------------------------------
  const handleData = (stream: SMTPServerDataStream, session: SMTPServerSession, reply: (err?: Error | null, message?: string) => void): void => {
    let replied = false;
    const callback = (err?: Error | null, message?: string): void => {
      if (replied) return;
      replied = true;
      reply(err, message);
    };
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      if (length <= MAX_MESSAGE_BYTES) chunks.push(chunk);
      length += chunk.length;
    });
    stream.once('error', (err: Error) => callback(err));
    stream.once('end', () => {
      if (stream.sizeExceeded) {
        callback(smtpError(`Error: message exceeds fixed maximum message size ${MAX_MESSAGE_BYTES}`, 552));
        return;
      }
      if (refuse === 'tempfail') return callback(smtpError('Temporary failure (mail catcher tempfail mode)', 451));
      if (refuse === 'permfail') return callback(smtpError('Message rejected (mail catcher permfail mode)', 554));
      if (refuse === 'connect') return callback(smtpError('Service not available (mail catcher connect mode)', 421));
      const rawBuffer = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
      const envelope = session.envelope;
      const envelopeFrom = envelope.mailFrom ? envelope.mailFrom.address : '';
      const envelopeTo = envelope.rcptTo.map((r) => r.address);
      const now = Date.now();
      const id = makeId(now);
      buildMessage(id, { receivedAt: new Date(now).toISOString(), envelopeFrom, envelopeTo }, rawBuffer)
        .then(async (message) => {
          add(message);
          await persist(message, rawBuffer);
          // acknowledged only once stored: after sendMail resolves, the message is visible
          callback(null, `OK: queued as ${id}`);
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    });
  };

  const server = new SMTPServer({
    name: 'mail-catcher.local',
    banner: 'mail catcher',
    authOptional: !options.auth,
    // loopback only: the credentials keep other local users out, TLS would add nothing here
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    logger: false,
    closeTimeout: 1000,
    socketTimeout: 60_000,
    onConnect(_session, callback) {
      if (refuse === 'connect') return callback(smtpError('Service not available (mail catcher connect mode)', 421));
      callback();
    },
    onAuth(auth, _session, callback) {
      const required = options.auth;
      if (!required) return callback(null, { user: 'anonymous' }); // any credentials are fine
      const same = (a: string | null | undefined, b: string) => {
        const x = Buffer.from(a ?? '');
        const y = Buffer.from(b);
        return x.length === y.length && timingSafeEqual(x, y);
      };
      if (auth.method !== 'XOAUTH2' && same(auth.username, required.user) && same(auth.password, required.pass)) return callback(null, { user: required.user });
      callback(smtpError('5.7.8 Authentication credentials invalid', 535));
    },
    onMailFrom(_address, _session, callback) {
      // connections opened before the outage started (pooled transports) fail too
      if (refuse === 'connect') return callback(smtpError('Service not available (mail catcher connect mode)', 421));
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (refuse === 'tempfail') return callback(smtpError('Temporary failure (mail catcher tempfail mode)', 451));
      if (refuse === 'permfail') return callback(smtpError('Mailbox unavailable (mail catcher permfail mode)', 550));
      if (refuse === 'connect') return callback(smtpError('Service not available (mail catcher connect mode)', 421));
      callback();
    },
    onData: handleData,
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // client-side resets and the like must never crash the process
  server.on('error', () => undefined);

  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  let closed: Promise<void> | null = null;

  return {
    port,
    host,
    messages: () => store.slice(),
    get: (id) => (ID_PATTERN.test(id) ? byId.get(id) : undefined),
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return new Promise<CaughtMessage[]>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const finish = (): void => {
          waiters.delete(check);
          if (timer) clearTimeout(timer);
        };
        function check(): void {
          let ok: boolean;
          const snapshot = store.slice();
          try {
            ok = predicate(snapshot);
          } catch (err) {
            finish();
            reject(err instanceof Error ? err : new Error(String(err)));
            return;
          }
          if (ok) {
            finish();
            resolve(snapshot);
          }
        }
        waiters.add(check);
        timer = setTimeout(() => {
          finish();
          const recent = store
            .slice(-5)
            .map((m) => `  - ${m.id} to=${JSON.stringify(m.to)} subject=${JSON.stringify(m.subject)}`)
            .join('\n');
          reject(
            new Error(
              `mail catcher waitFor timed out after ${timeoutMs} ms: predicate not satisfied; ` +
                `${store.length} message(s) seen${recent ? `; most recent:\n${recent}` : ''}`,
            ),
          );
        }, timeoutMs);
        check();
      });
    },
    clear() {
      const ids = store.map((m) => m.id);
      store = [];
      byId.clear();
      removeFiles(ids);
    },
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        while (pendingFsOps.size > 0) await Promise.allSettled([...pendingFsOps]);
      })();
      return closed;
    },
    setRefuse(mode) {
      if (!REFUSE_MODES.includes(mode)) throw new Error(`unknown refuse mode: ${String(mode)}`);
      refuse = mode;
    },
  };
}

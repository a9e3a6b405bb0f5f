/**
 * The inbound SMTP listener for replies to task emails.
 *
 * What it costs the process is decided before a message is read:
 * - `RCPT TO` checks the reply key: `tasks+<key>@<domain>` with a valid MAC, for a task that
 *   exists and is open (or closed within the last week, so a late or redelivered reply still gets
 *   its "not recorded" answer); every other recipient gets 550, so forged and guessed addresses
 *   never reach DATA. A database that cannot answer gives 451 (the sender tries again).
 * - at most `maxClients` connections at once; `size` is announced in EHLO, a `MAIL FROM … SIZE=`
 *   above it is refused, and a message that grows past it is answered 552 without being kept.
 * - the message is parsed while it arrives; attachments are read and dropped, never held, so
 *   memory per connection is the text of the message, not its size.
 *
 * Answers to DATA: 250 once the reply is handled (completed, explained or deliberately ignored);
 * 554 for mail that can never be parsed (a retry would fail the same way); 451 when it could not
 * be handled yet (Temporal, the database or SMTP for the answer unavailable), so the sending server
 * delivers it again later and nothing is lost.
 *
 * No TLS and no authentication: in production it sits behind the organisation's MX (which does
 * TLS, SPF/DKIM/DMARC and spam filtering) and relays `tasks+*@MAIL_REPLY_DOMAIN` to it. The reply
 * key in the address, not the network, is what authorises a reply.
 */
import type { Kysely } from 'kysely';
import { MailParser } from 'mailparser';
import type { AddressObject, AttachmentStream, HeaderValue, MessageText } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { keyOfReplyAddress, verifyReplyKey } from '../core/reply-keys';
import type { InboundReply } from '../core/replies';
import type { DB } from '../db/schema';
import type { Logger } from '../runtime/logger';

/** What `RCPT TO` answers for one recipient: accept, or an SMTP code and text. */
export type RecipientVerdict = { accept: true } | { accept: false; code: number; message: string };

export interface InboundServerOptions {
  /** 0 = any free port (tests). */
  port: number;
  host: string;
  /** MAIL_REPLY_DOMAIN: only `tasks+<key>@<domain>` is accepted. */
  domain: string;
  /** Decides each `RCPT TO` before any data is read (see `replyRecipientCheck`). */
  checkRecipient(address: string): Promise<RecipientVerdict>;
  handle(reply: InboundReply): Promise<unknown>;
  log: Logger;
  /** Largest message accepted, in bytes (INBOUND_SMTP_MAX_BYTES). */
  maxBytes?: number;
  /** Connections served at once; more are refused with 421 (INBOUND_SMTP_MAX_CLIENTS). */
  maxClients?: number;
}

export interface InboundServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export const INBOUND_DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const INBOUND_DEFAULT_MAX_CLIENTS = 10;
const MAX_RECIPIENTS = 10;
/** HTML parts longer than this are not converted to text (the reply grammar needs the top lines only). */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;
/** How long after a task closed its reply address still takes mail (to answer "not recorded"). */
const CLOSED_TASK_GRACE_MS = 7 * 24 * 3600_000;

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && Array.isArray((value as AddressObject).value) && typeof (value as AddressObject).text === 'string';
}

/** A parsed header as one string: structured values by their main value, addresses by their text. */
function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : isAddressObject(v) ? v.text : '')).join(', ');
  if (isAddressObject(value)) return value.text;
  if (typeof value === 'object' && value !== null && 'value' in value && typeof (value as { value: unknown }).value === 'string')
    return (value as { value: string }).value;
  return String(value);
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) for (const a of group.value) if (a.address) return a.address;
  return '';
}

/**
 * The `RCPT TO` check for reply addresses: the shape and domain, the key's MAC, then one indexed
 * lookup of the task. Unknown, forged and long-closed tasks: 550. Database errors: 451.
 */
export function replyRecipientCheck(deps: {
  db: Kysely<DB>;
  tokenSecret: string;
  domain: string;
  now?: () => number;
}): (address: string) => Promise<RecipientVerdict> {
  const refuse = (message: string): RecipientVerdict => ({ accept: false, code: 550, message });
  return async (address) => {
    const key = keyOfReplyAddress(address, deps.domain);
    if (key === null) return refuse('5.1.1 No such recipient here');
    const taskId = verifyReplyKey(deps.tokenSecret, key);
    if (taskId === null) return refuse('5.1.1 No such recipient here');
    let task: { status: string; ended_at: Date | string | null } | undefined;
    try {
      task = await deps.db
        .selectFrom('tasks')
        .select((eb) => ['status', eb.fn.coalesce('completed_at', 'closed_at').as('ended_at')])
        .where('id', '=', taskId)
        .executeTakeFirst();
    } catch {
      return { accept: false, code: 451, message: '4.3.0 Temporary failure, please try again later' };
    }
    if (!task) return refuse('5.1.1 No such recipient here');
    if (task.status === 'open') return { accept: true };
    const endedAt = task.ended_at === null ? Number.NaN : new Date(task.ended_at).getTime();
    if ((deps.now ?? Date.now)() - endedAt <= CLOSED_TASK_GRACE_MS) return { accept: true };
    return refuse(`5.7.1 This task is ${task.status}; replies to it are no longer taken`);
  };
}

interface ParsedReply {
  from: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
  messageId: string | null;
}

class UnparseableMail extends Error {}
class MessageTooBig extends Error {}

/**
 * Parses the DATA stream as it arrives. Attachments are drained and released; bytes past the size
 * limit are read and dropped. Rejects with MessageTooBig or UnparseableMail (the parser's error).
 */
function parseStream(stream: SMTPServerDataStream): Promise<ParsedReply> {
  return new Promise<ParsedReply>((resolve, reject) => {
    const parser = new MailParser({
      skipHtmlToText: false,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      maxHtmlLengthToParse: MAX_HTML_TO_TEXT,
    });
    let failure: Error | undefined;
    let streamEnded = false;
    let text = '';
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) return reject(error);
      const headers: Record<string, string> = {};
      if (parser.headers) for (const [name, value] of parser.headers) headers[name.toLowerCase()] = headerText(value);
      resolve({ from: firstAddress(parser.from), subject: parser.subject ?? '', text, headers, messageId: parser.messageId ?? null });
    };
    const fail = (error: Error) => {
      if (failure) return;
      failure = error;
      parser.removeAllListeners('data');
      parser.destroy();
      if (streamEnded) settle(error);
      else stream.resume(); // keep reading the client's bytes until the final dot
    };

    parser.on('error', (err: Error) => fail(new UnparseableMail(err.message)));
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'attachment') {
        data.content.on('data', () => undefined);
        data.content.once('end', () => data.release?.());
      } else if (data.type === 'text') {
        text = typeof data.text === 'string' ? data.text : '';
      }
    });
    parser.once('end', () => {
      if (!failure) settle();
    });

    stream.on('data', (chunk: Buffer) => {
      if (failure) return;
      if (stream.sizeExceeded) return fail(new MessageTooBig());
      if (!parser.write(chunk)) {
        stream.pause();
        parser.once('drain', () => stream.resume());
      }
    });
    stream.once('error', (err: Error) => {
      fail(err);
      settle(err);
    });
    stream.once('end', () => {
      streamEnded = true;
      if (!failure && stream.sizeExceeded) fail(new MessageTooBig());
      if (failure) return settle(failure);
      parser.end();
    });
  });
}

export async function startInboundServer(options: InboundServerOptions): Promise<InboundServer> {
  const log = options.log.child({ component: 'inbound-smtp' });
  const maxBytes = options.maxBytes ?? INBOUND_DEFAULT_MAX_BYTES;
  const maxClients = options.maxClients ?? INBOUND_DEFAULT_MAX_CLIENTS;

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void => {
    void (async () => {
      let parsed: ParsedReply;
      try {
        parsed = await parseStream(stream);
      } catch (error) {
        if (error instanceof MessageTooBig) return callback(smtpError(`5.3.4 Message too big (the limit is ${maxBytes} bytes)`, 552));
        if (error instanceof UnparseableMail) {
          log.warn({ err: error.message }, 'reply refused: the message cannot be parsed');
          return callback(smtpError('5.6.0 The message cannot be parsed', 554));
        }
        return callback(error instanceof Error ? error : new Error(String(error)));
      }
      try {
        const mailFrom = session.envelope.mailFrom;
        await options.handle({ ...parsed, to: session.envelope.rcptTo.map((r) => r.address), envelopeFrom: mailFrom ? mailFrom.address : '' });
        callback(null, 'OK: reply received');
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'reply could not be handled now; asking the sender to retry');
        callback(smtpError('4.3.0 Temporary failure, please try again later', 451));
      }
    })();
  };

  const server = new SMTPServer({
    name: options.domain,
    banner: 'OKR replies',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: maxBytes,
    maxClients,
    logger: false,
    closeTimeout: 2000,
    socketTimeout: 60_000,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError('4.5.3 Too many recipients', 452));
      options.checkRecipient(address.address).then(
        (verdict) => (verdict.accept ? callback() : callback(smtpError(verdict.message, verdict.code))),
        () => callback(smtpError('4.3.0 Temporary failure, please try again later', 451)),
      );
    },
    onData,
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A client resetting its connection must never take the process down.
  server.on('error', (err: Error) => log.debug({ err: err.message }, 'inbound SMTP connection error'));

  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ host: options.host, port, domain: options.domain, maxBytes, maxClients }, 'listening for replies by email');
  let closed: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

/**
 * The inbound SMTP listener for replies to task emails.
 *
 * Accepts mail only for `tasks+<key>@<domain>` (any other recipient: 550 at RCPT TO), parses it
 * with mailparser and hands it to the reply handler (core/replies.ts) before answering the DATA
 * command: 250 once the reply is handled (completed, explained or deliberately ignored), 451 when
 * it could not be handled yet (Temporal, the database or SMTP for the answer unavailable), so the
 * sending server delivers it again later and nothing is lost.
 *
 * No TLS and no authentication: in production it sits behind the organisation's MX (which does
 * TLS, SPF/DKIM/DMARC and spam filtering) and relays `tasks+*@MAIL_REPLY_DOMAIN` to it. The reply
 * key in the address, not the network, is what authorises a reply.
 */
import { simpleParser } from 'mailparser';
import type { AddressObject, HeaderValue } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { keyOfReplyAddress } from '../core/reply-keys';
import type { InboundReply } from '../core/replies';
import type { Logger } from '../runtime/logger';

export interface InboundServerOptions {
  /** 0 = any free port (tests). */
  port: number;
  host: string;
  /** MAIL_REPLY_DOMAIN: only `tasks+<key>@<domain>` is accepted. */
  domain: string;
  handle(reply: InboundReply): Promise<unknown>;
  log: Logger;
  /** Largest message accepted, in bytes (default 25 MB: replies may quote images). */
  maxBytes?: number;
}

export interface InboundServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

const MAX_RECIPIENTS = 10;

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
  if (typeof value === 'object' && value !== null && 'value' in value && typeof (value as { value: unknown }).value === 'string') return (value as { value: string }).value;
  return String(value);
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): string {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) for (const a of group.value) if (a.address) return a.address;
  return '';
}

export async function startInboundServer(options: InboundServerOptions): Promise<InboundServer> {
  const log = options.log.child({ component: 'inbound-smtp' });
  const maxBytes = options.maxBytes ?? 25 * 1024 * 1024;

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void => {
    let answered = false;
    const reply = (err: Error | null, message?: string) => {
      if (answered) return;
      answered = true;
      callback(err, message);
    };
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', (err: Error) => reply(err));
    stream.once('end', () => {
      if (stream.sizeExceeded) return reply(smtpError('5.3.4 Message too big', 552));
      void (async () => {
        try {
          const parsed = await simpleParser(Buffer.concat(chunks), { skipHtmlToText: false, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
          const headers: Record<string, string> = {};
          for (const [name, value] of parsed.headers) headers[name.toLowerCase()] = headerText(value);
          const mailFrom = session.envelope.mailFrom;
          await options.handle({
            from: firstAddress(parsed.from),
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            headers,
            messageId: parsed.messageId ?? null,
            envelopeFrom: mailFrom ? mailFrom.address : '',
          });
          reply(null, 'OK: reply received');
        } catch (error) {
          log.warn({ err: error instanceof Error ? error.message : String(error) }, 'reply could not be handled now; asking the sender to retry');
          reply(smtpError('4.3.0 Temporary failure, please try again later', 451));
        }
      })();
    });
  };

  const server = new SMTPServer({
    name: options.domain,
    banner: 'OKR replies',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: maxBytes,
    logger: false,
    closeTimeout: 2000,
    socketTimeout: 60_000,
    onRcptTo(address, session, callback) {
      if (keyOfReplyAddress(address.address, options.domain) === null) return callback(smtpError('5.1.1 No such recipient here', 550));
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError('4.5.3 Too many recipients', 452));
      callback();
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
  log.info({ host: options.host, port, domain: options.domain }, 'listening for replies by email');
  let closed: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

/**
 * Outgoing mail: one pooled nodemailer transport per process, with an optional rate limit.
 * `classifySmtpError` tells a temporary failure (retry later) from a permanent one (this
 * recipient will never accept it). Names, subjects and header values are made single-line
 * here as well as by nodemailer's encoding, so nothing a person typed can start a new header.
 */
import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Where replies go (a task's `tasks+<key>@<domain>` address). */
  replyTo?: string;
  /** Threading for answers to an inbound message: its Message-ID. */
  inReplyTo?: string;
  headers?: Record<string, string>;
  /** Files rendered at send time (an award certificate), never read from disk or a URL. */
  attachments?: { filename: string; content: Uint8Array; contentType: string }[];
}

export interface Mailer {
  from: string;
  /** The domain of reply addresses (`tasks+<key>@<replyDomain>`); undefined = replies by email are off. */
  replyDomain?: string;
  /** SMTP connections in the pool (what the outbox sizes its in-flight messages by). */
  maxConnections?: number;
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://… */
  url: string;
  from: string;
  maxConnections: number;
  /** Messages per second across the pool; 0 = unlimited. */
  ratePerSecond: number;
  /** The domain of reply addresses; unset = replies by email are off. */
  replyDomain?: string;
}

/** A header value, a display name or a subject as one line: CR, LF and other controls become spaces. */
export function oneLine(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

export function createMailer(options: MailerOptions): Mailer {
  const url = new URL(options.url);
  const transport = nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
    secure: url.protocol === 'smtps:',
    ignoreTLS: url.searchParams.get('tls') === 'off',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    maxConnections: options.maxConnections,
    maxMessages: Number.POSITIVE_INFINITY,
    ...(options.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: options.ratePerSecond } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    from: options.from,
    replyDomain: options.replyDomain,
    maxConnections: options.maxConnections,
    async send(m) {
      await transport.sendMail({
        from: options.from,
        to: { name: oneLine(m.to.name), address: oneLine(m.to.address) },
        subject: oneLine(m.subject),
        text: m.text,
        html: m.html,
        messageId: oneLine(m.messageId),
        ...(m.replyTo ? { replyTo: oneLine(m.replyTo) } : {}),
        ...(m.inReplyTo ? { inReplyTo: oneLine(m.inReplyTo), references: [oneLine(m.inReplyTo)] } : {}),
        ...(m.attachments?.length
          ? { attachments: m.attachments.map((a) => ({ filename: oneLine(a.filename), content: Buffer.from(a.content), contentType: a.contentType })) }
          : {}),
        ...(m.headers ? { headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [oneLine(k), oneLine(v)])) } : {}),
        // Everything is inline; nodemailer must never read a file or fetch a URL for a message.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close: () => transport.close(),
  };
}

export type SmtpFailure = 'temporary' | 'permanent';

/** 5xx answers to a recipient are permanent; connection errors, timeouts and 4xx are temporary. */
export function classifySmtpError(error: unknown): SmtpFailure {
  const code = (error as { responseCode?: number } | null)?.responseCode;
  if (typeof code === 'number' && code >= 500 && code < 600) return 'permanent';
  return 'temporary';
}

/** What the SMTP server (or the connection) said, for the outbox row and the log: code, reply code and reply text. */
export function describeSmtpError(error: unknown): { text: string; code?: string; responseCode?: number; response?: string } {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; response?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? oneLine(e.response).slice(0, 500) : undefined;
  const message = typeof e.message === 'string' ? oneLine(e.message).slice(0, 500) : String(error);
  // The server's own words when it answered; the client's message (connection refused, timeout) otherwise.
  const said = response ?? message;
  const text = [code, responseCode !== undefined && !said.startsWith(String(responseCode)) ? String(responseCode) : undefined, said].filter(Boolean).join(' ');
  return { text, ...(code ? { code } : {}), ...(responseCode !== undefined ? { responseCode } : {}), ...(response ? { response } : {}) };
}

/** A stable Message-ID for an outbox row, so a resend after a crash is recognisably the same mail. */
export function messageIdFor(hash: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${hash}@${domain}>`;
}

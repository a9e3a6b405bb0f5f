/**
 * Outgoing mail: one pooled nodemailer transport per process, with an optional rate limit.
 * `classifySmtpError` tells a temporary failure (retry later) from a permanent one (this
 * recipient will never accept it).
 */
import nodemailer from 'nodemailer';

export interface OutgoingMessage {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  from: string;
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
    async send(m) {
      await transport.sendMail({
        from: options.from,
        to: { name: m.to.name, address: m.to.address },
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: m.messageId,
        headers: m.headers,
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

/** A stable Message-ID for an outbox row, so a resend after a crash is recognisably the same mail. */
export function messageIdFor(hash: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${hash}@${domain}>`;
}

/** Structured JSON logs. Tokens and secrets are never passed to the logger; `redact` is a second guard. */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'okr', ...base },
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization', 'apiKey', '*.apiKey'], censor: '[redacted]' },
  });
}

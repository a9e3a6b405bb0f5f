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

const PINO_TO_TEMPORAL = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' } as const;
let sdkLoggingInstalled = false;

/**
 * Sends the Temporal SDK's own logs (worker state changes, workflow errors) through our JSON
 * logger, at our level but never below info. Must run before the first worker or native
 * connection of the process; later calls do nothing.
 */
export function installTemporalLogging(log: Logger): void {
  if (sdkLoggingInstalled) return;
  sdkLoggingInstalled = true;
  // Loaded lazily so that processes which never run a worker do not load the native bridge.
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const level = log.level in PINO_TO_TEMPORAL ? PINO_TO_TEMPORAL[log.level as keyof typeof PINO_TO_TEMPORAL] : 'INFO';
  const sdkLevel = level === 'TRACE' || level === 'DEBUG' ? 'INFO' : level;
  const child = log.child({ component: 'temporal-sdk' });
  try {
    Runtime.install({
      logger: new DefaultLogger(sdkLevel, ({ level: l, message, meta }) => {
        const fn = l === 'ERROR' ? child.error : l === 'WARN' ? child.warn : child.info;
        fn.call(child, meta ?? {}, message);
      }),
    });
  } catch {
    // A runtime already exists in this process (created elsewhere): keep its logging.
  }
}

/** Shared by the entry points: run `body`, print configuration errors plainly, stop on SIGINT/SIGTERM. */
import { ConfigError } from '../config';

export function runMain(body: () => Promise<{ stop(): Promise<void> } | undefined>): void {
  let stopping = false;
  body()
    .then((running) => {
      if (!running) return;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`\n${signal}: stopping…\n`);
        running.stop().then(
          () => process.exit(0),
          (error) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError) console.error(error.message);
      else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
}

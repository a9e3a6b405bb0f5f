/**
 * Everything the bench starts registers how to undo it here. Cleanups run last-in first-out, on
 * normal completion, on an error, and on Ctrl-C / SIGTERM / SIGHUP. A second Ctrl-C skips the
 * graceful waits (children are killed at once) but the cleanups still run.
 */

type Cleanup = { name: string; fn: (hurry: boolean) => Promise<void> | void };

const cleanups: Cleanup[] = [];
/** Synchronous last resort on process exit (e.g. SIGKILL the children if something threw). */
const exitHooks = new Set<() => void>();
const controller = new AbortController();
let running: Promise<void> | undefined;
let hurry = false;

/** Aborted when the user interrupts the run; long waits listen to it. */
export const interrupted: AbortSignal = controller.signal;

export function onCleanup(name: string, fn: (hurry: boolean) => Promise<void> | void): () => void {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function onExitSync(fn: () => void): () => void {
  exitHooks.add(fn);
  return () => exitHooks.delete(fn);
}

/** Runs (and empties) the registered cleanups; concurrent callers share one run. */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length) {
      const c = cleanups.pop()!;
      try {
        await c.fn(hurry);
      } catch (error) {
        process.stderr.write(`bench: cleanup "${c.name}" failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

export function installSignalHandlers(onInterrupt: () => void): void {
  const handle = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      hurry = true;
      process.stderr.write(`\nbench: ${signal} again, killing children without waiting\n`);
      return;
    }
    process.stderr.write(`\nbench: ${signal}, stopping and cleaning up (again to hurry)…\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
    onInterrupt();
  };
  // A failure outside the awaited flow (e.g. in a library callback) still cleans up.
  const crash = (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void runCleanups().finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  process.on('SIGHUP', handle);
  process.on('exit', () => {
    for (const fn of exitHooks) {
      try {
        fn();
      } catch {
        // exiting anyway
      }
    }
  });
}

export function isHurried(): boolean {
  return hurry;
}

/** Resolves after `ms`, or rejects when the run is interrupted. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (interrupted.aborted) return reject(interrupted.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(interrupted.reason);
    };
    const timer = setTimeout(() => {
      interrupted.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    interrupted.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Completions without Temporal, in the same run: the same client (runCompletions: same body,
 * same concurrency, one loopback address per request) against bench/completion-floor-child.ts,
 * on tasks of the launch that the measured completions did not touch. The ratio of the two says
 * what the orchestration adds to a completion on this machine.
 */
import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { interrupted } from './cleanup';
import type { CompletionFloorInput } from './completion-floor-child';
import { type CompletionsResult, completedTasks, runCompletions } from './completions';
import { cpuSnapshot } from './launch';
import { spawnChild, tailOf } from './procs';

export async function runCompletionFloor(
  dir: string,
  input: CompletionFloorInput,
  tokens: string[],
  concurrency: number,
  db: Kysely<DB>,
  cycleKey: string,
  batches: number,
  databaseName: string,
): Promise<CompletionsResult> {
  const child = spawnChild({
    name: 'completion-floor',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(__dirname, 'completion-floor-child.ts')],
    env: process.env,
    cwd: resolve(__dirname, '..'),
    logFile: join(dir, 'completion-floor.log'),
    ipc: true,
  });
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      const onAbort = () => reject(interrupted.reason);
      interrupted.addEventListener('abort', onAbort, { once: true });
      child.process.once('message', (m: { port?: number; error?: string }) => {
        interrupted.removeEventListener('abort', onAbort);
        if (m.port) resolvePort(m.port);
        else reject(new Error(`the completion floor failed to start: ${m.error}`));
      });
      void child.exited.then((code) => reject(new Error(`the completion floor exited (${code}):\n${tailOf(child.logFile)}`)));
      child.process.send(input);
    });
    const cpu = () => cpuSnapshot({ floor: child.stats });
    const before = await completedTasks(db, cycleKey);
    const result = await runCompletions(`http://127.0.0.1:${port}`, tokens, concurrency, db, cycleKey, batches, cpu, databaseName, 'floor');
    // runCompletions counts the cycle's completed tasks; here only the floor's own are wanted.
    return { ...result, completedInDb: result.completedInDb - before };
  } finally {
    await child.stop(5_000);
  }
}

/** Runs the floor (bench/floor-child.ts) in a child process and counts its emails at the sink. */
import { join, resolve } from 'node:path';
import { interrupted } from './cleanup';
import type { FloorInput, FloorOutput } from './floor-child';
import { spawnChild, tailOf, trackPostgresCpu } from './procs';
import { progress } from './progress';
import type { SmtpSink } from './smtp-sink';

export interface FloorResult extends FloorOutput {
  /** Recipients the sink accepted. */
  recipients: number;
  /** CPU seconds of the PostgreSQL backends serving the floor (its whole run, rendering included). */
  postgresCpuSeconds: number;
  /** Peak RSS of the floor process (VmHWM): the same sending pattern as the worker, without Temporal. */
  peakRss: number;
}

export async function runFloor(sink: SmtpSink, dir: string, databaseName: string, input: FloorInput): Promise<FloorResult> {
  const phase = sink.phase('floor', input.n);
  const postgres = trackPostgresCpu(databaseName);
  const child = spawnChild({
    name: 'floor',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(__dirname, 'floor-child.ts')],
    env: process.env,
    cwd: resolve(__dirname, '..'),
    logFile: join(dir, 'floor.log'),
    ipc: true,
  });
  let peakRss = NaN;
  const bar = progress('floor', 'mails', () => ({ value: phase.recipients, total: input.n }));
  try {
    const result = await new Promise<FloorOutput>((resolvePromise, reject) => {
      const onAbort = () => reject(interrupted.reason);
      interrupted.addEventListener('abort', onAbort, { once: true });
      child.process.once('message', (m: { ok: boolean; out?: FloorOutput; error?: string }) => {
        interrupted.removeEventListener('abort', onAbort);
        peakRss = child.stats()?.peakRss ?? NaN;
        if (m.ok && m.out) resolvePromise(m.out);
        else reject(new Error(`floor failed: ${m.error}`));
      });
      void child.exited.then((code) => reject(new Error(`the floor process exited (${code}):\n${tailOf(child.logFile)}`)));
      child.process.send(input);
    });
    return { ...result, recipients: phase.recipients, postgresCpuSeconds: postgres.stop(), peakRss };
  } finally {
    postgres.stop();
    bar.done();
    sink.endPhase();
    await child.stop(5_000);
  }
}

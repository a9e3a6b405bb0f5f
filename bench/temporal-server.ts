/**
 * A real Temporal dev server (the `temporal` CLI, SQLite in a temporary directory) on loopback,
 * started and stopped by the bench.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { INSTALL_HINT, locateTemporalCli } from '../runtime/temporal';
import { sleep } from './cleanup';
import { type Child, freePort, spawnChild, tailOf } from './procs';

export interface TemporalServer {
  address: string;
  child: Child;
  client: Client;
  connection: Connection;
  stop(): Promise<void>;
}

export async function startTemporalServer(dir: string, dynamicConfig: Record<string, string> = {}): Promise<TemporalServer> {
  const cli = locateTemporalCli(process.env.TEMPORAL_CLI_PATH);
  if (cli.type !== 'existing-path') throw new Error(`The bench needs the Temporal CLI. ${INSTALL_HINT}`);
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawnChild({
    name: 'temporal',
    command: cli.path,
    args: [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--db-filename',
      join(dir, 't.db'),
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=OFF',
      '--log-level',
      'warn',
      ...Object.entries(dynamicConfig).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
    ],
    env: process.env,
    logFile: join(dir, 'temporal.log'),
    graceMs: 10_000,
  });
  const address = `127.0.0.1:${port}`;
  let connection: Connection | undefined;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await Promise.race([child.exited.then(() => true), sleep(0).then(() => false)])) {
      throw new Error(`the Temporal dev server exited during start-up:\n${tailOf(child.logFile)}`);
    }
    try {
      connection ??= await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await child.stop();
        throw new Error(`the Temporal dev server did not answer on ${address} within 60 s (${(error as Error).message}):\n${tailOf(child.logFile)}`);
      }
      await sleep(250);
    }
  }
  const conn = connection;
  const client = new Client({ connection: conn, namespace: 'default' });
  return {
    address,
    child,
    client,
    connection: conn,
    async stop() {
      await conn.close().catch(() => undefined);
      await child.stop();
    },
  };
}

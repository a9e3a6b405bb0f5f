/**
 * A TCP proxy for outage tests: listens on 127.0.0.1 (a free port) and forwards every connection
 * to a target (PostgreSQL on 127.0.0.1:5432 by default).
 *
 * - `pause()` destroys every open connection (both sides) and resets new ones as they arrive:
 *   the client sees the server go away, at once.
 * - `stall()` keeps connections open but forwards nothing and answers nothing: a server that
 *   hangs (a network partition, a frozen host). New connections are accepted and left silent.
 * - `resume()` forwards again (stalled connections are dropped first; new ones go through).
 */
import { type Server, type Socket, createServer, connect } from 'node:net';

export type ProxyMode = 'forwarding' | 'paused' | 'stalled';

export interface TcpProxy {
  /** The port it listens on (127.0.0.1). */
  port: number;
  mode(): ProxyMode;
  /** Connections currently open through the proxy (client side). */
  openConnections(): number;
  pause(): void;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host?: string; port?: number } = {}): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const targetPort = target.port ?? 5432;
  let mode: ProxyMode = 'forwarding';
  /** Every socket we hold, client and upstream, so they can be cut at once. */
  const pairs = new Set<{ client: Socket; upstream?: Socket }>();

  const drop = (pair: { client: Socket; upstream?: Socket }) => {
    pairs.delete(pair);
    // resetAndDestroy sends RST: the peer learns at once, without a FIN/close handshake.
    for (const s of [pair.client, pair.upstream]) {
      if (!s || s.destroyed) continue;
      if (typeof s.resetAndDestroy === 'function' && !s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  };

  const server: Server = createServer((client) => {
    const pair: { client: Socket; upstream?: Socket } = { client };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    client.on('close', () => drop(pair));
    if (mode === 'paused') {
      drop(pair);
      return;
    }
    if (mode === 'stalled') {
      client.pause(); // read nothing, answer nothing
      return;
    }
    const upstream = connect({ host, port: targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => drop(pair));
    upstream.on('close', () => drop(pair));
    client.on('data', (chunk) => {
      if (mode === 'forwarding') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'forwarding') client.write(chunk);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const dropAll = () => {
    for (const pair of [...pairs]) drop(pair);
  };

  return {
    port,
    mode: () => mode,
    openConnections: () => pairs.size,
    pause() {
      mode = 'paused';
      dropAll();
    },
    stall() {
      mode = 'stalled';
    },
    resume() {
      // A stalled connection has lost bytes in the middle of a protocol: it cannot be resumed.
      if (mode === 'stalled') dropAll();
      mode = 'forwarding';
    },
    close() {
      mode = 'paused';
      dropAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

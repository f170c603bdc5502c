// Layer: core/transport. Imports node:net, core/util and this folder only.
//
// TCP both ways: the host connects to a target (`--target tcp:HOST:PORT`), the virtual M1
// listens (`--listen tcp:HOST:PORT`). Nagle is off on every socket: the link carries 64-byte
// request frames and their small replies one round trip at a time (§2.2, §2.3), where a
// delayed ACK would add tens of milliseconds to each.

import * as net from 'node:net';
import { systemErrorCode, TransportError } from './errors.ts';
import { SocketTransport } from './socket-transport.ts';
import type { ByteTransport } from './transport.ts';

export interface ConnectTcpOptions {
  /** Give up connecting after this long. Default 5000 ms. */
  timeoutMs?: number;
}

export interface TcpListener {
  /** Where it listens; `port` is the real one when 0 was asked for. */
  readonly address: { host: string; port: number };
  /** Stops listening and closes every connection it accepted. */
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** `[::1]:9000` for IPv6, `127.0.0.1:9000` otherwise. */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function wrap(socket: net.Socket, description: string): ByteTransport {
  socket.setNoDelay(true);
  return new SocketTransport(socket, description, { closeMode: 'end' });
}

export function connectTcp(host: string, port: number, options: ConnectTcpOptions = {}): Promise<ByteTransport> {
  const where = `tcp ${formatHostPort(host, port)}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new TransportError('TRANSPORT_CONNECT_TIMEOUT', `${where}: no answer within ${timeoutMs} ms`, {
          hint: 'check the host and port, and that no firewall drops the connection',
        }),
      );
    }, timeoutMs);
    const onError = (err: Error) => {
      clearTimeout(timer);
      const refused = systemErrorCode(err) === 'ECONNREFUSED';
      reject(
        new TransportError('TRANSPORT_CONNECT_FAILED', `cannot connect to ${where}: ${err.message}`, {
          hint: refused
            ? `nothing listens there; start the target first (e.g. \`hvdbg sim --listen tcp:${formatHostPort(host, port)}\`)`
            : 'check the host name and port',
          cause: err,
        }),
      );
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(wrap(socket, where));
    });
  });
}

export function listenTcp(
  host: string,
  port: number,
  onConnection: (transport: ByteTransport) => void,
): Promise<TcpListener> {
  const live = new Set<ByteTransport>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const from = formatHostPort(socket.remoteAddress ?? '?', socket.remotePort ?? 0);
    const transport = wrap(socket, `tcp ${from} → ${formatHostPort(host, listening.port)}`);
    live.add(transport);
    transport.onClose(() => live.delete(transport));
    onConnection(transport);
  });
  const listening = { host, port };
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      const code = systemErrorCode(err);
      reject(
        new TransportError('TRANSPORT_LISTEN_FAILED', `cannot listen on tcp ${formatHostPort(host, port)}: ${err.message}`, {
          hint:
            code === 'EADDRINUSE'
              ? 'another program uses that port; pick another one, or port 0 for a free one'
              : 'check the address (e.g. tcp:127.0.0.1:9000)',
          cause: err,
        }),
      );
    });
    server.listen({ host, port }, () => {
      // Past the bind, a failed accept (EMFILE…) must not crash the process; the listener goes on.
      server.on('error', () => {});
      const bound = server.address();
      if (bound !== null && typeof bound === 'object') listening.port = bound.port;
      resolve({
        address: { host, port: listening.port },
        close: async () => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          await Promise.all([...live].map((t) => t.close()));
          await closed;
        },
      });
    });
  });
}

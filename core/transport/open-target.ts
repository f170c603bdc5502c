// Layer: core/transport. Imports this folder and core/util only.
//
// One entry point from a user's --target string to an open ByteTransport. Devices are opened
// with reconnect on: a Mac that reboots comes back on the same path (see serial.ts).

import type { Disposable } from '../util/disposable.ts';
import { openSerial, type SerialReconnectOptions } from './serial.ts';
import { parseTargetSpec } from './target-spec.ts';
import { connectTcp } from './tcp.ts';
import type { ByteTransport } from './transport.ts';

export { parseListenSpec, parseTargetSpec, type ListenSpec, type TargetSpec } from './target-spec.ts';

export interface OpenTargetOptions {
  /** TCP only: give up connecting after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Devices only. Default 115200 (§1.3). */
  baudRate?: number;
  /** Devices only: how long to wait for a vanished device (default 20 s), or false to close at once. */
  reconnect?: SerialReconnectOptions | false;
  /** Progress messages for the user (device lost, waiting, back). */
  onStatus?: (message: string) => void;
}

/** A transport from `openTarget`: `onReconnect` fires when a device came back (never for TCP). */
export interface TargetTransport extends ByteTransport {
  onReconnect(listener: () => void): Disposable;
}

export async function openTarget(spec: string, options: OpenTargetOptions = {}): Promise<TargetTransport> {
  const target = parseTargetSpec(spec);
  if (target.kind === 'tcp') {
    const transport = await connectTcp(target.host, target.port, { timeoutMs: options.connectTimeoutMs });
    return Object.assign(transport, { onReconnect: (): Disposable => ({ dispose() {} }) });
  }
  return openSerial(target.path, {
    baudRate: options.baudRate,
    reconnect: options.reconnect === false ? undefined : (options.reconnect ?? {}),
    onStatus: options.onStatus,
  });
}

// Test helper (not a test): a UartProxyClient on one end of an in-memory byte pair and the
// scripted FakeTarget on the other, with everything the client reports collected.

import { createMemoryPair } from '../../core/transport/memory-pair.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { Listeners, type Disposable } from '../../core/util/disposable.ts';
import { UartProxyClient } from '../../core/uartproxy/client.ts';
import type { UartProxyClientOptions } from '../../core/uartproxy/client-types.ts';
import type { UartProxyError } from '../../core/uartproxy/errors.ts';
import { FakeTarget } from './fake-target.ts';

// Opcode names as core/proxy would supply them (spec §6.1), for messages only.
export const OP = {
  P_NOP: 0x000,
  P_EXIT: 0x001,
  P_GET_BOOTARGS: 0x003,
  P_VECTOR: 0x00b,
  P_REBOOT: 0x010,
  P_READ32: 0x105,
  P_KBOOT_BOOT: 0x700,
  P_HV_START: 0xc02,
  P_HV_SWITCH_CPU: 0xc09,
} as const;
const NAMES = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, k]));

export interface Harness {
  client: UartProxyClient;
  target: FakeTarget;
  host: ByteTransport & { onReconnect(listener: () => void): Disposable; reconnect(): void };
  /** Console text the client delivered, as a string (latin1, so stray bytes survive). */
  text(): string;
  errors: UartProxyError[];
  events: Array<{ type: number; payload: number[] }>;
}

export function harness(options: UartProxyClientOptions = {}, memoryBytes = 0): Harness {
  const [hostEnd, targetEnd] = createMemoryPair();
  const reconnects = new Listeners<[]>();
  const host = Object.assign(hostEnd, {
    onReconnect: (listener: () => void) => reconnects.add(listener),
    reconnect: () => reconnects.emit(),
  });
  const target = new FakeTarget(targetEnd);
  target.memory = new Uint8Array(memoryBytes);
  const client = new UartProxyClient(host, { label: (op) => NAMES.get(op), ...options });
  const text: number[] = [];
  const errors: UartProxyError[] = [];
  const events: Array<{ type: number; payload: number[] }> = [];
  client.onText((b) => void text.push(...b));
  client.onError((e) => void errors.push(e));
  client.onEvent((type, payload) => void events.push({ type, payload: [...payload] }));
  return { client, target, host, text: () => String.fromCharCode(...text), errors, events };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check()` is true (polling each macrotask); for "the target got it" waits. */
export async function until(check: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

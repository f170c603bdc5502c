// Helpers for the end-to-end link tests. The "machine" is a VirtualM1 served the way
// `hvdbg sim` serves it (a pty master, or each accepted TCP connection attached to one
// channel); the host reaches it only through `connect(target)` and bytes. Nothing here
// reaches into the firmware model.
import type { ExecutionContext } from 'ava';
import { connect, type ConnectOptions, type Link } from '../../core/link/connect.ts';
import { createPty, type PtyEndpoint } from '../../core/transport/pty.ts';
import { formatHostPort, listenTcp } from '../../core/transport/tcp.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';

/** M1 DRAM starts at 0x8_0000_0000 (spec App. A); the Mac mini has 8 GiB of it. */
export const DRAM_BASE = 0x8_0000_0000n;
/** 256 MiB into RAM: clear of m1n1's image and heap, like the scratch area of spec §7.5. */
export const SCRATCH = DRAM_BASE + 0x1000_0000n;
/** Below DRAM, where nothing is mapped on an M1. */
export const UNMAPPED = 0x1_0000_0000n;
/** m1n1's RX_EL1 alias of RAM (spec §7.3, App. A). */
export const RAM_ALIAS_BITS = 0xc00_0000_0000n;

/** Records progress callbacks of one transfer. */
export function progressRecorder(): { calls: Array<[number, number]>; onProgress: (done: number, total: number) => void } {
  const calls: Array<[number, number]> = [];
  return { calls, onProgress: (done, total) => void calls.push([done, total]) };
}

export interface Rig {
  readonly machine: VirtualM1;
  /** What a user passes as --target. */
  readonly target: string;
  /** Connects a host; the test's teardown closes it before the machine goes away. */
  connect(options?: ConnectOptions): Promise<Link>;
}

function hostsFor(t: ExecutionContext, target: string): Rig['connect'] {
  return async (options = {}) => {
    // reconnect: false — when the machine is torn down the host should end, not wait 20 s.
    const link = await connect(target, { reconnect: false, ...options });
    t.teardown(() => link.close());
    return link;
  };
}

/** A virtual M1 with its first USB channel (iodev 4) on a fresh pty, as `hvdbg sim --pty`. */
export async function ptyRig(t: ExecutionContext, machine = new VirtualM1()): Promise<Rig & { pty: PtyEndpoint }> {
  const pty = await createPty();
  machine.addUsbChannel(pty);
  t.teardown(() => pty.close());
  return { machine, pty, target: pty.slavePath, connect: hostsFor(t, pty.slavePath) };
}

/**
 * A virtual M1 with one USB channel served over TCP on 127.0.0.1 (port 0), as
 * `hvdbg sim --listen`: each accepted connection replaces the previous one on the channel.
 */
export async function tcpRig(t: ExecutionContext, machine = new VirtualM1()): Promise<Rig & { connections: () => number }> {
  const channel = machine.addUsbChannel();
  let current: ByteTransport | null = null;
  let connections = 0;
  const listener = await listenTcp('127.0.0.1', 0, (transport) => {
    if (current && !current.closed) void current.close();
    current = transport;
    connections++;
    channel.attach(transport);
  });
  t.teardown(() => listener.close());
  const target = `tcp:${formatHostPort(listener.address.host, listener.address.port)}`;
  return { machine, target, connect: hostsFor(t, target), connections: () => connections };
}

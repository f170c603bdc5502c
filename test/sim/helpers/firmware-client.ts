// Test helper (not a test): the host's typed client (core/proxy M1n1Proxy over core/uartproxy
// UartProxyClient) talking real frames over an in-memory byte pair to a virtual m1n1
// (FirmwareProxy on a USB channel) whose op table has the default families plus the extra
// families of sim/firmware/ops/extra.ts with test dependencies.
import { createMemoryPair } from '../../../core/transport/memory-pair.ts';
import { HostHeap } from '../../../core/proxy/host-heap.ts';
import { M1n1Proxy } from '../../../core/proxy/proxy.ts';
import { UartProxyClient } from '../../../core/uartproxy/client.ts';
import type { AdtNode } from '../../../core/formats/adt/node.ts';
import { AddressSpace, SparseRam, type MmioDevice } from '../../../sim/memory/index.ts';
import { createDefaultOpTable, FirmwareProxy, type ResetReason } from '../../../sim/firmware/index.ts';
import {
  extraOpFamilies,
  KbootState,
  MemoryIodevBackend,
  type FramebufferInfo,
} from '../../../sim/firmware/ops/extra.ts';

export const RAM_BASE = 0x8_0000_0000n;
/** Where the host heap for string/buffer arguments lives (§7.1). */
export const HEAP_BASE = RAM_BASE + 0x3000_0000n;
export const HEAP_SIZE = 1 << 20;
/** The firmware's static area (inside "m1n1's image"). */
export const STATICS_BASE = RAM_BASE + 0x100_0000n;
/** Scratch buffers for tests. */
export const SRC = RAM_BASE + 0x1000_0000n;
export const DST = RAM_BASE + 0x2000_0000n;
/** Unmapped on the virtual M1. */
export const UNMAPPED = 0x1000n;

export interface ClientTargetOptions {
  adt?: AdtNode;
  framebuffer?: FramebufferInfo;
  /** MMIO windows to add: [base, size, device]. */
  mmio?: Array<[bigint, number, MmioDevice]>;
  ramBytes?: bigint;
}

export function startClientTarget(options: ClientTargetOptions = {}) {
  const [hostT, targetT] = createMemoryPair();
  const ram = new SparseRam({ base: RAM_BASE, sizeBytes: options.ramBytes ?? 1n << 30n });
  const space = new AddressSpace().addRam(ram).addRamAliases(ram);
  for (const [base, size, dev] of options.mmio ?? []) space.addMmio(base, size, dev, `test-mmio-${base.toString(16)}`);
  const iodevs = new MemoryIodevBackend();
  const kboot = new KbootState();
  const ops = createDefaultOpTable();
  for (const f of extraOpFamilies({
    adt: () => options.adt,
    iodevs,
    kboot,
    framebuffer: () => options.framebuffer,
    statics: { base: STATICS_BASE, size: 0x1000 },
  })) {
    ops.add(f);
  }
  const resets: ResetReason[] = [];
  const consoleText: string[] = [];
  const fw = new FirmwareProxy(targetT, {
    channel: 'usb',
    memory: space,
    ops,
    onReset: (r) => resets.push(r),
    onConsole: (t) => consoleText.push(t),
  });
  const topLevel = fw.runTopLevel();
  const client = new UartProxyClient(hostT, { timeoutMs: 5000 });
  const text: number[] = [];
  client.onText((b) => void text.push(...b));
  const proxy = new M1n1Proxy(client);
  proxy.useHeap(new HostHeap(HEAP_BASE, HEAP_SIZE));
  return {
    proxy,
    client,
    fw,
    ram,
    space,
    iodevs,
    kboot,
    resets,
    topLevel,
    /** Console text the host received between frames. */
    hostText: () => String.fromCharCode(...text),
    consoleText: () => consoleText.join(''),
    async close() {
      await client.close();
    },
  };
}

/** A 64-bit reply word read as the C int / ssize_t it carries. */
export const signed = (v: bigint): number => Number(BigInt.asIntN(64, v));

/** Lets queued console text reach the host. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r));
};

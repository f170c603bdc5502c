// A virtual M1 firmware on one end of an in-memory pair, and a bare host on the other end that
// reads raw bytes: frames are cut from the stream as the spec describes them (§2.3, §2.4),
// everything before a frame is console text (§1.4). No host-side protocol code is used.
import { createMemoryPair } from '../../../core/transport/memory-pair.ts';
import type { ByteTransport } from '../../../core/transport/transport.ts';
import { AddressSpace, SparseRam, type MmioDevice } from '../../../sim/memory/index.ts';
import {
  createDefaultOpTable,
  FirmwareProxy,
  type FirmwareProxyOptions,
  type OpFamily,
  type ResetReason,
} from '../../../sim/firmware/index.ts';
import { cat } from './bytes.ts';

const WAIT_LIMIT_MS = 5000;

export class HostEnd {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private waiters: Array<() => void> = [];
  closed = false;

  constructor(readonly transport: ByteTransport) {
    transport.onData((chunk) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.wake();
    });
    transport.onClose(() => {
      this.closed = true;
      this.wake();
    });
  }

  get pending(): number {
    return this.buffered;
  }

  send(...parts: Uint8Array[]): void {
    this.transport.write(cat(...parts));
  }

  /** Exactly the next `n` bytes. */
  async take(n: number): Promise<Uint8Array> {
    const limit = Date.now() + WAIT_LIMIT_MS;
    while (this.buffered < n) {
      if (this.closed) throw new Error(`host: link closed with ${this.buffered}/${n} bytes`);
      if (Date.now() > limit) throw new Error(`host: waited for ${n} bytes, have ${this.buffered}`);
      await this.changed();
    }
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - got);
      out.set(c.subarray(0, k), got);
      got += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }

  private async peek3(): Promise<Uint8Array> {
    const limit = Date.now() + WAIT_LIMIT_MS;
    while (this.buffered < 3) {
      if (Date.now() > limit || this.closed) throw new Error('host: no frame');
      await this.changed();
    }
    const head = cat(...this.chunks.slice(0, 3)).subarray(0, 3);
    return head;
  }

  /**
   * The next frame: skips console text up to `FF 55 AA`, then a 36-byte reply (plus `payload`
   * bytes that follow it) or a 12+N event frame. `asReply` reads a 36-byte reply even when the
   * type byte is 05 (the BADCMD answer to a host-sent REQ_EVENT echoes that type).
   */
  async frame(payload = 0, asReply = false): Promise<{ text: string; frame: Uint8Array; payload: Uint8Array }> {
    let text = '';
    for (;;) {
      const p = await this.peek3();
      if (p[0] === 0xff && p[1] === 0x55 && p[2] === 0xaa) break;
      text += String.fromCharCode((await this.take(1))[0]!);
    }
    const head = await this.take(4);
    if (head[3] === 0x05 && !asReply) {
      const hdr = await this.take(4);
      const n = hdr[0]! | (hdr[1]! << 8);
      const rest = await this.take(n + 4);
      return { text, frame: cat(head, hdr, rest), payload: new Uint8Array(0) };
    }
    const frame = cat(head, await this.take(32));
    return { text, frame, payload: await this.take(payload) };
  }

  /** Lets the event loop run until both sides are idle, then reports what arrived unread. */
  async settle(rounds = 8): Promise<number> {
    for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
    return this.buffered;
  }

  /** Everything received and not yet taken, as text. */
  async drainText(): Promise<string> {
    return String.fromCharCode(...(await this.take(this.buffered)));
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      setTimeout(resolve, 50);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export const RAM_BASE = 0x8_0000_0000n;
/** A small MMIO block for tests: 32-bit registers only, like much of Apple's fabric. */
export const MMIO_BASE = 0x2_3b10_0000n;

export interface TargetOptions extends Partial<Omit<FirmwareProxyOptions, 'memory' | 'ops'>> {
  families?: OpFamily[];
  mmio?: MmioDevice;
  /** Do not start runTopLevel(). */
  noTopLevel?: boolean;
  /** Adds regions to the address space before the firmware starts. */
  setup?: (space: AddressSpace) => void;
}

export function startTarget(options: TargetOptions = {}) {
  const [hostT, targetT] = createMemoryPair();
  const ram = new SparseRam({ base: RAM_BASE, sizeBytes: 1n << 30n });
  const space = new AddressSpace().addRam(ram).addRamAliases(ram);
  const regs = new Uint32Array(16);
  const mmio: MmioDevice = options.mmio ?? {
    read32: (off) => regs[off >>> 2]!,
    write32: (off, v) => void (regs[off >>> 2] = v),
  };
  space.addMmio(MMIO_BASE, 0x40, mmio, 'test-mmio');
  options.setup?.(space);
  const ops = createDefaultOpTable();
  for (const f of options.families ?? []) ops.add(f, { replace: true });
  const resets: ResetReason[] = [];
  const sleeps: boolean[] = [];
  const consoleText: string[] = [];
  const { families: _f, mmio: _m, setup: _s, noTopLevel, ...rest } = options;
  const fw = new FirmwareProxy(targetT, {
    channel: 'usb',
    ...rest,
    memory: space,
    ops,
    onReset: (r) => resets.push(r),
    onSleep: (d) => sleeps.push(d),
    onConsole: (t) => consoleText.push(t),
  });
  const host = new HostEnd(hostT);
  const topLevel = noTopLevel ? undefined : fw.runTopLevel();
  return { host, hostT, targetT, fw, ram, space, regs, resets, sleeps, consoleText, topLevel };
}

// Test helpers written from apple-devices §4.3, §5.4, §6.2–§6.3 and §9.4 (not from the model's
// code): a machine-like AddressSpace with the DCP coprocessor mapped, an AP that talks to the
// mailbox only through its AP-side registers, and a DART page-table builder that writes the
// tables into RAM and programs TTBR/TCR through MMIO the way m1n1 does.

import { createDcpCoprocessor, type DcpCoprocessor } from '../../sim/coproc/index.ts';
import type { RtkitAppEndpoint } from '../../sim/coproc/rtkit/endpoint.ts';
import { AddressSpace } from '../../sim/memory/address-space.ts';
import { FAULT } from '../../sim/memory/physical-memory.ts';
import { SparseRam } from '../../sim/memory/sparse-ram.ts';
import { FakeContext } from '../sim/devices/fake-context.ts';

// §9.4 addresses and §4.1 offsets, spelled out here on purpose.
export const ASC_BASE = 0x231c00000n;
export const CPU_CONTROL = ASC_BASE + 0x44n;
export const CPU_STATUS = ASC_BASE + 0x48n;
export const INBOX_CTRL = ASC_BASE + 0x8110n;
export const OUTBOX_CTRL = ASC_BASE + 0x8114n;
export const INBOX0 = ASC_BASE + 0x8800n;
export const INBOX1 = ASC_BASE + 0x8808n;
export const A2I_RECV0 = ASC_BASE + 0x8810n;
export const A2I_RECV1 = ASC_BASE + 0x8818n;
export const I2A_SEND0 = ASC_BASE + 0x8820n;
export const I2A_SEND1 = ASC_BASE + 0x8828n;
export const OUTBOX0 = ASC_BASE + 0x8830n;
export const OUTBOX1 = ASC_BASE + 0x8838n;
export const FULL = 1 << 16;
export const EMPTY = 1 << 17;
export const OVERFLOW = 1 << 18;
export const DART_DCP = 0x23130c000n;
export const DART_DISP0 = 0x231304000n;
export const ASC_DRAM_MASK = 0xf00000000n;

export interface Rig {
  ctx: FakeContext;
  as: AddressSpace;
  ram: SparseRam;
  dcp: DcpCoprocessor;
  /** AIC line levels by IRQ number, as the model drove them. */
  lines: Map<number, boolean>;
}

export function makeRig(endpoints: RtkitAppEndpoint[] = [], rtkit: Parameters<typeof createDcpCoprocessor>[1]['rtkit'] = {}): Rig {
  const ctx = new FakeContext();
  const ram = new SparseRam();
  const as = new AddressSpace().addRam(ram);
  const lines = new Map<number, boolean>();
  const dcp = createDcpCoprocessor(ctx, { memory: as, aicLine: (irq, level) => void lines.set(irq, level), endpoints, rtkit });
  for (const d of dcp.devices) as.addMmio(d.base, d.size, d, d.name);
  return { ctx, as, ram, dcp, lines };
}

export function r32(as: AddressSpace, addr: bigint): number {
  const v = as.read(addr, 4);
  if (v === FAULT) throw new Error(`read32 0x${addr.toString(16)} faulted`);
  return Number(v);
}
export function w32(as: AddressSpace, addr: bigint, v: number): void {
  if (!as.write(addr, 4, BigInt(v >>> 0))) throw new Error(`write32 0x${addr.toString(16)} faulted`);
}
export function r64(as: AddressSpace, addr: bigint): bigint {
  const v = as.read(addr, 8);
  if (v === FAULT) throw new Error(`read64 0x${addr.toString(16)} faulted`);
  return v;
}
export function w64(as: AddressSpace, addr: bigint, v: bigint): void {
  if (!as.write(addr, 8, v)) throw new Error(`write64 0x${addr.toString(16)} faulted`);
}

export interface Msg {
  ep: number;
  msg0: bigint;
}

/** The AP side of §4.3 and nothing else. */
export class ApMailbox {
  constructor(private readonly rig: Rig) {}

  start(): void {
    // §4.3: read-modify-write of CPU_CONTROL.RUN (0x10).
    w32(this.rig.as, CPU_CONTROL, r32(this.rig.as, CPU_CONTROL) | 0x10);
  }

  stop(): void {
    w32(this.rig.as, CPU_CONTROL, r32(this.rig.as, CPU_CONTROL) & ~0x10);
  }

  send(ep: number, msg0: bigint): void {
    if (r32(this.rig.as, INBOX_CTRL) & FULL) throw new Error('inbox full');
    w64(this.rig.as, INBOX0, msg0);
    w64(this.rig.as, INBOX1, BigInt(ep));
  }

  /** One message if OUTBOX_CTRL.EMPTY is clear. */
  poll(): Msg | undefined {
    if (r32(this.rig.as, OUTBOX_CTRL) & EMPTY) return undefined;
    const msg0 = r64(this.rig.as, OUTBOX0);
    const msg1 = r64(this.rig.as, OUTBOX1);
    // m1n1 C keeps the low 32 bits of msg1 and the endpoint is [7:0] (§4.1).
    return { ep: Number(msg1 & 0xffn), msg0 };
  }

  /** Polls, letting the timebase run 1 µs at a time, up to `budget` ticks. */
  recv(budget = 2_400_000n): Msg | undefined {
    const end = this.rig.ctx.tick + budget;
    for (;;) {
      const m = this.poll();
      if (m || this.rig.ctx.tick >= end) return m;
      this.rig.ctx.advanceTo(this.rig.ctx.tick + 24n);
    }
  }

  /** Lets time pass and collects whatever arrives. */
  drain(ticks = 240_000n): Msg[] {
    const out: Msg[] = [];
    const end = this.rig.ctx.tick + ticks;
    while (this.rig.ctx.tick < end) {
      this.rig.ctx.advanceTo(this.rig.ctx.tick + 24n);
      for (let m = this.poll(); m; m = this.poll()) out.push(m);
    }
    return out;
  }
}

/** §6.2/§6.3 page tables built by the AP in RAM, TTBR/TCR programmed through MMIO. */
export class ApDart {
  private nextPa: bigint;
  private l1 = new Map<number, bigint>();

  constructor(
    private readonly rig: Rig,
    readonly base = DART_DCP,
    firstPa = 0x8_1000_0000n,
  ) {
    this.nextPa = firstPa;
  }

  /** A zeroed 16 KiB page of RAM. */
  allocPage(): bigint {
    const pa = this.nextPa;
    this.nextPa += 0x4000n;
    this.rig.as.writeBlock(pa, new Uint8Array(0x4000), 0, 0x4000);
    return pa;
  }

  /** L1 table for `sid`, TTBR[sid][n] = VALID | L1 >> 12, TCR[sid] = TRANSLATE_ENABLE (m1n1 init). */
  enable(sid: number, n = 0): bigint {
    const l1 = this.allocPage();
    this.l1.set(sid * 4 + n, l1);
    w32(this.rig.as, this.base + 0x200n + BigInt(16 * sid + 4 * n), 0x8000_0000 | Number(l1 >> 12n));
    w32(this.rig.as, this.base + 0x100n + BigInt(4 * sid), 0x80);
    return l1;
  }

  /** Maps one 16 KiB page: L1 PTE = L2 | 3, L2 PTE = PA | 0xfff << 40 | 3 (m1n1's leaf PTE, §6.3). */
  map(sid: number, iova: bigint, pa: bigint): void {
    const n = Number((iova >> 36n) & 3n);
    const l1 = this.l1.get(sid * 4 + n) ?? this.enable(sid, n);
    const e1Addr = l1 + 8n * ((iova >> 25n) & 0x7ffn);
    let e1 = r64(this.rig.as, e1Addr);
    if ((e1 & 1n) === 0n) {
      e1 = this.allocPage() | 3n;
      w64(this.rig.as, e1Addr, e1);
    }
    const l2 = e1 & 0xffffffc000n;
    w64(this.rig.as, l2 + 8n * ((iova >> 14n) & 0x7ffn), pa | (0xfffn << 40n) | 3n);
  }

  /** Allocates and maps `bytes` (rounded up to 16 KiB) at `iova`; returns the first PA. */
  mapNew(sid: number, iova: bigint, bytes: number): bigint {
    const pages = Math.ceil(bytes / 0x4000);
    let first = 0n;
    for (let i = 0; i < pages; i++) {
      const pa = this.allocPage();
      if (i === 0) first = pa;
      this.map(sid, iova + BigInt(i * 0x4000), pa);
    }
    return first;
  }
}

export function readBytes(as: AddressSpace, pa: bigint, n: number): Uint8Array {
  const b = new Uint8Array(n);
  if (!as.readBlock(pa, b, 0, n)) throw new Error(`read 0x${pa.toString(16)} faulted`);
  return b;
}

export function cstr(b: Uint8Array, at: number, max: number): string {
  let s = '';
  for (let i = at; i < at + max && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
  return s;
}

export function hex(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

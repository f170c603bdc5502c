// Layer: sim/hv, the virtual M1's hypervisor model. An emulated virtio-mmio (version 2) device as
// P_HV_MAP_VIRTIO creates it (spec §12): its registers, the split virtqueues in guest memory,
// the notifications that become START_HV / VIRTIO callbacks and P_VIRTIO_PUT_BUFFER. Imports
// sim/memory types only.

import type { PhysicalMemory } from '../memory/physical-memory.ts';

/** Register offsets (§12). */
export const VirtioReg = {
  MAGIC: 0x000,
  VERSION: 0x004,
  DEVID: 0x008,
  VENDID: 0x00c,
  DEV_FEATURES: 0x010,
  DEV_FEATURES_SEL: 0x014,
  DRV_FEATURES: 0x020,
  DRV_FEATURES_SEL: 0x024,
  QSEL: 0x030,
  QMAX: 0x034,
  QSIZE: 0x038,
  QREADY: 0x044,
  QNOTIFY: 0x050,
  IRQ_STATUS: 0x060,
  IRQ_ACK: 0x064,
  DEV_STATUS: 0x070,
  DESC_LO: 0x080,
  DESC_HI: 0x084,
  AVAIL_LO: 0x090,
  AVAIL_HI: 0x094,
  USED_LO: 0x0a0,
  USED_HI: 0x0a4,
  CONFIG: 0x100,
} as const;

export const VIRTIO_MAGIC = 0x74726976;
export const VIRTIO_QUEUE_MAX = 256;
const VERSION_1 = 1n << 32n;
/** Size of the packed configuration at conf_ptr (§12). */
export const VIRTIO_CONF_SIZE = 37;

export interface VirtioConfig {
  readonly irq: number;
  readonly devid: number;
  readonly feats: bigint;
  readonly numQueues: number;
  readonly config: Uint8Array;
  readonly verbose: boolean;
}

/** Reads the 37-byte packed configuration (§12); undefined if memory faults. */
export function readVirtioConfig(mem: PhysicalMemory, ptr: bigint): VirtioConfig | undefined {
  const raw = new Uint8Array(VIRTIO_CONF_SIZE);
  if (!mem.readBlock(ptr, raw, 0, raw.length)) return undefined;
  const v = new DataView(raw.buffer);
  const cfgPtr = v.getBigUint64(0x14, true);
  const cfgLen = Number(v.getBigUint64(0x1c, true) & 0xffffn);
  const config = new Uint8Array(cfgLen);
  if (cfgLen > 0 && !mem.readBlock(cfgPtr, config, 0, cfgLen)) return undefined;
  return { irq: v.getInt32(0, true), devid: v.getUint32(4, true), feats: v.getBigUint64(8, true), numQueues: Math.min(v.getUint32(0x10, true), 64), config, verbose: raw[0x24] !== 0 };
}

interface Queue {
  size: number;
  ready: boolean;
  desc: bigint;
  avail: bigint;
  used: bigint;
  lastAvail: number;
}

/** One new available-ring entry: what the VIRTIO callback's `extra` describes. */
export interface VirtioNotification {
  readonly devbase: bigint;
  readonly queue: number;
  readonly head: number;
  readonly descbase: bigint;
}

export class VirtioDevice {
  private featSel = 0;
  private qsel = 0;
  private irqStatus = 0;
  private status = 0;
  private readonly queues: Queue[];

  constructor(
    readonly base: bigint,
    readonly conf: VirtioConfig,
    private readonly mem: PhysicalMemory,
    /** The AIC software-triggered IRQ line. */
    private readonly setIrq: (irq: number, level: boolean) => void,
  ) {
    this.queues = Array.from({ length: conf.numQueues }, () => ({ size: 0, ready: false, desc: 0n, avail: 0n, used: 0n, lastAvail: 0 }));
  }

  private get q(): Queue | undefined {
    return this.queues[this.qsel];
  }

  /** A guest access at `addr` (low 12 bits). A QNOTIFY write returns the new available entries. */
  access(addr: bigint, write: boolean, value: bigint): { value: bigint; notifications?: VirtioNotification[] } {
    const off = Number(addr & 0xfffn);
    const v32 = Number(value & 0xffffffffn);
    if (!write) return { value: BigInt(this.read(off)) };
    const q = this.q;
    const lo = (a: bigint) => (a & ~0xffffffffn) | BigInt(v32);
    const hi = (a: bigint) => (a & 0xffffffffn) | (BigInt(v32) << 32n);
    switch (off) {
      case VirtioReg.DEV_FEATURES_SEL:
        this.featSel = v32;
        break;
      case VirtioReg.QSEL:
        this.qsel = v32;
        break;
      case VirtioReg.QSIZE:
        if (q) q.size = Math.min(v32, VIRTIO_QUEUE_MAX);
        break;
      case VirtioReg.QREADY:
        if (q) q.ready = (v32 & 1) === 1;
        break;
      case VirtioReg.IRQ_ACK:
        this.irqStatus &= ~v32;
        if (this.irqStatus === 0) this.setIrq(this.conf.irq, false);
        break;
      case VirtioReg.DEV_STATUS:
        this.status = v32 & 0xff;
        break;
      case VirtioReg.DESC_LO:
        if (q) q.desc = lo(q.desc);
        break;
      case VirtioReg.DESC_HI:
        if (q) q.desc = hi(q.desc);
        break;
      case VirtioReg.AVAIL_LO:
        if (q) q.avail = lo(q.avail);
        break;
      case VirtioReg.AVAIL_HI:
        if (q) q.avail = hi(q.avail);
        break;
      case VirtioReg.USED_LO:
        if (q) q.used = lo(q.used);
        break;
      case VirtioReg.USED_HI:
        if (q) q.used = hi(q.used);
        break;
      case VirtioReg.QNOTIFY:
        return { value: 0n, notifications: this.drainAvailable(v32) };
      default:
        break; // driver features and unknown registers: ignored
    }
    return { value: 0n };
  }

  private read(off: number): number {
    const q = this.q;
    const feats = this.conf.feats | VERSION_1;
    switch (off) {
      case VirtioReg.MAGIC:
        return VIRTIO_MAGIC;
      case VirtioReg.VERSION:
        return 2;
      case VirtioReg.DEVID:
        return this.conf.devid;
      case VirtioReg.VENDID:
        return 0;
      case VirtioReg.DEV_FEATURES:
        return this.featSel > 1 ? 0 : Number((feats >> BigInt(32 * this.featSel)) & 0xffffffffn);
      case VirtioReg.QMAX:
        return q ? VIRTIO_QUEUE_MAX : 0;
      case VirtioReg.QSIZE:
        return q?.size ?? 0;
      case VirtioReg.QREADY:
        return q?.ready ? 1 : 0;
      case VirtioReg.IRQ_STATUS:
        return this.irqStatus;
      case VirtioReg.DEV_STATUS:
        return this.status;
      default:
        if (off >= VirtioReg.CONFIG && off < VirtioReg.CONFIG + this.conf.config.length) return this.conf.config[off - VirtioReg.CONFIG]!;
        return 0;
    }
  }

  /** New available-ring entries of queue `qu` since the last notification. */
  private drainAvailable(qu: number): VirtioNotification[] {
    const q = this.queues[qu];
    if (!q || !q.ready || q.size === 0) return [];
    const idx = this.mem.read(q.avail + 2n, 2);
    if (typeof idx !== 'bigint') return [];
    const out: VirtioNotification[] = [];
    const end = Number(idx);
    while ((q.lastAvail & 0xffff) !== end) {
      const head = this.mem.read(q.avail + 4n + BigInt(2 * (q.lastAvail % q.size)), 2);
      if (typeof head !== 'bigint') break;
      out.push({ devbase: this.base, queue: qu, head: Number(head), descbase: q.desc });
      q.lastAvail = (q.lastAvail + 1) & 0xffff;
    }
    return out;
  }

  /** P_VIRTIO_PUT_BUFFER: `{id = idx, len}` onto the used ring, IRQ_STATUS bit 0, IRQ asserted. */
  putBuffer(qu: number, idx: number, len: number): void {
    const q = this.queues[qu];
    if (!q || q.size === 0) return;
    const used = this.mem.read(q.used + 2n, 2);
    if (typeof used !== 'bigint') return;
    const slot = q.used + 4n + BigInt(8 * (Number(used) % q.size));
    this.mem.write(slot, 4, BigInt(idx >>> 0));
    this.mem.write(slot + 4n, 4, BigInt(len >>> 0));
    this.mem.write(q.used + 2n, 2, (used + 1n) & 0xffffn);
    this.irqStatus |= 1;
    this.setIrq(this.conf.irq, true);
  }
}

/** The VIRTIO callback's `extra` (§12): devbase, qu, idx, padding, descbase. */
export function encodeVirtioInfo(n: VirtioNotification): Uint8Array {
  const b = new Uint8Array(0x18);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, n.devbase, true);
  v.setUint16(8, n.queue, true);
  v.setUint16(10, n.head, true);
  v.setBigUint64(0x10, n.descbase, true);
  return b;
}

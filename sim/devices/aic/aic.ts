// Layer: sim/devices/aic. The M1 interrupt controller, AIC1 (apple-devices §2). Imports
// sim/devices (device contract, register tables), sim/memory (FAULT) and core/errors.
//
// State and rules follow §2.7: per IRQ a level-sensitive hardware line, a software assert, a
// mask bit and a TARGET_CPU mask; per CPU two MMIO IPIs (OTHER, SELF) with pending and mask
// bits. Every state change re-evaluates each CPU's IRQ input and calls ctx.setIrq on a change.
// Fast IPIs and the timers are FIQ sources inside the core model (§2.5, §2.7 rule 12): the AIC
// has no part in them, so nothing here touches FIQ.
//
// Model choices (§2.7, §10.1), each marked where it is applied:
// - delivery: an IRQ goes to the lowest-numbered CPU set in its TARGET_CPU (§2.7 rule 2);
// - priority on EVENT: hardware IRQs (lowest number first), then IPI OTHER, then SELF (rule 5.1);
// - reset: every IRQ masked, SW clear, TARGET_CPU = CPU 0, IPIs clear and UNMASKED (m1n1's
//   non-fast secondaries only ever mask SELF, so OTHER must start unmasked to wake them, §2.6);
// - HW_STATE = line OR software assert; MASK_SET/MASK_CLR read back the mask word (rules 9, 10);
// - TARGET_CPU keeps only the bits of existing CPUs; SW_SET ignores IRQs ≥ INFO's count;
// - REVISION constant, CONFIG/TSTAMP_CTRL plain storage, TIME/TSTAMP read the 24 MHz timebase,
//   RST and IPI_DEFER_* are logged and ignored (semantics unknown, §2.2).
// Access rules: only aligned 32-bit accesses exist (Linux and m1n1 use readl/writel); other
// widths have no handler and fault, as Apple's fabric answers them. Inside the window, offsets
// that are no register, reads of write-only and writes of read-only registers are RAZ/WI.

import { HvdbgError } from '../../../core/errors.ts';
import { FAULT, type Fault } from '../../memory/physical-memory.ts';
import type { Device, DeviceContext } from '../device.ts';
import {
  AIC_BASE,
  AIC_CPU_VIEWS,
  AIC_IPI_BITS,
  AIC_IPI_OTHER,
  AIC_IPI_SELF,
  AIC_IRQ_WORDS,
  AIC_LOCAL_BLOCK,
  AIC_LOCAL_BLOCK_SIZE,
  AIC_MAX_IRQ,
  AIC_NR_IRQ,
  AIC_REGS,
  AIC_REVISION_VALUE,
  AIC_SIZE,
  AicEventType,
  AicIpiNum,
  encodeAicEvent,
} from './aic-registers.ts';

export interface AicOptions {
  name?: string;
  base?: bigint;
  size?: bigint;
}

export class Aic implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  readonly nrIrq = AIC_NR_IRQ;

  private readonly hw = new Uint32Array(AIC_IRQ_WORDS);
  private readonly sw = new Uint32Array(AIC_IRQ_WORDS);
  private readonly mask = new Uint32Array(AIC_IRQ_WORDS);
  private readonly target = new Uint32Array(AIC_MAX_IRQ);
  private readonly ipiPending: Uint32Array;
  private readonly ipiMasked: Uint32Array;
  /** The level last given to ctx.setIrq per CPU. */
  private readonly irqOut: boolean[];
  private readonly cpuBits: number;
  private config = 0;
  private tstampCtrl = 0;

  constructor(
    private readonly ctx: DeviceContext,
    options: AicOptions = {},
  ) {
    this.name = options.name ?? 'aic';
    this.base = options.base ?? AIC_BASE;
    this.size = options.size ?? AIC_SIZE;
    if (ctx.cpuCount < 1 || ctx.cpuCount > 8) throw new HvdbgError('SIM_DEVICE_CONFIG', `AIC: cpuCount ${ctx.cpuCount} is not 1–8`);
    this.cpuBits = (2 ** ctx.cpuCount - 1) >>> 0;
    this.ipiPending = new Uint32Array(ctx.cpuCount);
    this.ipiMasked = new Uint32Array(ctx.cpuCount);
    this.irqOut = new Array<boolean>(ctx.cpuCount).fill(false);
    this.initState();
  }

  /** Back to the reset state; drives every CPU's IRQ input to the new level. */
  reset(): void {
    this.initState();
    for (let c = 0; c < this.ctx.cpuCount; c++) this.ctx.setIrq(c, false);
    this.irqOut.fill(false);
    this.update();
  }

  /** A device's level-triggered line (§2.7 rule 1). */
  setLine(irq: number, level: boolean): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.nrIrq) {
      throw new HvdbgError('SIM_DEVICE_CONFIG', `AIC: no hardware IRQ ${irq} (0–${this.nrIrq - 1})`, {
        hint: 'device IRQ numbers come from the j274 ADT (apple-devices §9.4)',
      });
    }
    const w = irq >>> 5;
    const bit = (1 << (irq & 31)) >>> 0;
    const old = this.hw[w]!;
    const now = level ? (old | bit) >>> 0 : (old & ~bit) >>> 0;
    if (now === old) return;
    this.hw[w] = now;
    this.update();
  }

  // --- inspection (debugger views, tests) ---
  lineLevel(irq: number): boolean {
    return this.bit(this.hw, irq);
  }
  isMasked(irq: number): boolean {
    return this.bit(this.mask, irq);
  }
  isPending(irq: number): boolean {
    return this.bit(this.hw, irq) || this.bit(this.sw, irq);
  }
  irqOutput(cpu: number): boolean {
    return this.irqOut[cpu] ?? false;
  }
  ipiState(cpu: number): { pending: number; masked: number } {
    return { pending: this.ipiPending[cpu] ?? 0, masked: this.ipiMasked[cpu] ?? 0 };
  }

  // --- MMIO ---
  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const view = this.viewOf(offset);
    const reg = AIC_REGS.lookup(view.local);
    if (!reg || reg.access === 'W') return 0;
    const cpu = view.cpu;
    switch (reg.name) {
      case 'REVISION':
        return AIC_REVISION_VALUE;
      case 'INFO':
        return this.nrIrq;
      case 'CONFIG':
        return this.config;
      case 'TSTAMP_CTRL':
        return this.tstampCtrl;
      case 'TIME_LO':
      case 'TSTAMP_LO':
        return Number(this.ctx.now() & 0xffff_ffffn);
      case 'TIME_HI':
      case 'TSTAMP_HI':
        return Number((this.ctx.now() >> 32n) & 0xffff_ffffn);
      case 'WHOAMI':
        return cpu;
      case 'EVENT':
        return this.takeEvent(cpu);
      case 'TARGET_CPU':
        return this.target[reg.index]!;
      case 'MASK_SET':
      case 'MASK_CLR':
        return this.mask[reg.index]!;
      case 'HW_STATE':
        return (this.hw[reg.index]! | this.sw[reg.index]!) >>> 0;
      default:
        return 0;
    }
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const v = value >>> 0;
    const view = this.viewOf(offset);
    const reg = AIC_REGS.lookup(view.local);
    if (!reg || reg.access === 'R') return;
    const cpu = view.cpu;
    const i = reg.index;
    switch (reg.name) {
      case 'CONFIG':
        this.config = v;
        return;
      case 'TSTAMP_CTRL':
        this.tstampCtrl = v;
        return;
      case 'RST':
      case 'IPI_DEFER_SET':
      case 'IPI_DEFER_CLR':
        this.ctx.log(`aic: ${reg.name} = 0x${v.toString(16)} ignored (semantics unknown, apple-devices §10.1)`);
        return;
      case 'IPI_SEND':
        // §2.4 / §2.7 rule 7: bit c raises OTHER on CPU c; bit 31 raises SELF on the writer.
        for (let c = 0; c < this.ctx.cpuCount; c++) if ((v >>> c) & 1) this.ipiPending[c]! |= AIC_IPI_OTHER;
        if (v & AIC_IPI_SELF) this.ipiPending[cpu] = (this.ipiPending[cpu]! | AIC_IPI_SELF) >>> 0;
        break;
      case 'IPI_ACK':
        this.ipiPending[cpu] = (this.ipiPending[cpu]! & ~(v & AIC_IPI_BITS)) >>> 0;
        break;
      case 'IPI_MASK_SET':
        this.ipiMasked[cpu] = (this.ipiMasked[cpu]! | (v & AIC_IPI_BITS)) >>> 0;
        break;
      case 'IPI_MASK_CLR':
        this.ipiMasked[cpu] = (this.ipiMasked[cpu]! & ~(v & AIC_IPI_BITS)) >>> 0;
        break;
      case 'TARGET_CPU':
        this.target[i] = (v & this.cpuBits) >>> 0;
        break;
      case 'SW_SET':
        this.sw[i] = (this.sw[i]! | (v & this.implementedBits(i))) >>> 0;
        break;
      case 'SW_CLR':
        this.sw[i] = (this.sw[i]! & ~v) >>> 0;
        break;
      case 'MASK_SET':
        this.mask[i] = (this.mask[i]! | v) >>> 0;
        break;
      case 'MASK_CLR':
        this.mask[i] = (this.mask[i]! & ~v) >>> 0;
        break;
      default:
        return;
    }
    this.update();
  }

  // --- internals ---

  private initState(): void {
    this.hw.fill(0);
    this.sw.fill(0);
    this.mask.fill(0xffff_ffff);
    this.target.fill(1);
    this.ipiPending.fill(0);
    this.ipiMasked.fill(0);
    this.config = 0;
    this.tstampCtrl = 0;
  }

  /** Maps a per-CPU view offset onto the 0x2000 block (§2.2); other offsets act for the accessor. */
  private viewOf(offset: number): { local: number; cpu: number } {
    const viewEnd = AIC_CPU_VIEWS + AIC_LOCAL_BLOCK_SIZE * this.ctx.cpuCount;
    if (offset >= AIC_CPU_VIEWS && offset < viewEnd) {
      const cpu = (offset - AIC_CPU_VIEWS) >>> 7;
      return { local: AIC_LOCAL_BLOCK + (offset & (AIC_LOCAL_BLOCK_SIZE - 1)), cpu };
    }
    if (offset >= AIC_CPU_VIEWS && offset < AIC_CPU_VIEWS + 0x400) return { local: -1, cpu: 0 };
    const c = this.ctx.currentCpu();
    return { local: offset, cpu: c >= 0 && c < this.ctx.cpuCount ? c : 0 };
  }

  /** Bits of word w that are implemented IRQs (< INFO's count). */
  private implementedBits(w: number): number {
    const first = w * 32;
    if (first + 32 <= this.nrIrq) return 0xffff_ffff;
    if (first >= this.nrIrq) return 0;
    return (2 ** (this.nrIrq - first) - 1) >>> 0;
  }

  private bit(arr: Uint32Array, irq: number): boolean {
    return irq >= 0 && irq < AIC_MAX_IRQ && ((arr[irq >>> 5]! >>> (irq & 31)) & 1) === 1;
  }

  /** §2.7 rule 2 model choice: the lowest-numbered targeted CPU, or −1. */
  private destination(irq: number): number {
    const t = this.target[irq]!;
    return t === 0 ? -1 : 31 - Math.clz32(t & -t);
  }

  /** The lowest-numbered hardware IRQ deliverable to `cpu`, or −1. */
  private firstIrqFor(cpu: number): number {
    for (let w = 0; w < AIC_IRQ_WORDS; w++) {
      let active = ((this.hw[w]! | this.sw[w]!) & ~this.mask[w]!) >>> 0;
      while (active !== 0) {
        const b = 31 - Math.clz32(active & -active);
        const irq = w * 32 + b;
        if (this.destination(irq) === cpu) return irq;
        active = (active & (active - 1)) >>> 0;
      }
    }
    return -1;
  }

  /** §2.7 rule 5: pick, auto-mask, encode. */
  private takeEvent(cpu: number): number {
    let ev = 0;
    const irq = this.firstIrqFor(cpu);
    const ipis = (this.ipiPending[cpu]! & ~this.ipiMasked[cpu]!) >>> 0;
    if (irq >= 0) {
      this.mask[irq >>> 5] = (this.mask[irq >>> 5]! | (1 << (irq & 31))) >>> 0;
      ev = encodeAicEvent(AicEventType.HW, irq);
    } else if (ipis & AIC_IPI_OTHER) {
      this.ipiMasked[cpu] = (this.ipiMasked[cpu]! | AIC_IPI_OTHER) >>> 0;
      ev = encodeAicEvent(AicEventType.IPI, AicIpiNum.OTHER);
    } else if (ipis & AIC_IPI_SELF) {
      this.ipiMasked[cpu] = (this.ipiMasked[cpu]! | AIC_IPI_SELF) >>> 0;
      ev = encodeAicEvent(AicEventType.IPI, AicIpiNum.SELF);
    }
    if (ev !== 0) this.update();
    return ev;
  }

  /** §2.7 rule 4: each CPU's IRQ input is asserted while anything is deliverable to it. */
  private update(): void {
    const n = this.ctx.cpuCount;
    let want = 0;
    for (let c = 0; c < n; c++) if ((this.ipiPending[c]! & ~this.ipiMasked[c]!) !== 0) want |= 1 << c;
    for (let w = 0; w < AIC_IRQ_WORDS && want !== this.cpuBits; w++) {
      let active = ((this.hw[w]! | this.sw[w]!) & ~this.mask[w]!) >>> 0;
      while (active !== 0) {
        const b = 31 - Math.clz32(active & -active);
        const d = this.destination(w * 32 + b);
        if (d >= 0) want |= 1 << d;
        active = (active & (active - 1)) >>> 0;
      }
    }
    for (let c = 0; c < n; c++) {
      const level = ((want >>> c) & 1) === 1;
      if (level !== this.irqOut[c]) {
        this.irqOut[c] = level;
        this.ctx.setIrq(c, level);
      }
    }
  }
}

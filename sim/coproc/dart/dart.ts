// Layer: sim/coproc (DART). Apple's t8020 DART (IOMMU) as an MMIO device plus the translation
// every coprocessor DMA goes through (apple-devices §6). Imports sim/devices (Device contract),
// sim/memory (PhysicalMemory, FAULT) and this folder.
//
// §6.5: no TLB — page tables are read from AP memory on every access, so STREAM_COMMAND
// INVALIDATE completes at once (BUSY always reads 0; `invalidations` counts them for tests).
// ERROR/ERROR_ADDR latch the first fault until software writes 1s to ERROR; the IRQ line follows
// ERROR.FLAG. Model choices: CONFIG.LOCK is sticky until reset and, while set, TTBR and TCR
// writes are ignored; a stream whose TCR is neither "translate" nor "bypass" (§6.1 table) refuses
// DMA with NO_TTBR; sub-page protection (§6.3) applies to leaf PTEs only (m1n1 C builds L1 PTEs
// without SP_PROT_DIS); a page-table read that hits no memory is PTE_READ_FAULT, and a data access
// to unbacked PA is READ_FAULT / WRITE_FAULT. Register accesses are aligned 32-bit; other widths
// fault; unknown offsets in the window are RAZ/WI.

import { FAULT, type Fault, type PhysicalMemory } from '../../memory/physical-memory.ts';
import type { Device, DeviceContext, IrqLine } from '../../devices/device.ts';
import {
  CONFIG,
  DART_FAULT,
  DART_INDEX_MASK,
  DART_L1_SHIFT,
  DART_PAGE_MASK,
  DART_PAGE_SHIFT,
  DART_PAGE_SIZE,
  DART_REGS,
  DART_SIZE,
  DART_STREAMS,
  DART_TTBR_SHIFT,
  DART_TTBRS_PER_STREAM,
  ERROR,
  PTE,
  STREAM_COMMAND,
  TCR,
  TTBR,
} from './dart-registers.ts';
import { DartFaultError } from './dart-fault-error.ts';

export interface DartOptions {
  name: string;
  base: bigint;
  size?: bigint;
  /** AP memory the page tables and the DMA data live in. */
  memory: PhysicalMemory;
  /** The DART's interrupt line (level = ERROR.FLAG). */
  irq?: IrqLine;
}

/** The result of a side-effect-free walk: a PA, or the ERROR.CODE bits of the fault. */
export type DartLookup = { readonly ok: true; readonly pa: bigint } | { readonly ok: false; readonly code: number };

export class Dart implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  /** STREAM_COMMAND INVALIDATE writes seen (each with its STREAM_SELECT). */
  readonly invalidations: number[] = [];
  private readonly memory: PhysicalMemory;
  private streamCommand = 0;
  private streamSelect = 0;
  private error = 0;
  private errorAddr = 0n;
  private config = 0;
  private readonly remap = new Uint32Array(4);
  private dapfLock = 0;
  private unk1 = 0;
  private enabledStreams = 0;
  private readonly tcr = new Uint32Array(DART_STREAMS);
  private readonly ttbr = new Uint32Array(DART_STREAMS * DART_TTBRS_PER_STREAM);
  private irqLevel = false;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly options: DartOptions,
  ) {
    this.name = options.name;
    this.base = options.base;
    this.size = options.size ?? DART_SIZE;
    this.memory = options.memory;
  }

  get locked(): boolean {
    return (this.config & CONFIG.LOCK) !== 0;
  }

  /** The latched ERROR register and faulting address (§6.1). */
  get errorStatus(): { error: number; address: bigint } {
    return { error: this.error >>> 0, address: this.errorAddr };
  }

  reset(): void {
    this.streamCommand = this.streamSelect = this.error = this.config = this.dapfLock = this.unk1 = this.enabledStreams = 0;
    this.errorAddr = 0n;
    this.remap.fill(0);
    this.tcr.fill(0);
    this.ttbr.fill(0);
    this.invalidations.length = 0;
    this.updateIrq();
  }

  /**
   * Walks the tables for one byte address without side effects (§6.2). `length` bytes from
   * `iova` must stay inside one page for the sub-page check.
   */
  lookup(sid: number, iova: bigint, length = 1): DartLookup {
    if (!Number.isInteger(sid) || sid < 0 || sid >= DART_STREAMS || iova < 0n) return { ok: false, code: DART_FAULT.NO_TTBR };
    const tcr = this.tcr[sid]!;
    const translate = (tcr & TCR.TRANSLATE_ENABLE) !== 0;
    const bypass = (tcr & TCR.BYPASS_DART) !== 0;
    if (bypass && !translate) return { ok: true, pa: iova };
    if (!translate || bypass) return { ok: false, code: DART_FAULT.NO_TTBR };
    const sel = Number((iova >> BigInt(DART_TTBR_SHIFT)) & 3n);
    if (iova >> BigInt(DART_TTBR_SHIFT + 2) !== 0n) return { ok: false, code: DART_FAULT.NO_TTBR };
    const t = this.ttbr[sid * DART_TTBRS_PER_STREAM + sel]!;
    if ((t & TTBR.VALID) === 0) return { ok: false, code: DART_FAULT.NO_TTBR };
    const l1 = BigInt(t & TTBR.ADDR_MASK) << BigInt(TTBR.ADDR_SHIFT);
    const i1 = Number(iova >> BigInt(DART_L1_SHIFT)) & DART_INDEX_MASK;
    const e1 = this.memory.read(l1 + BigInt(8 * i1), 8);
    if (e1 === FAULT) return { ok: false, code: DART_FAULT.PTE_READ_FAULT };
    if ((e1 & PTE.VALID) === 0n) return { ok: false, code: DART_FAULT.NO_PMD };
    const l2 = e1 & PTE.OFFSET_MASK;
    const i2 = Number(iova >> BigInt(DART_PAGE_SHIFT)) & DART_INDEX_MASK;
    const e2 = this.memory.read(l2 + BigInt(8 * i2), 8);
    if (e2 === FAULT) return { ok: false, code: DART_FAULT.PTE_READ_FAULT };
    if ((e2 & PTE.VALID) === 0n) return { ok: false, code: DART_FAULT.NO_PTE };
    const off = Number(iova & BigInt(DART_PAGE_MASK));
    if ((e2 & PTE.SP_PROT_DIS) === 0n) {
      // §6.3 model choice: allowed offsets are [SP_START·4, SP_END·4 + 3].
      const start = Number((e2 >> PTE.SP_START_SHIFT) & PTE.SP_FIELD_MASK) * 4;
      const end = Number((e2 >> PTE.SP_END_SHIFT) & PTE.SP_FIELD_MASK) * 4 + 3;
      if (off < start || off + length - 1 > end) return { ok: false, code: DART_FAULT.SUBPAGE_PROT };
    }
    return { ok: true, pa: (e2 & PTE.OFFSET_MASK) | BigInt(off) };
  }

  /**
   * The DMA translation (§6.2): the PA of `iova` for stream `sid`, or a DartFaultError after
   * latching ERROR/ERROR_ADDR and raising the IRQ (§6.5).
   */
  translate(sid: number, iova: bigint, access: { write?: boolean; length?: number } = {}): bigint {
    const r = this.lookup(sid, iova, access.length ?? 1);
    if (r.ok) return r.pa;
    throw this.fault(sid, iova, r.code | (access.write ? DART_FAULT.WRITE : 0));
  }

  /** DMA read of AP memory through stream `sid`, page by page. */
  read(sid: number, iova: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.eachPage(iova, length, (at, pos, n) => {
      const pa = this.translate(sid, at, { length: n });
      if (!this.memory.readBlock(pa, out, pos, n)) throw this.fault(sid, at, DART_FAULT.READ_FAULT);
    });
    return out;
  }

  /** DMA write of AP memory through stream `sid`, page by page. */
  write(sid: number, iova: bigint, bytes: Uint8Array): void {
    this.eachPage(iova, bytes.length, (at, pos, n) => {
      const pa = this.translate(sid, at, { write: true, length: n });
      if (!this.memory.writeBlock(pa, bytes, pos, n)) throw this.fault(sid, at, DART_FAULT.WRITE_FAULT | DART_FAULT.WRITE);
    });
  }

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = DART_REGS.lookup(offset);
    if (!reg) return 0;
    switch (reg.name) {
      case 'STREAM_COMMAND':
        return (this.streamCommand & ~(STREAM_COMMAND.INVALIDATE | STREAM_COMMAND.BUSY)) >>> 0;
      case 'STREAM_SELECT':
        return this.streamSelect >>> 0;
      case 'ERROR':
        return this.error >>> 0;
      case 'ERROR_ADDR_LO':
        return Number(this.errorAddr & 0xffff_ffffn);
      case 'ERROR_ADDR_HI':
        return Number((this.errorAddr >> 32n) & 0xffff_ffffn);
      case 'CONFIG':
        return this.config >>> 0;
      case 'REMAP':
        return this.remap[reg.index]!;
      case 'DAPF_LOCK':
        return this.dapfLock >>> 0;
      case 'UNK1':
        return this.unk1 >>> 0;
      case 'ENABLED_STREAMS':
        return this.enabledStreams >>> 0;
      case 'TCR':
        return this.tcr[reg.index]!;
      case 'TTBR':
        return this.ttbr[reg.index]!;
    }
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const reg = DART_REGS.lookup(offset);
    if (!reg) return;
    const v = value >>> 0;
    switch (reg.name) {
      case 'STREAM_COMMAND':
        // §6.4/§6.5: the flush finishes at once (nothing is cached).
        if (v & STREAM_COMMAND.INVALIDATE) this.invalidations.push(this.streamSelect);
        this.streamCommand = v;
        return;
      case 'STREAM_SELECT':
        this.streamSelect = v;
        return;
      case 'ERROR':
        this.error = (this.error & ~v) >>> 0;
        if ((this.error & ERROR.FLAG) === 0) this.error = 0;
        this.updateIrq();
        return;
      case 'ERROR_ADDR_LO':
      case 'ERROR_ADDR_HI':
        return;
      case 'CONFIG':
        this.config = (v | (this.config & CONFIG.LOCK)) >>> 0;
        return;
      case 'REMAP':
        this.remap[reg.index] = v;
        return;
      case 'DAPF_LOCK':
        this.dapfLock = v;
        return;
      case 'UNK1':
        this.unk1 = v;
        return;
      case 'ENABLED_STREAMS':
        this.enabledStreams = v;
        return;
      case 'TCR':
        if (this.lockedWrite('TCR', reg.index)) return;
        this.tcr[reg.index] = v;
        return;
      case 'TTBR':
        if (this.lockedWrite('TTBR', reg.index)) return;
        this.ttbr[reg.index] = v;
        return;
    }
  }

  private lockedWrite(name: string, index: number): boolean {
    if (!this.locked) return false;
    this.ctx.log(`${this.name}: ${name}[${index}] write ignored, CONFIG.LOCK is set`);
    return true;
  }

  private eachPage(iova: bigint, length: number, fn: (at: bigint, pos: number, n: number) => void): void {
    let pos = 0;
    while (pos < length) {
      const at = iova + BigInt(pos);
      const inPage = DART_PAGE_SIZE - Number(at & BigInt(DART_PAGE_MASK));
      const n = Math.min(inPage, length - pos);
      fn(at, pos, n);
      pos += n;
    }
  }

  private fault(sid: number, iova: bigint, code: number): DartFaultError {
    if ((this.error & ERROR.FLAG) === 0) {
      this.error = (ERROR.FLAG | ((sid & ERROR.STREAM_MASK) << ERROR.STREAM_SHIFT) | (code & ERROR.CODE_MASK)) >>> 0;
      this.errorAddr = BigInt.asUintN(64, iova);
      this.updateIrq();
    }
    this.ctx.log(`${this.name}: fault sid ${sid} iova 0x${iova.toString(16)} code 0x${code.toString(16)}`);
    return new DartFaultError(this.name, sid, iova, code);
  }

  private updateIrq(): void {
    const level = (this.error & ERROR.FLAG) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.options.irq?.(level);
    }
  }
}

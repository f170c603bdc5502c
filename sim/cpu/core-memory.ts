// Layer: sim/cpu. The Core's memory accessors for executors (numbers in, numbers out) and the
// translation state they match TLB entries against; Core extends this. Imports sim/memory
// (types) and this folder.
//
// The TLB hit path is written out in each accessor (no size switch, no helper calls) so that
// V8 inlines it into the executors and, through them, into translated blocks. A miss, a
// page-crossing access or a non-RAM page goes to memory-access.ts.

import { CpuState } from './state.ts';
import { Tlb, TLB_MASK as TLB_MASK$, type TlbTable } from './tlb.ts';
import type { Core } from './core.ts';
import type { AccessWidth } from '../memory/index.ts';
import { memRead, memWrite } from './memory-access.ts';

// Read through a local const on the hot path: under tsx (the bench and test loader) an imported
// binding is a CommonJS-interop getter on every read.
const TLB_MASK = TLB_MASK$;

export abstract class CoreMemory extends CpuState {
  readonly tlb = new Tlb();
  /** High half of the last 64-bit load. */
  memHi = 0;
  /** ASIDs of the EL1&0 and EL2(&0) regimes (Core.recomputeRegimes). */
  asid10 = 0;
  asid2 = 0;
  /** E2H = 1 with TGE = 1: EL0 runs in the EL2&0 regime. */
  el0InEl2Regime = false;

  read8(va: number): number {
    const t = this.tlb.read;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    if (t.tag[i] === key) {
      const bytes = t.bytes[i];
      const a = t.asid[i];
      if (bytes !== null && (a === -1 || a === this.currentAsid())) return bytes[t.offset[i]! + (va & 0xfff)]!;
    }
    return Number(memRead(this as unknown as Core, va, 1));
  }
  read16(va: number): number {
    const t = this.tlb.read;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    const off = va & 0xfff;
    if (t.tag[i] === key && off <= 4094) {
      const view = t.view[i];
      const a = t.asid[i];
      if (view !== null && (a === -1 || a === this.currentAsid())) return view!.getUint16(t.offset[i]! + off, true);
    }
    return Number(memRead(this as unknown as Core, va, 2));
  }
  /** The word's bits as int32. */
  read32(va: number): number {
    const t = this.tlb.read;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    const off = va & 0xfff;
    if (t.tag[i] === key && off <= 4092) {
      const view = t.view[i];
      const a = t.asid[i];
      if (view !== null && (a === -1 || a === this.currentAsid())) return view!.getInt32(t.offset[i]! + off, true);
    }
    return Number(BigInt.asIntN(32, memRead(this as unknown as Core, va, 4)));
  }
  /** Returns the low half (int32); the high half is in `memHi`. */
  read64(va: number): number {
    const t = this.tlb.read;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    const off = va & 0xfff;
    if (t.tag[i] === key && off <= 4088) {
      const view = t.view[i];
      const a = t.asid[i];
      if (view !== null && (a === -1 || a === this.currentAsid())) {
        const o = t.offset[i]! + off;
        this.memHi = view!.getInt32(o + 4, true);
        return view!.getInt32(o, true);
      }
    }
    const v = memRead(this as unknown as Core, va, 8);
    this.memHi = Number(BigInt.asIntN(32, v >> 32n));
    return Number(BigInt.asIntN(32, v));
  }

  write8(va: number, v: number): void {
    const t = this.tlb.write;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    if (t.tag[i] === key) {
      const bytes = t.bytes[i];
      const a = t.asid[i];
      if (bytes !== null && (a === -1 || a === this.currentAsid())) {
        bytes[t.offset[i]! + (va & 0xfff)] = v;
        return;
      }
    }
    memWrite(this as unknown as Core, va, 1, BigInt(v & 0xff));
  }
  write16(va: number, v: number): void {
    if (!this.fastWrite(va, 2, v, 0)) memWrite(this as unknown as Core, va, 2, BigInt(v & 0xffff));
  }
  write32(va: number, v: number): void {
    const t = this.tlb.write;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    const off = va & 0xfff;
    if (t.tag[i] === key && off <= 4092) {
      const view = t.view[i];
      const a = t.asid[i];
      if (view !== null && (a === -1 || a === this.currentAsid())) {
        view!.setInt32(t.offset[i]! + off, v, true);
        return;
      }
    }
    memWrite(this as unknown as Core, va, 4, BigInt(v >>> 0));
  }
  write64(va: number, lo: number, hi: number): void {
    const t = this.tlb.write;
    const key = Math.floor(va / 4096) * 4 + this.el;
    const i = key & TLB_MASK;
    const off = va & 0xfff;
    if (t.tag[i] === key && off <= 4088) {
      const view = t.view[i];
      const a = t.asid[i];
      if (view !== null && (a === -1 || a === this.currentAsid())) {
        const o = t.offset[i]! + off;
        view!.setInt32(o, lo, true);
        view!.setInt32(o + 4, hi, true);
        return;
      }
    }
    memWrite(this as unknown as Core, va, 8, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  }

  /** The ASID TLB entries are matched against: the current regime's. */
  currentAsid(): number {
    return this.el === 2 || (this.el === 0 && this.el0InEl2Regime) ? this.asid2 : this.asid10;
  }

  private fastWrite(va: number, size: AccessWidth, lo: number, hi: number): boolean {
    const key = Math.floor(va / 4096) * 4 + this.el;
    const t = this.tlb.write;
    const i = this.hit(t, key);
    const off = va & 0xfff;
    if (i < 0 || off + size > 4096) return false;
    const view = t.view[i];
    if (!view) return false;
    const o = t.offset[i]! + off;
    if (size === 1) view.setUint8(o, lo);
    else if (size === 2) view.setUint16(o, lo, true);
    else {
      view.setInt32(o, lo, true);
      if (size === 8) view.setInt32(o + 4, hi, true);
    }
    return true;
  }

  protected hit(t: TlbTable, key: number): number {
    return t.lookup(key, this.inEl2Regime() ? this.asid2 : this.asid10);
  }

  /** Whether the current EL translates through the EL2(&0) regime. */
  inEl2Regime(): boolean {
    return this.el === 2 || (this.el === 0 && this.el0InEl2Regime);
  }
}

// Layer: sim/hv, the virtual M1's hypervisor model. Imports sim/memory's PhysicalMemory type,
// this folder's descriptor helpers and core/errors.
//
// The stage-2 translation tables as P_HV_MAP builds them (spec §10.1–§10.3; m1n1 src/hv_vm.c):
// real ARMv8 16 KiB-granule descriptors written into memory the caller gives (m1n1 keeps them on
// its heap), so P_HV_PT_WALK returns the raw descriptor m1n1 would, VTTBR_EL2 points at a real
// table, and the CPU model's stage-2 hook resolves from the same bytes.
//
// Levels: L1 (only when the IPA width exceeds 36 bits; tables only), L2 (32 MiB blocks), L3
// (16 KiB pages) and the software-only L4 (one u64 per 4 bytes, a 32 KiB table hanging off an
// *invalid* L3 table entry). Invalid (bit 0 = 0) non-zero entries are software descriptors
// (descriptors.ts) interpreted only by the hypervisor after a fault.

import { HvdbgError } from '../../core/errors.ts';
import type { PhysicalMemory } from '../memory/physical-memory.ts';
import { PTE_TABLE_FLAGS, PTE_TYPE, SpteType, TARGET_MASK, isHw, isSw, spteType } from './descriptors.ts';
import { Fsc, describe, type Stage2Answer, type Stage2Resolution } from './stage2-resolution.ts';

export { Fsc, type Stage2Answer, type Stage2Kind, type Stage2Resolution } from './stage2-resolution.ts';

const L2_SHIFT = 25n;
const L3_SHIFT = 14n;
const L1_SHIFT = 36n;
const PAGE = 1n << L3_SHIFT;
const BLOCK = 1n << L2_SHIFT;
const L2_ENTRIES = 2048;
const L3_ENTRIES = 2048;
const L4_ENTRIES = 4096;
/** Bits 24:14 and 13:2: the offsets walk() adds inside an L2 block / L3 page. */
const L2_ALIGN_MASK = ((1n << 25n) - 1n) & ~((1n << 14n) - 1n);
const L3_ALIGN_MASK = ((1n << 14n) - 1n) & ~3n;
/** Lower attributes (bits 13:2) that walk() strips from a hardware leaf. */
const LOWER_ATTRIBUTES = ((1n << 14n) - 1n) & ~3n;
const U64 = (1n << 64n) - 1n;

/** ID_AA64MMFR0_EL1.PARange → PA bits (§10.1). */
export const PA_RANGE_BITS = [32, 36, 40, 42, 44, 48, 52] as const;

export interface Stage2MapOptions {
  /** Where the tables live (m1n1's heap is ordinary RAM). */
  readonly memory: PhysicalMemory;
  /** A 16 KiB-aligned region the tables are allocated from. */
  readonly arena: { readonly base: bigint; readonly size: bigint };
  /** ID_AA64MMFR0_EL1.PARange (0..6); the IPA width is min(44, PA bits). Default 2 (40 bits). */
  readonly paRange?: number;
  /** RAM base and m1n1's load address, for the CTRR rule of §10.2 (no L2 block across them). */
  readonly ramBase?: bigint;
  readonly m1n1Base?: bigint;
  /** m1n1's console lines ("HV: cannot use L4 pages with HW mappings …"). */
  readonly log?: (line: string) => void;
}

export class Stage2Map {
  readonly ipaBits: number;
  readonly paRange: number;
  /** VTTBR_EL2.BADDR: the top-level table. */
  readonly top: bigint;
  private readonly mem: PhysicalMemory;
  private readonly arenaEnd: bigint;
  private next: bigint;
  private readonly free16: bigint[] = [];
  private readonly free32: bigint[] = [];
  private readonly ramBase: bigint | undefined;
  private readonly m1n1Base: bigint | undefined;
  private readonly log: (line: string) => void;
  /** Leaf cache per 16 KiB page for resolve(); cleared by every map(). */
  private readonly cache = new Map<number, { desc: bigint; level: number; l4: bigint }>();

  constructor(options: Stage2MapOptions) {
    this.mem = options.memory;
    this.paRange = options.paRange ?? 2;
    const bits = PA_RANGE_BITS[this.paRange];
    if (bits === undefined) throw new HvdbgError('HV_BAD_PARANGE', `PARange ${this.paRange} is not 0..6`, { hint: 'pass ID_AA64MMFR0_EL1[3:0]' });
    this.ipaBits = Math.min(44, bits);
    if (options.arena.base % PAGE !== 0n) throw new HvdbgError('HV_BAD_ARENA', 'the stage-2 table arena must be 16 KiB aligned', { hint: 'align the arena base to 0x4000' });
    this.next = options.arena.base;
    this.arenaEnd = options.arena.base + options.arena.size;
    this.ramBase = options.ramBase;
    this.m1n1Base = options.m1n1Base;
    this.log = options.log ?? (() => {});
    this.top = this.alloc(false);
  }

  /** VTCR_EL2 as hv_pt_init writes it (§10.1). */
  get vtcr(): bigint {
    const sl0 = this.ipaBits > 36 ? 2n : 1n;
    return (BigInt(this.paRange) << 16n) | (2n << 14n) | (3n << 12n) | (1n << 10n) | (1n << 8n) | (sl0 << 6n) | BigInt(64 - this.ipaBits);
  }

  // ---- P_HV_MAP ----------------------------------------------------------------------------

  /**
   * hv_map(ipa, to, size, incr): 0, or −1 for a misaligned request (P_HV_MAP replies 0 anyway,
   * §10.2/§15 #40). TLBs are not invalidated (the host issues TLBI), but resolve()'s cache is.
   */
  map(ipa: bigint, to: bigint, size: bigint, incr: bigint): number {
    let from = BigInt.asUintN(64, ipa);
    let desc = BigInt.asUintN(64, to);
    let left = BigInt.asUintN(64, size);
    const hw = isHw(desc);
    if (from & 3n || left & 3n) return -1;
    if (hw && (from & (PAGE - 1n) || left & (PAGE - 1n))) {
      this.log(`HV: cannot use L4 pages with HW mappings (0x${from.toString(16)} -> 0x${desc.toString(16)})`);
      return -1;
    }
    if ((from + left) >> BigInt(this.ipaBits) && left) {
      // m1n1 asserts (an HV panic) or writes outside its top table; refuse instead.
      this.log(`HV: map beyond the ${this.ipaBits}-bit IPA space (0x${from.toString(16)} + 0x${left.toString(16)})`);
      return -1;
    }
    this.cache.clear();
    const advance = (chunk: bigint) => {
      from += chunk;
      desc = (desc + incr * chunk) & U64;
      left -= chunk;
    };
    // L4 entries up to the next 16 KiB boundary.
    let chunk = min(left, alignUp(from, PAGE) - from);
    if (chunk) {
      this.mapL4(from, desc, chunk, incr);
      advance(chunk);
    }
    // L3 pages up to the next 32 MiB boundary (or above m1n1 when the boundary falls between
    // RAM base and m1n1: CPU CTRR dislikes L2 blocks crossing it).
    let boundary = alignUp(from, BLOCK);
    if (this.ramBase !== undefined && this.m1n1Base !== undefined && boundary >= this.ramBase && boundary < this.m1n1Base) {
      boundary = alignUp(this.m1n1Base, BLOCK);
    }
    chunk = alignDown(min(left, boundary - from), PAGE);
    if (chunk) {
      this.mapL3(from, desc, chunk, incr);
      advance(chunk);
    }
    // L2 blocks (hardware ones only when the output is 32 MiB aligned too).
    chunk = alignDown(left, BLOCK);
    if (chunk && (!hw || (desc & L2_ALIGN_MASK) === 0n)) {
      this.mapL2(from, desc, chunk, incr);
      advance(chunk);
    }
    chunk = alignDown(left, PAGE);
    if (chunk) {
      this.mapL3(from, desc, chunk, incr);
      advance(chunk);
    }
    if (left) this.mapL4(from, desc, left, incr);
    return 0;
  }

  private mapL2(from: bigint, to: bigint, size: bigint, incr: bigint): void {
    for (; size; size -= BLOCK) {
      const l2 = this.l2For(from);
      const at = l2 + ((from >> L2_SHIFT) & 0x7ffn) * 8n;
      const old = this.read(at);
      if (isTable(old)) this.freeL3(old & TARGET_MASK);
      this.write(at, to);
      from += BLOCK;
      to = (to + incr * BLOCK) & U64;
    }
  }

  private mapL3(from: bigint, to: bigint, size: bigint, incr: bigint): void {
    if (isHw(to)) to |= PTE_TYPE;
    for (; size; size -= PAGE) {
      const l3 = this.l3For(from);
      const at = l3 + ((from >> L3_SHIFT) & 0x7ffn) * 8n;
      const old = this.read(at);
      if (isSw(old) && old & PTE_TYPE) this.release(old & TARGET_MASK, true);
      this.write(at, to);
      from += PAGE;
      to = (to + incr * PAGE) & U64;
    }
  }

  private mapL4(from: bigint, to: bigint, size: bigint, incr: bigint): void {
    if (isSw(to)) to |= PTE_TYPE;
    for (; size; size -= 4n) {
      const l4 = this.l4For(from);
      this.write(l4 + ((from >> 2n) & 0xfffn) * 8n, to);
      from += 4n;
      to = (to + incr * 4n) & U64;
    }
  }

  /** The L2 table for `ipa`, creating the L1 entry when there is an L1 level. */
  private l2For(ipa: bigint): bigint {
    if (this.ipaBits <= 36) return this.top;
    const at = this.top + (ipa >> L1_SHIFT) * 8n;
    const l1d = this.read(at);
    if (isTable(l1d)) return l1d & TARGET_MASK;
    const l2 = this.alloc(false);
    this.write(at, l2 | PTE_TABLE_FLAGS);
    return l2;
  }

  /** The L3 table for `ipa`, splitting an L2 block (HW → HW pages, software MAP → advancing MAP, hooks copied). */
  private l3For(ipa: bigint): bigint {
    const l2 = this.l2For(ipa);
    const at = l2 + ((ipa >> L2_SHIFT) & 0x7ffn) * 8n;
    const l2d = this.read(at);
    if (isTable(l2d)) return l2d & TARGET_MASK;
    const l3 = this.alloc(false);
    if (l2d) {
      let l3d = l2d;
      let step = 0n;
      if (isHw(l2d)) {
        l3d |= PTE_TYPE;
        step = PAGE;
      } else if (spteType(l2d) === SpteType.MAP) {
        step = PAGE;
      }
      this.fill(l3, L3_ENTRIES, l3d, step);
    }
    this.write(at, l3 | PTE_TABLE_FLAGS);
    return l3;
  }

  /** The L4 table for `ipa`: refining a HW page turns it into a software MAP to the same PA (§10.2). */
  private l4For(ipa: bigint): bigint {
    const l3 = this.l3For(ipa);
    const at = l3 + ((ipa >> L3_SHIFT) & 0x7ffn) * 8n;
    let l3d = this.read(at);
    if (isSw(l3d) && l3d & PTE_TYPE) return l3d & TARGET_MASK;
    if (isHw(l3d)) l3d = (l3d & TARGET_MASK) | (BigInt(SpteType.MAP) << 50n);
    const l4 = this.alloc(true);
    if (l3d) {
      const l4d = l3d | PTE_TYPE;
      this.fill(l4, L4_ENTRIES, l4d, spteType(l4d) === SpteType.MAP ? 4n : 0n);
    }
    // A software table entry: bit 1 set, bit 0 clear (the hardware sees an invalid entry).
    this.write(at, l4 | PTE_TYPE);
    return l4;
  }

  private freeL3(l3: bigint): void {
    const bytes = this.readTable(l3, L3_ENTRIES);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < L3_ENTRIES; i++) {
      const d = view.getBigUint64(i * 8, true);
      if (isSw(d) && d & PTE_TYPE) this.release(d & TARGET_MASK, true);
    }
    this.release(l3, false);
  }

  // ---- P_HV_PT_WALK ------------------------------------------------------------------------

  /** hv_pt_walk (§10.3): the descriptor governing `ipa`, with the offset folded in as m1n1 does. */
  walk(ipa: bigint): bigint {
    return this.walkLeaf(BigInt.asUintN(64, ipa)).value;
  }

  private walkLeaf(ipa: bigint): { value: bigint; raw: bigint; level: number; l4: bigint } {
    let l2 = this.top;
    if (this.ipaBits > 36) {
      const idx = ipa >> L1_SHIFT;
      // m1n1 asserts idx < 256 (a panic); an out-of-range IPA reads as unmapped here.
      if (idx >= 256n) return { value: 0n, raw: 0n, level: 0, l4: 0n };
      const l1d = this.read(this.top + idx * 8n);
      if (!isTable(l1d)) return { value: l1d, raw: l1d, level: 1, l4: 0n };
      l2 = l1d & TARGET_MASK;
    } else if (ipa >> L1_SHIFT) {
      // m1n1 asserts the IPA fits 36 bits; unmapped here.
      return { value: 0n, raw: 0n, level: 0, l4: 0n };
    }
    const l2d = this.read(l2 + ((ipa >> L2_SHIFT) & 0x7ffn) * 8n);
    if (!isTable(l2d)) return { value: leafValue(l2d, ipa & (L2_ALIGN_MASK | L3_ALIGN_MASK), false), raw: l2d, level: 2, l4: 0n };
    const l3d = this.read((l2d & TARGET_MASK) + ((ipa >> L3_SHIFT) & 0x7ffn) * 8n);
    if (!(isSw(l3d) && l3d & PTE_TYPE)) return { value: leafValue(l3d, ipa & L3_ALIGN_MASK, true), raw: l3d, level: 3, l4: 0n };
    const l4 = l3d & TARGET_MASK;
    const l4d = this.read(l4 + ((ipa >> 2n) & 0xfffn) * 8n);
    return { value: l4d, raw: l4d, level: 4, l4 };
  }

  // ---- resolve() for the CPU model ---------------------------------------------------------

  /** What governs `ipa`: cached per 16 KiB page (L4 pages cache their table and read one entry). */
  resolve(ipa: bigint | number): Stage2Resolution {
    const a = typeof ipa === 'bigint' ? BigInt.asUintN(64, ipa) : BigInt(ipa);
    if (a >> BigInt(this.ipaBits)) return { kind: 'unmapped', level: 0, descriptor: 0n };
    const page = Number(a >> L3_SHIFT);
    let leaf = this.cache.get(page);
    if (!leaf) {
      const w = this.walkLeaf(a);
      leaf = { desc: w.raw, level: w.level, l4: w.l4 };
      this.cache.set(page, leaf);
    }
    if (leaf.level === 4) {
      const d = this.read(leaf.l4 + ((a >> 2n) & 0xfffn) * 8n);
      return describe(d, d, 4, a);
    }
    const offsetMask = leaf.level === 2 ? L2_ALIGN_MASK | L3_ALIGN_MASK : L3_ALIGN_MASK;
    return describe(leafValue(leaf.desc, a & offsetMask, leaf.level === 3), leaf.desc, leaf.level, a);
  }

  /**
   * The answer for sim/cpu's Stage2Hook.translate: a hardware leaf gives its PA (or the
   * architectural fault its S2AP/AF bits raise); anything software is `{ emulate: true }`;
   * unmapped is a translation fault at the level where the walk stopped.
   */
  stage2Answer(ipa: number, write: boolean): Stage2Answer {
    const r = this.resolve(ipa);
    switch (r.kind) {
      case 'hw': {
        const level = r.level;
        if (!r.accessFlag) return { fault: { fsc: Fsc.ACCESS_FLAG + level } };
        if (write ? !r.writable : !r.readable) return { fault: { fsc: Fsc.PERMISSION + level } };
        return { pa: Number(r.pa!) };
      }
      case 'unmapped':
        return { fault: { fsc: r.level === 0 ? Fsc.ADDRESS_SIZE : Fsc.TRANSLATION + r.level } };
      default:
        return { emulate: true };
    }
  }

  /** Forget resolve()'s cache (after the tables were changed by other means, e.g. MEMWRITE). */
  invalidate(): void {
    this.cache.clear();
  }

  // ---- table memory ------------------------------------------------------------------------

  private alloc(l4: boolean): bigint {
    const reuse = (l4 ? this.free32 : this.free16).pop();
    const bytes = l4 ? 2n * PAGE : PAGE;
    let addr = reuse;
    if (addr === undefined) {
      if (this.next + bytes > this.arenaEnd) {
        throw new HvdbgError('HV_PT_OUT_OF_MEMORY', 'the stage-2 table arena is full', { hint: 'give the hypervisor a larger table arena' });
      }
      addr = this.next;
      this.next += bytes;
    }
    this.fill(addr, l4 ? L4_ENTRIES : L2_ENTRIES, 0n, 0n);
    return addr;
  }

  private release(addr: bigint, l4: boolean): void {
    (l4 ? this.free32 : this.free16).push(addr);
  }

  private fill(addr: bigint, entries: number, first: bigint, step: bigint): void {
    const bytes = new Uint8Array(entries * 8);
    const view = new DataView(bytes.buffer);
    let d = first;
    for (let i = 0; i < entries; i++, d = (d + step) & U64) view.setBigUint64(i * 8, d, true);
    if (!this.mem.writeBlock(addr, bytes, 0, bytes.length)) this.fault(addr);
  }

  private readTable(addr: bigint, entries: number): Uint8Array {
    const bytes = new Uint8Array(entries * 8);
    if (!this.mem.readBlock(addr, bytes, 0, bytes.length)) this.fault(addr);
    return bytes;
  }

  private read(addr: bigint): bigint {
    const v = this.mem.read(addr, 8);
    if (typeof v !== 'bigint') this.fault(addr);
    return v as bigint;
  }

  private write(addr: bigint, value: bigint): void {
    if (!this.mem.write(addr, 8, value)) this.fault(addr);
  }

  private fault(addr: bigint): never {
    throw new HvdbgError('HV_PT_MEMORY_FAULT', `stage-2 table memory at 0x${addr.toString(16)} is not accessible`, {
      hint: 'the table arena must be RAM',
    });
  }
}

/** A table entry at L1/L2 (valid table) — the L3→L4 link is the software variant. */
function isTable(d: bigint): boolean {
  return d !== 0n && (d & PTE_TYPE) !== 0n;
}

/** The walk value of an L2/L3 leaf (§10.3): SW MAP gets the offset added, HW gets attributes 13:2 replaced by it. */
function leafValue(d: bigint, offset: bigint, l3: boolean): bigint {
  const type = d & PTE_TYPE;
  if (isSw(d) && type === 0n && spteType(d) === SpteType.MAP) return (d + offset) & U64;
  if (isHw(d) && (l3 ? type !== 0n : type === 0n)) return (d & ~LOWER_ATTRIBUTES) | offset;
  return d;
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const alignUp = (x: bigint, a: bigint) => (x + a - 1n) & ~(a - 1n);
const alignDown = (x: bigint, a: bigint) => x & ~(a - 1n);

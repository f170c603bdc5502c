// Layer: sim/memory. Imports only this folder, core/errors and the pure-data region constants of
// core/proxy/regions.ts (one definition of m1n1's alias bits for host and target).
//
// The virtual M1's physical address map: RAM regions, MMIO devices and aliases; anything not
// mapped faults. Aliases exist because m1n1's EL2 page tables map RAM several more times with
// the region bits REGION_RWX_EL0 / REGION_RW_EL0 / REGION_RX_EL1 ORed in (spec §7.3): the host
// calls its sysreg stubs through `addr | REGION_RX_EL1` and may read or write through any of
// them. An alias forwards to the non-alias map (aliases of aliases are not followed).
//
// Block accesses walk the regions once and hand RAM spans to SparseRam as whole ranges; MMIO
// sees one access per byte (as m1n1's byte-wise checksum loop would issue), so a device
// without 8-bit handlers faults block transfers.

import { HvdbgError } from '../../core/errors.ts';
import {
  addressToNumber,
  lengthToNumber,
  type AccessWidth,
  type Fault,
  FAULT,
  type PhysicalMemory,
} from './physical-memory.ts';
import type { SparseRam } from './sparse-ram.ts';
import { REGION_RWX_EL0, REGION_RW_EL0, REGION_RX_EL1 } from '../../core/proxy/regions.ts';

/** m1n1's RAM alias selectors, bits 41–43 (spec §7.3, App. A). */
export const M1N1_RAM_ALIAS_BITS: readonly bigint[] = [REGION_RWX_EL0, REGION_RW_EL0, REGION_RX_EL1];

/**
 * An MMIO device: per-width handlers, `offset` relative to the region base. A missing handler
 * or a FAULT return makes that access fault (as Apple's fabric answers unsupported widths).
 * 8/16/32-bit values are numbers (unsigned), 64-bit values bigint.
 */
export interface MmioDevice {
  read8?(offset: number): number | Fault;
  read16?(offset: number): number | Fault;
  read32?(offset: number): number | Fault;
  read64?(offset: number): bigint | Fault;
  write8?(offset: number, value: number): void | Fault;
  write16?(offset: number, value: number): void | Fault;
  write32?(offset: number, value: number): void | Fault;
  write64?(offset: number, value: bigint): void | Fault;
}

export type RegionKind = 'ram' | 'mmio' | 'alias';

/** What `regions()` reports. `target` is set for aliases. */
export interface RegionInfo {
  readonly kind: RegionKind;
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  readonly target?: bigint;
}

interface RegionCommon {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}
interface RamRegion extends RegionCommon {
  readonly kind: 'ram';
  readonly ram: SparseRam;
}
interface MmioRegion extends RegionCommon {
  readonly kind: 'mmio';
  readonly device: MmioDevice;
}
interface AliasRegion extends RegionCommon {
  readonly kind: 'alias';
  /** Target address = address + delta. */
  readonly delta: number;
}
type DirectRegion = RamRegion | MmioRegion;
type Region = DirectRegion | AliasRegion;

export class AddressSpace implements PhysicalMemory {
  private all: Region[] = [];
  private direct: DirectRegion[] = [];
  private lastHit: Region | undefined;

  /** Maps `ram` at its own base. */
  addRam(ram: SparseRam, name = 'ram'): this {
    return this.insert({ kind: 'ram', start: ram.baseNumber, end: ram.baseNumber + ram.sizeNumber, name, ram });
  }

  addMmio(base: bigint, sizeBytes: bigint | number, device: MmioDevice, name: string): this {
    const [start, end] = span(base, sizeBytes, name);
    return this.insert({ kind: 'mmio', start, end, name, device });
  }

  /** `[base, base+size)` forwards to `[target, target+size)` of the RAM/MMIO map. */
  addAlias(base: bigint, sizeBytes: bigint | number, target: bigint, name: string): this {
    const [start, end] = span(base, sizeBytes, name);
    const t = addressToNumber(target);
    if (t < 0) throw new HvdbgError('SIM_BAD_REGION', `alias ${name}: target 0x${target.toString(16)} is out of range`);
    return this.insert({ kind: 'alias', start, end, name, delta: t - start });
  }

  /** Maps `ram` again at `ram.base | bits` for each of `bits` (default: m1n1's three aliases, §7.3). */
  addRamAliases(ram: SparseRam, bits: readonly bigint[] = M1N1_RAM_ALIAS_BITS, name = 'ram'): this {
    for (const b of bits) this.addAlias(ram.base | b, ram.sizeBytes, ram.base, `${name}|0x${b.toString(16)}`);
    return this;
  }

  regions(): RegionInfo[] {
    return this.all.map((r) => ({
      kind: r.kind,
      name: r.name,
      base: BigInt(r.start),
      size: BigInt(r.end - r.start),
      ...(r.kind === 'alias' ? { target: BigInt(r.start + r.delta) } : {}),
    }));
  }

  /** The region containing `addr` (aliases reported as aliases), or undefined. */
  regionAt(addr: bigint): RegionInfo | undefined {
    const a = addressToNumber(addr);
    const r = a < 0 ? undefined : this.find(a);
    return r ? this.regions()[this.all.indexOf(r)] : undefined;
  }

  // ---- PhysicalMemory ----

  readBlock(addr: bigint, into: Uint8Array, offset: number, length: number): boolean {
    let a = addressToNumber(addr);
    if (a < 0) return false;
    let out = offset;
    let left = length;
    while (left > 0) {
      const seg = this.segment(a, left);
      if (!seg) return false;
      const { region, at, n } = seg;
      if (region.kind === 'ram') region.ram.readAt(at - region.ram.baseNumber, into, out, n);
      else {
        const read8 = region.device.read8;
        if (!read8) return false;
        for (let i = 0; i < n; i++) {
          const v = read8.call(region.device, at - region.start + i);
          if (v === FAULT) return false;
          into[out + i] = v;
        }
      }
      a += n;
      out += n;
      left -= n;
    }
    return true;
  }

  writeBlock(addr: bigint, from: Uint8Array, offset: number, length: number): boolean {
    let a = addressToNumber(addr);
    if (a < 0) return false;
    let src = offset;
    let left = length;
    while (left > 0) {
      const seg = this.segment(a, left);
      if (!seg) return false;
      const { region, at, n } = seg;
      if (region.kind === 'ram') region.ram.writeAt(at - region.ram.baseNumber, from, src, n);
      else {
        const write8 = region.device.write8;
        if (!write8) return false;
        for (let i = 0; i < n; i++) if (write8.call(region.device, at - region.start + i, from[src + i]!) === FAULT) return false;
      }
      a += n;
      src += n;
      left -= n;
    }
    return true;
  }

  read(addr: bigint, widthBytes: AccessWidth): bigint | Fault {
    const a = addressToNumber(addr);
    const seg = a < 0 ? undefined : this.segment(a, widthBytes);
    // A width access never straddles two regions.
    if (!seg || seg.n !== widthBytes) return FAULT;
    const { region, at } = seg;
    if (region.kind === 'ram') return region.ram.loadAt(at - region.ram.baseNumber, widthBytes);
    const d = region.device;
    const off = at - region.start;
    let v: number | Fault;
    switch (widthBytes) {
      case 8:
        return d.read64 ? d.read64(off) : FAULT;
      case 4:
        v = d.read32 ? d.read32(off) : FAULT;
        return v === FAULT ? v : BigInt(v >>> 0);
      case 2:
        v = d.read16 ? d.read16(off) : FAULT;
        return v === FAULT ? v : BigInt(v & 0xffff);
      case 1:
        v = d.read8 ? d.read8(off) : FAULT;
        return v === FAULT ? v : BigInt(v & 0xff);
    }
  }

  write(addr: bigint, widthBytes: AccessWidth, value: bigint): boolean {
    const a = addressToNumber(addr);
    const seg = a < 0 ? undefined : this.segment(a, widthBytes);
    if (!seg || seg.n !== widthBytes) return false;
    const { region, at } = seg;
    if (region.kind === 'ram') {
      region.ram.storeAt(at - region.ram.baseNumber, widthBytes, value);
      return true;
    }
    const d = region.device;
    const off = at - region.start;
    const small = widthBytes === 8 ? 0 : Number(BigInt.asUintN(widthBytes * 8, value));
    switch (widthBytes) {
      case 8:
        return d.write64 ? d.write64(off, BigInt.asUintN(64, value)) !== FAULT : false;
      case 4:
        return d.write32 ? d.write32(off, small) !== FAULT : false;
      case 2:
        return d.write16 ? d.write16(off, small) !== FAULT : false;
      case 1:
        return d.write8 ? d.write8(off, small) !== FAULT : false;
    }
  }

  probe(addr: bigint, length: bigint | number, write: boolean): boolean {
    return this.every(addr, length, (r) => r.kind === 'ram' || (write ? r.device.write8 : r.device.read8) !== undefined);
  }

  isRam(addr: bigint, length: number): boolean {
    return this.every(addr, length, (r) => r.kind === 'ram');
  }

  // ---- internals ----

  private every(addr: bigint, length: bigint | number, ok: (r: DirectRegion) => boolean): boolean {
    let a = addressToNumber(addr);
    let left = lengthToNumber(length);
    if (a < 0 || left < 0) return false;
    while (left > 0) {
      const seg = this.segment(a, left);
      if (!seg || !ok(seg.region)) return false;
      a += seg.n;
      left -= seg.n;
    }
    return true;
  }

  /** The direct region serving `a` (through an alias if needed), the address inside it and how many of `want` bytes it covers. */
  private segment(a: number, want: number): { region: DirectRegion; at: number; n: number } | undefined {
    const r = this.find(a);
    if (!r) return undefined;
    let n = Math.min(want, r.end - a);
    if (r.kind !== 'alias') return { region: r, at: a, n };
    const at = a + r.delta;
    const t = findIn(this.direct, at);
    if (!t) return undefined;
    n = Math.min(n, t.end - at);
    return { region: t, at, n };
  }

  private find(a: number): Region | undefined {
    const last = this.lastHit;
    if (last && a >= last.start && a < last.end) return last;
    const r = findIn(this.all, a);
    if (r) this.lastHit = r;
    return r;
  }

  private insert(region: Region): this {
    for (const r of this.all) {
      if (region.start < r.end && r.start < region.end) {
        throw new HvdbgError('SIM_REGION_OVERLAP', `region ${region.name} [0x${region.start.toString(16)}, 0x${region.end.toString(16)}) overlaps ${r.name}`, {
          hint: 'Each physical address may belong to one region only; check the machine description.',
        });
      }
    }
    this.all = [...this.all, region].sort((x, y) => x.start - y.start);
    if (region.kind !== 'alias') this.direct = [...this.direct, region].sort((x, y) => x.start - y.start);
    this.lastHit = undefined;
    return this;
  }
}

function findIn<R extends RegionCommon>(list: readonly R[], a: number): R | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = list[mid]!;
    if (a < r.start) hi = mid - 1;
    else if (a >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

function span(base: bigint, sizeBytes: bigint | number, name: string): [number, number] {
  const start = addressToNumber(base);
  const size = lengthToNumber(sizeBytes);
  if (start < 0 || size <= 0 || !Number.isSafeInteger(start + size)) {
    throw new HvdbgError('SIM_BAD_REGION', `region ${name}: base 0x${base.toString(16)} size ${sizeBytes} is not usable`, {
      hint: 'Regions need a non-zero size and must end below 2^53.',
    });
  }
  return [start, start + size];
}

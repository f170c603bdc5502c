// Layer: core/hv. The guest's stage-2 address space as the host keeps it (spec §10.2, §10.7):
// zones with the tracers registered on them, turned into P_HV_MAP descriptors for the ranges
// that changed, all sent in one burst with the TLBI that must follow. Imports core/proxy and
// this folder.
//
// Identity mapping throughout (IPA = PA), as m1n1's host does. Each zone entry is (range,
// ident, mode, read?, write?); the highest mode on a sub-range decides its mapping (§10.7).
// Unlike the Python host, which waits for each P_HV_MAP reply (§15.7: the reply is always 0
// anyway), every descriptor of an update plus the TLBI goes out back to back, and adjacent
// sub-ranges with the same plan are merged into one request.

import type { M1n1Proxy } from '../proxy/proxy.ts';
import { PAGE_SIZE, Pte, TLBI_VMALLS12E1IS, TraceMode, type TraceModeValue } from './constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import { settleAll } from './round-trips.ts';
import type { SysregExec } from './sysreg-exec.ts';

/** One P_HV_MAP request: (ipa, descriptor, size, incr) (§10.2). */
export type MapRequest = readonly [ipa: bigint, to: bigint, size: bigint, incr: 0 | 1];

export interface ZoneEntry {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  readonly ident: string;
  readonly mode: TraceModeValue;
  /** Some handler wants reads / writes (need_read / need_write of §10.7). */
  readonly read: boolean;
  readonly write: boolean;
}

const alignUp = (v: bigint): bigint => (v + PAGE_SIZE - 1n) & ~(PAGE_SIZE - 1n);
const alignDown = (v: bigint): bigint => v & ~(PAGE_SIZE - 1n);

/** Software MAP of [ipa, ipa+size) to pa, with trace flags (§10.2 map_sw). */
export function swMap(ipa: bigint, pa: bigint, size: bigint, flags = 0n): MapRequest[] {
  return size > 0n ? [[ipa, pa | Pte.TYPE_MAP | flags, size, 1]] : [];
}

/** Hardware mapping: 16 KiB-aligned middle as HW pages/blocks, unaligned head and tail as software MAP (§10.2 map_hw). */
export function hwMap(ipa: bigint, pa: bigint, size: bigint): MapRequest[] {
  if (size <= 0n) return [];
  if ((ipa & (PAGE_SIZE - 1n)) !== (pa & (PAGE_SIZE - 1n))) return swMap(ipa, pa, size);
  const out: MapRequest[] = [];
  const head = alignUp(ipa);
  if (head !== ipa) {
    const n = head - ipa < size ? head - ipa : size;
    out.push(...swMap(ipa, pa, n));
    pa += n;
    ipa += n;
    size -= n;
  }
  if (size <= 0n) return out;
  const mid = alignDown(size);
  if (mid > 0n) out.push([ipa, pa | Pte.HW_ATTRS, mid, 1]);
  if (mid !== size) out.push(...swMap(ipa + mid, pa + mid, size - mid));
  return out;
}

/** Proxy hook over [ipa, ipa+size) with hook id (0 = address-dispatched), §10.2 map_hook_idx. */
export function hookMap(ipa: bigint, size: bigint, id: number, read: boolean, write: boolean, flags = 0n): MapRequest[] {
  if (!read && !write) throw new HvError(HvErrorCode.BAD_ARGUMENT, `hook at ${hex(ipa)} traps neither reads nor writes`);
  const type = read && write ? Pte.TYPE_PROXY_HOOK_RW : read ? Pte.TYPE_PROXY_HOOK_R : Pte.TYPE_PROXY_HOOK_W;
  return [[ipa, (BigInt(id) << 2n) | flags | type, size, 0]];
}

export const unmapRange = (ipa: bigint, size: bigint): MapRequest[] => (size > 0n ? [[ipa, 0n, size, 0]] : []);

/** The descriptors for one sub-range given its entries (§10.7 table); null = leave it (RESERVED). */
export function planRange(start: bigint, end: bigint, entries: readonly ZoneEntry[]): MapRequest[] | null {
  const size = end - start;
  if (entries.length === 0) return unmapRange(start, size);
  const mode = Math.max(...entries.map((e) => e.mode)) as TraceModeValue;
  const needRead = entries.some((e) => e.read);
  const needWrite = entries.some((e) => e.write);
  switch (mode) {
    case TraceMode.RESERVED:
      return null;
    case TraceMode.OFF:
      return hwMap(start, start, size);
    case TraceMode.HOOK:
    case TraceMode.SYNC:
      // A sync zone nobody reads or writes through the host: trap both, the dispatcher does the access.
      return needRead || needWrite ? hookMap(start, size, 0, needRead, needWrite) : hookMap(start, size, 0, true, true);
    case TraceMode.WSYNC:
      return hookMap(start, size, 0, false, true, needRead ? Pte.TRACE_READ : 0n);
    default: {
      let flags = 0n;
      if (mode === TraceMode.UNBUF) flags |= Pte.TRACE_UNBUF;
      if (needRead) flags |= Pte.TRACE_READ;
      if (needWrite) flags |= Pte.TRACE_WRITE;
      return swMap(start, start, size, flags);
    }
  }
}

export interface MapUpdateStats {
  /** P_HV_MAP requests sent. */
  readonly requests: number;
}

export class Stage2Maps {
  #entries: ZoneEntry[] = [];
  /** Ranges whose mapping must be recomputed, as [start, end). */
  #dirty: Array<[bigint, bigint]> = [];
  /** Raw requests (numbered hooks) to send with the next update. */
  #raw: MapRequest[] = [];
  #sent = 0;

  constructor(
    private readonly proxy: M1n1Proxy,
    private readonly sysregs: SysregExec,
  ) {}

  /** Registers `ident` on [start, start+size) (replacing its earlier registration there). */
  add(start: bigint, size: bigint, ident: string, mode: TraceModeValue, access: { read?: boolean; write?: boolean } = {}): void {
    checkRange(start, size);
    this.remove(start, size, ident);
    this.#entries.push({ start, end: start + size, ident, mode, read: access.read ?? false, write: access.write ?? false });
    this.#dirty.push([start, start + size]);
  }

  /** Removes `ident` from [start, start+size) (other parts of its registration stay). */
  remove(start: bigint, size: bigint, ident: string): void {
    checkRange(start, size);
    const end = start + size;
    const kept: ZoneEntry[] = [];
    for (const e of this.#entries) {
      if (e.ident !== ident || e.end <= start || e.start >= end) {
        kept.push(e);
        continue;
      }
      if (e.start < start) kept.push({ ...e, end: start });
      if (e.end > end) kept.push({ ...e, start: end });
      this.#dirty.push([e.start > start ? e.start : start, e.end < end ? e.end : end]);
    }
    this.#entries = kept;
  }

  /** Recomputes [start, start+size) at the next update (after a temporary raw change there). */
  markDirty(start: bigint, size: bigint): void {
    checkRange(start, size);
    this.#dirty.push([start, start + size]);
  }

  /** Removes every registration of `ident`. */
  clear(ident: string): void {
    for (const e of this.#entries.filter((x) => x.ident === ident)) this.remove(e.start, e.end - e.start, ident);
  }

  /** A raw descriptor sent with the next update (numbered hooks); mark its range RESERVED so updates leave it. */
  queueRaw(requests: readonly MapRequest[]): void {
    this.#raw.push(...requests);
  }

  /** Entries covering `addr`, highest mode first (the order dispatch uses, §10.6/§10.7). */
  at(addr: bigint): ZoneEntry[] {
    return this.#entries.filter((e) => e.start <= addr && addr < e.end).sort((a, b) => b.mode - a.mode);
  }

  get entries(): readonly ZoneEntry[] {
    return this.#entries;
  }

  get dirty(): boolean {
    return this.#dirty.length > 0 || this.#raw.length > 0;
  }

  /** P_HV_MAP requests sent so far. */
  get mapRequests(): number {
    return this.#sent;
  }

  /** The requests an update would send now (does not send or clear anything). */
  plan(): MapRequest[] {
    const out: MapRequest[] = [...this.#raw];
    for (const [start, end] of mergeRanges(this.#dirty)) {
      const cuts = new Set<bigint>([start, end]);
      const overlapping = this.#entries.filter((e) => e.start < end && e.end > start);
      for (const e of overlapping) {
        if (e.start > start) cuts.add(e.start);
        if (e.end < end) cuts.add(e.end);
      }
      const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let pending: { start: bigint; end: bigint; key: string; entries: ZoneEntry[] } | null = null;
      const flush = () => {
        if (!pending) return;
        const reqs = planRange(pending.start, pending.end, pending.entries);
        if (reqs) out.push(...reqs);
        pending = null;
      };
      for (let i = 0; i + 1 < points.length; i++) {
        const a = points[i]!;
        const b = points[i + 1]!;
        const here = overlapping.filter((e) => e.start <= a && e.end >= b);
        const key = planKey(here);
        if (pending && pending.key === key && pending.end === a) pending.end = b;
        else {
          flush();
          pending = { start: a, end: b, key, entries: here };
        }
      }
      flush();
    }
    return out;
  }

  /**
   * Sends every pending change and the TLBI now (one burst, nothing awaited in between) and
   * returns the promise of their replies; null when nothing is pending. The exception loop
   * issues this right before the context write-back and P_EXIT, in the same round trip.
   */
  issueUpdate(): Promise<MapUpdateStats> | null {
    if (!this.dirty) return null;
    const requests = this.plan();
    this.#dirty = [];
    this.#raw = [];
    const sent = requests.map(([ipa, to, size, incr]) => this.proxy.hvMap(ipa, to, size, incr));
    this.#sent += requests.length;
    const tlbi = this.sysregs.issue({ kind: 'insn', insn: TLBI_VMALLS12E1IS, label: 'tlbi vmalls12e1is' });
    return settleAll([...sent, tlbi]).then(() => ({ requests: requests.length }));
  }

  /** issueUpdate() and wait. */
  async update(): Promise<MapUpdateStats> {
    return (await this.issueUpdate()) ?? { requests: 0 };
  }
}

/** Same mapping plan ⇔ same key; used to merge neighbours into one request. */
function planKey(entries: readonly ZoneEntry[]): string {
  if (entries.length === 0) return 'unmapped';
  const mode = Math.max(...entries.map((e) => e.mode));
  if (mode === TraceMode.RESERVED) return `reserved:${entries.map((e) => e.ident).sort().join(',')}`;
  return `${mode}:${entries.some((e) => e.read) ? 'r' : ''}${entries.some((e) => e.write) ? 'w' : ''}`;
}

function mergeRanges(ranges: ReadonlyArray<[bigint, bigint]>): Array<[bigint, bigint]> {
  const sorted = [...ranges].filter(([a, b]) => b > a).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = b > last[1] ? b : last[1];
    else out.push([a, b]);
  }
  return out;
}

function checkRange(start: bigint, size: bigint): void {
  if (start < 0n || size <= 0n || start % 4n !== 0n || size % 4n !== 0n) {
    throw new HvError(HvErrorCode.BAD_ARGUMENT, `stage-2 range ${hex(start)}+${hex(size)} must be non-empty and 4-byte granular (§10.2)`);
  }
}

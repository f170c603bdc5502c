// Layer: sim/cpu. The per-core software TLB: VA page → host bytes, so a load that hits is a
// tag compare and a DataView read. Imports this folder only.
//
// Direct-mapped, 4 KiB entries (the smallest granule; a 16 KiB page or a block fills one entry
// per 4 KiB used), one table per access kind (read, write, execute) because permissions differ.
// The tag is vpn·4 + EL, so EL0, EL1 and EL2 translations of one VA never alias. Each entry
// records its ASID (−1 when global, nG = 0), checked against the current ASID on lookup: this
// makes the TLB keyed by page and ASID, as the architecture's is, and lets TLBI by ASID work.
// An entry holds either a host page (RAM) or only the physical page (anything else, served by
// the slow path). Entries whose stage-2 answer was "emulate" or "trace" are never filled.

export const TLB_BITS = 10;
const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;

export class TlbTable {
  readonly tag = new Float64Array(TLB_SIZE).fill(Number.NaN);
  readonly asid = new Int32Array(TLB_SIZE);
  /** Host DataView of the RAM page, or null when the page is not RAM. */
  readonly view: (DataView | null)[] = new Array<DataView | null>(TLB_SIZE).fill(null);
  readonly bytes: (Uint8Array | null)[] = new Array<Uint8Array | null>(TLB_SIZE).fill(null);
  /** Offset inside the host page of the 4 KiB page's first byte. */
  readonly offset = new Int32Array(TLB_SIZE);
  /** Physical address of the 4 KiB page. */
  readonly pa = new Float64Array(TLB_SIZE);
  /** Intermediate physical address of the 4 KiB page (for HPFAR and the code cache). */
  readonly ipa = new Float64Array(TLB_SIZE);
  /** VA range [blockLo, blockEnd) of the page or block the entry came from (TLBI by VA drops all of it). */
  readonly blockLo = new Float64Array(TLB_SIZE);
  readonly blockEnd = new Float64Array(TLB_SIZE);

  clear(): void {
    this.tag.fill(Number.NaN);
    this.view.fill(null);
    this.bytes.fill(null);
  }

  /** Index of a hit for `key`, or −1. */
  lookup(key: number, currentAsid: number): number {
    const i = key & TLB_MASK;
    if (this.tag[i] !== key) return -1;
    const a = this.asid[i]!;
    return a === -1 || a === currentAsid ? i : -1;
  }

  fill(key: number, asid: number, pa: number, ipa: number, view: DataView | null, bytes: Uint8Array | null, offset: number, blockLo: number, blockEnd: number): number {
    const i = key & TLB_MASK;
    this.blockLo[i] = blockLo;
    this.blockEnd[i] = blockEnd;
    this.tag[i] = key;
    this.asid[i] = asid;
    this.pa[i] = pa;
    this.ipa[i] = ipa;
    this.view[i] = view;
    this.bytes[i] = bytes;
    this.offset[i] = offset;
    return i;
  }

  /** Drops entries matching the predicate on (VA, asid, pa page); VA is tested against the entry's whole block. */
  dropWhere(pred: (lo: number, end: number, asid: number, pa: number) => boolean): void {
    for (let i = 0; i < TLB_SIZE; i++) {
      const t = this.tag[i]!;
      if (t === t && pred(this.blockLo[i]!, this.blockEnd[i]!, this.asid[i]!, this.pa[i]!)) this.tag[i] = Number.NaN;
    }
  }
}

/** Key of a 4 KiB VA page at an EL. */
export function tlbKey(va: number, el: number): number {
  return Math.floor(va / 4096) * 4 + el;
}

export class Tlb {
  readonly read = new TlbTable();
  readonly write = new TlbTable();
  readonly exec = new TlbTable();

  flushAll(): void {
    this.read.clear();
    this.write.clear();
    this.exec.clear();
  }

  /** TLBI ASIDE1: non-global entries of one ASID. */
  flushAsid(asid: number): void {
    for (const t of [this.read, this.write, this.exec]) t.dropWhere((_l, _e, a) => a === asid);
  }

  /** TLBI VAE1 (asid ≥ 0: that ASID's and global entries) / VAAE1 (asid = −1: any ASID). */
  flushVa(va: number, asid: number): void {
    for (const t of [this.read, this.write, this.exec]) t.dropWhere((lo, end, a) => va >= lo && va < end && (asid < 0 || a === asid || a === -1));
  }

  /** Write entries into one physical 4 KiB page: the code cache needs to see stores to it. */
  dropWritesTo(paPage: number): void {
    this.write.dropWhere((_l, _e, _a, pa) => pa === paPage);
  }
}

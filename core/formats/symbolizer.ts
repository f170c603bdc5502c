// Layer: core/formats. The symbol lookup every guest format offers the debugger: address →
// `name+0xoff`, address → symbol, name → symbol. ElfFile already has this shape (symbolize,
// symbolAt, findSymbol), so an ElfFile *is* a Symbolizer; Mach-O and System.map symbols, which
// carry no sizes, go through SortedSymbols. Imports nothing.

export interface SymbolEntry {
  readonly name: string;
  /** Link-time address (virtual, as the image was linked). */
  readonly value: bigint;
  /** Bytes covered; for formats without sizes, the distance to the next symbol (0 for the last). */
  readonly size: bigint;
}

export interface Symbolizer {
  /** `main` at its start, `main+0x10` inside it, undefined where no symbol covers `address`. */
  symbolize(address: bigint): string | undefined;
  symbolAt(address: bigint): { symbol: SymbolEntry; offset: bigint } | undefined;
  /** A defined symbol by exact name. */
  findSymbol(name: string): SymbolEntry | undefined;
}

export interface SizedSymbol extends SymbolEntry {
  /** What the symbol is, as far as the format tells: 'function' (text), 'object' (data), 'other'. */
  readonly kind: 'function' | 'object' | 'other';
}

/** Symbols without a recorded size: each covers up to the next higher one. */
export interface UnsizedSymbol {
  readonly name: string;
  readonly value: bigint;
  readonly kind: SizedSymbol['kind'];
  /** When the format knows where the symbol's region ends (a section end), at most this. */
  readonly limit?: bigint;
}

/** Symbols sorted by address with sizes inferred from neighbours; the one-name-wins rule is "first in input order". */
export class SortedSymbols implements Symbolizer {
  readonly all: readonly SizedSymbol[];
  private readonly byName = new Map<string, SizedSymbol>();
  private readonly maxEnd: bigint[];

  constructor(symbols: readonly UnsizedSymbol[]) {
    const sorted = symbols.map((s, order) => ({ ...s, order })).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.order - b.order));
    const out: SizedSymbol[] = [];
    // The next strictly higher address, found walking back once.
    let next: bigint | undefined;
    const nextOf: Array<bigint | undefined> = new Array(sorted.length);
    for (let i = sorted.length - 1; i >= 0; i--) {
      if (i + 1 < sorted.length && sorted[i + 1]!.value > sorted[i]!.value) next = sorted[i + 1]!.value;
      nextOf[i] = next;
    }
    for (let i = 0; i < sorted.length; i++) {
      const s = sorted[i]!;
      let end = nextOf[i] ?? s.value;
      if (s.limit !== undefined && s.limit > s.value && (nextOf[i] === undefined || s.limit < end)) end = s.limit;
      out.push({ name: s.name, value: s.value, size: end - s.value, kind: s.kind });
    }
    this.all = out;
    let max = 0n;
    this.maxEnd = out.map((s) => (max = s.value + s.size > max ? s.value + s.size : max));
    const orderOf = new Map<string, number>();
    out.forEach((s, i) => {
      const order = sorted[i]!.order;
      if ((orderOf.get(s.name) ?? Infinity) > order) {
        orderOf.set(s.name, order);
        this.byName.set(s.name, s);
      }
    });
  }

  /** The last symbol at or below `address`, however far below (System.map's "nearest symbol"). */
  nearest(address: bigint): { symbol: SizedSymbol; offset: bigint } | undefined {
    const i = this.lastAtOrBelow(address);
    if (i < 0) return undefined;
    // Of several symbols at one address, the last in sorted (stable, input) order.
    const s = this.all[i]!;
    return { symbol: s, offset: address - s.value };
  }

  symbolAt(address: bigint): { symbol: SizedSymbol; offset: bigint } | undefined {
    for (let i = this.lastAtOrBelow(address); i >= 0 && this.maxEnd[i]! > address; i--) {
      const s = this.all[i]!;
      if (address < s.value + s.size || (s.size === 0n && address === s.value)) return { symbol: s, offset: address - s.value };
    }
    const i = this.lastAtOrBelow(address);
    const s = this.all[i];
    return s && s.value === address ? { symbol: s, offset: 0n } : undefined;
  }

  symbolize(address: bigint): string | undefined {
    const hit = this.symbolAt(address);
    if (!hit) return undefined;
    return hit.offset === 0n ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
  }

  findSymbol(name: string): SizedSymbol | undefined {
    return this.byName.get(name);
  }

  private lastAtOrBelow(address: bigint): number {
    let lo = 0;
    let hi = this.all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.all[mid]!.value <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}

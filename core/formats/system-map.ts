// Layer: core/formats. The kernel's System.map (`nm -n vmlinux` output, one
// `ffff800008000000 T _text` per line): symbols with their nm type letter, and address →
// nearest symbol. Imports ./format-error.ts, ./symbolizer.ts.

import { FormatError, FormatErrorCode } from './format-error.ts';
import { SortedSymbols, type SizedSymbol, type Symbolizer, type UnsizedSymbol } from './symbolizer.ts';

export interface SystemMapSymbol {
  readonly value: bigint;
  /** nm's letter: T/t text, D/d data, B/b bss, R/r read-only, A/a absolute, W/w weak, V/v weak object, U undefined, N debug. */
  readonly type: string;
  readonly name: string;
  /** 1-based line in the file. */
  readonly line: number;
}

/** Letters whose symbols are places in the image (and so answer address lookups). */
const LOCATED = new Set(['T', 't', 'D', 'd', 'B', 'b', 'R', 'r', 'W', 'V', 'v', 'G', 'g', 'S', 's']);
const TEXT = new Set(['T', 't', 'W']);

const LINE = /^([0-9a-fA-F]{1,16})\s+([A-Za-z?-])\s+(\S+)(?:\s+\[(\S+)\])?\s*$/;
/** Raw `nm` output also lists undefined symbols, with blanks for the address; they locate nothing. */
const UNDEFINED_LINE = /^\s+[Uwv]\s+\S+\s*$/;

/** A Symbolizer with System.map's rule: an address belongs to the nearest symbol at or below it. */
export class SystemMap implements Symbolizer {
  private index: SortedSymbols | undefined;
  private readonly byName = new Map<string, SystemMapSymbol>();
  private readonly byKey = new Map<string, SystemMapSymbol>();

  private constructor(readonly symbols: readonly SystemMapSymbol[]) {
    for (const s of symbols) {
      if (!this.byName.has(s.name)) this.byName.set(s.name, s);
      const key = `${s.value}:${s.name}`;
      if (!this.byKey.has(key)) this.byKey.set(key, s);
    }
  }

  /**
   * Parses `text`; blank lines and nm's address-less undefined-symbol lines are skipped, any
   * other line that is not `ADDRESS TYPE NAME` is SYSTEM_MAP_BAD_LINE.
   */
  static parse(text: string): SystemMap {
    const symbols: SystemMapSymbol[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!.replace(/\r$/, '');
      if (raw.trim() === '' || UNDEFINED_LINE.test(raw)) continue;
      const m = LINE.exec(raw);
      if (!m) {
        const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
        throw new FormatError(FormatErrorCode.SYSTEM_MAP_BAD_LINE, `System.map line ${i + 1}: '${shown}' is not 'ADDRESS TYPE NAME'`, { structure: 'System.map', line: i + 1 });
      }
      // A module symbol (`name [module]`) keeps its module in the name, as /proc/kallsyms shows it.
      symbols.push({ value: BigInt(`0x${m[1]}`), type: m[2]!, name: m[4] ? `${m[3]} [${m[4]}]` : m[3]!, line: i + 1 });
    }
    return new SystemMap(symbols);
  }

  /** Lookup over the located symbols (text, data, bss, rodata, weak); each covers up to the next, the last one nothing past itself. */
  get symbolizer(): SortedSymbols {
    if (!this.index) {
      const located: UnsizedSymbol[] = this.symbols.filter((s) => LOCATED.has(s.type)).map((s) => ({ name: s.name, value: s.value, kind: TEXT.has(s.type) ? 'function' : 'object' }));
      this.index = new SortedSymbols(located);
    }
    return this.index;
  }

  /** The last located symbol at or below `address` and the offset from it, however far (the map has no sizes). */
  nearest(address: bigint): { symbol: SystemMapSymbol; offset: bigint } | undefined {
    const hit = this.symbolizer.nearest(address);
    if (!hit) return undefined;
    const symbol = this.byKey.get(`${hit.symbol.value}:${hit.symbol.name}`)!;
    return { symbol, offset: hit.offset };
  }

  /** `name+0xoff` of the nearest symbol, undefined below the first one. */
  symbolize(address: bigint): string | undefined {
    const hit = this.symbolizer.nearest(address);
    if (!hit) return undefined;
    return hit.offset === 0n ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
  }

  /** The nearest located symbol (size: up to the next one) and the offset into it. */
  symbolAt(address: bigint): { symbol: SizedSymbol; offset: bigint } | undefined {
    return this.symbolizer.nearest(address);
  }

  findSymbol(name: string): SizedSymbol | undefined {
    return this.symbolizer.findSymbol(name);
  }

  find(name: string): SystemMapSymbol | undefined {
    return this.byName.get(name);
  }
}

// Layer: core/session. One symbol service over every source the guest came with: an ELF's
// symbol table and DWARF (.debug_line rows, .debug_info functions), a Mach-O's symbols, a Linux
// System.map — each a core/formats Symbolizer, optionally with DWARF, at a slide (runtime minus
// link-time address). Sources are asked in the order added; the first that knows wins.
// Imports core/formats and this folder.

import type { FunctionIndex, LineTable } from '../formats/dwarf/index.ts';
import { detectGuestImage, type GuestImage } from '../formats/guest-image.ts';
import type { Symbolizer } from '../formats/symbolizer.ts';
import { SystemMap } from '../formats/system-map.ts';
import { SessionError, SessionErrorCode, hex } from './errors.ts';

export interface SymbolSource {
  /** For messages: the file it came from. */
  readonly name: string;
  readonly symbols?: Symbolizer;
  readonly lines?: LineTable;
  readonly functions?: FunctionIndex;
  /** Added to link-time addresses to get the guest's (default 0). */
  readonly slide?: bigint;
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface AddressInfo {
  readonly address: bigint;
  /** `name` or `name+0xoff` from the symbol table. */
  readonly symbol?: string;
  /** The function holding the address (DWARF, else the symbol), and where it starts. */
  readonly function?: string;
  readonly functionStart?: bigint;
  readonly location?: SourceLocation;
}

export class SessionSymbols {
  readonly #sources: SymbolSource[] = [];

  constructor(sources: readonly SymbolSource[] = []) {
    for (const s of sources) this.add(s);
  }

  /** Symbols and DWARF of a loaded guest image (ELF, Mach-O; a Linux Image has none without a System.map). */
  static fromImage(image: GuestImage, slide = 0n): SessionSymbols {
    return new SessionSymbols([sourceFromImage(image, slide)]);
  }

  add(source: SymbolSource): this {
    this.#sources.push(source);
    return this;
  }

  /** Adds a file's symbols: ELF or Mach-O (gzip too) by content, or a System.map by its text. */
  addFile(bytes: Uint8Array, name: string, slide = 0n): this {
    const text = looksLikeText(bytes) ? new TextDecoder().decode(bytes) : undefined;
    if (text !== undefined) return this.add({ name, symbols: SystemMap.parse(text), slide });
    return this.add(sourceFromImage(detectGuestImage(bytes, name), slide));
  }

  get sources(): readonly SymbolSource[] {
    return this.#sources;
  }

  get empty(): boolean {
    return this.#sources.every((s) => !s.symbols && !s.lines && !s.functions);
  }

  lookup(address: bigint): AddressInfo {
    let symbol: string | undefined;
    let bySymbol: { name: string; start: bigint } | undefined;
    let byDwarf: { name: string; start: bigint } | undefined;
    let location: SourceLocation | undefined;
    for (const s of this.#sources) {
      const slide = s.slide ?? 0n;
      const link = address - slide;
      if (symbol === undefined) {
        const hit = s.symbols?.symbolAt(link);
        if (hit) {
          symbol = hit.offset === 0n ? hit.symbol.name : `${hit.symbol.name}+0x${hit.offset.toString(16)}`;
          bySymbol = { name: hit.symbol.name, start: hit.symbol.value + slide };
        }
      }
      if (byDwarf === undefined) {
        const f = s.functions?.lookup(link);
        if (f) byDwarf = { name: f.name, start: f.lowPc + slide };
      }
      if (location === undefined) {
        const l = s.lines?.lookup(link);
        if (l) location = { file: l.file, line: l.line, column: l.column };
      }
    }
    // DWARF knows inlined and static functions by their source name; the symbol table is the fallback.
    const fn = byDwarf ?? bySymbol;
    return { address, symbol, function: fn?.name, functionStart: fn?.start, location };
  }

  /** The guest address of symbol `name` (a function or a variable); NO_SYMBOL when no source has it. */
  resolve(name: string): bigint {
    for (const s of this.#sources) {
      const sym = s.symbols?.findSymbol(name);
      if (sym) return sym.value + (s.slide ?? 0n);
      const fn = s.functions?.all.find((f) => f.name === name);
      if (fn) return fn.lowPc + (s.slide ?? 0n);
    }
    throw new SessionError(SessionErrorCode.NO_SYMBOL, `no symbol '${name}'`, { hint: this.empty ? 'the guest was loaded without symbols; add an ELF, Mach-O or System.map' : 'check the spelling (C symbols are case-sensitive)' });
  }

  /** A symbol's address and size (0 when the format does not say). */
  symbol(name: string): { address: bigint; size: bigint } {
    for (const s of this.#sources) {
      const sym = s.symbols?.findSymbol(name);
      if (sym) return { address: sym.value + (s.slide ?? 0n), size: sym.size };
    }
    return { address: this.resolve(name), size: 0n };
  }

  /** Where the code of `file:line` starts (a breakpoint "moves" to the next line with code). */
  lineAddresses(file: string, line: number): { file: string; line: number; addresses: bigint[] } {
    for (const s of this.#sources) {
      const hit = s.lines?.addressesFor(file, line);
      if (hit && hit.addresses.length > 0) return { file: hit.file, line: hit.line, addresses: hit.addresses.map((a) => a + (s.slide ?? 0n)) };
    }
    throw new SessionError(SessionErrorCode.NO_SYMBOL, `no code for ${file}:${line}`, { hint: 'the line table knows no such file, or no code at or after that line' });
  }

  /** `name+0xoff (file:line)` or the bare address, for logs and consoles. */
  describe(address: bigint): string {
    const i = this.lookup(address);
    const where = i.location ? ` (${i.location.file}:${i.location.line})` : '';
    return `${i.symbol ?? hex(address)}${where}`;
  }
}

function sourceFromImage(image: GuestImage, slide: bigint): SymbolSource {
  const p = image.plan;
  return { name: image.name, symbols: p.symbols, lines: p.lines, functions: p.functions, slide };
}

/** A System.map is ASCII lines; an ELF, Mach-O or gzip starts with a binary magic. */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 256);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c !== 9 && c !== 10 && c !== 13 && (c < 32 || c > 126)) return false;
  }
  return true;
}

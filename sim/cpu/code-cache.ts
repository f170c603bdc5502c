// Layer: sim/cpu. Predecoded instructions cached per physical 4 KiB page, shared by all cores.
// Imports sim/memory (types) and this folder.
//
// A page's slots are decoded on first execution (data next to code is never decoded). Any
// write to a page that holds decoded code drops the page: CPU stores (the slow store path
// calls `written`; fast TLB write entries are never created for such pages, see
// `onCodePage`), and host writes (REQ_MEMWRITE of an uploaded stub) when the firmware model is
// given `watch(memory)` instead of the raw memory.

import type { AccessWidth, Fault, PhysicalMemory } from '../memory/index.ts';
import type { Predecoded } from './executor-registry.ts';
import type { Block } from './block-translator.ts';

export const CODE_PAGE_SLOTS = 1024;

export class CodePage {
  readonly slots: (Predecoded | undefined)[] = new Array<Predecoded | undefined>(CODE_PAGE_SLOTS);
  /** Translated blocks by entry slot (block-translator.ts): undefined not yet, null never. */
  readonly blocks: (Block | null | undefined)[] = new Array<Block | null | undefined>(CODE_PAGE_SLOTS);
  /** Entries into each slot while it has no block (translation waits until it is hot). */
  readonly heat = new Uint8Array(CODE_PAGE_SLOTS);
  /** False once a write dropped the page: a loop running from it must refetch. */
  valid = true;
  constructor(readonly pa: number) {}
}

export class CodeCache {
  private readonly pages = new Map<number, CodePage>();
  private readonly codePageListeners: ((paPage: number) => void)[] = [];
  /** Pages dropped so far (for tests and statistics). */
  invalidations = 0;

  /** Called when a page first gets code: cores drop their fast write entries to it. */
  onCodePage(listener: (paPage: number) => void): void {
    this.codePageListeners.push(listener);
  }

  page(paPage: number): CodePage {
    let p = this.pages.get(paPage);
    if (!p) {
      p = new CodePage(paPage);
      this.pages.set(paPage, p);
      for (const l of this.codePageListeners) l(paPage);
    }
    return p;
  }

  hasCode(paPage: number): boolean {
    return this.pages.has(paPage);
  }

  /** A write to `[pa, pa+length)` happened. */
  written(pa: number, length: number): void {
    if (this.pages.size === 0) return;
    for (let p = pa - (pa % 4096); p < pa + length; p += 4096) {
      const page = this.pages.get(p);
      if (!page) continue;
      page.valid = false;
      this.pages.delete(p);
      this.invalidations++;
    }
  }

  clear(): void {
    this.pages.clear();
  }

  /** `memory` with every write reported to this cache first. */
  watch(memory: PhysicalMemory): PhysicalMemory {
    const written = (pa: number, length: number): void => this.written(pa, length);
    return {
      readBlock: (addr, into, offset, length) => memory.readBlock(addr, into, offset, length),
      writeBlock(addr: bigint, from: Uint8Array, offset: number, length: number): boolean {
        written(Number(addr), length);
        return memory.writeBlock(addr, from, offset, length);
      },
      read: (addr: bigint, width: AccessWidth): bigint | Fault => memory.read(addr, width),
      write(addr: bigint, width: AccessWidth, value: bigint): boolean {
        written(Number(addr), width);
        return memory.write(addr, width, value);
      },
      probe: (addr, length, write) => memory.probe(addr, length, write),
      isRam: (addr, length) => memory.isRam(addr, length),
    };
  }
}

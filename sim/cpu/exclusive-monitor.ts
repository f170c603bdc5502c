// Layer: sim/cpu. The exclusive monitors of LDXR/STXR (Arm ARM B2.9), local and global in one
// object shared by every core of the process. Imports this folder only (Core as a type).
//
// Why one shared object: the scheduler runs the cores of a machine round-robin on one thread,
// so a plain object sees every store in program order. Marks are kept by VA (the VA→PA map is
// the same on every core for the memory software synchronises on; a mismatch could only make a
// store-exclusive fail, which the architecture always allows). A store-exclusive passes only
// when this core's mark has the same address and size (as QEMU requires); a store by another
// core anywhere in the marked reservation granule (64 bytes: CTR_EL0.ERG = 4, 2^4 words)
// clears the mark. A core's own ordinary stores leave its mark alone (IMPLEMENTATION
// DEFINED; QEMU does the same). CLREX, exception entry and exception return clear the local
// monitor: Core is expected to call `clearExclusive(core)` there.

import type { Core } from './core.ts';

/** Exclusive reservation granule: 64 bytes. */
const GRANULE = 64;
/** Marks kept at most (cores of a machine; more means marks of cores no longer running). */
const MAX_MARKS = 16;

class ExclusiveMonitor {
  /** Cores holding a mark, with the marked VA and size; `count` is the hot-path test. */
  private readonly cores: Core[] = [];
  private readonly addr: number[] = [];
  private readonly size: number[] = [];
  count = 0;

  mark(core: Core, va: number, size: number): void {
    const i = this.cores.indexOf(core);
    if (i >= 0) {
      this.addr[i] = va;
      this.size[i] = size;
      return;
    }
    if (this.cores.length >= MAX_MARKS) {
      // The oldest mark goes (losing a mark only makes a store-exclusive fail, which is allowed).
      this.cores.shift();
      this.addr.shift();
      this.size.shift();
    }
    this.cores.push(core);
    this.addr.push(va);
    this.size.push(size);
    this.count = this.cores.length;
  }

  /** Whether `core` holds a mark for exactly (va, size). Does not clear. */
  holds(core: Core, va: number, size: number): boolean {
    const i = this.cores.indexOf(core);
    return i >= 0 && this.addr[i] === va && this.size[i] === size;
  }

  clear(core: Core): void {
    const i = this.cores.indexOf(core);
    if (i < 0) return;
    this.cores.splice(i, 1);
    this.addr.splice(i, 1);
    this.size.splice(i, 1);
    this.count = this.cores.length;
  }

  /** A store by `core` to [va, va+size): other cores' marks in the touched granules are cleared. */
  stored(core: Core, va: number, size: number): void {
    const first = Math.floor(va / GRANULE);
    const last = Math.floor((va + size - 1) / GRANULE);
    for (let i = this.cores.length - 1; i >= 0; i--) {
      if (this.cores[i] === core) continue;
      const g = Math.floor(this.addr[i]! / GRANULE);
      const gEnd = Math.floor((this.addr[i]! + this.size[i]! - 1) / GRANULE);
      if (g <= last && gEnd >= first) {
        this.cores.splice(i, 1);
        this.addr.splice(i, 1);
        this.size.splice(i, 1);
      }
    }
    this.count = this.cores.length;
  }
}

/** The process-wide monitor (see the header for why one is enough). */
export const EXCLUSIVE_MONITOR = new ExclusiveMonitor();

/** LDXR and friends: marks [va, va+size) for `core`. */
export function markExclusive(core: Core, va: number, size: number): void {
  EXCLUSIVE_MONITOR.mark(core, va, size);
}

/** CLREX, exception entry/return: clears `core`'s local monitor. */
export function clearExclusive(core: Core): void {
  if (EXCLUSIVE_MONITOR.count !== 0) EXCLUSIVE_MONITOR.clear(core);
}

/** Every store calls this (cheap while no core holds a mark). */
export function noteStore(core: Core, va: number, size: number): void {
  if (EXCLUSIVE_MONITOR.count !== 0) EXCLUSIVE_MONITOR.stored(core, va, size);
}

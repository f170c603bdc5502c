// Layer: core/session. Breakpoint bookkeeping: software breakpoints (a BRK patched over the
// guest's instruction, hidden from every read through the debug model and kept across writes)
// and the hardware breakpoint/watchpoint slots (§9.11) with their user-facing descriptions.
// Imports core/arch/a64 (encoder), core/hv (constants) and this folder.

import { encodeBrk } from '../arch/a64/encoder.ts';
import { Debug, planWatchRange, type WatchPiece } from '../hv/index.ts';
import { SessionError, SessionErrorCode, hex } from './errors.ts';
import type { WatchAccess } from './event-log.ts';
import type { MemoryOverlay } from './memory.ts';

/**
 * The immediate of the BRK the debugger patches in. Not 0x4242 (hypercalls, §9.12) and none of
 * Linux's (0x004 fault, 0x100 kprobes, 0x400 kgdb, 0x800 BUG, 0x900 uprobes), so a guest's own
 * BRK is never mistaken for ours (and ours, unclaimed, is never reflected into the guest).
 */
export const SW_BREAK_IMM = 0x4244;
export const SW_BREAK_WORD = encodeBrk(SW_BREAK_IMM);
const BRK_BYTES = (() => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, SW_BREAK_WORD, true);
  return b;
})();

export interface SoftwareBreakpoint {
  readonly va: bigint;
  readonly pa: bigint;
  /** The guest's own 4 bytes under the BRK (updated when the debugger writes over them). */
  readonly original: Uint8Array;
}

/** Software breakpoints by PA (what memory accesses see) and VA (what the CPU's PC says). */
export class SoftwareBreakpoints implements MemoryOverlay {
  readonly #byPa = new Map<bigint, SoftwareBreakpoint>();
  readonly #byVa = new Map<bigint, SoftwareBreakpoint>();
  /** Removed since the last resume: a CPU may still report their BRK (it trapped before removal). */
  readonly #removed = new Set<bigint>();

  get all(): readonly SoftwareBreakpoint[] {
    return [...this.#byVa.values()];
  }

  at(va: bigint): SoftwareBreakpoint | undefined {
    return this.#byVa.get(va);
  }

  /** Records a breakpoint whose BRK the caller is about to write; `original` = the 4 bytes there now. */
  add(va: bigint, pa: bigint, original: Uint8Array): SoftwareBreakpoint {
    if (va % 4n !== 0n) throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `breakpoint address ${hex(va)} is not 4-byte aligned`, { hint: 'A64 instructions are 4-byte aligned' });
    if (this.#byVa.has(va)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a software breakpoint at ${hex(va)} exists already`);
    if (this.#byPa.has(pa)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a software breakpoint at physical ${hex(pa)} exists already (another alias of it)`);
    const bp = { va, pa, original: original.slice(0, 4) };
    this.#byVa.set(va, bp);
    this.#byPa.set(pa, bp);
    this.#removed.delete(va);
    return bp;
  }

  /** Forgets the breakpoint at `va` (the caller writes `original` back). */
  delete(va: bigint): SoftwareBreakpoint {
    const bp = this.#byVa.get(va);
    if (!bp) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `no software breakpoint at ${hex(va)}`);
    this.#byVa.delete(va);
    this.#byPa.delete(bp.pa);
    this.#removed.add(va);
    return bp;
  }

  /** Our BRK at `va`, live or removed while a CPU was on its way to it. */
  isOurs(va: bigint): 'live' | 'removed' | undefined {
    return this.#byVa.has(va) ? 'live' : this.#removed.has(va) ? 'removed' : undefined;
  }

  /** Called when every CPU has gone past any removed BRK it could have been about to report. */
  forgetRemoved(): void {
    this.#removed.clear();
  }

  static get brkBytes(): Uint8Array {
    return BRK_BYTES.slice();
  }

  hide(pa: bigint, bytes: Uint8Array): void {
    for (const bp of this.#overlapping(pa, bytes.length)) {
      for (let i = 0; i < 4; i++) {
        const at = bp.pa + BigInt(i) - pa;
        if (at >= 0n && at < BigInt(bytes.length)) bytes[Number(at)] = bp.original[i]!;
      }
    }
  }

  keep(pa: bigint, bytes: Uint8Array): Uint8Array {
    const out = bytes.slice();
    for (const bp of this.#overlapping(pa, bytes.length)) {
      for (let i = 0; i < 4; i++) {
        const at = bp.pa + BigInt(i) - pa;
        if (at >= 0n && at < BigInt(bytes.length)) {
          bp.original[i] = bytes[Number(at)]!;
          out[Number(at)] = BRK_BYTES[i]!;
        }
      }
    }
    return out;
  }

  #overlapping(pa: bigint, length: number): SoftwareBreakpoint[] {
    if (this.#byPa.size === 0) return [];
    const end = pa + BigInt(length);
    return [...this.#byPa.values()].filter((bp) => bp.pa + 4n > pa && bp.pa < end);
  }
}

export interface WatchpointSpec {
  readonly address: bigint;
  /** Bytes watched from `address`: any count ≥ 1 (how many slots it takes: watchPieces). */
  readonly length: number;
  readonly access: WatchAccess;
}

/** DBGWCR.LSC (§9.11): 1 load, 2 store, 3 both. */
export const LSC: Readonly<Record<WatchAccess, 1 | 2 | 3>> = { read: 1, write: 2, access: 3 };

/** BAS for `length` bytes at `address` within its doubleword; BAD_ARGUMENT when it does not fit. */
export function byteSelect(spec: WatchpointSpec): number {
  const { address, length } = spec;
  const offset = Number(address & 7n);
  if (!Number.isInteger(length) || length < 1 || length > 8 || offset + length > 8) {
    throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `a watchpoint of ${length} byte(s) at ${hex(address)} does not fit in one aligned doubleword`, {
      hint: 'one DBGWCR watches up to 8 bytes of an 8-byte aligned doubleword (§9.11); split the range',
    });
  }
  return ((1 << length) - 1) << offset;
}

/** The slots a watched range takes (core/hv planWatchRange); BAD_ARGUMENT for no range. */
export function watchPieces(spec: WatchpointSpec): WatchPiece[] {
  const { address, length } = spec;
  if (!Number.isSafeInteger(length) || length < 1 || address < 0n || address + BigInt(length) > 1n << 64n) {
    throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `cannot watch ${length} byte(s) at ${hex(address)}`, { hint: 'a watchpoint covers a whole number of bytes (1 or more) inside the 64-bit address space' });
  }
  return planWatchRange(address, length);
}

/** The watchpoint a hit at data address `far` belongs to: one whose bytes include it, else one whose doublewords do. */
export function watchpointFor<W extends WatchpointSpec>(watchpoints: readonly W[], far: bigint): W | undefined {
  const exact = watchpoints.find((w) => far >= w.address && far < w.address + BigInt(w.length));
  return exact ?? watchpoints.find((w) => far >= (w.address & ~7n) && far < ((w.address + BigInt(w.length) + 7n) & ~7n));
}

/** Refusal past the hardware's slots (§9.11: 5 breakpoints, 4 watchpoints). */
export function noSlot(kind: 'breakpoint' | 'watchpoint', inUse: readonly string[]): SessionError {
  const count = kind === 'breakpoint' ? Debug.BREAKPOINTS : Debug.WATCHPOINTS;
  return new SessionError(SessionErrorCode.NO_SLOT, `all ${count} hardware ${kind} slots are in use (${inUse.join(', ')})`, {
    hint: kind === 'breakpoint' ? 'remove one, or use a software breakpoint (unlimited)' : 'remove a watchpoint first',
  });
}

/** ESR ISS WnR (bit 6) of a watchpoint exception: the access was a write. */
export function watchAccessOf(esr: bigint | undefined): WatchAccess | undefined {
  if (esr === undefined) return undefined;
  return (esr >> 6n) & 1n ? 'write' : 'read';
}

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
  /** The BRK is in memory now (see SoftwareBreakpoints: memory follows the table at each resume). */
  patched: boolean;
}

/** A write that brings memory in line with the table (see `pending`). */
export interface PatchWrite {
  readonly pa: bigint;
  readonly bytes: Uint8Array;
}

/**
 * Software breakpoints by PA (what memory accesses see) and VA (what the CPU's PC says).
 *
 * Memory follows the table lazily: inserting or removing one while the guest is stopped only
 * changes the table, and the BRKs and originals are written when the guest resumes, in the burst
 * that resumes it (`pending`). gdb inserts every breakpoint before each resume and removes them
 * at each stop — two writes per `stepi` that cancel out here. Until then reads hide both kinds
 * of difference: a BRK not yet written shows the guest's bytes anyway, and a removed one still
 * in memory ("stale") is replaced by its original.
 */
export class SoftwareBreakpoints implements MemoryOverlay {
  readonly #byPa = new Map<bigint, SoftwareBreakpoint>();
  readonly #byVa = new Map<bigint, SoftwareBreakpoint>();
  /** Removed, their BRK still in memory: by PA, the bytes to write back. */
  readonly #stale = new Map<bigint, Uint8Array>();
  /** Removed since the last resume: a CPU may still report their BRK (it trapped before removal). */
  readonly #removed = new Set<bigint>();

  get all(): readonly SoftwareBreakpoint[] {
    return [...this.#byVa.values()];
  }

  at(va: bigint): SoftwareBreakpoint | undefined {
    return this.#byVa.get(va);
  }

  /** Records a breakpoint; `original` = the guest's 4 bytes there (as a read through the overlay sees them). */
  add(va: bigint, pa: bigint, original: Uint8Array): SoftwareBreakpoint {
    if (va % 4n !== 0n) throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `breakpoint address ${hex(va)} is not 4-byte aligned`, { hint: 'A64 instructions are 4-byte aligned' });
    if (this.#byVa.has(va)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a software breakpoint at ${hex(va)} exists already`);
    if (this.#byPa.has(pa)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a software breakpoint at physical ${hex(pa)} exists already (another alias of it)`);
    // A removed one whose BRK is still in memory comes back as it is: nothing to write.
    const patched = this.#stale.delete(pa);
    const bp = { va, pa, original: original.slice(0, 4), patched };
    this.#byVa.set(va, bp);
    this.#byPa.set(pa, bp);
    this.#removed.delete(va);
    return bp;
  }

  /** Forgets the breakpoint at `va`; its BRK, if written, goes at the next `pending`. */
  delete(va: bigint): SoftwareBreakpoint {
    const bp = this.#byVa.get(va);
    if (!bp) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `no software breakpoint at ${hex(va)}`);
    this.#byVa.delete(va);
    this.#byPa.delete(bp.pa);
    if (bp.patched) this.#stale.set(bp.pa, bp.original);
    this.#removed.add(va);
    return bp;
  }

  /**
   * The writes that make memory match the table — every breakpoint patched except those in
   * `lifted` (their instruction runs once), every removed one restored — marked as done.
   */
  pending(lifted: ReadonlySet<bigint>): PatchWrite[] {
    const out: PatchWrite[] = [];
    for (const [pa, original] of this.#stale) out.push({ pa, bytes: original.slice() });
    this.#stale.clear();
    for (const bp of this.#byVa.values()) {
      const want = !lifted.has(bp.va);
      if (want === bp.patched) continue;
      out.push({ pa: bp.pa, bytes: want ? BRK_BYTES.slice() : bp.original.slice() });
      bp.patched = want;
    }
    return out;
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
    for (const { at, original } of this.#overlapping(pa, bytes.length)) {
      for (let i = 0; i < 4; i++) {
        const o = at + BigInt(i) - pa;
        if (o >= 0n && o < BigInt(bytes.length)) bytes[Number(o)] = original[i]!;
      }
    }
  }

  keep(pa: bigint, bytes: Uint8Array): Uint8Array {
    const out = bytes.slice();
    for (const { at, original, brk } of this.#overlapping(pa, bytes.length)) {
      for (let i = 0; i < 4; i++) {
        const o = at + BigInt(i) - pa;
        if (o < 0n || o >= BigInt(bytes.length)) continue;
        original[i] = bytes[Number(o)]!;
        if (brk) out[Number(o)] = BRK_BYTES[i]!;
      }
    }
    return out;
  }

  /** Patched words overlapping [pa, pa + length): `brk` = a live BRK that a write must keep. */
  #overlapping(pa: bigint, length: number): Array<{ at: bigint; original: Uint8Array; brk: boolean }> {
    if (this.#byPa.size === 0 && this.#stale.size === 0) return [];
    const end = pa + BigInt(length);
    const out: Array<{ at: bigint; original: Uint8Array; brk: boolean }> = [];
    for (const bp of this.#byPa.values()) if (bp.pa + 4n > pa && bp.pa < end) out.push({ at: bp.pa, original: bp.original, brk: bp.patched });
    for (const [at, original] of this.#stale) if (at + 4n > pa && at < end) out.push({ at, original, brk: false });
    return out;
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

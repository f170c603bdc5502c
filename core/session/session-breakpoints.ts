// Layer: core/session. The debug model's breakpoints and watchpoints: software ones patched into
// memory (and stepped over when a CPU resumes from one), hardware ones in the DBGBCR/DBGWCR slots
// of every CPU through core/hv's DebugState (§9.11: the per-CPU disarm on a hit and the re-arm
// after one step live there). Imports core/hv and this folder.

import { Debug, type Hypervisor, type TrapResult, type TrapSession } from '../hv/index.ts';
import { LSC, noSlot, SoftwareBreakpoints, SW_BREAK_IMM, watchPieces, type WatchpointSpec } from './breakpoints.ts';
import { SessionError, SessionErrorCode, hex } from './errors.ts';
import type { GuestMemory, Translator } from './memory.ts';
import type { SessionSymbols } from './symbols.ts';

export type BreakpointKind = 'software' | 'hardware';

export interface BreakpointInfo {
  readonly kind: BreakpointKind;
  readonly address: bigint;
  /** Hardware: the DBGBCR/DBGBVR pair. */
  readonly slot?: number;
  /** `name+0xoff (file:line)`. */
  readonly where: string;
}

export interface WatchpointInfo extends WatchpointSpec {
  /** The (first) DBGWCR/DBGWVR pair. */
  readonly slot: number;
  /** Every pair the range takes (see watchPieces). */
  readonly slots: readonly number[];
}

export class SessionBreakpoints {
  readonly software = new SoftwareBreakpoints();
  readonly #hardware = new Map<bigint, number>();
  readonly #watch: WatchpointInfo[] = [];
  /** Software breakpoints whose own instruction runs for one host step (no BRK there meanwhile). */
  readonly #lifted = new Set<bigint>();

  constructor(
    private readonly hv: Hypervisor,
    private readonly mode: 'all-cpus' | 'stopped-cpu',
    private readonly flush: (s: TrapSession) => Promise<void>,
  ) {
    // A CPU started later gets the slots only when they are meant for every CPU.
    hv.loop.debug.armNewCpus = mode === 'all-cpus';
  }

  get count(): number {
    return this.software.all.length + this.#hardware.size + this.#watch.length;
  }

  get watchpoints(): readonly WatchpointInfo[] {
    return [...this.#watch];
  }

  kindAt(address: bigint): 'software' | 'hardware' {
    if (this.software.at(address)) return 'software';
    if (this.#hardware.has(address)) return 'hardware';
    throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `no breakpoint at ${hex(address)}`);
  }

  list(symbols: SessionSymbols): BreakpointInfo[] {
    const sw = this.software.all.map((b) => ({ kind: 'software' as const, address: b.va, where: symbols.describe(b.va) }));
    const hw = [...this.#hardware].map(([address, slot]) => ({ kind: 'hardware' as const, address, slot, where: symbols.describe(address) }));
    return [...sw, ...hw];
  }

  /**
   * Records a software breakpoint. Memory follows at the next resume (`sync`), or now when no
   * CPU is stopped (`now`: before start, the proxy is idle and no burst will carry the write).
   */
  async insertSoftware(va: bigint, translate: Translator, memory: GuestMemory, symbols: SessionSymbols, now: boolean): Promise<BreakpointInfo> {
    if (va % 4n !== 0n) throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `breakpoint address ${hex(va)} is not 4-byte aligned`);
    if (this.software.at(va)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a software breakpoint at ${hex(va)} exists already`);
    const pa = await translate(va, false);
    // Also proves the address is memory the debugger can write (the BRK goes in later).
    const original = await memory.readPhysical(pa, 4);
    this.software.add(va, pa, original);
    if (now) await this.sync(memory);
    return { kind: 'software', address: va, where: symbols.describe(va) };
  }

  /** Forgets a software breakpoint; the guest's instruction goes back at the next resume (or `now`). */
  async removeSoftware(va: bigint, memory: GuestMemory, now: boolean): Promise<void> {
    this.software.delete(va);
    if (now) await this.sync(memory);
  }

  /**
   * Brings memory in line with the breakpoint table (see SoftwareBreakpoints): with `s`, the
   * writes ride in the burst that ends its session (the resume); without, they are sent now.
   */
  async sync(memory: GuestMemory, s?: TrapSession): Promise<void> {
    const writes = this.software.pending(this.#lifted);
    if (s && !s.finished) for (const w of writes) s.defer(memory.writeRaw(w.pa, w.bytes));
    else await Promise.all(writes.map((w) => memory.writeRaw(w.pa, w.bytes)));
  }

  async insertHardware(s: TrapSession, va: bigint, symbols: SessionSymbols): Promise<BreakpointInfo> {
    if (va % 4n !== 0n) throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `breakpoint address ${hex(va)} is not 4-byte aligned`);
    if (this.#hardware.has(va)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a hardware breakpoint at ${hex(va)} exists already`);
    if (this.#hardware.size >= Debug.BREAKPOINTS || !this.hv.loop.debug.breakpoints.includes(null)) throw noSlot('breakpoint', [...this.#hardware.keys()].map((a) => hex(a)));
    await this.flush(s);
    const slot = await this.hv.loop.debug.addBreakpoint(s, va, undefined, this.#cpus(s));
    this.#hardware.set(va, slot);
    return { kind: 'hardware', address: va, slot, where: symbols.describe(va) };
  }

  async removeHardware(s: TrapSession, va: bigint): Promise<void> {
    if (!this.#hardware.has(va)) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `no hardware breakpoint at ${hex(va)}`);
    await this.flush(s);
    await this.hv.loop.debug.removeBreakpoint(s, va, this.#cpus(s));
    this.#hardware.delete(va);
  }

  /**
   * Any range (§9.11): up to 8 bytes of a doubleword per slot, a naturally aligned power-of-two
   * region of 8 bytes to 2 GiB per slot, so an unaligned range may take two or more slots.
   */
  async insertWatchpoint(s: TrapSession, spec: WatchpointSpec): Promise<WatchpointInfo> {
    if (!(spec.access in LSC)) throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `watchpoint access '${String(spec.access)}' is not read, write or access`);
    const pieces = watchPieces(spec);
    if (this.#watch.some((w) => w.address === spec.address)) {
      throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `a watchpoint at ${hex(spec.address)} exists already`, { hint: 'remove it first (one watchpoint per address)' });
    }
    const free = this.hv.loop.debug.watchpoints.filter((w) => w === null).length;
    if (free === 0) throw noSlot('watchpoint', this.#watch.map((w) => `${w.access} ${hex(w.address)}+${w.length}`));
    if (pieces.length > free) {
      throw new SessionError(SessionErrorCode.NO_SLOT, `watching ${spec.length} byte(s) at ${hex(spec.address)} takes ${pieces.length} hardware watchpoint slots; ${free} of ${Debug.WATCHPOINTS} are free`, {
        hint: 'a slot watches up to 8 bytes of one aligned doubleword, or an aligned power-of-two region of 8 bytes to 2 GiB (§9.11); remove a watchpoint or watch a smaller or aligned range',
      });
    }
    await this.flush(s);
    const slots = await this.hv.loop.debug.addWatchSlots(s, pieces, LSC[spec.access], this.#cpus(s));
    const info = { address: spec.address, length: spec.length, access: spec.access, slot: slots[0]!, slots };
    this.#watch.push(info);
    return info;
  }

  async removeWatchpoint(s: TrapSession, address: bigint): Promise<void> {
    const i = this.#watch.findIndex((w) => w.address === address);
    if (i < 0) throw new SessionError(SessionErrorCode.BAD_BREAKPOINT, `no watchpoint at ${hex(address)}`);
    await this.flush(s);
    await this.hv.loop.debug.removeWatchSlots(s, this.#watch[i]!.slots, this.#cpus(s));
    this.#watch.splice(i, 1);
  }

  /** Every breakpoint and watchpoint out (detach). */
  async removeAll(stopped: (cpu: number | undefined) => Promise<TrapSession>, memory: GuestMemory, preStart: boolean): Promise<void> {
    const sw = this.software.all.map((b) => b.va);
    if (sw.length > 0 && !preStart) await stopped(undefined);
    for (const va of sw) this.software.delete(va);
    await this.sync(memory);
    if (this.#hardware.size === 0 && this.#watch.length === 0) return;
    const s = await stopped(undefined);
    for (const va of [...this.#hardware.keys()]) await this.removeHardware(s, va);
    for (const w of [...this.#watch]) await this.removeWatchpoint(s, w.address);
  }

  /** core/hv's BRK hook: claims our BRKs; a removed one (trapped before removal) just re-runs the restored instruction. */
  onBrk(s: TrapSession, imm: number): TrapResult | undefined {
    if (imm !== SW_BREAK_IMM) return undefined;
    const pc = s.ctx.elr;
    const ours = this.software.isOurs(pc);
    if (ours === 'live' && !this.#lifted.has(pc)) return { kind: 'stop', stop: { reason: 'breakpoint', detail: `software breakpoint at ${hex(pc)}`, esr: s.ctx.esr } };
    if (ours !== undefined) return { kind: 'handled' };
    return { kind: 'stop', stop: { reason: 'exception', detail: `brk #${hex(SW_BREAK_IMM)} at ${hex(pc)}, not placed by this session`, esr: s.ctx.esr } };
  }

  /**
   * Resuming from a software breakpoint: its instruction goes back for one host step (§9.11),
   * written in the step's own burst; the BRK returns with the next resume. Returns the step's
   * stop or exit if it had one, else undefined.
   */
  async stepOffSoftware(s: TrapSession, memory: GuestMemory): Promise<TrapResult | undefined> {
    if (!this.liftForStep(s)) return undefined;
    await this.sync(memory, s);
    try {
      return await s.step();
    } finally {
      this.restoreLifted();
    }
  }

  /** Before a host step from a software breakpoint: the guest's instruction is what runs (written by the next sync). */
  liftForStep(s: TrapSession): boolean {
    const bp = this.software.at(s.ctx.elr);
    if (!bp || this.#lifted.has(bp.va)) return false;
    this.#lifted.add(bp.va);
    return true;
  }

  /** At the next stop: every lifted breakpoint wants its BRK back (written at the next resume). */
  restoreLifted(): void {
    this.#lifted.clear();
  }

  #cpus(s: TrapSession): readonly number[] | undefined {
    return this.mode === 'stopped-cpu' ? [s.cpu] : undefined;
  }
}

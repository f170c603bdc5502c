// Layer: core/hv handlers. Hardware breakpoints, watchpoints and the step trap (spec §9.11), and
// the slot bookkeeping the debug model (core/session, next) drives. Imports core/hv.
//
// A hit disables the debug registers of that CPU and arms one step (MDSCR.SS, SPSR.SS); the step
// trap re-arms them and the guest goes on — the Python dance, with two fixes: the re-arm state
// is tracked per CPU (§15.16), and a host step that leaves MDSCR.SS set no longer costs a
// silent extra trap on the next continue (§15.17, see prepareResume). Register writes are
// deferred into the session's final burst, so a hit or a re-arm costs 2 round trips.

import { Debug, HvInitValues, Spsr } from '../constants.ts';
import { HvError, HvErrorCode, hex } from '../errors.ts';
import type { SysregOp } from '../sysreg-exec.ts';
import type { TrapSession } from '../trap-session.ts';
import { HANDLED, type TrapResult } from '../trap-types.ts';
import { watchControl, watchedBytes, type WatchPiece } from './watch-ranges.ts';

const bcr = (n: number) => ({ op0: 2, op1: 0, crn: 0, crm: n, op2: 5 });
const bvr = (n: number) => ({ op0: 2, op1: 0, crn: 0, crm: n, op2: 4 });
const wcr = (n: number) => ({ op0: 2, op1: 0, crn: 0, crm: n, op2: 7 });
const wvr = (n: number) => ({ op0: 2, op1: 0, crn: 0, crm: n, op2: 6 });

/** Runs on a breakpoint hit; true = handled, the guest goes on without a stop. */
export type BreakpointHook = (s: TrapSession) => boolean | Promise<boolean>;

export class DebugState {
  readonly breakpoints: Array<bigint | null> = new Array<bigint | null>(Debug.BREAKPOINTS).fill(null);
  readonly watchpoints: Array<{ addr: bigint; control: bigint } | null> = new Array<{ addr: bigint; control: bigint } | null>(Debug.WATCHPOINTS).fill(null);
  readonly #hooks = new Map<bigint, BreakpointHook>();
  /**
   * Whether a CPU that starts after slots were configured gets them (at its first step trap,
   * see onStep). The debug model turns it off when it arms only the stopped CPU.
   */
  armNewCpus = true;

  /**
   * The writes that arm every configured slot (for one CPU). `withValues`: the address registers
   * too (a CPU that has never had them); a re-arm after a hit only needs the controls.
   */
  armOps(withValues = false): SysregOp[] {
    const ops: SysregOp[] = [{ kind: 'write', reg: 'MDSCR_EL1', value: HvInitValues.MDSCR }];
    this.breakpoints.forEach((addr, n) => {
      if (addr === null) return;
      if (withValues) ops.push({ kind: 'write', reg: bvr(n), value: addr });
      ops.push({ kind: 'write', reg: bcr(n), value: Debug.BCR_ENABLED });
    });
    this.watchpoints.forEach((wp, n) => {
      if (wp === null) return;
      if (withValues) ops.push({ kind: 'write', reg: wvr(n), value: wp.addr });
      ops.push({ kind: 'write', reg: wcr(n), value: wp.control });
    });
    return ops;
  }

  /** Adds a breakpoint at `vaddr` on every started CPU (switching to each, then back). */
  async addBreakpoint(s: TrapSession, vaddr: bigint, hook?: BreakpointHook, cpus?: readonly number[]): Promise<number> {
    const n = this.breakpoints.indexOf(null);
    if (n < 0) throw new HvError(HvErrorCode.NO_SLOT, `all ${Debug.BREAKPOINTS} hardware breakpoints are in use`, { hint: 'remove one, or use a software breakpoint' });
    await onEveryCpu(s, [
      { kind: 'write', reg: bcr(n), value: Debug.BCR_ENABLED },
      { kind: 'write', reg: bvr(n), value: vaddr },
    ], cpus);
    this.breakpoints[n] = vaddr;
    if (hook) this.#hooks.set(vaddr, hook);
    return n;
  }

  async removeBreakpoint(s: TrapSession, vaddr: bigint, cpus?: readonly number[]): Promise<void> {
    const n = this.breakpoints.indexOf(vaddr);
    if (n < 0) throw new HvError(HvErrorCode.BAD_ARGUMENT, `no hardware breakpoint at ${hex(vaddr)}`);
    this.breakpoints[n] = null;
    this.#hooks.delete(vaddr);
    await onEveryCpu(s, [
      { kind: 'write', reg: bcr(n), value: 0n },
      { kind: 'write', reg: bvr(n), value: 0n },
    ], cpus);
  }

  /** `bas`: byte-select within the doubleword at `vaddr & ~7`; `lsc`: 1 load, 2 store, 3 both. */
  async addWatchpoint(s: TrapSession, vaddr: bigint, bas: number, lsc: 1 | 2 | 3, cpus?: readonly number[]): Promise<number> {
    return (await this.addWatchSlots(s, [{ wvr: vaddr & ~7n, bas, mask: 0 }], lsc, cpus))[0]!;
  }

  /**
   * One pair per piece (see planWatchRange), all on every started CPU in one visit each;
   * returns the slots. NO_SLOT, with nothing written, when too few are free.
   */
  async addWatchSlots(s: TrapSession, pieces: readonly WatchPiece[], lsc: 1 | 2 | 3, cpus?: readonly number[]): Promise<number[]> {
    const free = [...this.watchpoints.keys()].filter((n) => this.watchpoints[n] === null);
    if (pieces.length === 0) throw new HvError(HvErrorCode.BAD_ARGUMENT, 'no bytes to watch');
    if (free.length < pieces.length) {
      throw new HvError(HvErrorCode.NO_SLOT, free.length === 0 ? `all ${Debug.WATCHPOINTS} hardware watchpoints are in use` : `the range needs ${pieces.length} hardware watchpoints; ${free.length} of ${Debug.WATCHPOINTS} are free`, { hint: 'remove one first' });
    }
    const slots = free.slice(0, pieces.length);
    const armed = pieces.map((p) => ({ addr: p.wvr, control: watchControl(p.bas, lsc, p.mask) }));
    // Address first, then the control that enables it.
    const ops = armed.flatMap((w, i): SysregOp[] => [
      { kind: 'write', reg: wvr(slots[i]!), value: w.addr },
      { kind: 'write', reg: wcr(slots[i]!), value: w.control },
    ]);
    await onEveryCpu(s, ops, cpus);
    slots.forEach((n, i) => (this.watchpoints[n] = armed[i]!));
    return slots;
  }

  async removeWatchpoint(s: TrapSession, vaddr: bigint, cpus?: readonly number[]): Promise<void> {
    const n = this.watchpoints.findIndex((w) => w?.addr === (vaddr & ~7n));
    if (n < 0) throw new HvError(HvErrorCode.BAD_ARGUMENT, `no hardware watchpoint at ${hex(vaddr)}`);
    await this.removeWatchSlots(s, [n], cpus);
  }

  /** Frees `slots` (from addWatchSlots) on every started CPU. */
  async removeWatchSlots(s: TrapSession, slots: readonly number[], cpus?: readonly number[]): Promise<void> {
    for (const n of slots) {
      if (this.watchpoints[n] == null) throw new HvError(HvErrorCode.BAD_ARGUMENT, `hardware watchpoint slot ${n} is not in use`);
    }
    for (const n of slots) this.watchpoints[n] = null;
    await onEveryCpu(s, slots.flatMap((n): SysregOp[] => [
      { kind: 'write', reg: wcr(n), value: 0n },
      { kind: 'write', reg: wvr(n), value: 0n },
    ]), cpus);
  }

  /**
   * The watchpoint whose bytes include data address `far`, else one whose doubleword or region
   * does (§15.11: FAR is not compared for equality; an access wider than the watched bytes may
   * report its own lowest address).
   */
  watchpointAt(far: bigint): { index: number; addr: bigint; control: bigint } | undefined {
    let near: { index: number; addr: bigint; control: bigint } | undefined;
    for (const [index, w] of this.watchpoints.entries()) {
      if (!w) continue;
      const { lo, hi, bas } = watchedBytes(w.addr, w.control);
      if (far < lo || far >= hi) continue;
      const byte = Number(far - lo);
      if (byte >= 8 || (bas & (1 << byte)) !== 0) return { index, ...w };
      near ??= { index, ...w };
    }
    return near;
  }

  /** EC 0x30: disarm on this CPU, arm one step, then the per-address hook or a stop. */
  async onBreakpoint(s: TrapSession): Promise<TrapResult> {
    const ops: SysregOp[] = Array.from({ length: Debug.BREAKPOINTS }, (_, n) => ({ kind: 'write' as const, reg: bcr(n), value: 0n }));
    disarm(s, ops);
    const hook = this.#hooks.get(s.ctx.elr);
    if (hook && (await hook(s))) return HANDLED;
    return { kind: 'stop', stop: { reason: 'breakpoint', detail: `hardware breakpoint at ${hex(s.ctx.elr)}`, esr: s.ctx.esr } };
  }

  /** EC 0x34. */
  onWatchpoint(s: TrapSession): TrapResult {
    const ops: SysregOp[] = Array.from({ length: Debug.WATCHPOINTS }, (_, n) => ({ kind: 'write' as const, reg: wcr(n), value: 0n }));
    disarm(s, ops);
    const w = this.watchpointAt(s.ctx.far);
    return { kind: 'stop', stop: { reason: 'watchpoint', detail: `watchpoint ${w ? `#${w.index} at ${hex(w.addr)}` : '(unknown slot)'} hit by an access to ${hex(s.ctx.far)}`, esr: s.ctx.esr, far: s.ctx.far } };
  }

  /**
   * EC 0x32 reaching the loop: the step after a hit (or a stale host step): re-arm and go on.
   * A CPU's first one is the trap before its first instruction (§9.6: it started with MDSCR.SS
   * set and PSTATE.SS clear, see Hypervisor.start and cpu-start.ts): every configured slot is
   * written on it, values too, in this session's final burst — before it runs any guest code.
   */
  onStep(s: TrapSession): TrapResult {
    const st = s.state;
    const fresh = !st.debugArmed;
    const ops = fresh && !this.armNewCpus ? this.armOps().slice(0, 1) : this.armOps(fresh);
    s.defer(s.host.sysregs.run(ops));
    st.debugArmed = true;
    st.debugDisarmed = false;
    st.stepArmed = false;
    return HANDLED;
  }

  /**
   * Before a stopped CPU continues (§15.17): if a hit disarmed it, keep one step armed so the
   * step trap re-arms; otherwise, if a host step left MDSCR.SS set, clear it in the final burst.
   */
  prepareResume(s: TrapSession): void {
    const st = s.state;
    if (st.debugDisarmed) {
      s.ctx.spsr |= Spsr.SS;
      return;
    }
    if (st.stepArmed) {
      s.defer(s.host.sysregs.issue({ kind: 'write', reg: 'MDSCR_EL1', value: HvInitValues.MDSCR }));
      st.stepArmed = false;
    }
  }
}

function disarm(s: TrapSession, ops: SysregOp[]): void {
  ops.push({ kind: 'write', reg: 'MDSCR_EL1', value: HvInitValues.MDSCR_STEP });
  s.defer(s.host.sysregs.run(ops));
  s.ctx.spsr |= Spsr.SS;
  s.state.debugDisarmed = true;
}

/**
 * Runs `ops` on `cpus` (default: every started CPU; ascending, §9.6), the current CPU first so a
 * single-CPU call needs no switch, then returns to the CPU it started on.
 */
async function onEveryCpu(s: TrapSession, ops: readonly SysregOp[], cpus?: readonly number[]): Promise<void> {
  const home = s.cpu;
  const list = [...(cpus ?? s.host.cpus.keys())].sort((a, b) => (a === home ? -1 : b === home ? 1 : a - b));
  try {
    for (const cpu of list) {
      await s.switchTo(cpu);
      await s.host.sysregs.run(ops);
    }
  } finally {
    await s.switchTo(home);
  }
}

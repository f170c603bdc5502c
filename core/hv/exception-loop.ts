// Layer: core/hv. The exception loop (spec §9.3, §9.4, §9.12): every callback session the
// target opens is read (one MEMREAD of exc_info), dispatched by reason, code and ESR class to a
// handler, and ended with one burst (stage-2 updates, context write-back if changed, P_EXIT).
// Stops (breakpoints, user interrupts, unhandled exceptions) go to a stop handler — the hook the
// debug model (core/session) plugs into — which keeps the CPU in its session until it decides.
// Imports core/uartproxy (types, constants), core/util and this folder.

import type { BootMessage } from '../uartproxy/client-types.ts';
import { StartReason } from '../uartproxy/constants.ts';
import { Listeners, type Disposable } from '../util/disposable.ts';
import { Ec, ExcCode, ExitCode, HOOK_DATA_SIZE, HvEvent, esrEc, type ExitCodeValue } from './constants.ts';
import { ExcContext } from './exc-context.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import { handleDataAbort } from './handlers/data-abort.ts';
import { DebugState } from './handlers/debug-traps.ts';
import { HookVmHandler } from './handlers/hook-vm.ts';
import { HypercallRegistry } from './handlers/hypercall.ts';
import { handleSysregTrap, type SysregAccess } from './handlers/sysreg-trap.ts';
import type { HvHost } from './host.ts';
import type { MmioDispatch } from './mmio-dispatch.ts';
import type { RoundTripStats } from './round-trips.ts';
import { TrapSession } from './trap-session.ts';
import { HANDLED, type ResumeAction, type StopEvent, type TrapResult } from './trap-types.ts';

/** Decides what a stopped CPU does next; `session` gives the CPU (context, step, switch, sysregs). */
export type StopHandler = (stop: StopEvent, session: TrapSession) => ResumeAction | Promise<ResumeAction>;

export interface TrapRecord {
  /** e.g. `sync/msr`, `hv/hook-vm`. */
  readonly kind: string;
  readonly cpu: number;
  readonly roundTrips: number;
}

export interface TrapKindStats {
  count: number;
  roundTrips: number;
}

export interface GuestExit {
  readonly status: bigint | undefined;
  readonly why: string;
  readonly cpu: number;
}

/** Without a debugger: user interrupts and VTIMERs continue; anything else ends the guest. */
export const defaultStopHandler: StopHandler = (stop) => (stop.reason === 'user-interrupt' || stop.reason === 'vtimer' ? 'continue' : 'exit-guest');

export class ExceptionLoop {
  readonly hypercalls = new HypercallRegistry();
  readonly debug = new DebugState();
  readonly hooks: HookVmHandler;
  readonly stats = new Map<string, TrapKindStats>();
  readonly #stopped = new Listeners<[StopEvent]>();
  readonly #traps = new Listeners<[TrapRecord]>();
  readonly #exits = new Listeners<[GuestExit]>();
  readonly #errors = new Listeners<[HvError]>();
  readonly #sysregAccesses = new Listeners<[SysregAccess]>();
  readonly #observeSysreg = (a: SysregAccess): void => this.#emit(this.#sysregAccesses, a);
  #stopHandler: StopHandler = defaultStopHandler;
  #active = 0;
  #idleWaiters: Array<() => void> = [];
  #stopRequested = false;

  constructor(
    private readonly host: HvHost,
    mmio: MmioDispatch,
    private readonly counter: RoundTripStats & { targetSpoke?(): void },
  ) {
    this.hooks = new HookVmHandler(mmio);
  }

  /** Replaces the stop handler (the debug model's hook); returns the previous one. */
  setStopHandler(handler: StopHandler): StopHandler {
    const previous = this.#stopHandler;
    this.#stopHandler = handler;
    return previous;
  }

  onStopped(listener: (stop: StopEvent) => void): Disposable {
    return this.#stopped.add(listener);
  }

  /** Every trap handled, with its round trips (the figure the bench reports). */
  onTrap(listener: (trap: TrapRecord) => void): Disposable {
    return this.#traps.add(listener);
  }

  /** The guest asked to end (power-off hypercall) or a stop handler ended it. */
  onGuestExit(listener: (exit: GuestExit) => void): Disposable {
    return this.#exits.add(listener);
  }

  onError(listener: (error: HvError) => void): Disposable {
    return this.#errors.add(listener);
  }

  /**
   * Every trapped MSR/MRS the host served (§9.12 EC 0x18 / 0x3F): the traps the firmware does not
   * serve itself (§9.5 — it keeps e.g. the fast-IPI registers). Costs nothing without listeners.
   */
  onSysregAccess(listener: (access: SysregAccess) => void): Disposable {
    return this.#sysregAccesses.add(listener);
  }

  /** Resolves once no callback is being handled (e.g. the one whose P_EXIT(3) ended the guest). */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Clears a stop request no callback has taken yet; true if there was one. */
  takeStopRequest(): boolean {
    const was = this.#stopRequested;
    this.#stopRequested = false;
    return was;
  }

  /**
   * Asks for a user-interrupt stop at the end of the next callback that would let the guest go
   * on (§9.8); any stop reported first answers it.
   */
  requestStop(): void {
    this.#stopRequested = true;
  }

  /** A stop was asked for (interrupt) and no stop has been reported since. */
  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** Whether a callback session is being handled right now. */
  get inCallback(): boolean {
    return this.#active > 0;
  }

  /** The uartproxy callback handler: `client.onCallback((m) => loop.handle(m))`. */
  async handle(message: BootMessage): Promise<void> {
    this.#active++;
    this.counter.targetSpoke?.();
    const before = this.counter.roundTrips;
    // Counted when the final burst is issued: the next callback may start before this one's
    // last await resumes, and its round trips must not be billed here.
    let after: number | undefined;
    let kind = `${message.reason}/${message.code}`;
    let cpu = -1;
    try {
      if (message.reason === StartReason.START_HV && (message.code === HvEvent.WDT_BARK || message.code === HvEvent.PANIC)) {
        // §9.10: no context (info = 0); the target reboots after this session whatever we send.
        kind = 'hv/wdt-bark';
        this.#report(new HvError(HvErrorCode.BAD_STATE, 'the hypervisor watchdog barked (or the hypervisor panicked); the target reboots', { fatal: true, hint: "the target's physical UART has the breadcrumbs" }));
        const done = this.host.proxy.exit(ExitCode.UNHANDLED);
        after = this.counter.roundTrips;
        await done;
        return;
      }
      const t = this.host.proxy.transport;
      const ctxRead = ExcContext.read(t, message.info);
      let speculative: { addr: bigint; bytes: Promise<Uint8Array> } | undefined;
      const guess = message.reason === StartReason.START_HV && message.code === HvEvent.HOOK_VM ? this.hooks.guessFor(message.info) : undefined;
      if (guess !== undefined) speculative = { addr: guess, bytes: t.memRead(guess, HOOK_DATA_SIZE) };
      speculative?.bytes.catch(() => undefined);
      const session = new TrapSession(this.host, message, await ctxRead, (s) => this.#dispatch(s));
      cpu = session.cpu;
      kind = trapKind(session);
      let result: TrapResult;
      try {
        result = await this.#dispatch(session, speculative);
      } catch (err) {
        const error = asHvError(err, `handling ${kind} on cpu${cpu}`);
        this.#report(error);
        if (error.fatal) throw error;
        result = { kind: 'stop', stop: { reason: 'exception', detail: error.message } };
      }
      let code: ExitCodeValue;
      try {
        code = await this.#resolve(session, result);
      } catch (err) {
        // A stop handler or a host step failed: report it and let the guest go on.
        const error = asHvError(err, `the stop on cpu${cpu}`);
        this.#report(error);
        if (error.fatal) throw error;
        code = ExitCode.HANDLED;
      }
      if (!session.finished) {
        const done = session.finish(code);
        after = this.counter.roundTrips;
        await done;
      }
    } catch (err) {
      this.#report(asHvError(err, `callback ${kind}`));
    } finally {
      this.#active--;
      const roundTrips = (after ?? this.counter.roundTrips) - before;
      const s = this.stats.get(kind) ?? { count: 0, roundTrips: 0 };
      s.count++;
      s.roundTrips += roundTrips;
      this.stats.set(kind, s);
      this.#emit(this.#traps, { kind, cpu, roundTrips });
      if (this.#active === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  async #dispatch(s: TrapSession, speculative?: { addr: bigint; bytes: Promise<Uint8Array> }): Promise<TrapResult> {
    const ctx = s.ctx;
    if (s.reason === StartReason.START_HV) {
      switch (s.code) {
        case HvEvent.HOOK_VM:
          return this.hooks.handle(s, speculative);
        case HvEvent.USER_INTERRUPT:
          return { kind: 'stop', stop: { reason: 'user-interrupt', detail: 'interrupted by the host' } };
        case HvEvent.VTIMER:
          return { kind: 'stop', stop: { reason: 'vtimer', detail: 'the EL2 virtual timer fired (masked by the firmware)' } };
        case HvEvent.CPU_SWITCH:
          return HANDLED; // a switch nobody waits for any more: nothing to do
        default:
          return { kind: 'stop', stop: { reason: 'exception', detail: `hypervisor event ${s.code} is not supported by this host` } };
      }
    }
    if (s.reason !== StartReason.START_EXCEPTION_LOWER && s.reason !== StartReason.START_EXCEPTION) {
      return { kind: 'stop', stop: { reason: 'exception', detail: `unknown callback reason ${s.reason}` } };
    }
    if (s.code === ExcCode.FIQ) {
      // An uncore PMC FIQ (§9.5): the Python host silences the EL2 virtual timer and goes on.
      s.defer(this.host.sysregs.issue({ kind: 'write', reg: 'CNTV_CTL_EL0', value: 0n }));
      return HANDLED;
    }
    if (s.code !== ExcCode.SYNC || s.reason !== StartReason.START_EXCEPTION_LOWER) {
      return { kind: 'stop', stop: { reason: 'exception', detail: `${s.code === ExcCode.SERROR ? 'SError' : s.code === ExcCode.IRQ ? 'IRQ' : `exception code ${s.code}`} from the guest`, esr: ctx.esr, far: ctx.far } };
    }
    switch (esrEc(ctx.esr)) {
      case Ec.MSR:
        return handleSysregTrap(s, false, this.#sysregAccesses.size > 0 ? this.#observeSysreg : undefined);
      case Ec.IMPDEF:
        return handleSysregTrap(s, true, this.#sysregAccesses.size > 0 ? this.#observeSysreg : undefined);
      case Ec.BRK:
        return this.hypercalls.handle(s);
      case Ec.SSTEP_LOWER:
        return this.debug.onStep(s);
      case Ec.BKPT_LOWER:
        return this.debug.onBreakpoint(s);
      case Ec.WATCH_LOWER:
        return this.debug.onWatchpoint(s);
      case Ec.DABORT_LOWER:
        return handleDataAbort(s);
      default:
        return { kind: 'stop', stop: { reason: 'exception', detail: `guest exception, EC ${hex(esrEc(ctx.esr))} (ESR ${hex(ctx.esr)}, FAR ${hex(ctx.far)})`, esr: ctx.esr, far: ctx.far } };
    }
  }

  /** Turns a result into an exit code, running the stop handler (and host steps) for stops. */
  async #resolve(s: TrapSession, first: TrapResult): Promise<ExitCodeValue> {
    let result = first;
    for (;;) {
      if (result.kind === 'handled' && this.#stopRequested) {
        this.#stopRequested = false;
        result = { kind: 'stop', stop: { reason: 'user-interrupt', detail: 'interrupted by the host (during a callback)' } };
      }
      if (result.kind === 'handled') return ExitCode.HANDLED;
      if (result.kind === 'exit-guest') {
        this.#emit(this.#exits, { status: result.status, why: result.why, cpu: s.hasContext ? s.cpu : -1 });
        return ExitCode.EXIT_GUEST;
      }
      const stop: StopEvent = { ...result.stop, cpu: s.cpu, pc: s.ctx.elr };
      this.#stopRequested = false; // any stop answers a pending interrupt
      this.#emit(this.#stopped, stop);
      const action = await this.#stopHandler(stop, s);
      if (action === 'exit-guest') {
        this.#emit(this.#exits, { status: undefined, why: `stopped on cpu${stop.cpu} (${stop.reason}: ${stop.detail}) and ended`, cpu: stop.cpu });
        return ExitCode.EXIT_GUEST;
      }
      if (action === 'continue') {
        this.debug.prepareResume(s);
        return ExitCode.HANDLED;
      }
      result = (await s.step()) ?? { kind: 'stop', stop: { reason: 'step', detail: 'one instruction stepped' } };
    }
  }

  #emit<A extends unknown[]>(listeners: Listeners<A>, ...args: A): void {
    try {
      listeners.emit(...args);
    } catch (cause) {
      this.#report(asHvError(cause, 'a hypervisor event listener'));
    }
  }

  #report(error: HvError): void {
    if (this.#errors.size === 0) process.emitWarning(error);
    else this.#errors.emit(error);
  }
}

function trapKind(s: TrapSession): string {
  if (s.reason === StartReason.START_HV) {
    const name = Object.entries(HvEvent).find(([, v]) => v === s.code)?.[0] ?? String(s.code);
    return `hv/${name.toLowerCase().replace('_', '-')}`;
  }
  if (s.code !== ExcCode.SYNC) return `exc/${Object.entries(ExcCode).find(([, v]) => v === s.code)?.[0]?.toLowerCase() ?? s.code}`;
  const ec = esrEc(s.ctx.esr);
  const name = Object.entries(Ec).find(([, v]) => v === ec)?.[0];
  return `sync/${name ? name.toLowerCase().replace('_', '-') : hex(ec)}`;
}

function asHvError(err: unknown, what: string): HvError {
  if (err instanceof HvError) return err;
  const e = err as { message?: string; fatal?: boolean; hint?: string } | undefined;
  return new HvError(HvErrorCode.BAD_STATE, `${what} failed: ${e?.message ?? String(err)}`, { cause: err, fatal: e?.fatal === true, hint: e?.hint });
}

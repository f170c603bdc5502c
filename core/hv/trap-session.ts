// Layer: core/hv. One callback session (spec §9.4): the stopped CPU's context, CPU switching
// (§9.6), host single step (§9.11) and the final burst that ends the session. Imports
// core/uartproxy (types) and this folder.
//
// The end of a session is one round trip: pending stage-2 updates + TLBI, the context write-
// back (only the changed bytes, only if changed) and P_EXIT go on the wire back to back.

import type { BootMessage } from '../uartproxy/client-types.ts';
import { StartReason } from '../uartproxy/constants.ts';
import { Ec, ExcCode, ExitCode, HvInitValues, Spsr, esrEc, type ExitCodeValue } from './constants.ts';
import { ExcContext } from './exc-context.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import { cpuState, type CpuState, type HvHost } from './host.ts';
import { settleAll } from './round-trips.ts';
import type { TrapResult } from './trap-types.ts';

/** Runs the normal handlers for a callback that arrives while the host waits for a step trap. */
export type NestedDispatch = (session: TrapSession) => Promise<TrapResult>;

/** A switch rendezvouses the CPUs (§9.6): the target CPU reports at once or not at all. */
const SWITCH_TIMEOUT_MS = 5000;
/** Callbacks from other CPUs served while waiting for the switch target. */
const MAX_INTERLOPERS = 16;

export class TrapSession {
  #ctx: ExcContext | null;
  #message: BootMessage;
  #finished = false;
  /** Requests issued by handlers whose result nobody waits for; the final burst settles them. */
  #deferred: Promise<unknown>[] = [];
  /** The CPU host steps pinned the guest to (P_HV_PIN_CPU), or -1. */
  #pinned = -1;

  constructor(
    readonly host: HvHost,
    message: BootMessage,
    ctx: ExcContext | null,
    private readonly nested: NestedDispatch,
  ) {
    this.#message = message;
    this.#ctx = ctx;
  }

  get message(): BootMessage {
    return this.#message;
  }

  get reason(): number {
    return this.#message.reason;
  }

  get code(): number {
    return this.#message.code;
  }

  get hasContext(): boolean {
    return this.#ctx !== null;
  }

  /** The context of the CPU this session is on; throws for sessions without one (WDT_BARK). */
  get ctx(): ExcContext {
    if (!this.#ctx) throw new HvError(HvErrorCode.BAD_STATE, 'this callback (watchdog bark) carries no CPU context', { hint: 'only exit the session' });
    return this.#ctx;
  }

  get cpu(): number {
    return this.ctx.cpuId;
  }

  get state(): CpuState {
    return cpuState(this.host, this.cpu);
  }

  /** A synchronous guest exception or SError: the kinds that can be reflected into the guest (§9.12). */
  get isFault(): boolean {
    return this.reason === StartReason.START_EXCEPTION_LOWER && (this.code === ExcCode.SYNC || this.code === ExcCode.SERROR);
  }

  get finished(): boolean {
    return this.#finished;
  }

  /**
   * Moves the session to CPU `cpu` (§9.6): P_HV_SWITCH_CPU, then this CPU's context is written
   * back and its session ended; CPU `cpu` opens the next one, whose context becomes ours.
   */
  async switchTo(cpu: number): Promise<void> {
    if (this.#ctx && this.#ctx.cpuId === cpu) return;
    if (!(await this.host.proxy.hvSwitchCpu(cpu))) {
      throw new HvError(HvErrorCode.CPU_SWITCH, `CPU ${cpu} is not running the guest; P_HV_SWITCH_CPU refused`, { hint: `started CPUs: ${[...this.host.cpus.keys()].join(', ')}` });
    }
    await this.#handOver(ExitCode.HANDLED, SWITCH_TIMEOUT_MS);
    // Another CPU may report first (its exception was already on the way): serve it and wait on.
    for (let other = 0; this.ctx.cpuId !== cpu; other++) {
      const result = other < MAX_INTERLOPERS ? await this.nested(this) : undefined;
      if (result?.kind !== 'handled') {
        throw new HvError(HvErrorCode.CPU_SWITCH, `switching to CPU ${cpu}, CPU ${this.ctx.cpuId} reported instead (${this.reason}/${this.code}, ESR ${hex(this.ctx.esr)}, ${result === undefined ? `more than ${MAX_INTERLOPERS} callbacks` : result.kind === 'stop' ? result.stop.detail : result.why}); the session is now on CPU ${this.ctx.cpuId}`, {
          hint: 'the target did not hold the other CPUs during the switch (§9.6)',
        });
      }
      await this.#handOver(ExitCode.HANDLED, SWITCH_TIMEOUT_MS);
    }
  }

  /**
   * Executes exactly one guest instruction on this CPU (§9.11) and returns with the session on
   * the same CPU, stopped after it. A callback the instruction itself causes (an emulated MMIO
   * hook, a trapped MSR) is handled normally in between; if that ends in a stop, the stop is
   * returned instead of undefined.
   */
  async step(): Promise<TrapResult | undefined> {
    const cpu = this.cpu;
    const p = this.host.proxy;
    const st = this.state;
    this.ctx.spsr |= Spsr.SS;
    // MDSCR.SS is still set after a previous step or a hit's disarm (cleared on resume, §15.17),
    // and the pin stays between steps: a run of steps pays for neither again.
    if (!st.stepArmed && !st.debugDisarmed) this.defer(this.host.sysregs.issue({ kind: 'write', reg: 'MDSCR_EL1', value: HvInitValues.MDSCR_STEP }));
    if (this.#pinned !== cpu) this.defer(p.hvPinCpu(cpu));
    this.#pinned = cpu;
    st.stepArmed = true;
    // MDSCR write, pin, write-back and P_EXIT: one burst; then the step trap's context.
    await this.#handOver(ExitCode.HANDLED, undefined, true);
    for (;;) {
      if (this.ctx.cpuId !== cpu) throw new HvError(HvErrorCode.CPU_SWITCH, `stepping CPU ${cpu}, but CPU ${this.ctx.cpuId} reported (pinning failed)`, { fatal: true });
      const ec = esrEc(this.ctx.esr);
      if (this.reason === StartReason.START_EXCEPTION_LOWER && this.code === ExcCode.SYNC && ec === Ec.SSTEP_LOWER) break;
      // The stepped instruction trapped first: handle it, then finish the step without running more.
      const result = await this.nested(this);
      if (result.kind !== 'handled') return result;
      this.ctx.spsr &= ~Spsr.SS;
      await this.#handOver(ExitCode.HANDLED, undefined, true);
    }
    return undefined;
  }

  /** Ends this CPU's session and adopts the next callback's (same or other CPU), reading its context. */
  async #handOver(code: ExitCodeValue, timeoutMs?: number, stepping = false): Promise<void> {
    const next = this.host.link.waitForBoot(timeoutMs);
    await this.#finishBurst(code, stepping);
    let message: BootMessage;
    try {
      message = await next;
    } catch (cause) {
      throw new HvError(HvErrorCode.CPU_SWITCH, `no callback from the target within ${timeoutMs} ms after handing the session over; the guest runs on`, { cause, hint: 'the CPU may have left the guest; check hv state' });
    }
    this.#message = message;
    this.#ctx = message.info === 0n ? null : await ExcContext.read(this.host.proxy.transport, message.info);
    this.#finished = false;
  }

  /**
   * Keeps a request that was already issued (e.g. a sysreg write) to be settled with the final
   * burst, so it shares that round trip; its failure fails finish().
   */
  defer(request: Promise<unknown>): void {
    request.catch(() => undefined); // observed in finish(); no unhandled rejection meanwhile
    this.#deferred.push(request);
  }

  /** Ends the session: stage-2 updates, context write-back and P_EXIT(code), one round trip. */
  async finish(code: ExitCodeValue): Promise<void> {
    await this.#finishBurst(code);
  }

  #finishBurst(code: ExitCodeValue, stepping = false): Promise<unknown> {
    if (this.#finished) throw new HvError(HvErrorCode.BAD_STATE, 'the callback session has already ended');
    this.#finished = true;
    const p = this.host.proxy;
    const burst: Array<Promise<unknown>> = this.#deferred;
    this.#deferred = [];
    // The guest goes on (or another CPU takes the session): the steps' pin ends here (§9.11).
    if (!stepping && this.#pinned >= 0) {
      burst.unshift(p.hvPinCpu(-1));
      this.#pinned = -1;
    }
    const maps = this.host.maps.issueUpdate();
    if (maps) burst.push(maps);
    const wb = this.#ctx?.writeBack(p.transport);
    if (wb) burst.push(wb);
    burst.push(p.exit(code));
    return settleAll(burst);
  }
}

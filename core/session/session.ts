// Layer: core/session. The debug model over a running Hypervisor (core/hv): the one API the GDB
// stub, the VS Code adapter and the team-share server use. CPUs with their state; interrupt,
// continue and instruction step; registers, memory by virtual and physical address; software
// and hardware breakpoints and watchpoints (§9.11); symbols and frame-pointer backtraces; and
// an event stream. Imports core/hv, core/util and this folder (which reaches core/arch,
// core/formats and core/proxy).
//
// All-stop (§9.4): a stopped CPU is one in a callback session; the firmware holds every other
// CPU meanwhile, so requests for another CPU switch the session to it (§9.6). While the guest
// runs, a request that needs a stopped CPU fails with SESSION_RUNNING — or, with
// `whileRunning: 'halt'`, interrupts the guest first — and every wait for a stop is bounded
// (SESSION_TIMEOUT): nothing here can hang on a running guest.

import { Debug, type GuestExit, type Hypervisor, type MmioEvent, type StopEvent, type StopHandler, type TrapSession } from '../hv/index.ts';
import type { Disposable } from '../util/disposable.ts';
import { backtrace, type Frame } from './backtrace.ts';
import { SessionBreakpoints, type BreakpointInfo, type BreakpointKind, type WatchpointInfo } from './session-breakpoints.ts';
import type { WatchpointSpec } from './breakpoints.ts';
import { cpuRunState, describeCpus, type CpuDescriptor, type CpuRunState, type RunState } from './cpus.ts';
import { SessionError, SessionErrorCode } from './errors.ts';
import { EventLog, type EventLogOptions, type SessionEvent, type StopInfo } from './event-log.ts';
import { cpuTranslator, GuestMemory, TranslationCache, type Translator } from './memory.ts';
import { leavesMemoryAlone } from './memory-effects.ts';
import { RegisterFile, type SimdIo } from './registers.ts';
import { RunControl } from './run-control.ts';
import { StopGate } from './stop-gate.ts';
import { SessionSymbols } from './symbols.ts';
import { classifyStop, feedEvents, imageAddress, simdIo } from './wiring.ts';

export type { CpuRunState, RunState } from './cpus.ts';

/** The CPU that ran P_HV_START (m1n1 index 0 in this host). */
const BOOT_CPU = 0;

export interface CpuStatus extends CpuDescriptor {
  readonly run: CpuRunState;
  /** The CPU has the callback session (registers and memory are read through it). */
  readonly current: boolean;
}

export interface DebugSessionOptions {
  /** A request that needs a stopped CPU while the guest runs: fail (default) or interrupt first. */
  readonly whileRunning?: 'fail' | 'halt';
  /** Longest wait for a stop (interrupt, step, halt), ms (default 30 000). */
  readonly stopTimeoutMs?: number;
  /** Default: the loaded guest's symbols and DWARF. */
  readonly symbols?: SessionSymbols;
  readonly events?: EventLogOptions;
  /** Where hardware breakpoints/watchpoints are armed: every started CPU (§9.11, default) or the stopped one. */
  readonly debugRegisters?: 'all-cpus' | 'stopped-cpu';
}

export class DebugSession {
  readonly events: EventLog<SessionEvent>;
  readonly symbols: SessionSymbols;
  /** Every CPU the machine has (ADT), in m1n1 index order; stable for the session. */
  readonly cpuList: readonly CpuDescriptor[];
  readonly capacity = { hardwareBreakpoints: Debug.BREAKPOINTS, watchpoints: Debug.WATCHPOINTS } as const;
  readonly #hv: Hypervisor;
  readonly #options: DebugSessionOptions;
  readonly #gate: StopGate;
  readonly #memory: GuestMemory;
  readonly #bps: SessionBreakpoints;
  readonly #tlb = new TranslationCache();
  readonly #simd: SimdIo;
  readonly #regs = new Map<number, RegisterFile>();
  readonly #subs: Disposable[] = [];
  readonly #previousHandler: StopHandler;
  readonly #run: RunControl;
  /** The step under way runs an instruction that writes no memory: keep this stop's reads. */
  #stepKeepsMemory = false;

  private constructor(hv: Hypervisor, options: DebugSessionOptions) {
    this.#hv = hv;
    this.#options = options;
    this.events = new EventLog(options.events);
    const guest = hv.guest;
    this.symbols = options.symbols ?? (guest ? SessionSymbols.fromImage(guest.image) : new SessionSymbols());
    this.cpuList = describeCpus(hv.info.adt);
    this.#simd = simdIo(hv.proxy);
    this.#gate = new StopGate(
      (stop, s) => this.#decide(stop, s),
      (stop) => void this.events.push({ kind: 'stopped', ...stop }),
    );
    this.#bps = new SessionBreakpoints(hv, options.debugRegisters ?? 'all-cpus', (s) => this.#flush(s));
    this.#memory = new GuestMemory(hv.proxy, this.#bps.software, () => {
      const layout = hv.guest?.layout;
      return layout && { base: layout.ramBase, end: layout.ramEnd };
    });
    this.#run = new RunControl(hv, this.#gate, this.events, {
      whileRunning: options.whileRunning ?? 'fail',
      timeoutMs: this.#timeout,
      flush: (s) => this.#flush(s),
      resumed: (s, action) => {
        this.#regs.clear();
        if (action !== 'step') this.#stepKeepsMemory = false;
        if (!this.#stepKeepsMemory) this.#forgetMemory();
        // Breakpoints inserted or removed during the stop reach memory in the resume burst.
        if (action !== 'exit-guest') this.#syncBreakpoints(s);
      },
    });
    this.#previousHandler = hv.loop.setStopHandler(this.#gate.handler);
    this.#subs.push(
      ...feedEvents(hv, this.events),
      hv.loop.hypercalls.addBrkHook((s, imm) => this.#bps.onBrk(s, imm)),
      hv.onExited((exit) => this.#run.exited(exit)),
    );
  }

  /** Takes over the hypervisor's stop handler; one session per hypervisor. */
  static attach(hv: Hypervisor, options: DebugSessionOptions = {}): DebugSession {
    return new DebugSession(hv, options);
  }

  get state(): RunState {
    return this.#run.state;
  }

  /** The CPU that has the session while stopped. */
  get currentCpu(): number | undefined {
    return this.#gate.trap?.cpu;
  }

  /** The last stop reported (the CPU that caused it). */
  get lastStop(): StopInfo | undefined {
    return this.#run.stop;
  }

  get exit(): GuestExit | undefined {
    return this.#run.exit;
  }

  cpus(): CpuStatus[] {
    const current = this.#gate.trap?.cpu;
    return this.cpuList.map((d) => ({ ...d, run: this.#cpuState(d.index), current: d.index === current }));
  }

  cpuState(cpu: number): CpuRunState {
    this.#descriptor(cpu);
    return this.#cpuState(cpu);
  }

  #cpuState(cpu: number): CpuRunState {
    return cpuRunState(cpu, this.#run.state, this.#hv.host.cpus.has(cpu), this.#run.stop);
  }

  // ---- run control ----

  /** Starts the loaded guest; resolves with its exit (the power-off status when it gave one). */
  start(): Promise<GuestExit> {
    return this.#run.start();
  }

  /**
   * The stop the guest is in (a stop can come before continue() has even returned), or the next
   * one; TIMEOUT past `timeoutMs`, EXITED if the guest ends first. Live consumers use the events.
   */
  waitForStop(timeoutMs = this.#timeout): Promise<StopInfo> {
    if (this.#run.state === 'exited') return Promise.reject(this.#run.exitedError());
    if (this.#run.state === 'stopped' && this.#gate.trap && this.#run.stop) return Promise.resolve(this.#run.stop);
    return this.#gate.nextStop(timeoutMs, 'waiting for a stop');
  }

  /** Stops the running guest (at once if stopped); with `cpu`, then gives the session to that CPU. */
  interrupt(cpu?: number, timeoutMs = this.#timeout): Promise<StopInfo> {
    if (cpu !== undefined) this.#descriptor(cpu);
    return this.#gate.exclusive(async () => {
      this.#run.checkLive();
      if (!this.#gate.trap) await this.#run.halt(timeoutMs);
      if (cpu !== undefined) await this.#run.on(cpu);
      return this.#run.stop!;
    });
  }

  /** Resumes every CPU; resolves once they run (the next stop comes as an event / waitForStop). */
  continue(): Promise<void> {
    return this.#gate.exclusive(async () => {
      const s = this.#run.currentTrap('continue');
      await this.#flush(s);
      const over = await this.#bps.stepOffSoftware(s, this.#memory);
      if (over?.kind === 'stop') {
        // The instruction under the breakpoint stopped by itself (a watchpoint, a fault): report that.
        const info = classifyStop({ ...over.stop, cpu: s.cpu, pc: s.ctx.elr }, this.#bps.watchpoints);
        this.#regs.clear();
        this.#forgetMemory();
        this.#run.stopped(info);
        return void this.#gate.report(info);
      }
      if (over?.kind === 'exit-guest') {
        this.#run.exitSeen = { status: over.status, why: over.why, cpu: s.cpu };
        return this.#run.resume(s, 'exit-guest');
      }
      this.#run.resume(s, 'continue');
      await this.#run.settled();
    });
  }

  /** Executes one instruction on `cpu` (default: the current one) and resolves with the stop after it. */
  step(cpu?: number, timeoutMs = this.#timeout): Promise<StopInfo> {
    return this.#gate.exclusive(async () => {
      const s = await this.#stopped(cpu);
      await this.#flush(s);
      this.#bps.liftForStep(s);
      this.#stepKeepsMemory = await this.#stepLeavesMemoryAlone(s);
      const next = this.#gate.nextStop(timeoutMs, `stepping cpu${s.cpu}`);
      next.catch(() => undefined);
      this.#run.resume(s, 'step');
      return next;
    });
  }

  /** Gives the session to `cpu` (§9.6); the guest stays stopped. */
  selectCpu(cpu: number): Promise<void> {
    return this.#gate.exclusive(async () => void (await this.#stopped(cpu)));
  }

  /** Ends the guest: stops it if needed, then P_EXIT(EXIT_GUEST) (§9.3). */
  kill(): Promise<void> {
    return this.#gate.exclusive(async () => {
      this.#run.checkLive();
      if (!this.#gate.trap) await this.#run.halt();
      // EXIT_GUEST ends P_HV_START only on the boot CPU; on a secondary it takes just that CPU
      // out of the guest (§9.3; m1n1's hv_exit_guest returns to the caller of that CPU's start).
      if (this.#gate.trap!.cpu !== BOOT_CPU) {
        await this.#run.on(BOOT_CPU).catch((err: unknown) => this.events.push({ kind: 'log', level: 'warn', message: `ending the guest from cpu${this.#gate.trap?.cpu}: ${(err as Error)?.message ?? String(err)}` }));
      }
      this.#run.resume(this.#gate.trap!, 'exit-guest');
    });
  }

  /** Removes every breakpoint and watchpoint (halting the guest for it if needed), lets the guest run on and gives the stop handler back. */
  async detach(timeoutMs = this.#timeout): Promise<void> {
    if (this.#run.state !== 'exited' && !this.#run.closed && this.#bps.count > 0) {
      if (this.#run.state === 'running') await this.interrupt(undefined, timeoutMs);
      await this.#gate.exclusive(() => this.#bps.removeAll((cpu) => this.#stopped(cpu), this.#memory, this.#run.state === 'not-started'));
    }
    if (this.#run.state === 'stopped') await this.continue();
    this.#dispose();
  }

  /**
   * Traces guest accesses to [base, base + size) without stopping it (§10.5, trace mode 'async'):
   * each access becomes a `trace` event. Dispose to stop tracing.
   */
  traceMmio(base: bigint, size: bigint): Disposable {
    const push = (e: MmioEvent) => void this.events.push({ kind: 'trace', trace: 'mmio', cpu: e.cpu, pc: e.pc, address: e.addr, value: e.value, write: e.write, widthBytes: e.widthBytes });
    const reg = this.#hv.mmio.register(base, size, 'async', { onRead: push, onWrite: push });
    this.#subs.push(reg);
    return reg;
  }

  /**
   * Ends the session as detach() does, best effort within `timeoutMs` (software breakpoints left
   * in memory would be reflected into a guest that no longer has a debugger); never throws.
   * The hypervisor keeps running the guest.
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#run.closed) return;
    try {
      if (this.#hv.state === 'running' || this.#hv.state === 'loaded') await this.detach(timeoutMs);
    } catch (err) {
      this.events.push({ kind: 'log', level: 'warn', message: `closing the debug session: ${(err as Error)?.message ?? String(err)}` });
    } finally {
      this.#dispose();
    }
  }

  #dispose(): void {
    if (this.#run.closed) return;
    this.#run.closed = true;
    for (const s of this.#subs.splice(0)) s.dispose();
    this.#hv.loop.setStopHandler(this.#previousHandler);
    this.#gate.failWaiters(new SessionError(SessionErrorCode.NOT_RUNNING, 'the debug session was closed'));
    if (this.#gate.trap) {
      this.#syncBreakpoints(this.#gate.trap);
      this.#gate.release('continue');
    }
  }

  /** Translations and memory read during a stop are stale once the guest ran. */
  #forgetMemory(): void {
    this.#tlb.clear();
    this.#memory.invalidate();
  }

  /**
   * Whether the instruction a step of `s` runs leaves memory and translation alone (see
   * memory-effects.ts): then the reads of this stop stay valid after it — gdb re-reads the code
   * after every stepi. Decided from cached bytes only: finding out must not cost a round trip.
   */
  async #stepLeavesMemoryAlone(s: TrapSession): Promise<boolean> {
    const pa = this.#tlb.peek(s.cpu, s.ctx.elr);
    const bytes = pa === undefined ? undefined : await this.#memory.cached(pa, 4);
    return bytes !== undefined && leavesMemoryAlone(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true));
  }

  #syncBreakpoints(s: TrapSession): void {
    this.#bps.sync(this.#memory, s).catch((err: unknown) => this.events.push({ kind: 'log', level: 'error', message: `writing software breakpoints: ${(err as Error)?.message ?? String(err)}` }));
  }

  // ---- registers ----

  readRegisters(cpu: number | undefined, names: readonly string[]): Promise<bigint[]> {
    return this.#gate.exclusive(async () => this.#file(await this.#stopped(cpu)).read(names));
  }

  async readRegister(cpu: number | undefined, name: string): Promise<bigint> {
    return (await this.readRegisters(cpu, [name]))[0]!;
  }

  /** Context registers go back when the CPU resumes, only if changed; system registers at once, only if changed. */
  writeRegisters(cpu: number | undefined, values: ReadonlyMap<string, bigint> | Readonly<Record<string, bigint>>): Promise<void> {
    const map = values instanceof Map ? values : new Map(Object.entries(values));
    return this.#gate.exclusive(async () => this.#file(await this.#stopped(cpu)).write(map));
  }

  // ---- memory ----

  /** Guest-virtual → physical through `cpu`'s translation (§10.3); before start, the image's map. */
  translate(cpu: number | undefined, va: bigint, write = false): Promise<bigint> {
    return this.#gate.exclusive(async () => (await this.#translator(cpu))(va, write));
  }

  /** Reads by virtual address; fewer bytes than asked when a later page faults. Breakpoints are invisible. */
  readMemory(cpu: number | undefined, va: bigint, length: number): Promise<Uint8Array> {
    return this.#gate.exclusive(async () => this.#memory.readVirtual(await this.#translator(cpu), va, length));
  }

  writeMemory(cpu: number | undefined, va: bigint, data: Uint8Array): Promise<void> {
    return this.#gate.exclusive(async () => this.#memory.writeVirtual(await this.#translator(cpu), va, data));
  }

  readPhysical(pa: bigint, length: number): Promise<Uint8Array> {
    return this.#gate.exclusive(async () => {
      await this.#memoryReady();
      return this.#memory.readPhysical(pa, length);
    });
  }

  writePhysical(pa: bigint, data: Uint8Array): Promise<void> {
    return this.#gate.exclusive(async () => {
      await this.#memoryReady();
      return this.#memory.writePhysical(pa, data);
    });
  }

  // ---- breakpoints ----

  /** Software: unlimited, also before start. Hardware: one of 5 DBGBCR slots on every CPU (§9.11). */
  insertBreakpoint(address: bigint, kind: BreakpointKind = 'software'): Promise<BreakpointInfo> {
    return this.#gate.exclusive(async () => {
      if (kind === 'software') return this.#bps.insertSoftware(address, await this.#translator(undefined), this.#memory, this.symbols, !this.#gate.trap);
      return this.#bps.insertHardware(await this.#stopped(undefined), address, this.symbols);
    });
  }

  removeBreakpoint(address: bigint, kind?: BreakpointKind): Promise<void> {
    return this.#gate.exclusive(async () => {
      const which = kind ?? this.#bps.kindAt(address);
      if (which === 'software') {
        await this.#memoryReady();
        return this.#bps.removeSoftware(address, this.#memory, !this.#gate.trap);
      }
      return this.#bps.removeHardware(await this.#stopped(undefined), address);
    });
  }

  /** DBGWCR slots on every CPU (§9.11), as many as the range takes (watchPieces); a hit's `dataAddress` is the FAR. */
  insertWatchpoint(spec: WatchpointSpec): Promise<WatchpointInfo> {
    return this.#gate.exclusive(async () => this.#bps.insertWatchpoint(await this.#stopped(undefined), spec));
  }

  removeWatchpoint(spec: Pick<WatchpointSpec, 'address'>): Promise<void> {
    return this.#gate.exclusive(async () => this.#bps.removeWatchpoint(await this.#stopped(undefined), spec.address));
  }

  breakpoints(): { readonly breakpoints: readonly BreakpointInfo[]; readonly watchpoints: readonly WatchpointInfo[] } {
    return { breakpoints: this.#bps.list(this.symbols), watchpoints: this.#bps.watchpoints };
  }

  // ---- symbols and frames ----

  /** Frames by frame pointer from `cpu`'s registers, with function names and file:line. */
  backtrace(cpu?: number, maxFrames = 64): Promise<Frame[]> {
    return this.#gate.exclusive(async () => {
      const s = await this.#stopped(cpu);
      const translate = await this.#translator(s.cpu);
      const ctx = s.ctx;
      return backtrace({ pc: ctx.elr, fp: ctx.reg(29), lr: ctx.reg(30), symbols: this.symbols, maxFrames, read: (va, n) => this.#memory.readVirtual(translate, va, n) });
    });
  }

  // ---- internals ----

  get #timeout(): number {
    return this.#options.stopTimeoutMs ?? 30_000;
  }

  async #decide(stop: StopEvent, s: TrapSession): Promise<StopInfo> {
    this.#regs.clear();
    if (!this.#stepKeepsMemory) this.#forgetMemory();
    this.#stepKeepsMemory = false;
    this.#bps.restoreLifted();
    const info = classifyStop({ ...stop, cpu: s.cpu }, this.#bps.watchpoints);
    this.#run.stopped(info);
    return info;
  }

  /** The stopped session on `cpu` (or the current CPU); see RunControl.trap. */
  #stopped(cpu: number | undefined): Promise<TrapSession> {
    if (cpu !== undefined) this.#descriptor(cpu);
    return this.#run.trap(cpu);
  }

  async #flush(s: TrapSession): Promise<void> {
    await this.#regs.get(s.cpu)?.flush();
  }

  #file(s: TrapSession): RegisterFile {
    const cpu = s.cpu;
    let f = this.#regs.get(cpu);
    if (!f) {
      f = new RegisterFile(cpu, () => s.ctx, this.#hv.sysregs, this.#simd);
      this.#regs.set(cpu, f);
    }
    return f;
  }

  /** Before start: the image's map, the proxy free; after: the stopped CPU's translation (cached per stop). */
  async #translator(cpu: number | undefined): Promise<Translator> {
    if (this.#run.state === 'not-started' && !this.#run.closed) {
      if (cpu !== undefined && cpu !== 0) throw new SessionError(SessionErrorCode.NO_CPU, `cpu${cpu} has not started`);
      return async (va) => imageAddress(this.#hv, va);
    }
    const s = await this.#stopped(cpu);
    return cpuTranslator(this.#hv.proxy, this.#tlb, s.cpu, () => this.#gate.trap === s && s.cpu === (cpu ?? s.cpu), (va) => this.#memory.mayBeIdentity(va));
  }

  async #memoryReady(): Promise<void> {
    if (this.#run.state === 'not-started' && !this.#run.closed) return; // the proxy is idle: physical access needs no session
    await this.#stopped(undefined);
  }

  #descriptor(cpu: number): CpuDescriptor {
    const d = this.cpuList.find((c) => c.index === cpu);
    if (!d) throw new SessionError(SessionErrorCode.NO_CPU, `no cpu${cpu} on this machine`, { hint: `CPUs: ${this.cpuList.map((c) => c.index).join(', ')}` });
    return d;
  }
}

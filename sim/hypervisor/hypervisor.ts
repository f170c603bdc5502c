// Layer: sim/hypervisor. m1n1's hypervisor on the virtual M1 (spec §9–§11): HV init, stage-2
// maps, guest start on the boot CPU and secondaries, the guest run loop, callback sessions,
// CPU pinning/switching/exit, time stealing, the vuart and IRQ tracing. Imports sim/machine,
// sim/hv (the self-contained pieces), sim/cpu and sim/firmware types.
//
// The guest runs in slices of deterministic scheduler rounds between which Node serves the
// transports. A trap the firmware handles itself (§9.5: MMIO emulation without the host, FIQ
// bookkeeping, the IPI registers) is handled inside the round and the core runs on; anything
// that needs the host parks the core and is handled after the round, with every other core
// stopped (m1n1's rendezvous), by a callback session on the proxy channel.

import type { Core } from '../cpu/index.ts';
import { Stage2Map } from '../hv/stage2-map.ts';
import { HvEvent, sessionOutcome, UNHANDLED_MESSAGE } from '../hv/exit-codes.ts';
import { StartReason } from '../../core/uartproxy/constants.ts';
import { readExcInfo, writeExcInfo } from '../hv/exc-info.ts';
import { TraceEventQueue } from '../hv/trace-events.ts';
import { IrqTraceState } from '../hv/irq-trace.ts';
import type { Vuart, VuartPipe } from '../hv/vuart.ts';
import { encodeVirtioInfo, type VirtioDevice, type VirtioNotification } from '../hv/virtio.ts';
import { mapVirtio, mapVuart, traceIrq, virtioPutBuffer, wdtStart } from './firmware-devices.ts';
import type { FirmwareServices } from '../firmware/op-table.ts';
import type { HvBackend } from '../firmware/ops/hv.ts';
import type { Machine, CoreOwner } from '../machine/machine.ts';
import { enterGuest, excInfoFor, restoreContext, resumeGuest, translateGuest } from './guest-cpu.ts';
import { stage2Hook, type HvStage2Hook } from './stage2-hook.ts';
import { handleGuestTrap, type ParkedExit } from './traps.ts';
import type { HvLayout } from './layout.ts';
import { emulateParked } from './data-abort.ts';

/** HCR_EL2 after P_HV_INIT: API | APK | TEA | E2H | RW | AMO | VM (§9.1). */
export const HV_INIT_HCR = 0x0000_0324_8000_0021n;
const GUEST_OWNERS: ReadonlySet<CoreOwner> = new Set(['guest', 'raw']);
/** Scheduler rounds per slice between visits to the event loop (each round: a quantum per core). */
const ROUNDS_PER_SLICE = 64;
/** The hypervisor tick: CNTFRQ / 1000 (§9.1, App. A), in counter ticks. */
const HV_TICK = 24_000n;
const MAX_CPUS = 24;
/** What P_HV_START records for the secondaries (m1n1's hv_secondary_info, §9.6). */
const SECONDARY_CONFIG = ['HCR_EL2', 'HACR_EL2', 'VTCR_EL2', 'VTTBR_EL2', 'MDCR_EL2', 'MDSCR_EL1', 'CNTHCTL_EL2', 'ACTLR_EL1'] as const;

export interface HypervisorDeps {
  readonly machine: Machine;
  readonly layout: HvLayout;
  readonly ramBase: bigint;
  readonly m1n1Base: bigint;
  readonly aic: { readonly base: bigint; readonly size: bigint; readonly maxIrq: number };
  /** Pipe 1 of the USB device behind a proxy iodev (USB0..7), undefined otherwise (§11 step 2). */
  readonly vuartPipe: (iodev: number) => VuartPipe | undefined;
  /** The AIC's software-triggered IRQ (the vuart's interrupt, §11). */
  readonly setSoftwareIrq: (irq: number, level: boolean) => void;
}

export class Hypervisor implements HvBackend {
  stage2: Stage2Map | undefined;
  readonly hooks: HvStage2Hook[];
  /** Per-CPU "guest queued a fast IPI to this CPU" and its virtual IPI_SR pending bit (§9.5). */
  readonly ipiQueued: boolean[];
  readonly ipiPending: boolean[];
  readonly irqTrace: IrqTraceState;
  vuart: Vuart | undefined;
  /** Emulated virtio-mmio devices by their firmware hook address (§12). */
  readonly virtio = new Map<bigint, VirtioDevice>();
  /** Notifications raised by the current trap, turned into VIRTIO sessions after it. */
  readonly virtioPending: VirtioNotification[] = [];
  /** Exits waiting for the host, in arrival order. */
  readonly pending: ParkedExit[] = [];
  readonly parked = new Set<number>();
  fw: FirmwareServices | undefined;
  traceQueue: TraceEventQueue | undefined;
  running = false;
  pinned = -1;
  switchTarget = -1;
  timeStealing = true;
  stolen = 0n;
  private exitAll = false;
  private readonly exitRequested = new Set<number>();
  wdtCpu = -1;
  /** Counter value of the next hypervisor tick (user-interrupt poll). */
  private nextTick = 0n;
  private secondaryConfig: ReadonlyArray<readonly [(typeof SECONDARY_CONFIG)[number], bigint]> = [];

  constructor(readonly deps: HypervisorDeps) {
    const m = deps.machine;
    this.hooks = m.cores.map((core) => stage2Hook(core, () => this.stage2));
    m.cores.forEach((core, i) => (core.stage2 = this.hooks[i]));
    this.ipiQueued = m.cores.map(() => false);
    this.ipiPending = m.cores.map(() => false);
    this.irqTrace = new IrqTraceState({ base: deps.aic.base, size: deps.aic.size, eventOffset: 0x2004n, maxIrq: deps.aic.maxIrq });
    m.setTrapHandler('guest', (core, syn) => handleGuestTrap(this, core, syn));
  }

  get machine(): Machine {
    return this.deps.machine;
  }

  /** Power-on: no hypervisor, no maps (the machine resets the cores). */
  reset(): void {
    this.stage2 = undefined;
    this.vuart = undefined;
    this.virtio.clear();
    this.virtioPending.length = 0;
    this.pending.length = 0;
    this.parked.clear();
    this.running = false;
    this.exitAll = false;
    this.exitRequested.clear();
    this.pinned = this.switchTarget = this.wdtCpu = -1;
    this.stolen = 0n;
    this.timeStealing = true;
    this.ipiQueued.fill(false);
    this.ipiPending.fill(false);
  }

  // ---- P_HV_INIT (§9.1) ----

  init(): void {
    const m = this.machine;
    for (let cpu = 1; cpu < m.cpuCount; cpu++) if (m.owner[cpu] === 'off') m.owner[cpu] = 'firmware';
    const paRange = Number(m.core(0).sysregs.get('ID_AA64MMFR0_EL1') & 0xfn);
    this.stage2 = new Stage2Map({
      memory: m.memory,
      arena: this.deps.layout.stage2Arena,
      paRange: Math.min(paRange, 6),
      ramBase: this.deps.ramBase,
      m1n1Base: this.deps.m1n1Base,
      log: (line) => this.fw?.console(`${line}\n`),
    });
    const boot = m.core(0);
    boot.sysregs.set('HCR_EL2', HV_INIT_HCR);
    boot.sysregs.set('VTTBR_EL2', this.stage2.top);
    boot.sysregs.set('VTCR_EL2', this.stage2.vtcr);
    boot.sysregs.set('VBAR_EL1', 0n); // VBAR_EL12 with E2H
    for (const core of m.cores) {
      core.recomputeRegimes();
      core.tlbFlushAll();
    }
  }

  requireStage2(): Stage2Map {
    if (!this.stage2) this.init();
    return this.stage2!;
  }

  /** P_HV_MAP: reply 0 whatever happened (§10.2, §15). The model flushes every core's TLB at once (m1n1 leaves it to the host's TLBI). */
  map(ipa: bigint, to: bigint, size: bigint, incr: bigint): void {
    this.requireStage2().map(ipa, to, size, incr);
    for (const core of this.machine.cores) core.tlbFlushAll();
  }

  /** P_HV_TRANSLATE(va, s1only, write, parPtr) on the CPU in the proxy (§10.3). */
  translate(va: bigint, s1Only: boolean, write: boolean, parPtr: bigint): bigint {
    const cpu = this.machine.proxyCpu;
    const core = this.machine.core(cpu);
    if ((core.sysregs.get('SCTLR_EL1') & 1n) === 0n) return va;
    const r = this.hooks[cpu]!.forGuest(() => translateGuest(core, va, s1Only, write));
    if (parPtr !== 0n) this.machine.memory.write(parPtr, 8, r ? r.par : 1n);
    return r ? r.addr | (va & 0xfffn) : 0n;
  }

  ptWalk(ipa: bigint): bigint {
    return this.requireStage2().walk(ipa);
  }

  mapVuart(fw: FirmwareServices, base: bigint, irq: number, iodev: number): void {
    mapVuart(this, fw, base, irq, iodev);
  }
  traceIrq(fw: FirmwareServices, type: number, num: number, count: number, flags: number): bigint {
    return traceIrq(this, fw, type, num, count, flags);
  }
  mapVirtio(fw: FirmwareServices, base: bigint, confPtr: bigint): void {
    mapVirtio(this, fw, base, confPtr);
  }
  virtioPutBuffer(base: bigint, queue: number, idx: number, length: number): void {
    virtioPutBuffer(this, base, queue, idx, length);
  }
  wdtStart(cpu: number): void {
    wdtStart(this, cpu);
  }

  pinCpu(cpu: number): void {
    this.pinned = cpu < 0 || cpu >= this.machine.cpuCount ? -1 : cpu;
  }

  // ---- P_HV_START / P_HV_START_SECONDARY (§9.1, §9.6) ----

  /** Runs the guest on the boot CPU until it exits the hypervisor; resolves then (the P_HV_START reply). */
  async start(fw: FirmwareServices, entry: bigint, args: readonly bigint[]): Promise<void> {
    this.requireStage2();
    this.fw = fw;
    this.traceQueue = new TraceEventQueue({ dataChecksumsDisabled: () => fw.dataChecksumsDisabled, channelOpen: () => true });
    const m = this.machine;
    const boot = m.core(0);
    // m1n1 takes the secondaries' hypervisor configuration here, once (§9.6): a later change on
    // the boot CPU does not reach CPUs started afterwards.
    this.secondaryConfig = SECONDARY_CONFIG.map((name) => [name, boot.sysregs.get(name)] as const);
    enterGuest(boot, entry, args);
    m.owner[0] = 'guest';
    this.running = true;
    this.exitAll = false;
    this.nextTick = 0n;
    m.backgroundPaused = true;
    try {
      await this.runLoop();
    } finally {
      this.running = false;
      m.backgroundPaused = false;
      for (let cpu = 0; cpu < m.cpuCount; cpu++) if (m.owner[cpu] === 'guest') m.owner[cpu] = 'firmware';
      this.parked.clear();
      this.pending.length = 0;
    }
    fw.console('HV: Exiting hypervisor (main CPU)\nHV: All CPUs exited\n');
  }

  startSecondary(cpu: number, entry: bigint, args: readonly bigint[]): void {
    const m = this.machine;
    if (cpu <= 0 || cpu >= m.cpuCount) return;
    const core = m.core(cpu);
    for (const [name, value] of this.secondaryConfig) core.sysregs.set(name, value);
    core.debug.rebuild(core.sysregs);
    core.recomputeRegimes();
    core.tlbFlushAll();
    enterGuest(core, entry, args);
    m.owner[cpu] = 'guest';
  }

  switchCpu(cpu: number): bigint {
    if (cpu < 0 || cpu >= MAX_CPUS || cpu >= this.machine.cpuCount || this.machine.owner[cpu] !== 'guest') return 0n;
    this.switchTarget = cpu;
    return 1n;
  }

  exitCpu(cpu: number): void {
    this.exitRequested.add(cpu < 0 ? this.machine.proxyCpu : cpu);
  }

  /** The interruptible CPU: the pinned one, or the boot CPU (§9.5). */
  get interruptibleCpu(): number {
    return this.pinned >= 0 ? this.pinned : 0;
  }

  // ---- the run loop ----

  private async runLoop(): Promise<void> {
    const m = this.machine;
    while (!this.exitAll) {
      // The hypervisor tick (1 kHz of guest time) on the interruptible CPU: any byte readable on
      // the proxy iodev is a user interrupt (§9.8), whatever other CPUs wait for.
      if (m.clock.now() >= this.nextTick) {
        this.nextTick = m.clock.now() + HV_TICK;
        const cpu = this.interruptibleCpu;
        if (this.fw!.canRead() > 0 && m.owner[cpu] === 'guest' && !this.parked.has(cpu)) {
          this.fw!.console('HV: User interrupt\n');
          this.park({ cpu, reason: StartReason.START_HV, code: HvEvent.USER_INTERRUPT, kind: 'event' }, m.core(cpu), true);
        }
      }
      for (let r = 0; r < ROUNDS_PER_SLICE && !this.exitReady() && m.clock.now() < this.nextTick; r++) {
        m.runRound(GUEST_OWNERS, (cpu) => !this.parked.has(cpu));
        if (this.traceQueue!.drainRequired) break;
      }
      this.flushTrace();
      this.vuart?.poll();
      while (this.pending.length > 0 && !this.exitAll) {
        const i = this.pinned >= 0 ? this.pending.findIndex((e) => e.cpu === this.pinned) : 0;
        if (i < 0) break;
        const [exit] = this.pending.splice(i, 1);
        await this.handleExit(exit!);
      }
      for (const cpu of this.exitRequested) {
        if (cpu !== 0 && m.owner[cpu] === 'guest' && !this.parked.has(cpu)) {
          m.owner[cpu] = 'firmware';
          this.exitRequested.delete(cpu);
        }
      }
      if (!GUEST_OWNERS.has(m.owner[0]!)) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** An exit can be reported now: any, or while a CPU is pinned only that CPU's (the others wait, §9.4 step 1). */
  private exitReady(): boolean {
    return this.pinned < 0 ? this.pending.length > 0 : this.pending.some((e) => e.cpu === this.pinned);
  }

  /** Stops `core` for the host. `notTrapped`: no exception entry happened (user interrupt, CPU switch): enter EL2 as an FIQ would. */
  park(exit: ParkedExit, core: Core, notTrapped = false): void {
    if (notTrapped) {
      core.sysregs.set('SPSR_EL2', BigInt(core.toSpsr()));
      core.sysregs.set('ELR_EL2', core.pc64);
      core.selectStack(2, 1);
      core.contextChanged();
    }
    this.parked.add(exit.cpu);
    core.waiting = 3;
    core.resync = true;
    this.pending.push(exit);
  }

  private async handleExit(exit: ParkedExit): Promise<void> {
    const core = this.machine.core(exit.cpu);
    if (exit.kind === 'virtio') {
      // One START_HV / VIRTIO session per new available entry (§12); ELR was advanced in the trap.
      const slot = this.deps.layout.virtioInfo + BigInt(exit.cpu) * 0x20n;
      for (const n of this.virtioPending.splice(0)) {
        const info = encodeVirtioInfo(n);
        this.machine.memory.writeBlock(slot, info, 0, info.length);
        if ((await this.session(exit.cpu, StartReason.START_HV, HvEvent.VIRTIO, slot)) === 'exit') return;
      }
      return this.unpark(exit.cpu, 0n);
    }
    if (exit.kind === 'dabort') {
      const result = await emulateParked(this, core, exit);
      if (result === 'exit') return;
      if (result !== 'forward') return this.unpark(exit.cpu, result === 'emulated' ? 4n : 0n);
    }
    const action = await this.session(exit.cpu, exit.reason, exit.code, 0n);
    if (action === 'resume') this.unpark(exit.cpu, 0n);
  }

  /** The switch target reports next: its queued exit, or a CPU_SWITCH session (§9.6). */
  private async runSwitch(): Promise<void> {
    const target = this.switchTarget;
    this.switchTarget = -1;
    const queued = this.pending.findIndex((e) => e.cpu === target);
    if (queued >= 0) {
      const [exit] = this.pending.splice(queued, 1);
      return this.handleExit(exit!);
    }
    // Parked but not queued: it waits in an outer session for this switch (§9.4 step 4) — it
    // runs another session now and resumes when that outer session returns.
    if (this.parked.has(target)) {
      await this.session(target, StartReason.START_HV, HvEvent.CPU_SWITCH, 0n);
      return;
    }
    const core = this.machine.core(target);
    this.park({ cpu: target, reason: StartReason.START_HV, code: HvEvent.CPU_SWITCH, kind: 'event' }, core, true);
    const [exit] = this.pending.splice(this.pending.length - 1, 1);
    await this.handleExit(exit!);
  }

  unpark(cpu: number, advance: bigint): void {
    const core = this.machine.core(cpu);
    this.parked.delete(cpu);
    core.waiting = 0;
    if (this.exitRequested.delete(cpu) && cpu !== 0) {
      this.machine.owner[cpu] = 'firmware';
      return;
    }
    resumeGuest(core, advance);
  }

  /**
   * One callback session for `cpu` (§9.4): exc_info written, REQ_BOOT, the host's requests served
   * on that CPU, then the exit code acted on. Returns 'resume' when the guest goes on.
   */
  async session(cpu: number, reason: number, code: number, extra: bigint): Promise<'resume' | 'exit'> {
    const m = this.machine;
    const fw = this.fw!;
    const core = m.core(cpu);
    const addr = this.deps.layout.excInfo + BigInt(cpu) * 0x200n;
    const info = excInfoFor(core, addr, extra, (va) => this.hooks[cpu]!.forGuest(() => translateGuest(core, va, false, false))?.addr ?? 0n);
    writeExcInfo(m.memory, addr, info);
    this.flushTrace();
    const previous = m.proxyCpu;
    m.proxyCpu = cpu;
    const t0 = m.clock.now();
    let exitCode: number;
    try {
      exitCode = await fw.runCallbackSession(reason, code, addr);
    } finally {
      m.proxyCpu = previous;
    }
    const outcome = sessionOutcome(exitCode);
    if (outcome.action === 'reboot') {
      fw.console(`${UNHANDLED_MESSAGE}\n`);
      return fw.reset({ cause: 'GUEST_EXCEPTION_UNHANDLED', message: `callback session ended with ${exitCode} (not HANDLED or EXIT_GUEST)` });
    }
    if (outcome.action === 'exit-guest') {
      this.parked.delete(cpu);
      core.waiting = 0;
      if (cpu === 0) this.exitAll = true;
      else m.owner[cpu] = 'firmware';
      return 'exit';
    }
    restoreContext(core, readExcInfo(m.memory, addr) ?? info);
    if (this.timeStealing) this.stealTime(m.clock.now() - t0);
    // A switch requested during the session: this CPU waits until the target's session is over (§9.4 step 4, §9.6).
    if (this.switchTarget >= 0 && this.switchTarget !== cpu) await this.runSwitch();
    return 'resume';
  }

  private stealTime(ticks: bigint): void {
    this.stolen += ticks;
    for (const core of this.machine.cores) core.timer.write('CNTVOFF_EL2', this.stolen);
  }

  addTime(ticks: bigint): void {
    this.stolen -= ticks;
    for (const core of this.machine.cores) core.timer.write('CNTVOFF_EL2', BigInt.asUintN(64, this.stolen));
  }

  setTimeStealing(enabled: boolean, reset: boolean): void {
    this.timeStealing = enabled;
    if (reset) this.addTime(this.stolen);
  }

  /** Queued trace events go out before anything else the firmware sends (same ring, §10.7). */
  flushTrace(): void {
    const q = this.traceQueue;
    if (q && q.pendingBytes > 0) this.fw!.writeRaw(q.take());
  }

  writeHcr(value: bigint): void {
    const core = this.machine.core(this.machine.proxyCpu);
    core.sysregs.set('HCR_EL2', value);
    core.recomputeRegimes();
    core.tlbFlushAll();
    core.contextChanged();
  }



}

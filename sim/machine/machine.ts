// Layer: sim/machine. The virtual Mac mini's hardware: one physical address space (8 GiB of
// DRAM, m1n1's RAM aliases, device MMIO), the CPU cores and their deterministic scheduling,
// the device timebase, and who owns each core at the moment (m1n1's proxy, a firmware call,
// the guest). Imports sim/cpu, sim/memory and this folder; the firmware model and the
// hypervisor build on it, devices plug in through `DeviceContext`-like services.
//
// Ownership matters because a trap to EL2 means different things: inside a firmware call it
// is m1n1's own exception handler (the exception guard, §5); while a guest runs it is the
// hypervisor's (§9). `Machine.onTrap` routes it by the core's current owner.

import { AddressSpace, M1_DRAM_BASE, MAC_MINI_8GB_RAM_SIZE, SparseRam, M1N1_RAM_ALIAS_BITS, type MmioDevice, type PhysicalMemory } from '../memory/index.ts';
import { Core, PhysicalBus, CodeCache, Scheduler, type Syndrome } from '../cpu/index.ts';
import type { ExecutorRegistry } from '../cpu/executor-registry.ts';
import { createExecutorRegistry } from '../cpu/executors/index.ts';
import { DeviceClock, type ScheduledEvent } from './device-clock.ts';

export const MAX_M1_CPUS = 8;

/**
 * Who drives a core now: held in reset; m1n1 (serving the proxy or in its spin loop); a
 * firmware call; the guest under the hypervisor; or raw EL2 code a PMGR start released.
 */
export type CoreOwner = 'off' | 'firmware' | 'call' | 'guest' | 'raw';

export type TrapHandler = (core: Core, syndrome: Syndrome) => void;

export interface MachineOptions {
  /** Cores present and able to start (1–8; M1: 4 Icestorm + 4 Firestorm). */
  readonly cpus?: number;
  /** Instructions each running core executes per scheduler round. */
  readonly quantum?: number;
  readonly log?: (line: string) => void;
}

export class Machine {
  readonly ram = new SparseRam({ base: M1_DRAM_BASE, sizeBytes: MAC_MINI_8GB_RAM_SIZE });
  /** The address space as the hardware decodes it. */
  readonly space = new AddressSpace();
  readonly codeCache = new CodeCache();
  /** The address space with every write reported to the code cache (aliases included): what the firmware and devices use. */
  readonly memory: PhysicalMemory;
  readonly executors: ExecutorRegistry;
  readonly cores: Core[];
  readonly owner: CoreOwner[];
  readonly scheduler: Scheduler;
  readonly clock: DeviceClock;
  readonly quantum: number;
  /** The CPU whose access the devices see (the running core, or the CPU serving the proxy). */
  currentCpu = 0;
  /** The CPU the proxy's requests refer to: the boot CPU, or the CPU in a hypervisor callback (§16.5). */
  proxyCpu = 0;
  /** Cores a PMGR stop request will stop at their next WFI/WFE (apple-devices §8.6). */
  readonly stopAtNextWait = new Set<number>();
  private readonly trapHandlers = new Map<CoreOwner, TrapHandler>();
  private backgroundActive = false;
  private idleTimer: NodeJS.Timeout | undefined;
  /** While true (the hypervisor's guest loop runs the raw cores itself) the background runner waits. */
  backgroundPaused = false;
  readonly log: (line: string) => void;

  constructor(options: MachineOptions = {}) {
    const n = options.cpus ?? MAX_M1_CPUS;
    if (!Number.isInteger(n) || n < 1 || n > MAX_M1_CPUS) throw new RangeError(`an M1 has 1 to ${MAX_M1_CPUS} CPUs, not ${n}`);
    this.log = options.log ?? (() => {});
    this.quantum = options.quantum ?? 1000;
    this.space.addRam(this.ram, 'DRAM');
    this.space.addRamAliases(this.ram);
    this.memory = watchWithAliases(this.space, this.codeCache);
    this.executors = createExecutorRegistry();
    const bus = new PhysicalBus(this.memory, [this.ram]);
    this.cores = Array.from({ length: n }, (_, cpu) => new Core({ cpu, bus, executors: this.executors, codeCache: this.codeCache }));
    for (const core of this.cores) core.onTrapToEl2 = (c, s) => this.onTrap(c, s);
    this.owner = this.cores.map((_, i) => (i === 0 ? 'firmware' : 'off'));
    this.scheduler = new Scheduler(this.cores, this.quantum);
    // The counter every core and device agrees on: the cores are level at round ends.
    this.clock = new DeviceClock(() => this.cores[0]!.timer.cntpct());
  }

  /** Power-on: CPU 0 in m1n1 at EL2, the others held in reset, lines low, no pending device events. */
  resetCores(): void {
    this.clock.clear();
    this.stopAtNextWait.clear();
    for (const core of this.cores) {
      this.owner[core.cpu] = core.cpu === 0 ? 'firmware' : 'off';
      core.waiting = 0;
      core.irqLine = false;
      core.fiqLine = false;
      core.ipiPending = false;
      core.contextChanged();
    }
    this.proxyCpu = 0;
    this.currentCpu = 0;
  }

  get cpuCount(): number {
    return this.cores.length;
  }

  core(cpu: number): Core {
    const c = this.cores[cpu];
    if (!c) throw new RangeError(`no CPU ${cpu} on this machine (${this.cores.length} CPUs)`);
    return c;
  }

  addDevice(base: bigint, size: bigint, device: MmioDevice, name: string): void {
    this.space.addMmio(base, size, device, name);
  }

  /** Installs the EL2 trap handler for cores owned by `owner` (the firmware guard, the hypervisor). */
  setTrapHandler(owner: CoreOwner, handler: TrapHandler): void {
    this.trapHandlers.set(owner, handler);
  }

  private onTrap(core: Core, syndrome: Syndrome): void {
    const handler = this.trapHandlers.get(this.owner[core.cpu]!);
    if (handler) handler(core, syndrome);
  }

  schedule(atTick: bigint, fn: () => void): ScheduledEvent {
    return this.clock.schedule(atTick, fn);
  }

  /**
   * While nothing runs the cores (m1n1 sits in its proxy loop) time still passes on a Mac: a
   * coprocessor answers, a GPIO input toggles. The idle clock moves every core's counter with
   * wall time (24 MHz) and runs the device events that fall due. It stands still while the
   * guest loop or the background runner drive the clock deterministically.
   */
  startIdleClock(ticksPerMs = 24_000): void {
    if (this.idleTimer) return;
    let last = performance.now();
    this.idleTimer = setInterval(() => {
      const now = performance.now();
      const ticks = Math.floor((now - last) * ticksPerMs);
      if (ticks <= 0) return;
      last = now;
      if (this.backgroundPaused || this.owner.includes('raw')) return;
      this.advanceIdle(ticks);
    }, 1);
    this.idleTimer.unref();
  }

  stopIdleClock(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Moves every core's clock `ticks` ahead, level, and runs the device events due. */
  advanceIdle(ticks: number): void {
    const target = Math.max(...this.cores.map((c) => c.icount)) + ticks * this.cores[0]!.instructionsPerTick;
    for (const core of this.cores) {
      core.icount = target;
      core.contextChanged();
    }
    this.scheduler.rounds = Math.ceil(target / this.quantum);
    this.clock.runDue();
  }

  /**
   * Runs cores that execute raw code outside m1n1 (released by a PMGR start, or the next stage
   * after P_VECTOR / P_KBOOT_BOOT) in the background, a slice at a time, until none is left.
   */
  kickBackground(): void {
    if (this.backgroundActive) return;
    this.backgroundActive = true;
    const raw: ReadonlySet<CoreOwner> = new Set(['raw']);
    const slice = (): void => {
      if (!this.owner.includes('raw')) {
        this.backgroundActive = false;
        return;
      }
      if (!this.backgroundPaused) for (let i = 0; i < 64; i++) this.runRound(raw);
      // Unreferenced: spinning cores alone do not keep the process alive (the channels do).
      setImmediate(slice).unref();
    };
    setImmediate(slice).unref();
  }

  /**
   * One deterministic round: every core owned by `owners` that can run executes up to a quantum;
   * the others are credited the time so all clocks stay level. Device events due by the round's
   * end run after it. `runnable(cpu)` lets the caller hold cores (a hypervisor exit).
   * Returns instructions executed.
   */
  runRound(owners: ReadonlySet<CoreOwner>, runnable: (cpu: number) => boolean = () => true): number {
    let total = 0;
    const roundEnd = (this.scheduler.rounds + 1) * this.quantum;
    for (const core of this.cores) {
      const cpu = core.cpu;
      if (owners.has(this.owner[cpu]!) && runnable(cpu)) {
        if (core.waiting !== 0 && core.wakeable()) core.wake();
        if (core.waiting === 0 && core.icount < roundEnd) {
          this.currentCpu = cpu;
          total += core.run(roundEnd - core.icount);
        }
        if (core.waiting !== 0 && this.stopAtNextWait.delete(cpu)) this.owner[cpu] = 'off';
      }
      if (core.icount < roundEnd) core.icount = roundEnd;
    }
    this.scheduler.rounds++;
    this.clock.runDue();
    return total;
  }
}

/**
 * The code cache must hear of every write to RAM that code may have been fetched from, under
 * any of m1n1's aliases: the host uploads a stub at its plain address and calls it through
 * REGION_RX_EL1 (§7.3), so the cached decode lives under the alias address.
 */
function watchWithAliases(space: AddressSpace, cache: CodeCache): PhysicalMemory {
  const aliasBits = M1N1_RAM_ALIAS_BITS.map(Number);
  const written = (addr: bigint, length: number): void => {
    const a = Number(addr);
    // Strip alias bits (they are above bit 40 and disjoint), then report the plain address and every alias of it.
    let plain = a;
    for (const bit of aliasBits) if (Math.floor(plain / bit) % 2 === 1) plain -= bit;
    cache.written(plain, length);
    if (plain + length > Number(M1_DRAM_BASE) && plain < Number(M1_DRAM_BASE + MAC_MINI_8GB_RAM_SIZE)) {
      for (const bit of aliasBits) cache.written(plain + bit, length);
    }
  };
  return {
    readBlock: (addr, into, offset, length) => space.readBlock(addr, into, offset, length),
    writeBlock(addr, from, offset, length) {
      written(addr, length);
      return space.writeBlock(addr, from, offset, length);
    },
    read: (addr, width) => space.read(addr, width),
    write(addr, width, value) {
      written(addr, width);
      return space.write(addr, width, value);
    },
    probe: (addr, length, write) => space.probe(addr, length, write),
    isRam: (addr, length) => space.isRam(addr, length),
  };
}

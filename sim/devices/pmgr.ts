// Layer: sim/devices. The PMGR as the virtual M1 needs it (apple-devices §8.2, §8.6, §9.4): the
// CPU-start block at reg[0] + 0x54000 and the device power-state (ps-regs) registers. Imports
// sim/devices, sim/memory (FAULT).
//
// CPU start (§8.2, §8.6): +0x8 + 4·c with bit k set releases core k of cluster c at its RVBAR
// (cpu-impl-reg +0x0, §8.3) through ctx.startCpu. Both known start sequences land here: m1n1's
// (+0x4 = 1 << (4·cluster+core), then +0x8 + 4·cluster = 1 << core, §8.4) and the corellium
// port's (its pmgr_start is +0x4: +0x4 = 1 << n, then +0x8/+0xc, §8.5). Model choices: the
// start works regardless of the +0x4 "core enabled" bits, which are only recorded (§8.6);
// starting a running core is logged and ignored; +0x0 asks ctx.stopCpu to stop each core whose
// bit is set (the core stops at its next WFI/WFE, §8.6); the four registers read back what was
// last written; start bits for cores that do not exist are logged and ignored.
//
// Power states (m1n1 pmgr.c, the ps-regs of §9.4): a register holds TARGET [3:0] and ACTUAL
// [7:4]; Apple's PMGR moves ACTUAL to TARGET, which m1n1 polls for. The model reaches every
// state at once: a write stores the value with ACTUAL := TARGET. Every other aligned 32-bit
// word of the window is such a register (the real ps-regs offsets are not in the sources,
// §10.7); a word never written reads `psResetValue` (model choice 0xff: TARGET = ACTUAL =
// ACTIVE 0xf, as iBoot leaves the devices the hypervisor host hooks, UART0 first).
// Access rules: aligned 32-bit accesses only; other widths fault.

import { FAULT, type Fault } from '../memory/physical-memory.ts';
import type { Device, DeviceContext } from './device.ts';
import { RegisterTable, withBits, bits } from './register-table.ts';
import type { CpuRunState } from './cpu-impl.ts';

/** j274 `/arm-io/pmgr` reg[0]; size model choice 0x80000 (§9.4). */
export const PMGR_BASE = 0x23b700000n;
export const PMGR_SIZE = 0x80000n;
/** §8.2: cpu_start_base = PMGR reg[0] + 0x54000 on T8103. */
export const PMGR_CPU_START_OFFSET = 0x54000;
/** The hypervisor traps 0x20 bytes there (§8.2). */
export const PMGR_CPU_START_SIZE = 0x20;
export const PMGR_CORES_PER_CLUSTER = 4;

export type PmgrStartRegName = 'CPU_STOP' | 'CPU_ENABLE' | 'CLUSTER_START';

/** Offsets relative to cpu_start_base (§8.2). CLUSTER_START[c] at +0x8 + 4·c. */
export const PMGR_START_REGS = new RegisterTable<PmgrStartRegName>([
  { name: 'CPU_STOP', offset: 0x0, access: 'RW' },
  { name: 'CPU_ENABLE', offset: 0x4, access: 'RW' },
  { name: 'CLUSTER_START', offset: 0x8, count: 6, access: 'RW' },
]);

/** Power-state register fields (m1n1 pmgr.c). */
export const PS_TARGET: readonly [number, number] = [3, 0];
export const PS_ACTUAL: readonly [number, number] = [7, 4];
export const PsState = { PWRGATE: 0x0, CLKGATE: 0x4, ACTIVE: 0xf } as const;

export interface PmgrOptions {
  name?: string;
  base?: bigint;
  size?: bigint;
  /** Reset vector of each logical CPU at the moment of release (cpu-impl-reg RVBAR, §8.6). */
  resetVector: (cpu: number) => bigint;
  runState: CpuRunState;
  psResetValue?: number;
}

export class Pmgr implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size: bigint;
  private readonly startRegs = new Uint32Array(PMGR_CPU_START_SIZE / 4);
  private readonly ps = new Map<number, number>();
  private readonly psResetValue: number;

  constructor(
    private readonly ctx: DeviceContext,
    private readonly options: PmgrOptions,
  ) {
    this.name = options.name ?? 'pmgr';
    this.base = options.base ?? PMGR_BASE;
    this.size = options.size ?? PMGR_SIZE;
    this.psResetValue = (options.psResetValue ?? 0xff) >>> 0;
  }

  /** The recorded +0x4 "core enabled" bits (§8.2). */
  get coreEnableBits(): number {
    return this.startRegs[1]!;
  }

  reset(): void {
    this.startRegs.fill(0);
    this.ps.clear();
    this.options.runState.reset();
  }

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const rel = offset - PMGR_CPU_START_OFFSET;
    if (rel >= 0 && rel < PMGR_CPU_START_SIZE) return this.startRegs[rel >>> 2]!;
    return this.ps.get(offset) ?? this.psResetValue;
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const v = value >>> 0;
    const rel = offset - PMGR_CPU_START_OFFSET;
    if (rel >= 0 && rel < PMGR_CPU_START_SIZE) {
      this.startRegs[rel >>> 2] = v;
      const reg = PMGR_START_REGS.lookup(rel);
      if (reg?.name === 'CPU_STOP') this.stop(v);
      else if (reg?.name === 'CLUSTER_START') this.start(reg.index, v);
      return;
    }
    this.ps.set(offset, withBits(v, PS_ACTUAL[0], PS_ACTUAL[1], bits(v, PS_TARGET[0], PS_TARGET[1])));
  }

  private cpuOf(cluster: number, core: number): number {
    const cpu = cluster * PMGR_CORES_PER_CLUSTER + core;
    return core < PMGR_CORES_PER_CLUSTER && cpu < this.ctx.cpuCount ? cpu : -1;
  }

  private start(cluster: number, v: number): void {
    for (let core = 0; core < 32; core++) {
      if (((v >>> core) & 1) === 0) continue;
      const cpu = this.cpuOf(cluster, core);
      if (cpu < 0) {
        this.ctx.log(`pmgr: start of cluster ${cluster} core ${core} ignored: no such core`);
        continue;
      }
      if (this.options.runState.isRunning(cpu)) {
        this.ctx.log(`pmgr: start of cpu${cpu} ignored: already running`);
        continue;
      }
      this.options.runState.setRunning(cpu, true);
      this.ctx.startCpu(cpu, this.options.resetVector(cpu));
    }
  }

  /** +0x0: bit 4·cluster + core asks that core to stop (§8.2, §8.4 step 7). */
  private stop(v: number): void {
    for (let i = 0; i < 32; i++) {
      if (((v >>> i) & 1) === 0) continue;
      const cpu = this.cpuOf(i >>> 2, i & 3);
      if (cpu < 0) continue;
      this.options.runState.setRunning(cpu, false);
      if (this.ctx.stopCpu) this.ctx.stopCpu(cpu);
      else this.ctx.log(`pmgr: stop of cpu${cpu} recorded; the machine cannot stop cores`);
    }
  }
}

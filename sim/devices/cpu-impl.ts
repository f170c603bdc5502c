// Layer: sim/devices. Per-core MMIO of the M1 CPU complex (apple-devices §8.1, §8.3): the
// implementation register block at cpu-impl-reg (RVBAR at +0x0, run status at +0x100) and the
// CoreSight lock-access page the corellium-era port writes 0xC5ACCE55 to. Also the shared
// record of which cores run, which PMGR start/stop writes update. Imports sim/devices, sim/memory.
//
// Model choices: the block is 0x10000 bytes (§9.5); other offsets in it are RAZ/WI; RVBAR keeps
// only [47:12] and LOCK [0] and ignores writes once locked (§8.3); status reads 0xff in [7:0]
// while the core runs, 0 otherwise (§8.3 only says "non-zero"); 8- and 16-bit accesses fault.
// The debug page is 0x1000 bytes with LAR at +0xfb0 and LSR at +0xfb4 (CoreSight layout).

import { FAULT, type Fault } from '../memory/physical-memory.ts';
import type { Device, DeviceContext } from './device.ts';

/** §8.1: logical CPU n is core n & 3 of cluster n >> 2. */
export function cpuCluster(cpu: number): number {
  return cpu >>> 2;
}
export function cpuCore(cpu: number): number {
  return cpu & 3;
}

/** §8.1: cpu-impl-reg base = 0x210050000 | cluster << 24 | core << 20 (die 0). */
export function cpuImplBase(cpu: number): bigint {
  return 0x2_1005_0000n | (BigInt(cpuCluster(cpu)) << 24n) | (BigInt(cpuCore(cpu)) << 20n);
}
export const CPU_IMPL_SIZE = 0x10000n;
/** §8.3: the corellium debug-unlock register is at base − 0x20000 + 0xfb0. */
export const CPU_DEBUG_OFFSET = -0x20000n;
export const CPU_DEBUG_SIZE = 0x1000n;
export const CORESIGHT_UNLOCK_KEY = 0xc5acce55;

/** RVBAR fields (§8.3). */
export const RVBAR_ADDR_MASK = 0x0000_ffff_ffff_f000n;
export const RVBAR_LOCK = 1n;

export const CpuImplReg = { RVBAR: 0x000, STATUS: 0x100 } as const;
export const CpuDebugReg = { LAR: 0xfb0, LSR: 0xfb4 } as const;

/** Which cores run: the context's answer when it has one, else this record (§8.6: CPU 0 runs from reset). */
export class CpuRunState {
  private readonly record: boolean[];

  constructor(private readonly ctx: DeviceContext) {
    this.record = Array.from({ length: ctx.cpuCount }, (_, i) => i === 0);
  }

  isRunning(cpu: number): boolean {
    return this.ctx.isCpuRunning ? this.ctx.isCpuRunning(cpu) : (this.record[cpu] ?? false);
  }

  setRunning(cpu: number, running: boolean): void {
    if (cpu >= 0 && cpu < this.record.length) this.record[cpu] = running;
  }

  reset(): void {
    for (let i = 0; i < this.record.length; i++) this.record[i] = i === 0;
  }
}

export class CpuImplRegs implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size = CPU_IMPL_SIZE;
  private rvbarValue = 0n;

  constructor(
    private readonly ctx: DeviceContext,
    readonly cpu: number,
    private readonly runState: CpuRunState,
  ) {
    this.name = `cpu${cpu}-impl`;
    this.base = cpuImplBase(cpu);
  }

  get rvbar(): bigint {
    return this.rvbarValue;
  }

  /** The reset vector a start releases the core at (§8.6: RVBAR & 0x0000fffffffff000). */
  get resetVector(): bigint {
    return this.rvbarValue & RVBAR_ADDR_MASK;
  }

  reset(): void {
    this.rvbarValue = 0n;
  }

  read64(offset: number): bigint | Fault {
    if ((offset & 7) !== 0) return FAULT;
    if (offset === CpuImplReg.RVBAR) return this.rvbarValue;
    if (offset === CpuImplReg.STATUS) return this.runState.isRunning(this.cpu) ? 0xffn : 0n;
    return 0n;
  }

  write64(offset: number, value: bigint): void | Fault {
    if ((offset & 7) !== 0) return FAULT;
    if (offset === CpuImplReg.RVBAR) this.writeRvbar(value);
  }

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    const v = this.read64(offset & ~7);
    if (v === FAULT) return v;
    return Number((offset & 4 ? v >> 32n : v) & 0xffff_ffffn);
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    if ((offset & ~7) !== CpuImplReg.RVBAR) return;
    const v = BigInt(value >>> 0);
    const old = this.rvbarValue;
    this.writeRvbar(offset & 4 ? (old & 0xffff_ffffn) | (v << 32n) : (old & ~0xffff_ffffn) | v);
  }

  private writeRvbar(value: bigint): void {
    if (this.rvbarValue & RVBAR_LOCK) {
      this.ctx.log(`cpu${this.cpu}: RVBAR is locked; write of 0x${value.toString(16)} ignored (apple-devices §8.3)`);
      return;
    }
    this.rvbarValue = value & (RVBAR_ADDR_MASK | RVBAR_LOCK);
  }
}

/** The CoreSight lock-access page below each core's block (§8.3 "corellium debug unlock"). */
export class CpuDebugLock implements Device {
  readonly name: string;
  readonly base: bigint;
  readonly size = CPU_DEBUG_SIZE;
  private locked = true;

  constructor(readonly cpu: number) {
    this.name = `cpu${cpu}-dbglock`;
    this.base = cpuImplBase(cpu) + CPU_DEBUG_OFFSET;
  }

  get unlocked(): boolean {
    return !this.locked;
  }

  reset(): void {
    this.locked = true;
  }

  read32(offset: number): number | Fault {
    if ((offset & 3) !== 0) return FAULT;
    // LSR: bit 0 = lock implemented, bit 1 = locked.
    if (offset === CpuDebugReg.LSR) return this.locked ? 0x3 : 0x1;
    return 0;
  }

  write32(offset: number, value: number): void | Fault {
    if ((offset & 3) !== 0) return FAULT;
    if (offset === CpuDebugReg.LAR) this.locked = value >>> 0 !== CORESIGHT_UNLOCK_KEY;
  }
}

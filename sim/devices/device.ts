// Layer: sim/devices. The contract between the virtual M1's device models and the machine that
// hosts them (issue 4). Imports only sim/memory (the MmioDevice shape).
//
// The machine implements DeviceContext; each device is an MmioDevice with a name and the MMIO
// window the j274 ADT gives it (apple-devices §9.4). Interrupt sources reach the AIC through
// `aic.setLine(irq, level)` (level-triggered lines, apple-devices §2.7).

import type { MmioDevice } from '../memory/address-space.ts';

export interface DeviceContext {
  /** The 24 MHz timebase in ticks (CNTPCT_EL0 as every core sees it). */
  now(): bigint;
  /** Logical number (0–7) of the CPU making the current MMIO access; 0 for the firmware/host. */
  currentCpu(): number;
  readonly cpuCount: number;
  /** AIC → the core's IRQ input (level). */
  setIrq(cpu: number, level: boolean): void;
  /** Also the FIQ input (level), for sources beyond the core's own timers and fast IPIs. */
  setFiq(cpu: number, level: boolean): void;
  /** PMGR CPU start: the core leaves reset at `rvbar` at EL2 as on hardware (m1n1) — see apple-devices §8. */
  startCpu(cpu: number, rvbar: bigint): void;
  /**
   * PMGR stop request (`cpu_start_base + 0x0`, apple-devices §8.2/§8.6): the core stops at its
   * next WFI/WFE (model choice of §8.6). Added to the issue-4 interface: without it the stop
   * register could only be recorded. Optional so a context that cannot stop cores still works.
   */
  stopCpu?(cpu: number): void;
  /**
   * Whether the core is running (started and not stopped), for the status register at
   * cpu-impl-reg + 0x100 (§8.3). Added to the issue-4 interface; when absent the devices use
   * their own record (CPU 0 runs from reset, PMGR start/stop writes change it).
   */
  isCpuRunning?(cpu: number): boolean;
  /** Calls `fn` once the timebase reaches `atTick` (deterministic; checked between scheduler rounds). */
  schedule(atTick: bigint, fn: () => void): { cancel(): void };
  log(line: string): void;
}

export interface Device extends MmioDevice {
  /** e.g. 'aic', 'gpio0'. */
  readonly name: string;
  /** Its MMIO window (from the ADT values, apple-devices §9). */
  readonly base: bigint;
  readonly size: bigint;
  reset?(): void;
}

/** A device's output interrupt line (level), e.g. `(l) => aic.setLine(605, l)`. */
export type IrqLine = (level: boolean) => void;

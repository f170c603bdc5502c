// Layer: sim/firmware/ops. What the CPU-bound op families need of the machine, as an interface
// (the machine implements it in sim/machine/cpu-backend.ts): the firmware model never imports
// the machine. Imports the guard type only.

import type { ExceptionGuard } from '../exception-guard.ts';

/** The level a call runs at (§6.2): EL2 for P_CALL, EL1/EL0, and Apple's GL1/GL2. */
export type CallLevel = 'el2' | 'el1' | 'el0' | 'gl2' | 'gl1';

export interface CpuBackend {
  readonly cpuCount: number;
  /** The CPU the proxy's requests refer to (the boot CPU, or the CPU in a hypervisor callback). */
  proxyCpu(): number;
  /** Runs the function at `addr` on `cpu` at `level` with x0.. = args; resolves with x0. */
  call(cpu: number, level: CallLevel, addr: bigint, args: readonly bigint[], guard: ExceptionGuard): Promise<bigint>;
  /** q0..q31 of `cpu`, 16 bytes each, little-endian (§7.4). */
  readSimd(cpu: number): Uint8Array;
  writeSimd(cpu: number, bytes: Uint8Array): void;
  /** Secondary CPUs in m1n1's spin loop (P_SMP_START_SECONDARIES), or stopped. */
  setSecondariesRunning(running: boolean): void;
  isAlive(cpu: number): boolean;
}

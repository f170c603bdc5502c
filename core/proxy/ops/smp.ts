// Layer: core/proxy. SMP ops, 0x500 (spec §6.7). Imports core/proxy only.
//
// CPU indices are m1n1's logical indices 0..23, checked locally. The *_SYNC ops and P_SMP_WAIT
// reply only when the secondary's function returns: `long` ops, no timeout by default.

import { cpuArg, regsArg, ret, type Regs3, type Regs4 } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withSmpOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class SmpOps extends Base {
    /** P_SMP_START_SECONDARIES: every secondary enters m1n1's spin loop. */
    async smpStartSecondaries(): Promise<void> {
      await this.request('P_SMP_START_SECONDARIES');
    }
    /** P_SMP_CALL(cpu, func, x0..x3): asynchronous; collect the result with smpWait. */
    async smpCall(cpu: number, func: bigint, ...regs: Regs4): Promise<void> {
      await this.request('P_SMP_CALL', [cpuArg(cpu, 'P_SMP_CALL'), func, ...regsArg(regs, 4, 'P_SMP_CALL')]);
    }
    /** P_SMP_CALL_SYNC(cpu, func, x0..x3): resolves with the function's x0. */
    async smpCallSync(cpu: number, func: bigint, ...regs: Regs4): Promise<bigint> {
      return this.request('P_SMP_CALL_SYNC', [cpuArg(cpu, 'P_SMP_CALL_SYNC'), func, ...regsArg(regs, 4, 'P_SMP_CALL_SYNC')]);
    }
    /** P_SMP_WAIT(cpu): waits for the last call on that CPU; resolves with its x0. */
    async smpWait(cpu: number): Promise<bigint> {
      return this.request('P_SMP_WAIT', [cpuArg(cpu, 'P_SMP_WAIT')]);
    }
    /** P_SMP_SET_WFE_MODE(enabled): secondaries wait with WFE instead of spinning. */
    async smpSetWfeMode(enabled: boolean): Promise<void> {
      await this.request('P_SMP_SET_WFE_MODE', [enabled]);
    }
    /** P_SMP_IS_ALIVE(cpu): whether the CPU runs m1n1's loop. */
    async smpIsAlive(cpu: number): Promise<boolean> {
      return ret.bool(await this.request('P_SMP_IS_ALIVE', [cpuArg(cpu, 'P_SMP_IS_ALIVE')]));
    }
    /** P_SMP_STOP_SECONDARIES(deepSleep). */
    async smpStopSecondaries(deepSleep = false): Promise<void> {
      await this.request('P_SMP_STOP_SECONDARIES', [deepSleep]);
    }
    /** P_SMP_CALL_EL1(cpu, func, x0..x2): asynchronous, at EL1. */
    async smpCallEl1(cpu: number, func: bigint, ...regs: Regs3): Promise<void> {
      await this.request('P_SMP_CALL_EL1', [cpuArg(cpu, 'P_SMP_CALL_EL1'), func, ...regsArg(regs, 3, 'P_SMP_CALL_EL1')]);
    }
    /** P_SMP_CALL_EL1_SYNC(cpu, func, x0..x2): at EL1; resolves with x0. */
    async smpCallEl1Sync(cpu: number, func: bigint, ...regs: Regs3): Promise<bigint> {
      return this.request('P_SMP_CALL_EL1_SYNC', [
        cpuArg(cpu, 'P_SMP_CALL_EL1_SYNC'),
        func,
        ...regsArg(regs, 3, 'P_SMP_CALL_EL1_SYNC'),
      ]);
    }
    /** P_SMP_CALL_EL0(cpu, func, x0..x2): asynchronous, at EL0. */
    async smpCallEl0(cpu: number, func: bigint, ...regs: Regs3): Promise<void> {
      await this.request('P_SMP_CALL_EL0', [cpuArg(cpu, 'P_SMP_CALL_EL0'), func, ...regsArg(regs, 3, 'P_SMP_CALL_EL0')]);
    }
    /** P_SMP_CALL_EL0_SYNC(cpu, func, x0..x2): at EL0; resolves with x0. */
    async smpCallEl0Sync(cpu: number, func: bigint, ...regs: Regs3): Promise<bigint> {
      return this.request('P_SMP_CALL_EL0_SYNC', [
        cpuArg(cpu, 'P_SMP_CALL_EL0_SYNC'),
        func,
        ...regsArg(regs, 3, 'P_SMP_CALL_EL0_SYNC'),
      ]);
    }
  };
}

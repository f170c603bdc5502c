// Layer: sim/machine. The machine as the devices see it (sim/devices DeviceContext): the
// timebase, the CPU making an access, interrupt inputs, and cores leaving reset. Imports
// sim/devices (types) and this folder.
//
// A core released by the PMGR starts at RVBAR at EL2 with the MMU off (apple-devices §8.6).
// If RVBAR still holds m1n1's own secondary entry (m1n1 writes it there at boot, §8.4 step 4),
// the core runs m1n1's spin loop: the firmware owns it and P_SMP_* can use it. Anything else
// is somebody's raw EL2 code, which the machine runs alongside the guest.

import type { DeviceContext } from '../devices/device.ts';
import type { ScheduledEvent } from './device-clock.ts';
import { enterLevel } from './core-context.ts';
import type { Machine } from './machine.ts';

const SPSR_DAIF = 0xf << 6;

/** The SoC's CPU count: the AIC's CPU interfaces and the cpu-impl blocks exist for all of them. */
const SOC_CPUS = 8;

/**
 * A machine built with fewer cores is a Mac mini whose missing cores never leave reset: their
 * registers answer, a PMGR start does nothing.
 */
export function deviceContext(machine: Machine, m1n1SecondaryEntry: bigint): DeviceContext {
  return {
    now: () => machine.clock.now(),
    currentCpu: () => machine.currentCpu,
    cpuCount: SOC_CPUS,
    setIrq: (cpu, level) => machine.cores[cpu]?.setIrq(level),
    setFiq: (cpu, level) => machine.cores[cpu]?.setFiq(level),
    startCpu: (cpu, rvbar) => {
      const core = machine.cores[cpu];
      if (!core || machine.owner[cpu] !== 'off') return;
      const pc = rvbar & 0x0000_ffff_ffff_f000n;
      if (pc === (m1n1SecondaryEntry & 0x0000_ffff_ffff_f000n)) {
        machine.owner[cpu] = 'firmware';
        machine.log(`CPU ${cpu} released by PMGR into m1n1's spin loop`);
        return;
      }
      core.sysregs.set('SCTLR_EL2', core.sysregs.get('SCTLR_EL2') & ~1n);
      core.recomputeRegimes();
      core.tlbFlushAll();
      enterLevel(core, 2, 1, Number(pc), SPSR_DAIF);
      machine.owner[cpu] = 'raw';
      machine.log(`CPU ${cpu} released by PMGR at 0x${pc.toString(16)} (EL2, MMU off)`);
      machine.kickBackground();
    },
    stopCpu: (cpu) => {
      const core = machine.cores[cpu];
      // Model choice (§8.6): the core stops at its next WFI/WFE; a core already waiting stops now.
      if (core && cpu !== 0 && core.waiting !== 0) machine.owner[cpu] = 'off';
      else if (core && cpu !== 0) machine.stopAtNextWait.add(cpu);
    },
    isCpuRunning: (cpu) => machine.owner[cpu] !== undefined && machine.owner[cpu] !== 'off',
    schedule: (atTick: bigint, fn: () => void): ScheduledEvent => machine.schedule(atTick, fn),
    log: (line) => machine.log(line),
  };
}

// Layer: sim/machine. The machine's side of the firmware's CPU ops (sim/firmware/ops/cpu-backend.ts):
// calls on the CPU model, SIMD state, secondaries in m1n1's spin loop. Imports sim/firmware
// (types), sim/cpu and this folder.

import type { CpuBackend, CallLevel } from '../firmware/ops/cpu-backend.ts';
import type { ExceptionGuard } from '../firmware/exception-guard.ts';
import { firmwareCall, type CallAreas } from './firmware-call.ts';
import type { Machine } from './machine.ts';

const SIMD_STATE_SIZE = 512;

export function machineCpuBackend(machine: Machine, areas: CallAreas): CpuBackend {
  return {
    cpuCount: machine.cpuCount,
    proxyCpu: () => machine.proxyCpu,
    call: (cpu: number, level: CallLevel, addr: bigint, args: readonly bigint[], guard: ExceptionGuard) =>
      firmwareCall(machine, areas, { guard }, { cpu, level, addr, args }),
    readSimd: (cpu) => machine.core(cpu).vb.slice(0, SIMD_STATE_SIZE),
    writeSimd: (cpu, bytes) => {
      machine.core(cpu).vb.set(bytes.subarray(0, SIMD_STATE_SIZE));
    },
    setSecondariesRunning: (running) => {
      for (let cpu = 1; cpu < machine.cpuCount; cpu++) {
        if (running ? machine.owner[cpu] === 'off' : machine.owner[cpu] === 'firmware') machine.owner[cpu] = running ? 'firmware' : 'off';
      }
    },
    isAlive: (cpu) => cpu < machine.cpuCount && machine.owner[cpu] !== 'off',
  };
}

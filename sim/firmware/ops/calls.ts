// Layer: sim/firmware/ops. Running code on the CPU serving the proxy (spec §6.2, §7.3):
// P_CALL at EL2, P_EL1_CALL, P_EL0_CALL, P_GL1_CALL, P_GL2_CALL, and the SIMD state of that CPU.
// Imports the op table types and the CPU backend interface.
//
// m1n1's hosts read and write system registers by uploading `[insn, ret]` and calling it, so
// this family must be exact: the call runs under the session guard (a fault recovers per §5
// inside the function and the call still returns), and the arguments are x0..x4 (P_CALL) or
// x0..x3 (the EL and GL calls).

import type { OpDef, OpFamily } from '../op-table.ts';
import type { CallLevel, CpuBackend } from './cpu-backend.ts';

const SIMD_STATE_SIZE = 512;

function callOp(name: OpDef['name'], level: CallLevel, argCount: number, cpu: CpuBackend): OpDef {
  return {
    name,
    handler: (a, ctx) => cpu.call(cpu.proxyCpu(), level, a[0]!, Array.from(a.subarray(1, 1 + argCount)), ctx.guard),
  };
}

export function callOps(cpu: CpuBackend): OpFamily {
  return {
    family: 'calls',
    ops: [
      callOp('P_CALL', 'el2', 5, cpu),
      callOp('P_EL1_CALL', 'el1', 4, cpu),
      callOp('P_EL0_CALL', 'el0', 4, cpu),
      callOp('P_GL1_CALL', 'gl1', 4, cpu),
      callOp('P_GL2_CALL', 'gl2', 4, cpu),
      {
        name: 'P_GET_SIMD_STATE',
        handler: (a, ctx) => {
          const bytes = cpu.readSimd(cpu.proxyCpu());
          if (!ctx.memory.writeBlock(a[0]!, bytes, 0, SIMD_STATE_SIZE)) ctx.guard.fault({ address: a[0]!, widthBytes: 8, write: true, during: 'P_GET_SIMD_STATE' });
          return 0n;
        },
      },
      {
        name: 'P_PUT_SIMD_STATE',
        handler: (a, ctx) => {
          const bytes = new Uint8Array(SIMD_STATE_SIZE);
          if (!ctx.memory.readBlock(a[0]!, bytes, 0, SIMD_STATE_SIZE)) {
            ctx.guard.fault({ address: a[0]!, widthBytes: 8, write: false, during: 'P_PUT_SIMD_STATE' });
            return 0n;
          }
          cpu.writeSimd(cpu.proxyCpu(), bytes);
          return 0n;
        },
      },
    ],
  };
}

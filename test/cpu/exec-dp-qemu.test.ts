// The integer data-processing executors against QEMU in lockstep: test/fixtures/a64/dp-edges.S
// (every pair of ten edge values through every dp class), dp-mix.S (a generator-driven loop) and
// dp-sweep.S (sweeps of shift amounts, bitfield immr/imms, extends and logical immediates)
// are built at test time and run under qemu-aarch64 and in the model, every register and NZCV
// compared after every instruction. The model runs the dp executors plus branch-sys (MRS/MSR
// NZCV, B.cond, SVC) and the bootstrap stand-ins, so no other group is involved.
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { ExecutorRegistry } from '../../sim/cpu/executor-registry.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { BRANCH_SYS_EXECUTORS } from '../../sim/cpu/executors/branch-sys.ts';
import { DP_IMM_EXECUTORS } from '../../sim/cpu/executors/dp-imm.ts';
import { DP_REG_EXECUTORS } from '../../sim/cpu/executors/dp-reg.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC } from '../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../a64/qemu/qemu-runner.ts';
import { buildAsm } from './lockstep/build.ts';
import { lockstep, summary } from './lockstep/driver.ts';

const lockstepTest = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);

const executors = () =>
  new ExecutorRegistry(defaultDecoder()).register([...DP_IMM_EXECUTORS, ...DP_REG_EXECUTORS, ...BRANCH_SYS_EXECUTORS, ...ALL_EXECUTORS]);

// Steps to the exit, counted from the fixtures' structure: 40 loads, 100 pairs × 74, 10 values × 55, 3 to exit.
const EDGES_STEPS = 40 + 100 * 74 + 10 * 55 + 3;

lockstepTest('dp-edges.S: every instruction matches qemu-aarch64', async (t) => {
  const result = await lockstep(buildAsm('dp-edges'), { executors: executors(), compareVectors: false });
  t.log(summary(result));
  t.is(result.divergences.length, 0, result.divergences[0]?.report);
  t.is(result.end, 'exit');
  t.is(result.exitCode, 0);
  t.is(result.compared, EDGES_STEPS);
});

lockstepTest('dp-mix.S: 300 generator rounds match qemu-aarch64 instruction by instruction', async (t) => {
  const result = await lockstep(buildAsm('dp-mix'), { executors: executors(), compareVectors: false });
  t.log(summary(result));
  t.is(result.divergences.length, 0, result.divergences[0]?.report);
  t.is(result.end, 'exit');
  t.is(result.exitCode, 0);
  // 6 set-up instructions, 300 rounds of 62, 3 to exit.
  t.is(result.compared, 6 + 300 * 62 + 3);
});

lockstepTest('dp-sweep.S: every shift amount, bitfield grid, extend and logical immediate matches qemu-aarch64', async (t) => {
  const result = await lockstep(buildAsm('dp-sweep'), { executors: executors(), compareVectors: false });
  t.log(summary(result));
  t.is(result.divergences.length, 0, result.divergences[0]?.report);
  t.is(result.end, 'exit');
  t.is(result.exitCode, 0);
  // 12 loads, 64 × 7 + 32 × 6 shifted, 64 × 4 + 36 × 4 bitfield, 40 × 4 extended, (16 + 11) × 4 logical, 3 to exit.
  t.is(result.compared, 12 + 64 * 7 + 32 * 6 + 64 * 4 + 36 * 4 + 40 * 4 + 27 * 4 + 3);
});

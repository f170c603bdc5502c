// The scalar FP and SIMD copy/move executors against QEMU in lockstep: the fixtures
// test/fixtures/a64/fp-*.S are built at test time and run under qemu-aarch64 and in the model,
// every register, NZCV, V0–V31, FPSR and FPCR compared after every instruction (each FP
// instruction follows `msr fpsr, xzr`, so its own flags are compared). The model runs the
// scalar FP executors plus dp-imm (MOVZ/MOVK), branch-sys (MSR FPCR/FPSR, SVC) and the bootstrap
// stand-ins, so no other group is involved.
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { ExecutorRegistry } from '../../sim/cpu/executor-registry.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { BRANCH_SYS_EXECUTORS } from '../../sim/cpu/executors/branch-sys.ts';
import { DP_IMM_EXECUTORS } from '../../sim/cpu/executors/dp-imm.ts';
import { SIMD_FP_SCALAR_EXECUTORS } from '../../sim/cpu/executors/simd-fp-scalar.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC } from '../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../a64/qemu/qemu-runner.ts';
import { buildAsm } from './lockstep/build.ts';
import { lockstep, summary } from './lockstep/driver.ts';

const lockstepTest = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);

const executors = () =>
  new ExecutorRegistry(defaultDecoder()).register([...SIMD_FP_SCALAR_EXECUTORS, ...DP_IMM_EXECUTORS, ...BRANCH_SYS_EXECUTORS, ...ALL_EXECUTORS]);

// Steps per fixture, counted from its structure (fp-macros.h): the loads, `pairs` (84 pairs ×
// 23 steps), `pairs2` (42 × 13), `pairs3` (56 × 10, once per further FPCR setting), FPCR
// set-ups of 2 each and 3 to exit.
const ARITH = 84 * 23 + 42 * 13 + 56 * 10 + 2 * 2 + 3;
const PAIRS3 = 56 * 10 + 2;

const FIXTURES: ReadonlyArray<[string, number]> = [
  ['fp-arith-d', 14 * 5 + ARITH + PAIRS3],
  ['fp-arith-s', 14 * 3 + ARITH + PAIRS3],
  ['fp-arith-h', 14 * 2 + ARITH],
  // Straight-line too: every instruction of the assembled program runs once.
  ['fp-convert', 4575],
  ['fp-move', 307],
];

for (const [name, steps] of FIXTURES) {
  lockstepTest(`${name}.S: every instruction matches qemu-aarch64, FPSR included`, async (t) => {
    const result = await lockstep(buildAsm(name), { executors: executors() });
    t.log(summary(result));
    t.is(result.divergences.length, 0, result.divergences[0]?.report);
    t.is(result.end, 'exit');
    t.is(result.compared, steps);
  });
}

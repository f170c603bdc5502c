// The ldst executors against QEMU in lockstep: each test/fixtures/a64/ldst-*.S is built at test
// time and run under qemu-aarch64 and in the model (test/cpu/lockstep), every register (x, sp,
// pc, NZCV, v0-v31, FPSR, FPCR) compared after every instruction. Every fixture ends by
// reloading what it stored, so memory is compared through the registers. The model runs the
// ldst executors and the bootstrap ones only, so no other group is needed.
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { ExecutorRegistry } from '../../sim/cpu/executor-registry.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { LDST_EXECUTORS } from '../../sim/cpu/executors/ldst.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC } from '../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../a64/qemu/qemu-runner.ts';
import { buildAsm } from './lockstep/build.ts';
import { lockstep, summary } from './lockstep/driver.ts';

const lockstepTest = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);

/** Fixture, and the fewest instructions it compares (its straight-line length, counted from the listing). */
const FIXTURES: ReadonlyArray<readonly [string, number]> = [
  ['ldst-single', 200],
  ['ldst-pair-simd', 390],
  ['ldst-atomic', 300],
];

for (const [name, atLeast] of FIXTURES) {
  lockstepTest(`${name}.S: every instruction matches qemu-aarch64`, async (t) => {
    const executors = new ExecutorRegistry(defaultDecoder()).register([...LDST_EXECUTORS, ...ALL_EXECUTORS]);
    const result = await lockstep(buildAsm(name), { executors, compareVectors: true });
    t.log(summary(result));
    t.is(result.divergences.length, 0, result.divergences[0]?.report);
    t.is(result.end, 'exit');
    t.is(result.exitCode, 0);
    t.true(result.compared >= atLeast, `${result.compared} compared`);
  });
}

// Every hand-written assembly program in test/fixtures/a64/*.S (one per instruction class,
// written with the executors: flags edge cases, overflow, shifts, exclusives, SIMD…), built
// with -nostdlib -static and run in lockstep with qemu-aarch64 from `_start` to its exit.
import test from 'ava';
import { testWithTool } from '../../helpers/external-tool.ts';
import { GCC } from '../../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../../a64/qemu/qemu-runner.ts';
import { asmFixtures, buildAsm } from './build.ts';
import { lockstep, summary, type LockstepResult } from './driver.ts';

const withTools = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);
const results: LockstepResult[] = [];
const names = asmFixtures();

test('there are assembly programs to run', (t) => {
  t.true(names.length > 0, 'no test/fixtures/a64/*.S');
});

for (const name of names) {
  withTools(`${name}.S runs to its exit with every register equal to qemu's after every instruction`, async (t) => {
    t.timeout(180_000);
    const r = await lockstep(buildAsm(name));
    results.push(r);
    t.log(summary(r));
    t.deepEqual(r.divergences.map((d) => d.report), []);
    t.is(r.end, 'exit');
  });
}

test.after.always('totals', (t) => {
  const compared = results.reduce((n, r) => n + r.compared, 0);
  const diverged = results.reduce((n, r) => n + r.divergences.length, 0);
  t.log(`assembly programs: ${compared} instructions compared with qemu, ${diverged} divergence(s), ${results.length} program(s)`);
});

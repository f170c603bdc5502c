// The CPU model against qemu-aarch64 on real compiled C programs (static glibc: its start-up,
// malloc, qsort and optimised string routines come along), one instruction at a time from the
// entry point to exit, every register compared after every instruction. The sizes keep the CI
// run short; LOCKSTEP_LONG=1 runs the same programs long enough for more than a million
// instructions in total (several minutes). Each test logs what it compared.
import test from 'ava';
import { testWithTool } from '../../helpers/external-tool.ts';
import { GCC } from '../../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../../a64/qemu/qemu-runner.ts';
import { buildC } from './build.ts';
import { GLIBC_CPU, lockstep, summary, type LockstepResult } from './driver.ts';

const withTools = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);
const LONG = process.env.LOCKSTEP_LONG === '1';

interface Program {
  readonly name: string;
  readonly what: string;
  readonly libs?: readonly string[];
  /** Arguments for CI and for LOCKSTEP_LONG=1. */
  readonly args: readonly string[];
  readonly longArgs: readonly string[];
  /** What the program exits with when it worked (worked out from its source). */
  readonly status: number;
}

const PROGRAMS: readonly Program[] = [
  // (sum of i*3-20 for i < 64) + (long)mean of ((i*3-20)/2)^2 = 4768 + 2155, & 0x7f.
  { name: 'lockstep-sum', what: 'an integer sum and a few doubles', args: [], longArgs: [], status: (4768 + 2155) & 0x7f },
  { name: 'lockstep-checksum', what: 'Adler-32, CRC-32, FNV-1a and bit tricks over 64 bytes (long: 2048)', args: ['64'], longArgs: ['2048'], status: 0 },
  { name: 'lockstep-qsort', what: 'a quicksort and glibc qsort of 40 ints (long: 1000)', args: ['40'], longArgs: ['1000'], status: 0 },
  { name: 'lockstep-string', what: 'glibc memcpy/memmove/memset/memcmp/strlen/strchr/strcmp up to 16 bytes (long: 64, every alignment)', args: ['16', '15'], longArgs: ['64', '3'], status: 0 },
  { name: 'lockstep-double', what: 'double and float arithmetic, sqrt, conversions, NaN/Inf/subnormals over 16 values (long: 3 rounds of 512)', libs: ['-lm'], args: ['1', '16'], longArgs: ['3', '512'], status: 0 },
];

const results: LockstepResult[] = [];

for (const p of PROGRAMS) {
  withTools(`${p.name} (${p.what}) runs to its exit with every register equal to qemu's after every instruction`, async (t) => {
    t.timeout(LONG ? 60 * 60_000 : 180_000);
    const r = await lockstep(buildC(p.name, p.libs), { args: LONG ? p.longArgs : p.args, cpu: GLIBC_CPU });
    results.push(r);
    t.log(summary(r));
    t.deepEqual(r.divergences.map((d) => d.report), []);
    t.is(r.end, 'exit');
    t.is(r.exitCode, p.status, 'the program found a wrong result (under qemu as in the model)');
    t.deepEqual(r.unknownSyscalls, []);
  });
}

test.after.always('totals', (t) => {
  const compared = results.reduce((n, r) => n + r.compared, 0);
  const diverged = results.reduce((n, r) => n + r.divergences.length, 0);
  t.log(`C programs${LONG ? ' (LOCKSTEP_LONG)' : ''}: ${compared} instructions compared with qemu, ${diverged} divergence(s), ${results.length} program(s)`);
});

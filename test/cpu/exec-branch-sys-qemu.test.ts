// The branch-sys executors against QEMU in lockstep: test/fixtures/a64/branch-sys-basic.S
// (every condition under every NZCV, CBZ/TBZ on both views, BL/BLR/BR/RET, hints, barriers,
// PSTATE and system-register moves, DC ZVA and cache maintenance) is built at test time and run
// under qemu-aarch64 and in the model, every register compared after every instruction.
// The model runs only the bootstrap executors and these (no other group is needed).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { ExecutorRegistry } from '../../sim/cpu/executor-registry.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { BRANCH_SYS_EXECUTORS } from '../../sim/cpu/executors/branch-sys.ts';
import { testWithTool, which } from '../helpers/external-tool.ts';
import { FIXTURES, GCC } from '../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../a64/qemu/qemu-runner.ts';
import { lockstep, summary } from './lockstep/driver.ts';

const lockstepTest = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);

function buildAsm(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-branch-sys-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, name);
  execFileSync(which(GCC.names)!, ['-nostdlib', '-static', '-o', out, join(FIXTURES, `${name}.S`)], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

lockstepTest('branch-sys-basic.S: every instruction matches qemu-aarch64', async (t) => {
  const executors = new ExecutorRegistry(defaultDecoder()).register([...BRANCH_SYS_EXECUTORS, ...ALL_EXECUTORS]);
  const result = await lockstep(buildAsm('branch-sys-basic'), { executors, compareVectors: true });
  t.log(summary(result));
  t.is(result.divergences.length, 0, result.divergences[0]?.report);
  t.is(result.end, 'exit');
  t.is(result.exitCode, 0);
  // 16 × 16 conditional branches, 50 compare/test branches and the rest: 630 steps to the exit.
  t.true(result.compared >= 600);
});

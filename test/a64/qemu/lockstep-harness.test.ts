// The QEMU side of the lockstep tests, on its own: lockstep-sum.c built static by gcc, run
// under qemu-aarch64's gdb stub through QemuRunner, one instruction at a time to its exit.
import { readFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { ElfFile } from '../../../core/formats/elf/index.ts';
import { testWithTool } from '../../helpers/external-tool.ts';
import { buildFixture, GCC } from '../../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE, QemuExitedError, QemuRunner, type QemuRunnerOptions, type RegisterSnapshot } from './qemu-runner.ts';

const withQemu = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);
const STEP_LIMIT = 10_000;
const SVC_0 = 0xd4000001;
/** What lockstep-sum.c exits with: (sum + (long)mean_square) & 0x7f, worked out by hand from its source. */
const EXPECTED_STATUS = (4768 + 2155) & 0x7f;

const program = () => buildFixture('lockstep-sum', ['-O2', '-static']);

async function start(t: ExecutionContext, options: Partial<QemuRunnerOptions> = {}): Promise<QemuRunner> {
  const runner = await QemuRunner.start({ program: program(), ...options });
  t.teardown(() => runner.close());
  return runner;
}

interface Run {
  snapshots: RegisterSnapshot[];
  /** Registers before the step that ended the program, and the word that step executed. */
  last: RegisterSnapshot;
  lastWord: number | undefined;
  end: QemuExitedError | undefined;
  atomicSequences: number;
}

async function runToExit(t: ExecutionContext): Promise<Run> {
  const runner = await start(t);
  const snapshots = [await runner.snapshot()];
  let end: QemuExitedError | undefined;
  let atomicSequences = 0;
  while (snapshots.length <= STEP_LIMIT) {
    try {
      snapshots.push(await runner.step());
      if (runner.lastStep?.kind === 'atomic-sequence') atomicSequences++;
    } catch (err) {
      if (!(err instanceof QemuExitedError)) throw err;
      end = err;
      break;
    }
  }
  return { snapshots, last: snapshots[snapshots.length - 1]!, lastWord: runner.lastWord, end, atomicSequences };
}

withQemu('a static gcc program steps from its entry to its exit syscall within 10,000 steps, never leaving .text, the same way twice', async (t) => {
  const elf = ElfFile.parse(readFileSync(program()));
  const [text] = elf.codeSegments;
  const [a, b] = await Promise.all([runToExit(t), runToExit(t)]);
  t.log(`${a.snapshots.length - 1} steps to exit, ${a.atomicSequences} exclusive sequences run whole`);
  t.is(a.snapshots[0]!.pc, elf.entry);
  const outside = a.snapshots.filter((s) => s.pc < text!.vaddr || s.pc >= text!.vaddr + text!.filesz);
  t.deepEqual(outside.map((s) => `0x${s.pc.toString(16)}`), []);
  // The program ends by exit_group (94) or exit (93): `svc #0` with x8 = the syscall number.
  t.truthy(a.end, `still running after ${STEP_LIMIT} steps`);
  t.is(a.lastWord, SVC_0);
  t.true(a.last.x[8] === 94n || a.last.x[8] === 93n, `x8 = ${a.last.x[8]}`);
  t.deepEqual(a.end?.stop.kind === 'exited' && a.end.stop.code, EXPECTED_STATUS);
  // Deterministic: the second run saw exactly the same registers at every step.
  t.is(b.snapshots.length, a.snapshots.length);
  const firstDiff = a.snapshots.findIndex((s, i) => !same(s, b.snapshots[i]));
  t.is(firstDiff, -1, `runs differ first at step ${firstDiff}`);
});

withQemu('a breakpoint on sum() stops with its arguments; memory reads show the array main filled', async (t) => {
  const elf = ElfFile.parse(readFileSync(program()));
  const runner = await start(t);
  const sum = elf.requireSymbol('sum').value;
  await runner.insertBreakpoint(sum);
  const at = await runner.continue();
  await runner.removeBreakpoint(sum);
  t.is(at.pc, sum);
  t.is(at.x[0], elf.requireSymbol('values').value);
  t.is(at.x[1], 64n);
  const bytes = await runner.readMemory(at.x[0]!, 24);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  t.deepEqual([0, 8, 16].map((o) => view.getBigInt64(o, true)), [-20n, -17n, -14n]); // i * 3 - 20
});

withQemu("reading v0-v31/fpsr/fpcr only after FP-class instructions gives what reading them every step gives", async (t) => {
  const elf = ElfFile.parse(readFileSync(program()));
  const target = elf.requireSymbol('mean_square');
  const trace = async (vectors: QemuRunnerOptions['vectors']) => {
    const runner = await start(t, { vectors });
    await runner.insertBreakpoint(target.value);
    const out = [await runner.continue()];
    await runner.removeBreakpoint(target.value);
    for (let i = 0; i < 150; i++) out.push(await runner.step());
    return out;
  };
  const [every, afterFp] = await Promise.all([trace('every-step'), trace('after-fp')]);
  t.true(every.some((s, i) => i > 0 && !s.v.every((v, n) => Buffer.from(v).equals(Buffer.from(every[0]!.v[n]!)))), 'mean_square changed no vector register');
  const firstDiff = every.findIndex((s, i) => !same(s, afterFp[i]));
  t.is(firstDiff, -1, `differ first at step ${firstDiff}`);
});

function same(a: RegisterSnapshot, b: RegisterSnapshot | undefined): boolean {
  if (!b || a.pc !== b.pc || a.sp !== b.sp || a.nzcv !== b.nzcv || a.fpsr !== b.fpsr || a.fpcr !== b.fpcr) return false;
  return a.x.every((v, i) => v === b.x[i]) && a.v.every((v, i) => Buffer.from(v).equals(Buffer.from(b.v[i]!)));
}

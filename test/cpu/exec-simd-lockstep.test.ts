// Whole-program lockstep (test/cpu/lockstep/) of simd-loops.c — loops gcc vectorises and
// glibc's SIMD string routines, static glibc start-up included — against QEMU, every register
// (V registers, FPSR, FPCR too) after every instruction. The model runs every executor group,
// and no instruction may diverge; the test also reports how often the Advanced SIMD arithmetic
// rows ran, so a change of compiler that stops exercising them shows.
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC } from '../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../a64/qemu/qemu-runner.ts';
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { SIMD_FP_VECTOR_EXECUTORS } from '../../sim/cpu/executors/simd-fp-vector.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { ExecutorRegistry, type Predecoded } from '../../sim/cpu/executor-registry.ts';
import { buildC } from './lockstep/build.ts';
import { GLIBC_CPU, lockstep, summary } from './lockstep/driver.ts';

const withQemu = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);
const OURS = new Set(SIMD_FP_VECTOR_EXECUTORS.map((d) => d.id));

/** The full registry, counting the executions of our rows (by id) on the way. */
class CountingRegistry extends ExecutorRegistry {
  readonly counts = new Map<string, number>();
  override predecode(word: number): Predecoded {
    const p = super.predecode(word);
    if (OURS.has(p.id)) {
      const inner = p.exec;
      const counts = this.counts;
      counts.set(p.id, counts.get(p.id) ?? 0);
      p.exec = (core, rec) => {
        counts.set(rec.id, counts.get(rec.id)! + 1);
        return inner(core, rec);
      };
    }
    return p;
  }
}

for (const opt of ['-O2', '-O3'] as const) {
  withQemu(`simd-loops.c ${opt}: every instruction matches QEMU, the Advanced SIMD arithmetic rows exercised`, async (t) => {
    t.timeout(900_000);
    const executors = new CountingRegistry(defaultDecoder()).register(ALL_EXECUTORS);
    const result = await lockstep(buildC('simd-loops', [opt]), { executors, cpu: GLIBC_CPU, onDivergence: () => 'continue' });
    t.log(summary(result));
    const ran = [...executors.counts].filter(([, n]) => n > 0);
    t.log(`Advanced SIMD arithmetic: ${ran.reduce((s, [, n]) => s + n, 0)} executions of ${ran.length} rows: ${ran.map(([id, n]) => `${id}×${n}`).join(' ')}`);
    for (const d of result.divergences.slice(0, 10)) t.log(d.report);
    t.true(result.compared > 1000);
    t.true(ran.length > 5, 'the program exercises the Advanced SIMD arithmetic rows');
    t.deepEqual(result.divergences.map((d) => d.disassembly), []);
  });
}

// Whole-program lockstep (test/cpu/lockstep/) of simd-loops.c — loops gcc vectorises and
// glibc's SIMD string routines, static glibc start-up included — against QEMU, every register
// (V registers, FPSR, FPCR too) after every instruction. The model runs every executor group;
// this test holds the Advanced SIMD arithmetic rows to zero divergences and reports the others.
import { testWithTool } from '../helpers/external-tool.ts';
import { GCC } from '../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE } from '../a64/qemu/qemu-runner.ts';
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { SIMD_FP_VECTOR_EXECUTORS } from '../../sim/cpu/executors/simd-fp-vector.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { ExecutorRegistry, type Predecoded } from '../../sim/cpu/executor-registry.ts';
import { buildC } from './lockstep/build.ts';
import { lockstep, summary, type Divergence } from './lockstep/driver.ts';

const withQemu = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);
const OURS = new Set(SIMD_FP_VECTOR_EXECUTORS.map((d) => d.id));
const ours = (d: Divergence) => OURS.has(defaultDecoder().decode(d.word)?.spec.id ?? '');

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
  withQemu(`simd-loops.c ${opt}: no divergence from QEMU at an Advanced SIMD arithmetic instruction`, async (t) => {
    t.timeout(900_000);
    const executors = new CountingRegistry(defaultDecoder()).register(ALL_EXECUTORS);
    const result = await lockstep(buildC('simd-loops', [opt]), { executors, onDivergence: () => 'continue' });
    t.log(summary(result));
    const ran = [...executors.counts].filter(([, n]) => n > 0);
    t.log(`Advanced SIMD arithmetic: ${ran.reduce((s, [, n]) => s + n, 0)} executions of ${ran.length} rows: ${ran.map(([id, n]) => `${id}×${n}`).join(' ')}`);
    const mine = result.divergences.filter(ours);
    const others = new Map<string, number>();
    for (const d of result.divergences.filter((x) => !ours(x))) others.set(d.disassembly.split(/\s/)[0]!, (others.get(d.disassembly.split(/\s/)[0]!) ?? 0) + 1);
    if (others.size) t.log(`divergences at other groups' instructions: ${[...others].map(([k, v]) => `${k}×${v}`).join(' ')}`);
    for (const d of mine.slice(0, 10)) t.log(d.report);
    t.true(result.compared > 1000);
    t.deepEqual(mine.map((d) => d.disassembly), []);
  });
}

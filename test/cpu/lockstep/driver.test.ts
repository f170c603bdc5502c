// The lockstep driver itself: that it follows syscalls (x0 and the memory they write, fresh
// zeroed memory from brk/mmap), that it finds and reports a wrong register or an exception the
// model should not have taken, with the instruction, its disassembly and what ran before, and
// that the model starts from exactly the image and stack qemu starts from.
import { readFileSync } from 'node:fs';
import { ElfFile } from '../../../core/formats/elf/index.ts';
import { defaultDecoder } from '../../../core/arch/a64/decoder.ts';
import { ExecutorRegistry, type Predecoded } from '../../../sim/cpu/executor-registry.ts';
import { ALL_EXECUTORS, createExecutorRegistry } from '../../../sim/cpu/executors/index.ts';
import { UserMachine } from '../../../sim/cpu/user/index.ts';
import type { Core } from '../../../sim/cpu/core.ts';
import { testWithTool } from '../../helpers/external-tool.ts';
import { GCC } from '../../formats/cross-compile.ts';
import { QEMU, QEMU_PACKAGE, QemuRunner } from '../../a64/qemu/qemu-runner.ts';
import { buildAsm, buildC } from './build.ts';
import { lockstep, summary } from './driver.ts';
import { readGuest } from './guest-memory.ts';

const withTools = testWithTool([GCC, { names: QEMU, debianPackage: QEMU_PACKAGE }]);
const SYSCALLS = 'lockstep-syscalls';
/** `mov x2, #9` (the length for write), the third instruction of lockstep-syscalls.S. */
const MOV_X2_9 = 0xd2800122;

/** Every executor, except that the instruction `word` also runs `after` (a planted bug). */
class Sabotaged extends ExecutorRegistry {
  constructor(
    private readonly word: number,
    private readonly after: (core: Core) => void,
  ) {
    super(defaultDecoder());
    this.register(ALL_EXECUTORS);
  }

  override predecode(word: number): Predecoded {
    const p = super.predecode(word);
    if (word >>> 0 !== this.word) return p;
    const exec = p.exec;
    const after = this.after;
    p.exec = (core, q) => {
      const r = exec(core, q);
      after(core);
      return r;
    };
    return p;
  }
}

withTools('syscalls: x0 and the buffers getrandom/uname/clock_gettime wrote come from qemu; brk and mmap give zeroed memory, also after munmap', async (t) => {
  const r = await lockstep(buildAsm(SYSCALLS));
  t.log(summary(r));
  t.deepEqual(r.divergences.map((d) => d.report), []);
  t.is(r.end, 'exit');
  t.is(r.exitCode, 42);
  t.deepEqual(r.syscalls, { write: 1, getrandom: 1, uname: 1, clock_gettime: 1, brk: 2, mmap: 2, munmap: 1, exit: 1 });
  // 61 instructions; qemu steps over an `svc #0` and the instruction after it at once (10 SVCs; the last one ends the run).
  t.is(r.modelInstructions, 61);
  t.is(r.compared, 61 - 9);
});

withTools('a wrong register value stops the run at that instruction, with its disassembly, both values and the instructions before it', async (t) => {
  const executors = new Sabotaged(MOV_X2_9, (core) => (core.x[2 * 2] ^= 1));
  const r = await lockstep(buildAsm(SYSCALLS), { executors });
  t.is(r.end, 'divergence');
  t.is(r.divergences.length, 1);
  const d = r.divergences[0]!;
  const entry = ElfFile.parse(readFileSync(buildAsm(SYSCALLS))).entry;
  t.is(d.index, 2);
  t.is(d.pc, entry + 8n);
  t.is(d.word, MOV_X2_9);
  t.is(d.disassembly, 'mov\tx2, #0x9');
  t.is(d.cause, undefined);
  t.deepEqual(d.diffs, [{ register: 'x2', qemu: '0x0000000000000009', model: '0x0000000000000008' }]);
  t.is(d.previous.length, 2);
  t.is(d.previous[0]!.disassembly, 'mov\tx0, #0x1');
  t.regex(d.previous[1]!.disassembly, /^adr\tx1, /);
  t.regex(d.report, /mov\tx2, #0x9[\s\S]*x2 +0x0000000000000009 \/ 0x0000000000000008[\s\S]*mov\tx0, #0x1/);
  t.is(r.compared, 3);
});

withTools("'continue' re-synchronises the model from qemu and runs on to the exit", async (t) => {
  const executors = new Sabotaged(MOV_X2_9, (core) => (core.x[2 * 2] ^= 1));
  const seen: number[] = [];
  const r = await lockstep(buildAsm(SYSCALLS), { executors, onDivergence: (d) => (seen.push(d.index), 'continue') });
  t.deepEqual(seen, [2]);
  t.is(r.end, 'exit');
  t.is(r.exitCode, 42);
  t.is(r.compared, 61 - 9);
});

withTools('an exception the model takes where qemu does not is a divergence naming its class', async (t) => {
  const executors = new Sabotaged(MOV_X2_9, (core) => core.undefinedInstruction());
  const r = await lockstep(buildAsm(SYSCALLS), { executors });
  t.is(r.divergences.length, 1);
  t.is(r.divergences[0]!.index, 2);
  t.regex(r.divergences[0]!.cause ?? '', /EC 0x00 \(UNDEFINED\)/);
});

withTools("the model's image of a static glibc program is qemu's, byte for byte, in every loaded page", async (t) => {
  const program = buildC('lockstep-sum');
  const elf = ElfFile.parse(readFileSync(program));
  const machine = new UserMachine({ executors: createExecutorRegistry() });
  machine.loadElf(elf);
  const runner = await QemuRunner.start({ program, vectors: 'never' });
  t.teardown(() => runner.close());
  let pages = 0;
  for (const s of elf.loadSegments) {
    const start = s.vaddr & ~0xfffn;
    const end = (s.vaddr + s.memsz + 0xfffn) & ~0xfffn;
    for (let a = start; a < end; a += 0x1000n, pages++) {
      const qemu = await readGuest(runner, a, 0x1000);
      const model = machine.read(a, 0x1000);
      if (!Buffer.from(qemu).equals(Buffer.from(model))) t.fail(`page 0x${a.toString(16)} differs`);
    }
  }
  t.true(pages > 100, `${pages} pages`);
});

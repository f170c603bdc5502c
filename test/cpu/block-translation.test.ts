// Block translation (sim/cpu/block-translator.ts) must not change anything architectural: the
// bench's compiled C programs run on two cores, one translating hot blocks and one interpreting
// only, in chunks of irregular lengths (so blocks meet the run limit at every kind of place),
// and after every chunk the PC, icount, X registers, NZCV and V registers must be equal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { UserMachine } from '../../sim/cpu/user/index.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { REG_SP } from '../../sim/cpu/state.ts';
import type { Core } from '../../sim/cpu/index.ts';
import { testWithTool, which } from '../helpers/external-tool.ts';

const GUEST = fileURLToPath(new URL('../bench/guest/', import.meta.url));
const gccTest = testWithTool([{ names: ['aarch64-linux-gnu-gcc'], debianPackage: 'gcc-aarch64-linux-gnu' }]);

function boot(elf: ElfFile, translate: boolean): Core {
  const machine = new UserMachine({ executors: createExecutorRegistry() });
  machine.loadElf(elf);
  const vbar = machine.core.sysregs.get('VBAR_EL1');
  const wfi = new Uint8Array([0x7f, 0x20, 0x03, 0xd5]);
  machine.write(vbar + 0x400n, wfi); // the exit SVC lands on WFI: run() returns
  const core = machine.core;
  core.translateBlocks = translate;
  core.setX(REG_SP, 0x7f_0000_0000n);
  core.pc = Number(elf.entry);
  return core;
}

function differences(a: Core, b: Core): string[] {
  const out: string[] = [];
  if (a.pc !== b.pc) out.push(`pc ${a.pc.toString(16)} vs ${b.pc.toString(16)}`);
  if (a.icount !== b.icount) out.push(`icount ${a.icount} vs ${b.icount}`);
  if (a.nzcv !== b.nzcv) out.push(`nzcv ${a.nzcv} vs ${b.nzcv}`);
  if (a.el !== b.el) out.push(`el ${a.el} vs ${b.el}`);
  for (let i = 0; i < a.x.length; i++) if (a.x[i] !== b.x[i]) out.push(`x slot ${i >> 1}${i & 1 ? ' hi' : ' lo'}`);
  for (let i = 0; i < a.vi32.length; i++) if (a.vi32[i] !== b.vi32[i]) out.push(`v${i >> 2} word ${i & 3}`);
  return out;
}

for (const name of ['checksum', 'sort', 'memcpy']) {
  gccTest(`${name}: translated blocks leave the same state as the interpreter after every chunk`, (t) => {
    const gcc = which(['aarch64-linux-gnu-gcc'])!;
    const dir = mkdtempSync(join(tmpdir(), 'hvdbg-blocks-'));
    try {
      const out = join(dir, name);
      execFileSync(gcc, ['-O2', '-nostdlib', '-static', '-ffreestanding', '-fno-builtin', '-o', out, join(GUEST, 'start.S'), join(GUEST, `${name}.c`)]);
      const elf = ElfFile.parse(readFileSync(out));
      const fast = boot(elf, true);
      const slow = boot(elf, false);
      let seed = 12345;
      let chunks = 0;
      while (fast.icount < 3_000_000 && fast.el === 0) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const n = 1 + (seed >>> 8) % 4000;
        fast.run(n);
        slow.run(n);
        chunks++;
        const diff = differences(fast, slow);
        if (diff.length > 0) return t.fail(`after chunk ${chunks} (icount ${slow.icount}): ${diff.slice(0, 8).join(', ')}`);
      }
      t.true(fast.blocksTranslated > 0, 'hot code was translated');
      t.is(slow.blocksTranslated, 0);
      t.log(`${chunks} chunks, ${fast.icount} instructions, ${fast.blocksTranslated} blocks translated, no difference`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

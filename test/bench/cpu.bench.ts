// The CPU model on compute-heavy guest code: freestanding C programs (test/bench/guest, no libc,
// exit is their only system call) compiled with Debian's aarch64 gcc -O2, run to completion on
// the model at EL0, and the same binaries under qemu-aarch64 (a JIT) from the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { UserMachine } from '../../sim/cpu/user/index.ts';
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { REG_SP } from '../../sim/cpu/state.ts';
import { which } from '../helpers/which.ts';
import { fmt } from './measure.ts';

const GUEST = fileURLToPath(new URL('./guest/', import.meta.url));
const PROGRAMS = ['checksum', 'sort', 'memcpy'] as const;
const STACK_TOP = 0x7f_0000_0000n;
/** EL1's synchronous-from-EL0 vector: WFI stops Core.run, so the bench sees the exit SVC at once. */
const WFI = 0xd503207f;
const SYNC_LOWER_EL = 0x400n;

function runOnModel(path: string, translate = true): { instructions: number; ms: number; exitCode: number } {
  const machine = new UserMachine({ executors: createExecutorRegistry() });
  const elf = ElfFile.parse(readFileSync(path));
  machine.loadElf(elf);
  const vbar = machine.core.sysregs.get('VBAR_EL1');
  const stub = new Uint8Array(4);
  new DataView(stub.buffer).setUint32(0, WFI, true);
  machine.write(vbar + SYNC_LOWER_EL, stub);
  const core = machine.core;
  core.translateBlocks = translate; // block-translator.ts; false: the interpreter alone
  core.setX(REG_SP, STACK_TOP);
  core.pc = Number(elf.entry);
  const t0 = performance.now();
  const start = core.icount;
  while (core.el === 0) core.run(50_000_000);
  const ms = performance.now() - t0;
  const esr = Number(core.sysregs.get('ESR_EL1')) >>> 26;
  if (esr !== 0x15 || core.getX(8) !== 93n) throw new Error(`${path}: stopped with ESR.EC 0x${esr.toString(16)} at 0x${core.sysregs.get('ELR_EL1').toString(16)}, not exit`);
  return { instructions: core.icount - start, ms, exitCode: Number(core.getX(0) & 0xffn) };
}

export function benchCpu(): string[] {
  const gcc = which(['aarch64-linux-gnu-gcc']);
  const qemu = which(['qemu-aarch64']);
  if (!gcc) return ['cpu: skipped (needs aarch64-linux-gnu-gcc: Debian gcc-aarch64-linux-gnu)'];
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-bench-'));
  const lines: string[] = [];
  try {
    for (const name of PROGRAMS) {
      const out = join(dir, name);
      execFileSync(gcc, ['-O2', '-nostdlib', '-static', '-ffreestanding', '-fno-builtin', '-o', out, join(GUEST, 'start.S'), join(GUEST, `${name}.c`)]);
      runOnModel(out); // warm-up: JIT the executors
      const model = runOnModel(out);
      const interp = runOnModel(out, false);
      let qemuPart = 'qemu-aarch64: not installed';
      if (qemu) {
        const t0 = performance.now();
        const r = spawnSync(qemu, [out]);
        const qemuMs = performance.now() - t0;
        if (r.status !== model.exitCode) throw new Error(`${name}: exit ${model.exitCode} on the model, ${r.status} under qemu`);
        qemuPart = `qemu-aarch64 ${fmt(qemuMs)} ms (process, incl. start-up)`;
      }
      lines.push(
        `${name.padEnd(9)} ${fmt(model.instructions).padStart(12)} instructions in ${fmt(model.ms).padStart(6)} ms: ` +
          `${fmt(model.instructions / model.ms / 1000, 1).padStart(6)} MIPS (interpreter only ${fmt(interp.instructions / interp.ms / 1000, 1)})   ${qemuPart}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

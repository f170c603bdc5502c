// The golden source for the disassembler: LLVM's own tools from Debian (llvm-16). Words are
// placed with `.inst` by llvm-mc and disassembled by llvm-objdump -d, exactly as a user would
// see them; nothing here comes from the code under test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../helpers/external-tool.ts';

export const LLVM_MC = ['llvm-mc-16', 'llvm-mc'];
export const LLVM_OBJDUMP = ['llvm-objdump-16', 'llvm-objdump'];
export const LLVM_PACKAGE = 'llvm-16';
/** The M1's feature set (LSE atomics, v8.5 system registers, FP16, …). */
export const LLVM_CPU = 'apple-m1';

export function llvmAvailable(): boolean {
  return which(LLVM_MC) !== undefined && which(LLVM_OBJDUMP) !== undefined;
}

/** llvm-objdump's text for each word, the first at address 0, in order. */
export function llvmDisassemble(words: readonly number[]): string[] {
  const mc = which(LLVM_MC)!;
  const objdump = which(LLVM_OBJDUMP)!;
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-llvm-'));
  try {
    const source = join(dir, 'corpus.s');
    const object = join(dir, 'corpus.o');
    writeFileSync(source, `.text\n${words.map((w) => `.inst 0x${(w >>> 0).toString(16).padStart(8, '0')}`).join('\n')}\n`);
    execFileSync(mc, ['-triple=aarch64', `-mcpu=${LLVM_CPU}`, '-filetype=obj', '-o', object, source]);
    const out = execFileSync(objdump, ['-d', '--no-show-raw-insn', `--mcpu=${LLVM_CPU}`, object], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    const texts: string[] = new Array(words.length);
    for (const line of out.split('\n')) {
      const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
      if (!m) continue;
      texts[parseInt(m[1]!, 16) / 4] = m[2]!.trim();
    }
    for (let i = 0; i < words.length; i++) if (texts[i] === undefined) throw new Error(`llvm-objdump printed nothing for word ${i}`);
    return texts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Runs a few A64 instructions on a Core with every executor registered, for the exec-dp tests.
// Instruction words come from LLVM (exec-dp-words.ts, produced by llvm-mc-16 -mcpu=apple-m1),
// so neither the encoder nor the decoder under test supplies them.
import { createExecutorRegistry } from '../../sim/cpu/executors/index.ts';
import { REG_SP, type Core } from '../../sim/cpu/index.ts';
import { CODE, enter, machine, put } from './helpers.ts';
import { WORDS } from './exec-dp-words.ts';

const registry = createExecutorRegistry();

export type Regs = Partial<Record<`x${number}` | 'sp', bigint>>;

export interface RunResult {
  core: Core;
  x: (n: number) => bigint;
  sp: bigint;
  /** NZCV as 4 bits, N = 8. */
  nzcv: number;
}

const mask64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Executes `lines` (each in WORDS) at EL1 from CODE with the given registers and NZCV (4 bits). */
export function run(lines: readonly string[], regs: Regs = {}, nzcv = 0, setup?: (core: Core) => void): RunResult {
  const { core, ram } = machine({ executors: registry });
  const words = lines.map((l) => {
    const w = WORDS[l];
    if (w === undefined) throw new Error(`no LLVM word for '${l}': add it to exec-dp-words.ts`);
    return w;
  });
  put(ram, CODE, words);
  enter(core, 1, CODE);
  for (const [name, v] of Object.entries(regs)) {
    if (v === undefined) continue;
    if (name === 'sp') core.setX(REG_SP, mask64(v));
    else core.setX(Number(name.slice(1)), mask64(v));
  }
  core.nzcv = nzcv << 28;
  setup?.(core);
  core.run(words.length);
  return { core, x: (n) => core.getX(n), sp: core.getX(REG_SP), nzcv: core.nzcv >>> 28 };
}

export const u64 = mask64;

// Shared by the exec-branch-sys*.test.ts files: a machine with the branch-sys executors (and the
// bootstrap ones for the few other instructions a test needs), and code placement.
import { defaultDecoder } from '../../core/arch/a64/decoder.ts';
import { ExecutorRegistry } from '../../sim/cpu/executor-registry.ts';
import { ALL_EXECUTORS } from '../../sim/cpu/executors/index.ts';
import { BRANCH_SYS_EXECUTORS } from '../../sim/cpu/executors/branch-sys.ts';
import { machine, enter, put, CODE, type Machine } from './helpers.ts';

export function bsMachine(): Machine {
  return machine({ executors: new ExecutorRegistry(defaultDecoder()).register([...BRANCH_SYS_EXECUTORS, ...ALL_EXECUTORS]) });
}

/** Writes code behind the code cache's back (helpers.put writes RAM directly), so drop what it decoded. */
export function place(m: Machine, pa: number, words: readonly number[]): void {
  put(m.ram, pa, words);
  m.codeCache.clear();
}

/** Places `words` at CODE, enters `el` there and runs `n` instructions. */
export function runAt(m: Machine, words: readonly number[], el = 1, n = 1): void {
  place(m, CODE, words);
  enter(m.core, el, CODE);
  m.core.run(n);
}

/** ESR value: EC, IL = 1, ISS. */
export const esr = (ec: number, iss: number): bigint => (BigInt(ec) << 26n) | (1n << 25n) | BigInt(iss);

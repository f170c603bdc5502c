// The lockstep driver: one static AArch64 Linux program run under qemu-aarch64 (through
// test/a64/qemu's QemuRunner) and in the CPU model (sim/cpu/user's UserMachine) side by side,
// one instruction at a time, every register compared after every step. qemu is the reference
// and also the kernel: the model starts from qemu's initial registers and stack bytes (argv,
// auxv, AT_RANDOM…), and after each `svc #0` takes x0 and the memory the syscall wrote from
// qemu (sim/cpu/user/syscalls.ts says which). See README.md beside this file.
// Test code: imports test/a64/qemu, sim/cpu, core/formats/elf and core/arch/a64.
import { readFileSync } from 'node:fs';
import { ElfFile } from '../../../core/formats/elf/index.ts';
import { disassembleWord } from '../../../core/arch/a64/disassembler.ts';
import { createExecutorRegistry } from '../../../sim/cpu/executors/index.ts';
import type { ExecutorRegistry } from '../../../sim/cpu/executor-registry.ts';
import { UserMachine, USER_EC, syscallEffects, type StepOutcome } from '../../../sim/cpu/user/index.ts';
import { QemuExitedError, QemuRunner, type RegisterSnapshot } from '../../a64/qemu/qemu-runner.ts';
import { diffRegisters, divergenceReport, hex64, type RegisterDiff, type TraceLine } from './compare.ts';
import { copyInitialStack, readGuest } from './guest-memory.ts';

export type { RegisterDiff, TraceLine } from './compare.ts';

export interface LockstepOptions {
  /** Stop after this many qemu steps (default: run to the program's exit). */
  maxInstructions?: number;
  /** Compare v0-v31, FPSR and FPCR too (default true; false makes qemu skip reading them). */
  compareVectors?: boolean;
  /**
   * Called for each divergence; 'continue' re-synchronises the model's registers from qemu
   * and goes on (memory is not re-synchronised), 'stop' (the default) ends the run.
   */
  onDivergence?: (divergence: Divergence) => 'stop' | 'continue';
  /**
   * qemu's -cpu (default the runner's `max,sve=off,sme=off`). Programs using the C library want
   * GLIBC_CPU: glibc's memset uses DC ZVA with DCZID_EL0's block size, which is 64 bytes on the
   * M1 (and in the model) but 512 on qemu's `max`.
   */
  cpu?: string;
  /** The program's arguments after argv[0]. */
  args?: readonly string[];
  /** Default: every executor (sim/cpu/executors createExecutorRegistry()). */
  executors?: ExecutorRegistry;
  /** Instructions kept for the report before a divergence (default 5). */
  history?: number;
}

export interface Divergence {
  /** Which compared step (0 = the first instruction after the entry point). */
  readonly index: number;
  readonly pc: bigint;
  readonly word: number;
  readonly disassembly: string;
  /** `<symbol+0xoff>` of the pc when the ELF names it. */
  readonly where: string;
  /** Why, beyond register values: an exception the model took, a model that never reached qemu's pc… */
  readonly cause: string | undefined;
  readonly diffs: readonly RegisterDiff[];
  readonly previous: readonly TraceLine[];
  /** All of the above as text. */
  readonly report: string;
}

export interface LockstepResult {
  readonly program: string;
  /** qemu steps after which every register was compared (an exclusive sequence counts once). */
  readonly compared: number;
  /** Instructions the model retired (exclusive sequences count each instruction). */
  readonly modelInstructions: number;
  readonly divergences: readonly Divergence[];
  readonly end: 'exit' | 'signal' | 'limit' | 'divergence';
  /** The exit status (exit/exit_group), when the program exited. */
  readonly exitCode: number | undefined;
  /** Syscalls by name, with the count of each. */
  readonly syscalls: Readonly<Record<string, number>>;
  /** Syscalls sim/cpu/user/syscalls.ts does not know (x0 copied, memory assumed unchanged). */
  readonly unknownSyscalls: readonly string[];
  readonly atomicSequences: number;
  /** MRS of ID registers (MIDR_EL1, ID_AA64*), which Linux emulates for EL0: result taken from qemu. */
  readonly emulatedIdReads: number;
  readonly elapsedMs: number;
}

/**
 * A qemu CPU for C-library programs: DCZID_EL0 = 4 (DC ZVA zeroes 64 bytes, as on the M1), LSE
 * atomics, no SVE (so no SVE string routines and v0-v31 in the gdb stub's description).
 */
export const GLIBC_CPU = 'neoverse-n1';

/** Steps the model may take to reach qemu's pc after an exclusive sequence run whole. */
const ATOMIC_SEQUENCE_MAX_STEPS = 64;
const SVC_0 = 0xd4000001;
/** Instructions qemu may run past an `svc #0` in one step (one, seen with qemu 7.2). */
const SVC_EXTRA_STEPS = 2;
const EXIT_SYSCALLS = new Set([93n, 94n]);

/** MRS Xt, <ID register> (op0 = 3, op1 = 0, CRn = 0): trapped and emulated for EL0 by Linux. */
const isIdRegisterRead = (word: number) => (word & 0xfffff000) >>> 0 === 0xd5380000;

const EC_NAMES: Record<number, string> = { 0x00: 'UNDEFINED', 0x07: 'FP/SIMD trap', 0x15: 'SVC', 0x18: 'MSR/MRS trap', 0x20: 'instruction abort', 0x22: 'PC alignment', 0x24: 'data abort', 0x26: 'SP alignment', 0x3c: 'BRK' };

export async function lockstep(elfPath: string, options: LockstepOptions = {}): Promise<LockstepResult> {
  const started = Date.now();
  const elf = ElfFile.parse(readFileSync(elfPath));
  const vectors = options.compareVectors ?? true;
  const max = options.maxInstructions ?? Infinity;
  const keep = options.history ?? 5;
  const runner = await QemuRunner.start({ program: elfPath, args: options.args, cpu: options.cpu, vectors: vectors ? 'after-fp' : 'never' });
  const machine = new UserMachine({ executors: options.executors ?? createExecutorRegistry() });
  const divergences: Divergence[] = [];
  const syscalls: Record<string, number> = {};
  const unknownSyscalls = new Set<string>();
  const history: TraceLine[] = [];
  let compared = 0;
  let atomicSequences = 0;
  let emulatedIdReads = 0;
  let exitCode: number | undefined;
  let end: LockstepResult['end'] = 'limit';
  let brk: bigint | undefined;

  const where = (pc: bigint) => {
    const at = elf.symbolAt(pc);
    return at ? `<${at.symbol.name}${at.offset ? `+0x${at.offset.toString(16)}` : ''}>` : '';
  };
  const traceLine = (index: number, pc: bigint, word: number): TraceLine => ({ index, pc, word, disassembly: disassembleWord(word, { pc }), where: where(pc) });

  /** The model's side of a syscall: qemu already ran it; take x0 and the memory it wrote. */
  const syscall = async (after: RegisterSnapshot): Promise<void> => {
    const regs = machine.registers();
    const nr = Number(regs.x[8]!);
    const effects = syscallEffects(nr, regs.x.slice(0, 6), after.x[0]!, brk);
    syscalls[effects.name] = (syscalls[effects.name] ?? 0) + 1;
    if (!effects.known) unknownSyscalls.add(effects.name);
    if (effects.name === 'brk') brk = after.x[0];
    for (const m of effects.memory) {
      if (m.kind === 'zero') machine.zero(m.address, m.length);
      else machine.write(m.address, await readGuest(runner, m.address, m.length));
    }
    machine.core.setX(0, after.x[0]!);
    machine.resume();
  };

  /** Handles what the model's step did; returns a cause when it is a divergence. */
  const kernel = async (outcome: StepOutcome, word: number, after: RegisterSnapshot): Promise<string | undefined> => {
    if (outcome.kind === 'retired') return undefined;
    if (outcome.ec === USER_EC.SVC64 && word === SVC_0) {
      await syscall(after);
      return undefined;
    }
    if ((outcome.ec === USER_EC.UNKNOWN || outcome.ec === USER_EC.SYSREG) && isIdRegisterRead(word)) {
      emulatedIdReads++;
      machine.core.setX(word & 31, after.x[word & 31]!);
      machine.resume(outcome.elr + 4n);
      return undefined;
    }
    const name = EC_NAMES[outcome.ec] ?? 'exception';
    return `the model took an exception: EC 0x${outcome.ec.toString(16).padStart(2, '0')} (${name}), ESR ${hex64(BigInt(outcome.esr))}, ELR ${hex64(outcome.elr)}, FAR ${hex64(outcome.far)}`;
  };

  try {
    machine.loadElf(elf);
    let before = await runner.snapshot();
    await copyInitialStack(runner, machine, before.sp);
    machine.setRegisters(before);
    while (compared < max) {
      const index = compared;
      let after: RegisterSnapshot;
      try {
        after = await runner.step();
      } catch (err) {
        if (!(err instanceof QemuExitedError)) throw err;
        // The step that ended the program: exit/exit_group (or a fatal signal).
        const word = runner.lastWord ?? 0;
        const line = traceLine(index, before.pc, word);
        if (err.stop.kind !== 'exited') {
          end = 'signal';
          break;
        }
        exitCode = err.stop.code;
        const outcome = machine.step();
        const regs = machine.registers();
        const isExit = outcome.kind === 'exception' && outcome.ec === USER_EC.SVC64 && EXIT_SYSCALLS.has(regs.x[8]!) && Number(regs.x[0]! & 0xffn) === exitCode;
        if (outcome.kind === 'exception') syscalls[EXIT_SYSCALLS.has(regs.x[8]!) ? (regs.x[8] === 93n ? 'exit' : 'exit_group') : 'unknown'] = 1;
        compared++;
        end = 'exit';
        if (!isExit) {
          const cause = `qemu exited with status ${exitCode}; the model did not make the same exit syscall (${outcome.kind === 'exception' ? `EC 0x${outcome.ec.toString(16)}, x8 = ${regs.x[8]}, x0 = ${regs.x[0]}` : 'it retired an instruction'})`;
          const d = makeDivergence(line, cause, [], history);
          divergences.push(d);
          options.onDivergence?.(d);
          end = 'divergence';
        }
        break;
      }
      const word = runner.lastWord ?? 0;
      const line = traceLine(index, before.pc, word);
      let cause: string | undefined;
      if (runner.lastStep?.kind === 'atomic-sequence') {
        atomicSequences++;
        let steps = 0;
        while (cause === undefined && machine.core.pc64 !== after.pc && steps++ < ATOMIC_SEQUENCE_MAX_STEPS) {
          cause = await kernel(machine.step(), readWord(machine, machine.core.pc64), after);
        }
        if (cause === undefined && machine.core.pc64 !== after.pc) cause = `the model did not reach qemu's pc after the exclusive sequence within ${ATOMIC_SEQUENCE_MAX_STEPS} instructions`;
      } else {
        cause = await kernel(machine.step(), word, after);
        // qemu's gdb stub, stepping over `svc #0`, runs the syscall and the next instruction
        // too (the step completes only at the following instruction boundary): follow it.
        let extra = 0;
        while (word === SVC_0 && cause === undefined && machine.core.pc64 !== after.pc && extra++ < SVC_EXTRA_STEPS) {
          cause = await kernel(machine.step(), readWord(machine, machine.core.pc64), after);
        }
      }
      compared++;
      const diffs = cause === undefined || machine.core.el === 0 ? diffRegisters(after, machine.registers(), vectors) : [];
      if (cause !== undefined || diffs.length > 0) {
        const d = makeDivergence(line, cause, diffs, history);
        divergences.push(d);
        if ((options.onDivergence?.(d) ?? 'stop') === 'stop') {
          end = 'divergence';
          break;
        }
        machine.resume();
        machine.setRegisters(after);
      }
      history.push(line);
      if (history.length > keep) history.shift();
      before = after;
    }
  } finally {
    await runner.close();
  }
  return {
    program: elfPath,
    compared,
    modelInstructions: machine.retired,
    divergences,
    end,
    exitCode,
    syscalls,
    unknownSyscalls: [...unknownSyscalls],
    atomicSequences,
    emulatedIdReads,
    elapsedMs: Date.now() - started,
  };
}

function makeDivergence(line: TraceLine, cause: string | undefined, diffs: RegisterDiff[], history: readonly TraceLine[]): Divergence {
  const previous = [...history];
  return { ...line, cause, diffs, previous, report: divergenceReport(line, cause, diffs, previous) };
}

function readWord(machine: UserMachine, pc: bigint): number {
  const b = machine.read(pc, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

/** One line for t.log: what was compared and what diverged. */
export function summary(r: LockstepResult): string {
  const name = r.program.split('/').pop();
  const first = r.divergences[0];
  const syscalls = Object.entries(r.syscalls).map(([k, v]) => `${k}×${v}`).join(' ');
  return (
    `${name}: ${r.compared} instructions compared (${r.modelInstructions} retired by the model, ${r.atomicSequences} exclusive sequences), ` +
    `${r.divergences.length} divergence(s), end: ${r.end}${r.exitCode !== undefined ? ` (status ${r.exitCode})` : ''}, ${r.elapsedMs} ms; syscalls: ${syscalls || 'none'}` +
    (r.emulatedIdReads ? `; ${r.emulatedIdReads} ID-register reads emulated` : '') +
    (r.unknownSyscalls.length ? `; unknown syscalls: ${r.unknownSyscalls.join(' ')}` : '') +
    (first ? `\nfirst ${first.report}` : '')
  );
}

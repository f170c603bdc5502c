// Lockstep comparison: the registers the model holds vs the snapshot qemu gave, register by
// register, and the readable text of a divergence. Test code: imports the qemu runner's types
// and sim/cpu/user's.
import type { RegisterSnapshot } from '../../a64/qemu/qemu-runner.ts';
import type { UserRegisters } from '../../../sim/cpu/user/index.ts';

export interface RegisterDiff {
  /** x0…x30, sp, pc, nzcv, v0…v31, fpsr, fpcr. */
  readonly register: string;
  readonly qemu: string;
  readonly model: string;
}

/** One executed instruction, for the trace before a divergence. */
export interface TraceLine {
  readonly index: number;
  readonly pc: bigint;
  readonly word: number;
  readonly disassembly: string;
  /** `<symbol+0xoff>` when the ELF names the place. */
  readonly where: string;
}

export const hex64 = (v: bigint) => `0x${v.toString(16).padStart(16, '0')}`;
const hex32 = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const flags = (nzcv: number) => ['N', 'Z', 'C', 'V'].map((f, i) => ((nzcv >> (3 - i)) & 1 ? f : f.toLowerCase())).join('');
/** A 128-bit vector register as one number (most significant byte first), as gdb prints `$v0.q`. */
export const hex128 = (b: Uint8Array) => `0x${Array.from(b, (x) => x.toString(16).padStart(2, '0')).reverse().join('')}`;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every register that differs; v0-v31/fpsr/fpcr only with `vectors`. */
export function diffRegisters(qemu: RegisterSnapshot, model: UserRegisters, vectors: boolean): RegisterDiff[] {
  const out: RegisterDiff[] = [];
  for (let i = 0; i < 31; i++) if (qemu.x[i] !== model.x[i]) out.push({ register: `x${i}`, qemu: hex64(qemu.x[i]!), model: hex64(model.x[i]!) });
  if (qemu.sp !== model.sp) out.push({ register: 'sp', qemu: hex64(qemu.sp), model: hex64(model.sp) });
  if (qemu.pc !== model.pc) out.push({ register: 'pc', qemu: hex64(qemu.pc), model: hex64(model.pc) });
  if (qemu.nzcv !== model.nzcv) out.push({ register: 'nzcv', qemu: flags(qemu.nzcv), model: flags(model.nzcv) });
  if (!vectors) return out;
  for (let i = 0; i < 32; i++) if (!sameBytes(qemu.v[i]!, model.v[i]!)) out.push({ register: `v${i}`, qemu: hex128(qemu.v[i]!), model: hex128(model.v[i]!) });
  if (qemu.fpsr !== model.fpsr) out.push({ register: 'fpsr', qemu: hex32(qemu.fpsr), model: hex32(model.fpsr) });
  if (qemu.fpcr !== model.fpcr) out.push({ register: 'fpcr', qemu: hex32(qemu.fpcr), model: hex32(model.fpcr) });
  return out;
}

export function traceText(line: TraceLine): string {
  return `#${line.index} ${hex64(line.pc)}${line.where ? ` ${line.where}` : ''}: ${hex32(line.word)}  ${line.disassembly}`;
}

/** The report a person reads: the instruction, why, every differing register, what ran before. */
export function divergenceReport(at: TraceLine, cause: string | undefined, diffs: readonly RegisterDiff[], previous: readonly TraceLine[]): string {
  const lines = [`divergence after instruction ${traceText(at)}`];
  if (cause) lines.push(`  cause: ${cause}`);
  if (diffs.length) {
    const width = Math.max(...diffs.map((d) => d.register.length));
    lines.push(`  ${'register'.padEnd(width)}  qemu / model`);
    for (const d of diffs) lines.push(`  ${d.register.padEnd(width)}  ${d.qemu} / ${d.model}`);
  }
  if (previous.length) {
    lines.push('  before it:');
    for (const p of previous) lines.push(`    ${traceText(p)}`);
  }
  return lines.join('\n');
}

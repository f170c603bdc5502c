// Layer: core/arch/a64. Operand spellings in LLVM's AArch64 syntax (what `llvm-objdump -d`
// prints), shared by every table's `asm`. Imports nothing.

export interface AsmContext {
  /** Address of the instruction (guest virtual addresses use all 64 bits). */
  readonly pc: bigint;
  /** `<name+0xoff>` for an address, as llvm-objdump adds after branch targets; undefined if unknown. */
  readonly symbolize?: (address: bigint) => string | undefined;
}

/** X/W register n; 31 is the zero register unless `sp` says the encoding means the stack pointer. */
export function gpr(n: number, is64: boolean, sp = false): string {
  if (n === 31) return sp ? (is64 ? 'sp' : 'wsp') : is64 ? 'xzr' : 'wzr';
  return `${is64 ? 'x' : 'w'}${n}`;
}
export const x = (n: number, sp = false) => gpr(n, true, sp);
export const w = (n: number, sp = false) => gpr(n, false, sp);

/** `#n` in decimal, as LLVM prints arithmetic immediates and offsets. */
export const imm = (n: number | bigint) => `#${n}`;

/** `#0x…` in hex, as LLVM prints logical immediates, hints' operands and the like. */
export function hexImm(n: number | bigint): string {
  const v = BigInt(n);
  return v < 0n ? `#-0x${(-v).toString(16)}` : `#0x${v.toString(16)}`;
}

/** A PC-relative target as llvm-objdump prints it: absolute address, then `<symbol+off>` if known. */
export function label(ctx: AsmContext, offsetBytes: number | bigint): string {
  const target = BigInt.asUintN(64, ctx.pc + BigInt(offsetBytes));
  const sym = ctx.symbolize?.(target);
  return sym ? `0x${target.toString(16)} <${sym}>` : `0x${target.toString(16)}`;
}

export const CONDITIONS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'] as const;
export const cond = (n: number) => CONDITIONS[n & 15]!;
/** The inverse condition (cset/cinc/cneg aliases print it). */
export const invertCond = (n: number) => CONDITIONS[(n & 15) ^ 1]!;

export const SHIFTS = ['lsl', 'lsr', 'asr', 'ror'] as const;
export const EXTENDS = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'] as const;

/** Operands joined as LLVM joins them. */
export const ops = (...parts: Array<string | undefined | false>) => parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(', ');

/** `mnemonic\toperands`, LLVM's layout (a tab after the mnemonic, none when there are no operands). */
export const insn = (mnemonic: string, operands = '') => (operands ? `${mnemonic}\t${operands}` : mnemonic);

/**
 * `text` followed by LLVM's end-of-line comment (`add x0, x1, #0x1, lsl #12   // =0x1000`).
 * llvm-objdump pads the comment to a fixed column of its line (MCAsmInfo's comment column 40,
 * moved by where the instruction starts), so the spaces depend on the address printed before
 * the instruction. This reproduces the `llvm-objdump -d --no-show-raw-insn` layout: the address
 * as `%8x:`, the instruction at the next tab stop from column 15 (16 when the address is short),
 * the comment at column 48, at least one space after the operands.
 */
export function withComment(ctx: AsmContext, text: string, comment: string): string {
  const prefix = Math.max(8, ctx.pc.toString(16).length) + 1;
  const padded = prefix < 15 ? 15 : prefix + 7 - (prefix % 8);
  let column = padded;
  for (const c of `\t${text}`) column = c === '\t' ? (Math.floor(column / 8) + 1) * 8 : column + 1;
  return `${text}${' '.repeat(Math.max(48 - column, 1))}// ${comment}`;
}

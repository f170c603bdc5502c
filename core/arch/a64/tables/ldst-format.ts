// Layer: core/arch/a64/tables. Operand spellings that only loads and stores use, in LLVM's
// syntax as `llvm-objdump-16 -d` prints them. Imports the shared operand-format module only.
//
// What LLVM 16 does, checked word by word against llvm-objdump-16 (see the ldst tests):
// - memory offsets are printed in hex, signed: `[x1, #-0x8]`; a zero offset disappears for
//   the plain offset form (`[x1]`) but stays for writeback (`[x1, #0x0]!`, `[x1], #0x0`);
// - the base register is `sp` for 31, never `xzr`;
// - a register offset prints `lsl`/extend amounts only when S=1, and then always (`lsl #0` for
//   byte accesses); `uxtx`/`lsl` with S=0 disappears (`[x1, x2]`).

import { gpr, hexImm, SHIFTS, x } from '../operand-format.ts';

/** `[xn]` / `[xn, #off]`: unsigned-offset, unscaled and unprivileged forms. */
export function memOffset(rn: number, offset: number): string {
  return offset === 0 ? `[${x(rn, true)}]` : `[${x(rn, true)}, ${hexImm(offset)}]`;
}

/** `[xn, #off]!`: pre-index, the offset is printed even when zero. */
export const memPre = (rn: number, offset: number) => `[${x(rn, true)}, ${hexImm(offset)}]!`;

/** `[xn], #off`: post-index by an immediate. */
export const memPost = (rn: number, offset: number) => `[${x(rn, true)}], ${hexImm(offset)}`;

/** `[xn]`: exclusives, acquire/release, atomics. */
export const memBase = (rn: number) => `[${x(rn, true)}]`;

/**
 * `[xn, Rm{, extend {#amount}}]` for the register-offset forms. `option` must have bit 1 set
 * (the row rejects the rest); `amount` is log2 of the access size, printed only when S=1.
 */
export function memRegOffset(rn: number, rm: number, option: number, s: number, amount: number): string {
  const index = gpr(rm, (option & 1) === 1);
  let extend: string;
  if (option === 0b011) extend = s ? `${SHIFTS[0]} #${amount}` : '';
  else extend = s ? `${REG_EXTENDS[option]!} #${amount}` : REG_EXTENDS[option]!;
  return extend ? `[${x(rn, true)}, ${index}, ${extend}]` : `[${x(rn, true)}, ${index}]`;
}

const REG_EXTENDS: Readonly<Record<number, string>> = { 0b010: 'uxtw', 0b110: 'sxtw', 0b111: 'sxtx' };

/** Register-offset `option` values the architecture allocates (bit 1 set). */
export const isValidRegOption = (option: number) => (option & 0b010) !== 0;

/** PRFM/PRFUM operation names; the unnamed encodings print as `#0x…`. */
const PRF_TYPES = ['pld', 'pli', 'pst'] as const;
const PRF_POLICIES = ['keep', 'strm'] as const;
export function prfop(rt: number): string {
  const type = PRF_TYPES[rt >> 3];
  const target = (rt >> 1) & 3;
  if (type === undefined || target === 3) return hexImm(rt);
  return `${type}l${target + 1}${PRF_POLICIES[rt & 1]!}`;
}

/** SIMD&FP scalar register of `log2Bytes` (0 = b … 4 = q). */
export const fpReg = (n: number, log2Bytes: number) => `${'bhsdq'[log2Bytes]!}${n}`;

/** Two's-complement value of a `width`-bit field, scaled by 2^scale. */
export function signedOffset(value: number, width: number, scale = 0): number {
  const shift = 32 - width;
  return ((value << shift) >> shift) * 2 ** scale;
}

/**
 * LLVM's annotation after LD<op>A/LD<op>AL and SWPA/SWPAL whose destination is the zero
 * register. llvm-objdump pads the comment to a fixed column: measured against its output, the
 * operands start 16 columns before it for mnemonics of up to 8 letters and 24 before it for
 * longer ones (the tab after the mnemonic), with at least one space before the comment.
 */
export function withAcquireDroppedComment(mnemonic: string, operands: string): string {
  const room = mnemonic.length <= 8 ? 24 : 16;
  const pad = Math.max(1, room - operands.length);
  return `${mnemonic}\t${operands}${' '.repeat(pad)}// acquire semantics dropped since destination is zero`;
}

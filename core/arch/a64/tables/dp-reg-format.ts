// Layer: core/arch/a64/tables. Operand spellings particular to the dp-reg group: shifted and
// extended register operands as LLVM's printer spells them. Imports the parent folder only.
import { EXTENDS, gpr, SHIFTS } from '../operand-format.ts';

/** `, lsl #3` after a shifted register; nothing for LSL #0 (ROR #0 is still printed). */
export function shiftSuffix(shift: number, amount: number): string {
  return shift === 0 && amount === 0 ? '' : `, ${SHIFTS[shift]} #${amount}`;
}

/** Rm of an extended-register form: an X register only for UXTX/SXTX in a 64-bit operation. */
export const extendedRm = (rm: number, sf: number, option: number) => gpr(rm, sf === 1 && (option & 3) === 3);

/**
 * `, uxtw #2` after an extended register. Where Rd or Rn is the stack pointer, the extend that
 * matches the operation's width (UXTX for 64-bit, UXTW for 32-bit) is LSL, and LLVM prints it as
 * `, lsl #n`, or not at all when n is 0.
 */
export function extendSuffix(option: number, amount: number, sf: number, usesSp: boolean): string {
  if (usesSp && option === (sf ? 3 : 2)) return amount ? `, lsl #${amount}` : '';
  return amount ? `, ${EXTENDS[option]} #${amount}` : `, ${EXTENDS[option]}`;
}

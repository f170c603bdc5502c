// Layer: core/arch/a64. The SYS aliases (IC, DC, AT, TLBI and the v8.5 prediction-restriction ops
// CFP/DVP/CPP) by (op1, CRn, CRm, op2), exactly the set `llvm-objdump-16 --mcpu=apple-m1` prints by
// name; every other SYS word prints as `sys #op1, Cn, Cm, #op2{, Xt}`. Imports nothing.
//
// Data taken from LLVM by disassembling every SYS word (op0 = 1, L = 0). A row is
// [mnemonic, operation, op1, CRn, CRm, op2, takesRegister]. When takesRegister is false LLVM prints
// the bare alias whatever Rt holds (`tlbi vmalle1is` even with Rt ≠ 31), so the disassembler does too;
// the encoder always sets Rt = 31 for those, as the Arm ARM asks.

export type SysOpMnemonic = 'ic' | 'dc' | 'at' | 'tlbi' | 'cfp' | 'dvp' | 'cpp';
export type SysOpRow = readonly [mnemonic: SysOpMnemonic, op: string, op1: number, crn: number, crm: number, op2: number, takesRegister: boolean];

export const SYS_OPS: readonly SysOpRow[] = [
  ['ic', 'ialluis', 0, 7, 1, 0, false], ['ic', 'iallu', 0, 7, 5, 0, false], ['ic', 'ivau', 3, 7, 5, 1, true],
  ['dc', 'ivac', 0, 7, 6, 1, true], ['dc', 'isw', 0, 7, 6, 2, true], ['dc', 'csw', 0, 7, 10, 2, true],
  ['dc', 'cisw', 0, 7, 14, 2, true], ['dc', 'zva', 3, 7, 4, 1, true], ['dc', 'cvac', 3, 7, 10, 1, true],
  ['dc', 'cvau', 3, 7, 11, 1, true], ['dc', 'cvap', 3, 7, 12, 1, true], ['dc', 'cvadp', 3, 7, 13, 1, true],
  ['dc', 'civac', 3, 7, 14, 1, true],
  ['at', 's1e1r', 0, 7, 8, 0, true], ['at', 's1e1w', 0, 7, 8, 1, true], ['at', 's1e0r', 0, 7, 8, 2, true],
  ['at', 's1e0w', 0, 7, 8, 3, true], ['at', 's1e1rp', 0, 7, 9, 0, true], ['at', 's1e1wp', 0, 7, 9, 1, true],
  ['at', 's1e2r', 4, 7, 8, 0, true], ['at', 's1e2w', 4, 7, 8, 1, true], ['at', 's12e1r', 4, 7, 8, 4, true],
  ['at', 's12e1w', 4, 7, 8, 5, true], ['at', 's12e0r', 4, 7, 8, 6, true], ['at', 's12e0w', 4, 7, 8, 7, true],
  ['at', 's1e3r', 6, 7, 8, 0, true], ['at', 's1e3w', 6, 7, 8, 1, true],
  ['tlbi', 'vmalle1os', 0, 8, 1, 0, false], ['tlbi', 'vae1os', 0, 8, 1, 1, true], ['tlbi', 'aside1os', 0, 8, 1, 2, true],
  ['tlbi', 'vaae1os', 0, 8, 1, 3, true], ['tlbi', 'vale1os', 0, 8, 1, 5, true], ['tlbi', 'vaale1os', 0, 8, 1, 7, true],
  ['tlbi', 'rvae1is', 0, 8, 2, 1, true], ['tlbi', 'rvaae1is', 0, 8, 2, 3, true], ['tlbi', 'rvale1is', 0, 8, 2, 5, true],
  ['tlbi', 'rvaale1is', 0, 8, 2, 7, true], ['tlbi', 'vmalle1is', 0, 8, 3, 0, false], ['tlbi', 'vae1is', 0, 8, 3, 1, true],
  ['tlbi', 'aside1is', 0, 8, 3, 2, true], ['tlbi', 'vaae1is', 0, 8, 3, 3, true], ['tlbi', 'vale1is', 0, 8, 3, 5, true],
  ['tlbi', 'vaale1is', 0, 8, 3, 7, true], ['tlbi', 'rvae1os', 0, 8, 5, 1, true], ['tlbi', 'rvaae1os', 0, 8, 5, 3, true],
  ['tlbi', 'rvale1os', 0, 8, 5, 5, true], ['tlbi', 'rvaale1os', 0, 8, 5, 7, true], ['tlbi', 'rvae1', 0, 8, 6, 1, true],
  ['tlbi', 'rvaae1', 0, 8, 6, 3, true], ['tlbi', 'rvale1', 0, 8, 6, 5, true], ['tlbi', 'rvaale1', 0, 8, 6, 7, true],
  ['tlbi', 'vmalle1', 0, 8, 7, 0, false], ['tlbi', 'vae1', 0, 8, 7, 1, true], ['tlbi', 'aside1', 0, 8, 7, 2, true],
  ['tlbi', 'vaae1', 0, 8, 7, 3, true], ['tlbi', 'vale1', 0, 8, 7, 5, true], ['tlbi', 'vaale1', 0, 8, 7, 7, true],
  ['tlbi', 'ipas2e1is', 4, 8, 0, 1, true], ['tlbi', 'ripas2e1is', 4, 8, 0, 2, true], ['tlbi', 'ipas2le1is', 4, 8, 0, 5, true],
  ['tlbi', 'ripas2le1is', 4, 8, 0, 6, true], ['tlbi', 'alle2os', 4, 8, 1, 0, false], ['tlbi', 'vae2os', 4, 8, 1, 1, true],
  ['tlbi', 'alle1os', 4, 8, 1, 4, false], ['tlbi', 'vale2os', 4, 8, 1, 5, true], ['tlbi', 'vmalls12e1os', 4, 8, 1, 6, false],
  ['tlbi', 'rvae2is', 4, 8, 2, 1, true], ['tlbi', 'rvale2is', 4, 8, 2, 5, true], ['tlbi', 'alle2is', 4, 8, 3, 0, false],
  ['tlbi', 'vae2is', 4, 8, 3, 1, true], ['tlbi', 'alle1is', 4, 8, 3, 4, false], ['tlbi', 'vale2is', 4, 8, 3, 5, true],
  ['tlbi', 'vmalls12e1is', 4, 8, 3, 6, false], ['tlbi', 'ipas2e1os', 4, 8, 4, 0, true], ['tlbi', 'ipas2e1', 4, 8, 4, 1, true],
  ['tlbi', 'ripas2e1', 4, 8, 4, 2, true], ['tlbi', 'ripas2e1os', 4, 8, 4, 3, true], ['tlbi', 'ipas2le1os', 4, 8, 4, 4, true],
  ['tlbi', 'ipas2le1', 4, 8, 4, 5, true], ['tlbi', 'ripas2le1', 4, 8, 4, 6, true], ['tlbi', 'ripas2le1os', 4, 8, 4, 7, true],
  ['tlbi', 'rvae2os', 4, 8, 5, 1, true], ['tlbi', 'rvale2os', 4, 8, 5, 5, true], ['tlbi', 'rvae2', 4, 8, 6, 1, true],
  ['tlbi', 'rvale2', 4, 8, 6, 5, true], ['tlbi', 'alle2', 4, 8, 7, 0, false], ['tlbi', 'vae2', 4, 8, 7, 1, true],
  ['tlbi', 'alle1', 4, 8, 7, 4, false], ['tlbi', 'vale2', 4, 8, 7, 5, true], ['tlbi', 'vmalls12e1', 4, 8, 7, 6, false],
  ['tlbi', 'alle3os', 6, 8, 1, 0, false], ['tlbi', 'vae3os', 6, 8, 1, 1, true], ['tlbi', 'vale3os', 6, 8, 1, 5, true],
  ['tlbi', 'rvae3is', 6, 8, 2, 1, true], ['tlbi', 'rvale3is', 6, 8, 2, 5, true], ['tlbi', 'alle3is', 6, 8, 3, 0, false],
  ['tlbi', 'vae3is', 6, 8, 3, 1, true], ['tlbi', 'vale3is', 6, 8, 3, 5, true], ['tlbi', 'rvae3os', 6, 8, 5, 1, true],
  ['tlbi', 'rvale3os', 6, 8, 5, 5, true], ['tlbi', 'rvae3', 6, 8, 6, 1, true], ['tlbi', 'rvale3', 6, 8, 6, 5, true],
  ['tlbi', 'alle3', 6, 8, 7, 0, false], ['tlbi', 'vae3', 6, 8, 7, 1, true], ['tlbi', 'vale3', 6, 8, 7, 5, true],
  ['cfp', 'rctx', 3, 7, 3, 4, true],
  ['dvp', 'rctx', 3, 7, 3, 5, true],
  ['cpp', 'rctx', 3, 7, 3, 7, true],
];

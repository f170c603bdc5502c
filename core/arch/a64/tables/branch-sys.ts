// Layer: core/arch/a64/tables. The branch-sys encoding group (see spec.ts for the row format):
// branches (immediate, compare, test, conditional, register, pointer-auth), exception generation,
// hints, barriers, PSTATE writes, SYS/SYSL and MRS/MSR. Imports this folder's parent only.
//
// What LLVM (llvm-objdump-16 --mcpu=apple-m1) does here, which the rows copy:
// - it prints every op0 = 0 system word that is no hint, barrier or PSTATE write as
//   `msr S0_<op1>_C<n>_C<m>_<op2>, Xt` (`mrs Xt, S0_…` with L = 1), so MSR_reg/MRS keep op0 as a
//   2-bit field instead of the Arm ARM's o0 and cover that space; the CPU model finds no register
//   at op0 = 0 and raises UNDEFINED there, as for any unimplemented system register.
// - hints, barriers and PSTATE writes with Rt ≠ 31 fall into that same generic MSR.
// - the M1 has no BTI, SPE, MTE, nXS barriers, BC.cond, WFET/WFIT or TME, so LLVM prints those
//   as `hint #n`, generic MSR/SYS or `<unknown>`, and these rows do the same.

import { cond, hexImm, insn, label, ops, w, x } from '../operand-format.ts';
import { signExtend } from '../pattern.ts';
import type { InstructionSpec } from '../spec.ts';
import {
  HINTS,
  barrierOption,
  excImm,
  msrText,
  mrsText,
  pstateField,
  sysRegKeyOf,
  sysText,
  syslText,
} from './branch-sys-format.ts';

const G = 'branch-sys' as const;
const bin = (n: number, width: number) => n.toString(2).padStart(width, '0');

const BRANCHES: InstructionSpec[] = [
  { id: 'B', group: G, pattern: '0 00101 imm26:26', asm: (f, ctx) => insn('b', label(ctx, signExtend(f.imm26!, 26) * 4)) },
  { id: 'BL', group: G, pattern: '1 00101 imm26:26', asm: (f, ctx) => insn('bl', label(ctx, signExtend(f.imm26!, 26) * 4)) },
  {
    id: 'B_cond',
    group: G,
    pattern: '0101010 0 imm19:19 0 cond:4',
    asm: (f, ctx) => insn(`b.${cond(f.cond!)}`, label(ctx, signExtend(f.imm19!, 19) * 4)),
  },
  ...(['CBZ', 'CBNZ'] as const).map(
    (id, op): InstructionSpec => ({
      id,
      group: G,
      pattern: `sf:1 011010 ${op} imm19:19 Rt:5`,
      asm: (f, ctx) => insn(id.toLowerCase(), ops(f.sf ? x(f.Rt!) : w(f.Rt!), label(ctx, signExtend(f.imm19!, 19) * 4))),
    }),
  ),
  ...(['TBZ', 'TBNZ'] as const).map(
    (id, op): InstructionSpec => ({
      id,
      group: G,
      pattern: `b5:1 011011 ${op} b40:5 imm14:14 Rt:5`,
      asm: (f, ctx) =>
        insn(id.toLowerCase(), ops(f.b5 ? x(f.Rt!) : w(f.Rt!), hexImm((f.b5! << 5) | f.b40!), label(ctx, signExtend(f.imm14!, 14) * 4))),
    }),
  ),
];

// Unconditional branch (register): 1101011 opc:4 op2=11111 op3:6 Rn:5 op4:5.
const brReg = (opc: number, op3: number, rn: string, op4: string) => `1101011 ${bin(opc, 4)} 11111 ${bin(op3, 6)} ${rn} ${op4}`;

const BRANCH_REG: InstructionSpec[] = [
  { id: 'BR', group: G, pattern: brReg(0, 0, 'Rn:5', '00000'), asm: (f) => insn('br', x(f.Rn!)) },
  { id: 'BLR', group: G, pattern: brReg(1, 0, 'Rn:5', '00000'), asm: (f) => insn('blr', x(f.Rn!)) },
  { id: 'RET', group: G, pattern: brReg(2, 0, 'Rn:5', '00000'), asm: (f) => (f.Rn === 30 ? 'ret' : insn('ret', x(f.Rn!))) },
  { id: 'ERET', group: G, pattern: brReg(4, 0, '11111', '00000'), asm: () => 'eret' },
  { id: 'DRPS', group: G, pattern: brReg(5, 0, '11111', '00000'), asm: () => 'drps' },
  // Pointer-auth forms: M (op3<0>) picks key A or B; the Z forms use a zero modifier (op4 = 11111).
  { id: 'BRAZ', group: G, pattern: `1101011 0000 11111 00001 M:1 Rn:5 11111`, asm: (f) => insn(f.M ? 'brabz' : 'braaz', x(f.Rn!)) },
  { id: 'BLRAZ', group: G, pattern: `1101011 0001 11111 00001 M:1 Rn:5 11111`, asm: (f) => insn(f.M ? 'blrabz' : 'blraaz', x(f.Rn!)) },
  { id: 'RETA', group: G, pattern: `1101011 0010 11111 00001 M:1 11111 11111`, asm: (f) => (f.M ? 'retab' : 'retaa') },
  { id: 'ERETA', group: G, pattern: `1101011 0100 11111 00001 M:1 11111 11111`, asm: (f) => (f.M ? 'eretab' : 'eretaa') },
  {
    id: 'BRA',
    group: G,
    pattern: `1101011 1000 11111 00001 M:1 Rn:5 Rm:5`,
    asm: (f) => insn(f.M ? 'brab' : 'braa', ops(x(f.Rn!), x(f.Rm!, true))),
  },
  {
    id: 'BLRA',
    group: G,
    pattern: `1101011 1001 11111 00001 M:1 Rn:5 Rm:5`,
    asm: (f) => insn(f.M ? 'blrab' : 'blraa', ops(x(f.Rn!), x(f.Rm!, true))),
  },
];

// Exception generation: 11010100 opc:3 imm16 op2=000 LL:2.
const exc = (id: string, opc: number, ll: number, mnemonic: string, bareWhenZero = false): InstructionSpec => ({
  id,
  group: G,
  pattern: `11010100 ${bin(opc, 3)} imm16:16 000 ${bin(ll, 2)}`,
  asm: (f) => (bareWhenZero && f.imm16 === 0 ? mnemonic : insn(mnemonic, excImm(f.imm16!))),
});

const EXCEPTIONS: InstructionSpec[] = [
  exc('SVC', 0, 1, 'svc'),
  exc('HVC', 0, 2, 'hvc'),
  exc('SMC', 0, 3, 'smc'),
  exc('BRK', 1, 0, 'brk'),
  exc('HLT', 2, 0, 'hlt'),
  exc('DCPS1', 5, 1, 'dcps1', true),
  exc('DCPS2', 5, 2, 'dcps2', true),
  exc('DCPS3', 5, 3, 'dcps3', true),
  // Permanently undefined (the reserved group, op0 = 0000, op1 = 0): LLVM prints `udf #0x0`.
  { id: 'UDF', group: G, pattern: '0000000000000000 imm16:16', asm: (f) => insn('udf', hexImm(f.imm16!)) },
];

// System instructions with op0 = 0 and Rt = 31: hints (CRn = 0010), barriers (0011), PSTATE (0100).
const HINT_SPACE = '1101010100 0 00 011 0010';
const BARRIER = (op2: string) => `1101010100 0 00 011 0011 CRm:4 ${op2} 11111`;

const SYSTEM: InstructionSpec[] = [
  ...HINTS.map(
    ([id, imm, text]): InstructionSpec => ({ id, group: G, pattern: `${HINT_SPACE} ${bin(imm >> 3, 4)} ${bin(imm & 7, 3)} 11111`, asm: () => text }),
  ),
  // Every other hint (incl. BTI, PSB CSYNC, CLRBHB, which the M1 lacks): behaves as NOP.
  { id: 'HINT', group: G, pattern: `${HINT_SPACE} CRm:4 op2:3 11111`, asm: (f) => insn('hint', hexImm((f.CRm! << 3) | f.op2!)) },
  { id: 'CLREX', group: G, pattern: BARRIER('010'), asm: (f) => (f.CRm === 15 ? 'clrex' : insn('clrex', hexImm(f.CRm!))) },
  {
    id: 'DSB',
    group: G,
    pattern: BARRIER('100'),
    asm: (f) => (f.CRm === 0 ? 'ssbb' : f.CRm === 4 ? 'pssbb' : insn('dsb', barrierOption(f.CRm!))),
  },
  { id: 'DMB', group: G, pattern: BARRIER('101'), asm: (f) => insn('dmb', barrierOption(f.CRm!)) },
  { id: 'ISB', group: G, pattern: BARRIER('110'), asm: (f) => (f.CRm === 15 ? 'isb' : insn('isb', `#${f.CRm}`)) },
  // SB wants CRm = 0000; LLVM prints `sb` whatever CRm holds.
  { id: 'SB', group: G, pattern: '1101010100 0 00 011 0011 xxxx 111 11111', asm: () => 'sb' },
  // CFINV, XAFLAG and AXFLAG (op1 = 000, CRn = 0100) are in dp-reg.ts, with the flag operations.
  {
    id: 'MSR_imm',
    group: G,
    pattern: '1101010100 0 00 op1:3 0100 CRm:4 op2:3 11111',
    reject: (f) => pstateField(f.op1!, f.op2!, f.CRm!) === undefined,
    asm: (f) => {
      const field = pstateField(f.op1!, f.op2!, f.CRm!)!;
      return insn('msr', ops(field, hexImm(field === 'PM' ? f.CRm! & 1 : f.CRm!)));
    },
  },
  { id: 'SYS', group: G, pattern: '1101010100 0 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5', asm: (f) => sysText(f.op1!, f.CRn!, f.CRm!, f.op2!, f.Rt!) },
  { id: 'SYSL', group: G, pattern: '1101010100 1 01 op1:3 CRn:4 CRm:4 op2:3 Rt:5', asm: (f) => syslText(f.op1!, f.CRn!, f.CRm!, f.op2!, f.Rt!) },
  {
    id: 'MSR_reg',
    group: G,
    pattern: '1101010100 0 op0:2 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    reject: (f) => f.op0 === 1,
    asm: (f) => msrText(sysRegKeyOf(f.op0!, f.op1!, f.CRn!, f.CRm!, f.op2!), f.Rt!),
  },
  {
    id: 'MRS',
    group: G,
    pattern: '1101010100 1 op0:2 op1:3 CRn:4 CRm:4 op2:3 Rt:5',
    reject: (f) => f.op0 === 1,
    asm: (f) => mrsText(sysRegKeyOf(f.op0!, f.op1!, f.CRn!, f.CRm!, f.op2!), f.Rt!),
  },
];

export const BRANCH_SYS: readonly InstructionSpec[] = [...BRANCHES, ...BRANCH_REG, ...EXCEPTIONS, ...SYSTEM];

// Layer: core/arch/a64/tables. The cryptographic extensions the M1 has (FEAT_AES, SHA1, SHA256,
// SHA512, SHA3); SM3/SM4 are absent, so their encodings stay unknown as LLVM prints them.
// Imports ../operand-format.ts, ../spec.ts and simd-fp-vector-format.ts only.

import { insn, ops } from '../operand-format.ts';
import type { InstructionSpec } from '../spec.ts';
import { hx, row, sreg, v } from './simd-fp-vector-format.ts';

const vv = (t: string, ...regs: number[]) => ops(...regs.map((r) => v(r, t)));

const AES = [
  ['AESE', '00100', 'aese'],
  ['AESD', '00101', 'aesd'],
  ['AESMC', '00110', 'aesmc'],
  ['AESIMC', '00111', 'aesimc'],
] as const;

// SHA three-register: [id, opcode, mnemonic, operand shape]
const SHA3REG = [
  ['SHA1C', '000', 'sha1c', 'qsv'],
  ['SHA1P', '001', 'sha1p', 'qsv'],
  ['SHA1M', '010', 'sha1m', 'qsv'],
  ['SHA1SU0', '011', 'sha1su0', 'vvv'],
  ['SHA256H', '100', 'sha256h', 'qqv'],
  ['SHA256H2', '101', 'sha256h2', 'qqv'],
  ['SHA256SU1', '110', 'sha256su1', 'vvv'],
] as const;

const SHA512 = [
  ['SHA512H', '00', 'sha512h', true],
  ['SHA512H2', '01', 'sha512h2', true],
  ['SHA512SU1', '10', 'sha512su1', false],
  ['RAX1', '11', 'rax1', false],
] as const;

export const SIMD_CRYPTO: readonly InstructionSpec[] = [
  ...AES.map(([id, opcode, mn]) => row(id, `01001110 00 10100 ${opcode} 10 Rn:5 Rd:5`, (f) => insn(mn, vv('16b', f.Rd!, f.Rn!)))),
  ...SHA3REG.map(([id, opcode, mn, shape]) =>
    row(id, `01011110 00 0 Rm:5 0 ${opcode} 00 Rn:5 Rd:5`, (f) => {
      if (shape === 'vvv') return insn(mn, vv('4s', f.Rd!, f.Rn!, f.Rm!));
      return insn(mn, ops(`q${f.Rd}`, shape === 'qsv' ? sreg(2, f.Rn!) : `q${f.Rn}`, v(f.Rm!, '4s')));
    }),
  ),
  row('SHA1H', '01011110 00 10100 00000 10 Rn:5 Rd:5', (f) => insn('sha1h', ops(sreg(2, f.Rd!), sreg(2, f.Rn!)))),
  row('SHA1SU1', '01011110 00 10100 00001 10 Rn:5 Rd:5', (f) => insn('sha1su1', vv('4s', f.Rd!, f.Rn!))),
  row('SHA256SU0', '01011110 00 10100 00010 10 Rn:5 Rd:5', (f) => insn('sha256su0', vv('4s', f.Rd!, f.Rn!))),
  ...SHA512.map(([id, opcode, mn, q]) =>
    row(id, `11001110 011 Rm:5 1 0 00 ${opcode} Rn:5 Rd:5`, (f) =>
      q ? insn(mn, ops(`q${f.Rd}`, `q${f.Rn}`, v(f.Rm!, '2d'))) : insn(mn, vv('2d', f.Rd!, f.Rn!, f.Rm!)),
    ),
  ),
  row('SHA512SU0', '11001110 11000000 1000 00 Rn:5 Rd:5', (f) => insn('sha512su0', vv('2d', f.Rd!, f.Rn!))),
  row('EOR3', '11001110 000 Rm:5 0 Ra:5 Rn:5 Rd:5', (f) => insn('eor3', vv('16b', f.Rd!, f.Rn!, f.Rm!, f.Ra!))),
  row('BCAX', '11001110 001 Rm:5 0 Ra:5 Rn:5 Rd:5', (f) => insn('bcax', vv('16b', f.Rd!, f.Rn!, f.Rm!, f.Ra!))),
  row('XAR', '11001110 100 Rm:5 imm6:6 Rn:5 Rd:5', (f) => insn('xar', ops(vv('2d', f.Rd!, f.Rn!, f.Rm!), hx(f.imm6!)))),
];

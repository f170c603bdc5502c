// Layer: core/arch/a64/tables. Scalar floating point (half, single, double — the M1 has FP16):
// the Arm ARM's "Floating-point data-processing (1, 2, 3 source)", compare, conditional compare
// and select, immediate, and conversions to and from integers and fixed point; then the Advanced
// SIMD copy/move rows (simd-fp-scalar-move.ts). Imports this folder's operand helpers only.
//
// M (bit 31) and S (bit 29) are 0 in every allocated encoding, so the patterns fix them; ftype 10
// is unallocated outside FMOV's top-half form, and FP16 (ftype 11) is allocated wherever the
// Arm ARM gives a half-precision variant.
import { cond, gpr, hexImm, insn, ops } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { badFtype, fpImm, fpr } from './simd-fp-scalar-format.ts';
import { SIMD_FP_SCALAR_MOVE } from './simd-fp-scalar-move.ts';

const row = (id: string, pattern: string, asm: InstructionSpec['asm'], reject?: (f: Fields) => boolean): InstructionSpec => ({
  id,
  group: 'simd-fp',
  pattern,
  asm,
  ...(reject ? { reject } : {}),
});

/** Floating-point data-processing (1 source): `op Fd, Fn`, one row per opcode. */
function dp1(id: string, mnemonic: string, opcode: string, reject: (f: Fields) => boolean = (f) => badFtype(f.ftype!)): InstructionSpec {
  return row(id, `000 11110 ftype:2 1 ${opcode} 10000 Rn:5 Rd:5`, (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rd!), fpr(f.ftype!, f.Rn!))), reject);
}

/** FRINT32Z/X and FRINT64Z/X (FEAT_FRINTTS) have no half-precision form. */
const singleOrDouble = (f: Fields) => f.ftype! > 1;

const DP1: InstructionSpec[] = [
  dp1('FMOV_reg', 'fmov', '000000'),
  dp1('FABS_scalar', 'fabs', '000001'),
  dp1('FNEG_scalar', 'fneg', '000010'),
  dp1('FSQRT_scalar', 'fsqrt', '000011'),
  dp1('FRINTN_scalar', 'frintn', '001000'),
  dp1('FRINTP_scalar', 'frintp', '001001'),
  dp1('FRINTM_scalar', 'frintm', '001010'),
  dp1('FRINTZ_scalar', 'frintz', '001011'),
  dp1('FRINTA_scalar', 'frinta', '001100'),
  dp1('FRINTX_scalar', 'frintx', '001110'),
  dp1('FRINTI_scalar', 'frinti', '001111'),
  dp1('FRINT32Z_scalar', 'frint32z', '010000', singleOrDouble),
  dp1('FRINT32X_scalar', 'frint32x', '010001', singleOrDouble),
  dp1('FRINT64Z_scalar', 'frint64z', '010010', singleOrDouble),
  dp1('FRINT64X_scalar', 'frint64x', '010011', singleOrDouble),
  // FCVT between precisions: opc is the destination type in ftype's coding; opc 10 is BFCVT
  // (FEAT_BF16, which the M1 lacks) and opc = ftype converts to itself, both unallocated.
  row(
    'FCVT',
    '000 11110 ftype:2 1 0001 opc:2 10000 Rn:5 Rd:5',
    (f) => insn('fcvt', ops(fpr(f.opc!, f.Rd!), fpr(f.ftype!, f.Rn!))),
    (f) => badFtype(f.ftype!) || f.opc === 2 || f.opc === f.ftype,
  ),
];

/** Floating-point data-processing (2 source): `op Fd, Fn, Fm`; opcodes 1001–1111 are unallocated. */
function dp2(id: string, mnemonic: string, opcode: string): InstructionSpec {
  return row(
    id,
    `000 11110 ftype:2 1 Rm:5 ${opcode} 10 Rn:5 Rd:5`,
    (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rd!), fpr(f.ftype!, f.Rn!), fpr(f.ftype!, f.Rm!))),
    (f) => badFtype(f.ftype!),
  );
}

const DP2: InstructionSpec[] = [
  dp2('FMUL_scalar', 'fmul', '0000'),
  dp2('FDIV_scalar', 'fdiv', '0001'),
  dp2('FADD_scalar', 'fadd', '0010'),
  dp2('FSUB_scalar', 'fsub', '0011'),
  dp2('FMAX_scalar', 'fmax', '0100'),
  dp2('FMIN_scalar', 'fmin', '0101'),
  dp2('FMAXNM_scalar', 'fmaxnm', '0110'),
  dp2('FMINNM_scalar', 'fminnm', '0111'),
  dp2('FNMUL_scalar', 'fnmul', '1000'),
];

/** Floating-point data-processing (3 source): `op Fd, Fn, Fm, Fa`, o1:o0 picks the operation. */
function dp3(id: string, mnemonic: string, o1: number, o0: number): InstructionSpec {
  return row(
    id,
    `000 11111 ftype:2 ${o1} Rm:5 ${o0} Ra:5 Rn:5 Rd:5`,
    (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rd!), fpr(f.ftype!, f.Rn!), fpr(f.ftype!, f.Rm!), fpr(f.ftype!, f.Ra!))),
    (f) => badFtype(f.ftype!),
  );
}

const DP3: InstructionSpec[] = [
  dp3('FMADD', 'fmadd', 0, 0),
  dp3('FMSUB', 'fmsub', 0, 1),
  dp3('FNMADD', 'fnmadd', 1, 0),
  dp3('FNMSUB', 'fnmsub', 1, 1),
];

/** FCMP/FCMPE: opc=1 compares with zero (Rm is then ignored, and LLVM prints `#0.0`). */
function fcmp(id: string, mnemonic: string, e: number): InstructionSpec {
  return row(
    id,
    `000 11110 ftype:2 1 Rm:5 001000 Rn:5 ${e} opc:1 000`,
    (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rn!), f.opc ? '#0.0' : fpr(f.ftype!, f.Rm!))),
    (f) => badFtype(f.ftype!),
  );
}

function fccmp(id: string, mnemonic: string, op: number): InstructionSpec {
  return row(
    id,
    `000 11110 ftype:2 1 Rm:5 cond:4 01 Rn:5 ${op} nzcv:4`,
    (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rn!), fpr(f.ftype!, f.Rm!), hexImm(f.nzcv!), cond(f.cond!))),
    (f) => badFtype(f.ftype!),
  );
}

const COMPARE_SELECT: InstructionSpec[] = [
  fcmp('FCMP', 'fcmp', 0),
  fcmp('FCMPE', 'fcmpe', 1),
  fccmp('FCCMP', 'fccmp', 0),
  fccmp('FCCMPE', 'fccmpe', 1),
  row(
    'FCSEL',
    '000 11110 ftype:2 1 Rm:5 cond:4 11 Rn:5 Rd:5',
    (f) => insn('fcsel', ops(fpr(f.ftype!, f.Rd!), fpr(f.ftype!, f.Rn!), fpr(f.ftype!, f.Rm!), cond(f.cond!))),
    (f) => badFtype(f.ftype!),
  ),
  // FMOV (scalar, immediate): imm5 (bits 9:5) must be zero.
  row('FMOV_imm', '000 11110 ftype:2 1 imm8:8 100 00000 Rd:5', (f) => insn('fmov', ops(fpr(f.ftype!, f.Rd!), fpImm(f.imm8!))), (f) => badFtype(f.ftype!)),
];

/** Conversion between FP and integer, FP register in, general register out (or the reverse for *CVTF). */
function toInt(id: string, mnemonic: string, rmode: string, opcode: string): InstructionSpec {
  return row(
    id,
    `sf:1 0 0 11110 ftype:2 1 ${rmode} ${opcode} 000000 Rn:5 Rd:5`,
    (f) => insn(mnemonic, ops(gpr(f.Rd!, f.sf === 1), fpr(f.ftype!, f.Rn!))),
    (f) => badFtype(f.ftype!),
  );
}
function fromInt(id: string, mnemonic: string, opcode: string): InstructionSpec {
  return row(
    id,
    `sf:1 0 0 11110 ftype:2 1 00 ${opcode} 000000 Rn:5 Rd:5`,
    (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rd!), gpr(f.Rn!, f.sf === 1))),
    (f) => badFtype(f.ftype!),
  );
}

/** Conversion between FP and fixed point: #fbits = 64 − scale; a 32-bit integer needs scale ≥ 32. */
const badFixed = (f: Fields) => badFtype(f.ftype!) || (f.sf === 0 && f.scale! < 32);
function toFixed(id: string, mnemonic: string, opcode: string): InstructionSpec {
  return row(
    id,
    `sf:1 0 0 11110 ftype:2 0 11 ${opcode} scale:6 Rn:5 Rd:5`,
    (f) => insn(mnemonic, ops(gpr(f.Rd!, f.sf === 1), fpr(f.ftype!, f.Rn!), hexImm(64 - f.scale!))),
    badFixed,
  );
}
function fromFixed(id: string, mnemonic: string, opcode: string): InstructionSpec {
  return row(
    id,
    `sf:1 0 0 11110 ftype:2 0 00 ${opcode} scale:6 Rn:5 Rd:5`,
    (f) => insn(mnemonic, ops(fpr(f.ftype!, f.Rd!), gpr(f.Rn!, f.sf === 1), hexImm(64 - f.scale!))),
    badFixed,
  );
}

/**
 * FMOV (general): the allocated sf:ftype:rmode triples are W↔S, W↔H, X↔H, X↔D and X↔V.D[1]
 * (ftype 10, rmode 01 — the upper half of a 128-bit register). op (bit 16) = 1 moves into FP.
 */
const FMOV_GENERAL_OK = new Set(['0:0:0', '0:3:0', '1:3:0', '1:1:0', '1:2:1']);

const CONVERT: InstructionSpec[] = [
  toInt('FCVTNS_scalar', 'fcvtns', '00', '000'),
  toInt('FCVTNU_scalar', 'fcvtnu', '00', '001'),
  toInt('FCVTAS_scalar', 'fcvtas', '00', '100'),
  toInt('FCVTAU_scalar', 'fcvtau', '00', '101'),
  toInt('FCVTPS_scalar', 'fcvtps', '01', '000'),
  toInt('FCVTPU_scalar', 'fcvtpu', '01', '001'),
  toInt('FCVTMS_scalar', 'fcvtms', '10', '000'),
  toInt('FCVTMU_scalar', 'fcvtmu', '10', '001'),
  toInt('FCVTZS_scalar_int', 'fcvtzs', '11', '000'),
  toInt('FCVTZU_scalar_int', 'fcvtzu', '11', '001'),
  fromInt('SCVTF_scalar_int', 'scvtf', '010'),
  fromInt('UCVTF_scalar_int', 'ucvtf', '011'),
  toFixed('FCVTZS_scalar_fixed', 'fcvtzs', '000'),
  toFixed('FCVTZU_scalar_fixed', 'fcvtzu', '001'),
  fromFixed('SCVTF_scalar_fixed', 'scvtf', '010'),
  fromFixed('UCVTF_scalar_fixed', 'ucvtf', '011'),
  // FJCVTZS (FEAT_JSCVT): double to W only.
  row('FJCVTZS', '0 0 0 11110 01 1 11 110 000000 Rn:5 Rd:5', (f) => insn('fjcvtzs', ops(gpr(f.Rd!, false), fpr(1, f.Rn!)))),
  row(
    'FMOV_general',
    'sf:1 0 0 11110 ftype:2 1 rmode:2 11 op:1 000000 Rn:5 Rd:5',
    (f) => {
      const general = gpr(f.op ? f.Rn! : f.Rd!, f.sf === 1);
      const fp = f.ftype === 2 ? `v${f.op ? f.Rd : f.Rn}.d[1]` : fpr(f.ftype!, f.op ? f.Rd! : f.Rn!);
      return insn('fmov', f.op ? ops(fp, general) : ops(general, fp));
    },
    (f) => !FMOV_GENERAL_OK.has(`${f.sf}:${f.ftype}:${f.rmode}`),
  ),
];

export const SIMD_FP_SCALAR: readonly InstructionSpec[] = [...DP1, ...DP2, ...DP3, ...COMPARE_SELECT, ...CONVERT, ...SIMD_FP_SCALAR_MOVE];

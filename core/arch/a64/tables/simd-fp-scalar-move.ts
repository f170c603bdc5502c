// Layer: core/arch/a64/tables. The Advanced SIMD copy / move rows: copy (DUP, INS, SMOV, UMOV
// and LLVM's `mov` aliases), modified immediate (MOVI, MVNI, ORR, BIC, FMOV), EXT, TBL/TBX and
// the permutes (ZIP/UZP/TRN). Imports this folder's operand helpers only.
import { hexImm, insn, ops, gpr } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { arrangement, fpImm, imm5Element, imm5Size, movi64Imm, vreg } from './simd-fp-scalar-format.ts';

const row = (id: string, pattern: string, asm: InstructionSpec['asm'], reject?: (f: Fields) => boolean): InstructionSpec => ({
  id,
  group: 'simd-fp',
  pattern,
  asm,
  ...(reject ? { reject } : {}),
});

/** imm5 = x0000 encodes no element size: unallocated in every copy encoding. */
const noSize = (f: Fields) => imm5Size(f.imm5!) === undefined;

/** Vector arrangement for an imm5 element size and Q. */
const imm5Arrangement = (f: Fields) => arrangement(imm5Size(f.imm5!)!, f.Q!);

const COPY: InstructionSpec[] = [
  // DUP (element), vector: "1d" (size d with Q=0) is reserved.
  row(
    'DUP_element_vector',
    '0 Q:1 0 01110000 imm5:5 0 0000 1 Rn:5 Rd:5',
    (f) => insn('dup', ops(vreg(f.Rd!, imm5Arrangement(f)), imm5Element(f.Rn!, f.imm5!))),
    (f) => noSize(f) || (imm5Size(f.imm5!) === 3 && f.Q === 0),
  ),
  // DUP (element), scalar: LLVM always prints its `mov` alias.
  row(
    'DUP_element_scalar',
    '01 0 11110000 imm5:5 0 0000 1 Rn:5 Rd:5',
    (f) => insn('mov', ops(`${'bhsd'[imm5Size(f.imm5!)!]}${f.Rd}`, imm5Element(f.Rn!, f.imm5!))),
    noSize,
  ),
  row(
    'DUP_general',
    '0 Q:1 0 01110000 imm5:5 0 0001 1 Rn:5 Rd:5',
    (f) => insn('dup', ops(vreg(f.Rd!, imm5Arrangement(f)), gpr(f.Rn!, imm5Size(f.imm5!) === 3))),
    (f) => noSize(f) || (imm5Size(f.imm5!) === 3 && f.Q === 0),
  ),
  // SMOV: to W from b/h (Q=0), to X from b/h/s (Q=1).
  row(
    'SMOV',
    '0 Q:1 0 01110000 imm5:5 0 0101 1 Rn:5 Rd:5',
    (f) => insn('smov', ops(gpr(f.Rd!, f.Q === 1), imm5Element(f.Rn!, f.imm5!))),
    (f) => noSize(f) || imm5Size(f.imm5!)! >= 2 + f.Q!,
  ),
  // UMOV: to W from b/h/s (Q=0), to X from d (Q=1); the s and d forms print as `mov`.
  row(
    'UMOV',
    '0 Q:1 0 01110000 imm5:5 0 0111 1 Rn:5 Rd:5',
    (f) => insn(imm5Size(f.imm5!)! >= 2 ? 'mov' : 'umov', ops(gpr(f.Rd!, f.Q === 1), imm5Element(f.Rn!, f.imm5!))),
    (f) => noSize(f) || (f.Q === 1) !== (imm5Size(f.imm5!) === 3),
  ),
  // INS (general) and INS (element): LLVM prints the `mov` alias for both.
  row('INS_general', '0 1 0 01110000 imm5:5 0 0011 1 Rn:5 Rd:5', (f) => insn('mov', ops(imm5Element(f.Rd!, f.imm5!), gpr(f.Rn!, imm5Size(f.imm5!) === 3))), noSize),
  row(
    'INS_element',
    '0 1 1 01110000 imm5:5 0 imm4:4 1 Rn:5 Rd:5',
    (f) => {
      const size = imm5Size(f.imm5!)!;
      return insn('mov', ops(imm5Element(f.Rd!, f.imm5!), `v${f.Rn}.${'bhsd'[size]}[${f.imm4! >> size}]`));
    },
    noSize,
  ),
];

/** The modified-immediate encoding's imm8 = a:b:c:d:e:f:g:h. */
const imm8 = (f: Fields) => (f.a! << 7) | (f.b! << 6) | (f.c! << 5) | (f.d! << 4) | (f.e! << 3) | (f.f! << 2) | (f.g! << 1) | f.h!;

/** Which operation an op:cmode:o2 triple selects (Arm ARM "Advanced SIMD modified immediate"). */
function modImmOp(f: Fields): 'MOVI' | 'MVNI' | 'ORR' | 'BIC' | 'FMOV' | undefined {
  const { op, cmode, o2, Q } = f as Required<Fields>;
  if (o2 === 1) return op === 0 && cmode === 15 ? 'FMOV' : undefined; // FP16 FMOV only
  if (cmode === 15) return op === 0 || Q === 1 ? 'FMOV' : undefined;
  if (cmode === 14) return 'MOVI';
  if (cmode >= 12) return op ? 'MVNI' : 'MOVI'; // shifting ones (MSL)
  if (cmode & 1) return op ? 'BIC' : 'ORR';
  return op ? 'MVNI' : 'MOVI';
}

/** MOVI/MVNI/ORR/BIC operands for the 32- and 16-bit shifted and the MSL forms. */
function shiftedImmOperands(f: Fields): string {
  const { cmode, Q, Rd } = f as Required<Fields>;
  const value = hexImm(imm8(f));
  if (cmode < 8) {
    const shift = ((cmode >> 1) & 3) * 8;
    return ops(vreg(Rd, Q ? '4s' : '2s'), value, shift ? `lsl #${shift}` : undefined);
  }
  if (cmode < 12) {
    const shift = ((cmode >> 1) & 1) * 8;
    return ops(vreg(Rd, Q ? '8h' : '4h'), value, shift ? `lsl #${shift}` : undefined);
  }
  return ops(vreg(Rd, Q ? '4s' : '2s'), value, `msl #${cmode & 1 ? 16 : 8}`);
}

function modImm(id: string, which: ReturnType<typeof modImmOp>, asm: InstructionSpec['asm']): InstructionSpec {
  return row(id, '0 Q:1 op:1 0111100000 a:1 b:1 c:1 cmode:4 o2:1 1 d:1 e:1 f:1 g:1 h:1 Rd:5', asm, (f) => modImmOp(f) !== which);
}

const MODIFIED_IMMEDIATE: InstructionSpec[] = [
  modImm('MOVI', 'MOVI', (f) => {
    if (f.cmode !== 14) return insn('movi', shiftedImmOperands(f));
    if (f.op === 0) return insn('movi', ops(vreg(f.Rd!, f.Q ? '16b' : '8b'), hexImm(imm8(f))));
    return insn('movi', ops(f.Q ? vreg(f.Rd!, '2d') : `d${f.Rd}`, movi64Imm(imm8(f))));
  }),
  modImm('MVNI', 'MVNI', (f) => insn('mvni', shiftedImmOperands(f))),
  modImm('ORR_vector_imm', 'ORR', (f) => insn('orr', shiftedImmOperands(f))),
  modImm('BIC_vector_imm', 'BIC', (f) => insn('bic', shiftedImmOperands(f))),
  modImm('FMOV_vector_imm', 'FMOV', (f) => {
    const arr = f.o2 ? (f.Q ? '8h' : '4h') : f.op ? '2d' : f.Q ? '4s' : '2s';
    return insn('fmov', ops(vreg(f.Rd!, arr), fpImm(imm8(f))));
  }),
];

/** TBL/TBX: a list of len+1 consecutive registers (numbers wrap at 32), always `.16b`. */
function table(id: string, mnemonic: string, op: number): InstructionSpec {
  return row(id, `0 Q:1 001110 00 0 Rm:5 0 len:2 ${op} 00 Rn:5 Rd:5`, (f) => {
    const arr = f.Q ? '16b' : '8b';
    const list = Array.from({ length: f.len! + 1 }, (_, i) => vreg((f.Rn! + i) % 32, '16b')).join(', ');
    return insn(mnemonic, ops(vreg(f.Rd!, arr), `{ ${list} }`, vreg(f.Rm!, arr)));
  });
}

/** ZIP/UZP/TRN: three registers of one arrangement; "1d" is reserved. */
function permute(id: string, mnemonic: string, opcode: string): InstructionSpec {
  return row(
    id,
    `0 Q:1 001110 size:2 0 Rm:5 0 ${opcode} 10 Rn:5 Rd:5`,
    (f) => {
      const arr = arrangement(f.size!, f.Q!);
      return insn(mnemonic, ops(vreg(f.Rd!, arr), vreg(f.Rn!, arr), vreg(f.Rm!, arr)));
    },
    (f) => f.size === 3 && f.Q === 0,
  );
}

const PERMUTE: InstructionSpec[] = [
  // EXT: with Q=0 only bytes 0–7 exist, so imm4<3> must be 0.
  row(
    'EXT',
    '0 Q:1 101110 00 0 Rm:5 0 imm4:4 0 Rn:5 Rd:5',
    (f) => {
      const arr = f.Q ? '16b' : '8b';
      return insn('ext', ops(vreg(f.Rd!, arr), vreg(f.Rn!, arr), vreg(f.Rm!, arr), hexImm(f.imm4!)));
    },
    (f) => f.Q === 0 && f.imm4! >= 8,
  ),
  table('TBL', 'tbl', 0),
  table('TBX', 'tbx', 1),
  permute('UZP1', 'uzp1', '001'),
  permute('TRN1', 'trn1', '010'),
  permute('ZIP1', 'zip1', '011'),
  permute('UZP2', 'uzp2', '101'),
  permute('TRN2', 'trn2', '110'),
  permute('ZIP2', 'zip2', '111'),
];

export const SIMD_FP_SCALAR_MOVE: readonly InstructionSpec[] = [...COPY, ...MODIFIED_IMMEDIATE, ...PERMUTE];

// Layer: core/arch/a64/tables. The dp-imm encoding group (see spec.ts for the row format):
// PC-relative addressing, add/sub immediate, logical immediate, move wide, bitfield, extract.
// Imports this folder and its parent only.
import { gpr, hexImm, imm, insn, label, ops, withComment, type AsmContext } from '../operand-format.ts';
import { signExtend } from '../pattern.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { decodeBitMask, isMovzValue, isMoveWideValue, signedValue } from './dp-imm-format.ts';

const width = (f: Fields): 32 | 64 => (f.sf ? 64 : 32);
const r = (f: Fields, n: number, sp = false) => gpr(n, f.sf === 1, sp);

// --- PC-relative --------------------------------------------------------------------------
const adrOffset = (f: Fields) => signExtend((f.immhi! << 2) | f.immlo!, 21);

const PC_REL: InstructionSpec[] = [
  {
    id: 'ADR',
    group: 'dp-imm',
    pattern: '0 immlo:2 10000 immhi:19 Rd:5',
    // llvm-objdump prints ADR's offset, not its target.
    asm: (f) => insn('adr', ops(gpr(f.Rd!, true), hexImm(adrOffset(f)))),
  },
  {
    id: 'ADRP',
    group: 'dp-imm',
    pattern: '1 immlo:2 10000 immhi:19 Rd:5',
    asm: (f, ctx: AsmContext) => {
      const page: AsmContext = { ...ctx, pc: ctx.pc & ~0xfffn };
      return insn('adrp', ops(gpr(f.Rd!, true), label(page, BigInt(adrOffset(f)) * 4096n)));
    },
  },
];

// --- Add/subtract (immediate) -------------------------------------------------------------
/** `mnemonic regs, #imm[, lsl #12]`, with LLVM's `// =value` comment for the shifted form. */
function addSubImm(ctx: AsmContext, mnemonic: string, regs: string[], f: Fields): string {
  const value = f.imm12!;
  if (!f.sh) return insn(mnemonic, ops(...regs, hexImm(value)));
  return withComment(ctx, insn(mnemonic, ops(...regs, `${hexImm(value)}, lsl #12`)), `=0x${(value * 4096).toString(16)}`);
}

const ADD_SUB_IMM: InstructionSpec[] = [
  {
    id: 'ADD_imm',
    group: 'dp-imm',
    pattern: 'sf:1 0 0 100010 sh:1 imm12:12 Rn:5 Rd:5',
    asm: (f, ctx) =>
      f.sh === 0 && f.imm12 === 0 && (f.Rd === 31 || f.Rn === 31)
        ? insn('mov', ops(r(f, f.Rd!, true), r(f, f.Rn!, true)))
        : addSubImm(ctx, 'add', [r(f, f.Rd!, true), r(f, f.Rn!, true)], f),
  },
  {
    id: 'ADDS_imm',
    group: 'dp-imm',
    pattern: 'sf:1 0 1 100010 sh:1 imm12:12 Rn:5 Rd:5',
    asm: (f, ctx) =>
      f.Rd === 31
        ? addSubImm(ctx, 'cmn', [r(f, f.Rn!, true)], f)
        : addSubImm(ctx, 'adds', [r(f, f.Rd!), r(f, f.Rn!, true)], f),
  },
  {
    id: 'SUB_imm',
    group: 'dp-imm',
    pattern: 'sf:1 1 0 100010 sh:1 imm12:12 Rn:5 Rd:5',
    asm: (f, ctx) => addSubImm(ctx, 'sub', [r(f, f.Rd!, true), r(f, f.Rn!, true)], f),
  },
  {
    id: 'SUBS_imm',
    group: 'dp-imm',
    pattern: 'sf:1 1 1 100010 sh:1 imm12:12 Rn:5 Rd:5',
    asm: (f, ctx) =>
      f.Rd === 31
        ? addSubImm(ctx, 'cmp', [r(f, f.Rn!, true)], f)
        : addSubImm(ctx, 'subs', [r(f, f.Rd!), r(f, f.Rn!, true)], f),
  },
];

// --- Logical (immediate) ------------------------------------------------------------------
const bitMask = (f: Fields) => decodeBitMask(f.N!, f.immr!, f.imms!, width(f));
/** sf=0 with N=1, and the bitmask encodings DecodeBitMasks calls reserved, are unallocated. */
const badBitMask = (f: Fields) => (f.sf === 0 && f.N === 1) || bitMask(f) === undefined;
const logImm = (f: Fields) => hexImm(bitMask(f)!);

const LOGICAL_IMM: InstructionSpec[] = [
  {
    id: 'AND_imm',
    group: 'dp-imm',
    pattern: 'sf:1 00 100100 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitMask,
    asm: (f) => insn('and', ops(r(f, f.Rd!, true), r(f, f.Rn!), logImm(f))),
  },
  {
    id: 'ORR_imm',
    group: 'dp-imm',
    pattern: 'sf:1 01 100100 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitMask,
    // MOV (bitmask immediate) only where MOVZ/MOVN could not write the value; `mov` prints it signed.
    asm: (f) =>
      f.Rn === 31 && !isMoveWideValue(bitMask(f)!, width(f))
        ? insn('mov', ops(r(f, f.Rd!, true), hexImm(signedValue(bitMask(f)!, width(f)))))
        : insn('orr', ops(r(f, f.Rd!, true), r(f, f.Rn!), logImm(f))),
  },
  {
    id: 'EOR_imm',
    group: 'dp-imm',
    pattern: 'sf:1 10 100100 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitMask,
    asm: (f) => insn('eor', ops(r(f, f.Rd!, true), r(f, f.Rn!), logImm(f))),
  },
  {
    id: 'ANDS_imm',
    group: 'dp-imm',
    pattern: 'sf:1 11 100100 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitMask,
    asm: (f) =>
      f.Rd === 31 ? insn('tst', ops(r(f, f.Rn!), logImm(f))) : insn('ands', ops(r(f, f.Rd!), r(f, f.Rn!), logImm(f))),
  },
];

// --- Move wide (immediate) ----------------------------------------------------------------
/** hw=1x is unallocated for 32-bit registers. */
const badHw = (f: Fields) => f.sf === 0 && f.hw! >= 2;
const shifted = (f: Fields) => BigInt(f.imm16!) << BigInt(16 * f.hw!);
const wideOperand = (f: Fields) => (f.hw ? `${hexImm(f.imm16!)}, lsl #${16 * f.hw}` : hexImm(f.imm16!));

const MOVE_WIDE: InstructionSpec[] = [
  {
    id: 'MOVN',
    group: 'dp-imm',
    pattern: 'sf:1 00 100101 hw:2 imm16:16 Rd:5',
    reject: badHw,
    asm: (f) => {
      const value = BigInt.asUintN(width(f), ~shifted(f));
      // MOV (inverted wide immediate), unless `movz` would spell the same value.
      const alias = !(f.imm16 === 0 && f.hw !== 0) && !isMovzValue(value, width(f));
      return alias
        ? insn('mov', ops(r(f, f.Rd!), hexImm(signedValue(value, width(f)))))
        : insn('movn', ops(r(f, f.Rd!), wideOperand(f)));
    },
  },
  {
    id: 'MOVZ',
    group: 'dp-imm',
    pattern: 'sf:1 10 100101 hw:2 imm16:16 Rd:5',
    reject: badHw,
    asm: (f) =>
      f.imm16 === 0 && f.hw !== 0
        ? insn('movz', ops(r(f, f.Rd!), wideOperand(f)))
        : insn('mov', ops(r(f, f.Rd!), hexImm(signedValue(shifted(f), width(f))))),
  },
  {
    id: 'MOVK',
    group: 'dp-imm',
    pattern: 'sf:1 11 100101 hw:2 imm16:16 Rd:5',
    reject: badHw,
    asm: (f) => insn('movk', ops(r(f, f.Rd!), wideOperand(f))),
  },
];

// --- Bitfield ----------------------------------------------------------------------------
/** N must equal sf; a 32-bit form uses 5-bit immr/imms. */
const badBitfield = (f: Fields) => f.N !== f.sf || (f.sf === 0 && ((f.immr! | f.imms!) & 0x20) !== 0);

/** SBFM/UBFM as LLVM's printer spells them: extends, shifts, then sbfiz/ubfiz or sbfx/ubfx. */
function signedOrUnsignedBitfield(f: Fields, signed: boolean): string {
  const is64 = f.sf === 1;
  const bits = width(f);
  const { immr, imms } = f as Required<Fields>;
  const rd = r(f, f.Rd!);
  const rn = r(f, f.Rn!);
  if (immr === 0) {
    const ext =
      imms === 7 && (signed || !is64) ? 'xtb' : imms === 15 && (signed || !is64) ? 'xth' : imms === 31 && signed && is64 ? 'xtw' : undefined;
    if (ext) return insn(`${signed ? 's' : 'u'}${ext}`, ops(rd, gpr(f.Rn!, false)));
  }
  if (imms === bits - 1) return insn(signed ? 'asr' : 'lsr', ops(rd, rn, imm(immr)));
  if (!signed && imms + 1 === immr) return insn('lsl', ops(rd, rn, imm(bits - 1 - imms)));
  if (immr > imms) return insn(signed ? 'sbfiz' : 'ubfiz', ops(rd, rn, imm(bits - immr), imm(imms + 1)));
  return insn(signed ? 'sbfx' : 'ubfx', ops(rd, rn, imm(immr), imm(imms - immr + 1)));
}

function bitfieldMove(f: Fields): string {
  const bits = width(f);
  const { immr, imms } = f as Required<Fields>;
  const rd = r(f, f.Rd!);
  const lsb = (bits - immr) % bits;
  // BFC (v8.2) takes its whole range, BFI only imms < immr.
  if (f.Rn === 31 && (immr === 0 || imms < immr)) return insn('bfc', ops(rd, imm(lsb), imm(imms + 1)));
  if (imms < immr) return insn('bfi', ops(rd, r(f, f.Rn!), imm(lsb), imm(imms + 1)));
  return insn('bfxil', ops(rd, r(f, f.Rn!), imm(immr), imm(imms - immr + 1)));
}

const BITFIELD: InstructionSpec[] = [
  {
    id: 'SBFM',
    group: 'dp-imm',
    pattern: 'sf:1 00 100110 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitfield,
    asm: (f) => signedOrUnsignedBitfield(f, true),
  },
  {
    id: 'BFM',
    group: 'dp-imm',
    pattern: 'sf:1 01 100110 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitfield,
    asm: bitfieldMove,
  },
  {
    id: 'UBFM',
    group: 'dp-imm',
    pattern: 'sf:1 10 100110 N:1 immr:6 imms:6 Rn:5 Rd:5',
    reject: badBitfield,
    asm: (f) => signedOrUnsignedBitfield(f, false),
  },
];

// --- Extract ------------------------------------------------------------------------------
const EXTRACT: InstructionSpec[] = [
  {
    id: 'EXTR',
    group: 'dp-imm',
    pattern: 'sf:1 00 100111 N:1 0 Rm:5 imms:6 Rn:5 Rd:5',
    reject: (f) => f.N !== f.sf || (f.sf === 0 && f.imms! >= 32),
    asm: (f) =>
      f.Rn === f.Rm
        ? insn('ror', ops(r(f, f.Rd!), r(f, f.Rn!), hexImm(f.imms!)))
        : insn('extr', ops(r(f, f.Rd!), r(f, f.Rn!), r(f, f.Rm!), hexImm(f.imms!))),
  },
];

export const DP_IMM: readonly InstructionSpec[] = [...PC_REL, ...ADD_SUB_IMM, ...LOGICAL_IMM, ...MOVE_WIDE, ...BITFIELD, ...EXTRACT];

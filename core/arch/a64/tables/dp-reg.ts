// Layer: core/arch/a64/tables. The dp-reg encoding group (see spec.ts for the row format):
// logical and add/sub (shifted/extended register), add/sub with carry, flag manipulation,
// conditional compare and select, data processing with 1, 2 and 3 sources (incl. PAC and CRC32).
// Imports this folder and its parent only.
import { cond, gpr, hexImm, insn, invertCond, ops } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { extendedRm, extendSuffix, shiftSuffix } from './dp-reg-format.ts';

const r = (f: Fields, n: number, sp = false) => gpr(n, f.sf === 1, sp);
const x = (n: number, sp = false) => gpr(n, true, sp);
const w = (n: number) => gpr(n, false);

// --- Logical (shifted register) -----------------------------------------------------------
/** imm6 ≥ 32 is unallocated for 32-bit operations. */
const bigShift = (f: Fields) => f.sf === 0 && f.imm6! >= 32;
const shiftedRm = (f: Fields) => `${r(f, f.Rm!)}${shiftSuffix(f.shift!, f.imm6!)}`;
const threeShifted = (mnemonic: string, f: Fields) => insn(mnemonic, ops(r(f, f.Rd!), r(f, f.Rn!), shiftedRm(f)));

function logical(id: string, opc: number, n: number, asm: (f: Fields) => string): InstructionSpec {
  return { id, group: 'dp-reg', pattern: `sf:1 ${opc.toString(2).padStart(2, '0')} 01010 shift:2 ${n} Rm:5 imm6:6 Rn:5 Rd:5`, reject: bigShift, asm };
}

const LOGICAL_SHIFTED: InstructionSpec[] = [
  logical('AND_shifted', 0, 0, (f) => threeShifted('and', f)),
  logical('BIC_shifted', 0, 1, (f) => threeShifted('bic', f)),
  logical('ORR_shifted', 1, 0, (f) =>
    f.Rn === 31 && f.shift === 0 && f.imm6 === 0 ? insn('mov', ops(r(f, f.Rd!), r(f, f.Rm!))) : threeShifted('orr', f),
  ),
  logical('ORN_shifted', 1, 1, (f) => (f.Rn === 31 ? insn('mvn', ops(r(f, f.Rd!), shiftedRm(f))) : threeShifted('orn', f))),
  logical('EOR_shifted', 2, 0, (f) => threeShifted('eor', f)),
  logical('EON_shifted', 2, 1, (f) => threeShifted('eon', f)),
  logical('ANDS_shifted', 3, 0, (f) => (f.Rd === 31 ? insn('tst', ops(r(f, f.Rn!), shiftedRm(f))) : threeShifted('ands', f))),
  logical('BICS_shifted', 3, 1, (f) => threeShifted('bics', f)),
];

// --- Add/subtract (shifted register) ------------------------------------------------------
function addSubShifted(id: string, opS: string, asm: (f: Fields) => string): InstructionSpec {
  // shift=11 (ROR) is reserved for add/sub.
  return { id, group: 'dp-reg', pattern: `sf:1 ${opS} 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5`, reject: (f) => f.shift === 3 || bigShift(f), asm };
}

const ADD_SUB_SHIFTED: InstructionSpec[] = [
  addSubShifted('ADD_shifted', '0 0', (f) => threeShifted('add', f)),
  addSubShifted('ADDS_shifted', '0 1', (f) => (f.Rd === 31 ? insn('cmn', ops(r(f, f.Rn!), shiftedRm(f))) : threeShifted('adds', f))),
  addSubShifted('SUB_shifted', '1 0', (f) => (f.Rn === 31 ? insn('neg', ops(r(f, f.Rd!), shiftedRm(f))) : threeShifted('sub', f))),
  addSubShifted('SUBS_shifted', '1 1', (f) =>
    f.Rd === 31
      ? insn('cmp', ops(r(f, f.Rn!), shiftedRm(f)))
      : f.Rn === 31
        ? insn('negs', ops(r(f, f.Rd!), shiftedRm(f)))
        : threeShifted('subs', f),
  ),
];

// --- Add/subtract (extended register) -----------------------------------------------------
function extendedOperand(f: Fields, rdIsSp: boolean): string {
  const usesSp = (rdIsSp && f.Rd === 31) || f.Rn === 31;
  return `${extendedRm(f.Rm!, f.sf!, f.option!)}${extendSuffix(f.option!, f.imm3!, f.sf!, usesSp)}`;
}

function addSubExtended(id: string, opS: string, asm: (f: Fields) => string): InstructionSpec {
  // opt≠00 and shifts above 4 are reserved.
  return { id, group: 'dp-reg', pattern: `sf:1 ${opS} 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5`, reject: (f) => f.imm3! > 4, asm };
}

const ADD_SUB_EXTENDED: InstructionSpec[] = [
  addSubExtended('ADD_ext', '0 0', (f) => insn('add', ops(r(f, f.Rd!, true), r(f, f.Rn!, true), extendedOperand(f, true)))),
  addSubExtended('ADDS_ext', '0 1', (f) =>
    f.Rd === 31
      ? insn('cmn', ops(r(f, f.Rn!, true), extendedOperand(f, false)))
      : insn('adds', ops(r(f, f.Rd!), r(f, f.Rn!, true), extendedOperand(f, false))),
  ),
  addSubExtended('SUB_ext', '1 0', (f) => insn('sub', ops(r(f, f.Rd!, true), r(f, f.Rn!, true), extendedOperand(f, true)))),
  addSubExtended('SUBS_ext', '1 1', (f) =>
    f.Rd === 31
      ? insn('cmp', ops(r(f, f.Rn!, true), extendedOperand(f, false)))
      : insn('subs', ops(r(f, f.Rd!), r(f, f.Rn!, true), extendedOperand(f, false))),
  ),
];

// --- Add/subtract with carry, flag manipulation -------------------------------------------
function withCarry(id: string, opS: string, mnemonic: string, negated?: string): InstructionSpec {
  return {
    id,
    group: 'dp-reg',
    pattern: `sf:1 ${opS} 11010000 Rm:5 000000 Rn:5 Rd:5`,
    asm: (f) =>
      negated && f.Rn === 31 ? insn(negated, ops(r(f, f.Rd!), r(f, f.Rm!))) : insn(mnemonic, ops(r(f, f.Rd!), r(f, f.Rn!), r(f, f.Rm!))),
  };
}

const CARRY_AND_FLAGS: InstructionSpec[] = [
  withCarry('ADC', '0 0', 'adc'),
  withCarry('ADCS', '0 1', 'adcs'),
  withCarry('SBC', '1 0', 'sbc', 'ngc'),
  withCarry('SBCS', '1 1', 'sbcs', 'ngcs'),
  {
    id: 'RMIF',
    group: 'dp-reg',
    pattern: '1 0 1 11010000 imm6:6 00001 Rn:5 0 mask:4',
    asm: (f) => insn('rmif', ops(x(f.Rn!), hexImm(f.imm6!), hexImm(f.mask!))),
  },
  {
    id: 'SETF',
    group: 'dp-reg',
    pattern: '0 0 1 11010000 000000 sz:1 0010 Rn:5 0 1101',
    asm: (f) => insn(f.sz ? 'setf16' : 'setf8', w(f.Rn!)),
  },
  // The PSTATE flag instructions live in the system space (MSR immediate, op1=000 CRn=0100),
  // but are integer flag manipulation like RMIF/SETF, so they sit here. CRm is should-be-zero:
  // LLVM decodes CFINV only with CRm=0 (else `msr S0_0_C4_Cn_0, xzr`) but XAFLAG/AXFLAG with any CRm.
  { id: 'CFINV', group: 'dp-reg', pattern: '1101010100 0 00 000 0100 0000 000 11111', asm: () => insn('cfinv') },
  { id: 'XAFLAG', group: 'dp-reg', pattern: '1101010100 0 00 000 0100 CRm:4 001 11111', asm: () => insn('xaflag') },
  { id: 'AXFLAG', group: 'dp-reg', pattern: '1101010100 0 00 000 0100 CRm:4 010 11111', asm: () => insn('axflag') },
];

// --- Conditional compare ------------------------------------------------------------------
function condCompare(id: string, op: number, imm: boolean): InstructionSpec {
  const second = imm ? 'imm5:5' : 'Rm:5';
  return {
    id,
    group: 'dp-reg',
    pattern: `sf:1 ${op} 1 11010010 ${second} cond:4 ${imm ? 1 : 0} 0 Rn:5 0 nzcv:4`,
    asm: (f) =>
      insn(op ? 'ccmp' : 'ccmn', ops(r(f, f.Rn!), imm ? hexImm(f.imm5!) : r(f, f.Rm!), hexImm(f.nzcv!), cond(f.cond!))),
  };
}

const COND_COMPARE: InstructionSpec[] = [
  condCompare('CCMN_reg', 0, false),
  condCompare('CCMP_reg', 1, false),
  condCompare('CCMN_imm', 0, true),
  condCompare('CCMP_imm', 1, true),
];

// --- Conditional select -------------------------------------------------------------------
/**
 * CSINC/CSINV/CSNEG with Rn = Rm print as cinc/cinv/cneg with the inverted condition (cset/csetm
 * when both are the zero register), except for AL/NV, which have no inverse.
 */
function condSelect(id: string, op: number, o2: number, mnemonic: string, alias?: string, zeroAlias?: string): InstructionSpec {
  return {
    id,
    group: 'dp-reg',
    pattern: `sf:1 ${op} 0 11010100 Rm:5 cond:4 0 ${o2} Rn:5 Rd:5`,
    asm: (f) => {
      if (alias && f.Rn === f.Rm && f.cond! < 14) {
        if (zeroAlias && f.Rn === 31) return insn(zeroAlias, ops(r(f, f.Rd!), invertCond(f.cond!)));
        return insn(alias, ops(r(f, f.Rd!), r(f, f.Rn!), invertCond(f.cond!)));
      }
      return insn(mnemonic, ops(r(f, f.Rd!), r(f, f.Rn!), r(f, f.Rm!), cond(f.cond!)));
    },
  };
}

const COND_SELECT: InstructionSpec[] = [
  condSelect('CSEL', 0, 0, 'csel'),
  condSelect('CSINC', 0, 1, 'csinc', 'cinc', 'cset'),
  condSelect('CSINV', 1, 0, 'csinv', 'cinv', 'csetm'),
  condSelect('CSNEG', 1, 1, 'csneg', 'cneg'),
];

// --- Data processing (1 source) -----------------------------------------------------------
const bits = (n: number, width: number) => n.toString(2).padStart(width, '0');

function oneSource(id: string, opcode: number, mnemonic: string): InstructionSpec {
  return { id, group: 'dp-reg', pattern: `sf:1 1 0 11010110 00000 ${bits(opcode, 6)} Rn:5 Rd:5`, asm: (f) => insn(mnemonic, ops(r(f, f.Rd!), r(f, f.Rn!))) };
}

/** PAC*, AUT* (modifier in Rn, which may be SP) and their Z forms (modifier zero, Rn=11111). */
function pointerAuth(name: string, opcode: number): InstructionSpec[] {
  const z = name.replace(/^(pac|aut)(i|d)/, '$1$2z');
  return [
    {
      id: name.toUpperCase(),
      group: 'dp-reg',
      pattern: `1 1 0 11010110 00001 00 0 ${bits(opcode, 3)} Rn:5 Rd:5`,
      asm: (f) => insn(name, ops(x(f.Rd!), x(f.Rn!, true))),
    },
    { id: z.toUpperCase(), group: 'dp-reg', pattern: `1 1 0 11010110 00001 00 1 ${bits(opcode, 3)} 11111 Rd:5`, asm: (f) => insn(z, x(f.Rd!)) },
  ];
}

const ONE_SOURCE: InstructionSpec[] = [
  oneSource('RBIT', 0, 'rbit'),
  oneSource('REV16', 1, 'rev16'),
  {
    id: 'REV32',
    group: 'dp-reg',
    pattern: '1 1 0 11010110 00000 000010 Rn:5 Rd:5',
    asm: (f) => insn('rev32', ops(x(f.Rd!), x(f.Rn!))),
  },
  {
    // opc=10 for 32-bit, 11 for 64-bit; sf=1 with opc=10 is REV32 (its own row).
    id: 'REV',
    group: 'dp-reg',
    pattern: 'sf:1 1 0 11010110 00000 00001 opc0:1 Rn:5 Rd:5',
    reject: (f) => f.sf !== f.opc0,
    asm: (f) => insn('rev', ops(r(f, f.Rd!), r(f, f.Rn!))),
  },
  oneSource('CLZ', 4, 'clz'),
  oneSource('CLS', 5, 'cls'),
  ...['pacia', 'pacib', 'pacda', 'pacdb', 'autia', 'autib', 'autda', 'autdb'].flatMap((name, i) => pointerAuth(name, i)),
  { id: 'XPACI', group: 'dp-reg', pattern: '1 1 0 11010110 00001 010000 11111 Rd:5', asm: (f) => insn('xpaci', x(f.Rd!)) },
  { id: 'XPACD', group: 'dp-reg', pattern: '1 1 0 11010110 00001 010001 11111 Rd:5', asm: (f) => insn('xpacd', x(f.Rd!)) },
];

// --- Data processing (2 source) -----------------------------------------------------------
function twoSource(id: string, opcode: number, mnemonic: string): InstructionSpec {
  return {
    id,
    group: 'dp-reg',
    pattern: `sf:1 0 0 11010110 Rm:5 ${bits(opcode, 6)} Rn:5 Rd:5`,
    asm: (f) => insn(mnemonic, ops(r(f, f.Rd!), r(f, f.Rn!), r(f, f.Rm!))),
  };
}

/** CRC32{B,H,W,X} and CRC32C{…}: sz=11 (X) needs sf=1, the others sf=0. */
function crc(id: string, c: number): InstructionSpec {
  const base = c ? 'crc32c' : 'crc32';
  return {
    id,
    group: 'dp-reg',
    pattern: `sf:1 0 0 11010110 Rm:5 010 ${c} sz:2 Rn:5 Rd:5`,
    reject: (f) => f.sf !== (f.sz === 3 ? 1 : 0),
    asm: (f) => insn(`${base}${'bhwx'[f.sz!]}`, ops(w(f.Rd!), w(f.Rn!), gpr(f.Rm!, f.sz === 3))),
  };
}

const TWO_SOURCE: InstructionSpec[] = [
  twoSource('UDIV', 0b000010, 'udiv'),
  twoSource('SDIV', 0b000011, 'sdiv'),
  // LLVM always prints the variable shifts as their lsl/lsr/asr/ror aliases.
  twoSource('LSLV', 0b001000, 'lsl'),
  twoSource('LSRV', 0b001001, 'lsr'),
  twoSource('ASRV', 0b001010, 'asr'),
  twoSource('RORV', 0b001011, 'ror'),
  {
    id: 'PACGA',
    group: 'dp-reg',
    pattern: '1 0 0 11010110 Rm:5 001100 Rn:5 Rd:5',
    asm: (f) => insn('pacga', ops(x(f.Rd!), x(f.Rn!), x(f.Rm!, true))),
  },
  crc('CRC32', 0),
  crc('CRC32C', 1),
];

// --- Data processing (3 source) -----------------------------------------------------------
/** MADD-like rows: Ra=11111 prints the two-operand alias (mul, mneg, smull, …). */
function threeSource(id: string, sf: string, op31: number, o0: number, mnemonic: string, alias: string, long: boolean): InstructionSpec {
  const src = (f: Fields, n: number) => (long ? w(n) : r(f, n));
  return {
    id,
    group: 'dp-reg',
    pattern: `${sf} 00 11011 ${bits(op31, 3)} Rm:5 ${o0} Ra:5 Rn:5 Rd:5`,
    asm: (f) => {
      const rd = long ? x(f.Rd!) : r(f, f.Rd!);
      return f.Ra === 31
        ? insn(alias, ops(rd, src(f, f.Rn!), src(f, f.Rm!)))
        : insn(mnemonic, ops(rd, src(f, f.Rn!), src(f, f.Rm!), long ? x(f.Ra!) : r(f, f.Ra!)));
    },
  };
}

/** SMULH/UMULH: Ra is should-be-one; LLVM decodes any value and does not print it. */
function multiplyHigh(id: string, op31: number, mnemonic: string): InstructionSpec {
  return {
    id,
    group: 'dp-reg',
    pattern: `1 00 11011 ${bits(op31, 3)} Rm:5 0 Ra:5 Rn:5 Rd:5`,
    asm: (f) => insn(mnemonic, ops(x(f.Rd!), x(f.Rn!), x(f.Rm!))),
  };
}

const THREE_SOURCE: InstructionSpec[] = [
  threeSource('MADD', 'sf:1', 0b000, 0, 'madd', 'mul', false),
  threeSource('MSUB', 'sf:1', 0b000, 1, 'msub', 'mneg', false),
  threeSource('SMADDL', '1', 0b001, 0, 'smaddl', 'smull', true),
  threeSource('SMSUBL', '1', 0b001, 1, 'smsubl', 'smnegl', true),
  threeSource('UMADDL', '1', 0b101, 0, 'umaddl', 'umull', true),
  threeSource('UMSUBL', '1', 0b101, 1, 'umsubl', 'umnegl', true),
  multiplyHigh('SMULH', 0b010, 'smulh'),
  multiplyHigh('UMULH', 0b110, 'umulh'),
];

export const DP_REG: readonly InstructionSpec[] = [
  ...LOGICAL_SHIFTED,
  ...ADD_SUB_SHIFTED,
  ...ADD_SUB_EXTENDED,
  ...CARRY_AND_FLAGS,
  ...COND_COMPARE,
  ...COND_SELECT,
  ...ONE_SOURCE,
  ...TWO_SOURCE,
  ...THREE_SOURCE,
];

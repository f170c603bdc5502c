// Layer: core/arch/a64/tables. Load/store pair of the ldst group: STP/LDP/LDPSW (post-index,
// signed offset, pre-index), STNP/LDNP, general and SIMD&FP. Imports the a64 spec/format modules.
//
// Layout: opc:2 101 V mode:3 L imm7 Rt2 Rn Rt, mode 000 no-allocate, 001 post-index,
// 010 signed offset, 011 pre-index. imm7 is scaled by the register size. LLVM prints
// Rt == Rt2 loads and writeback with Rn == Rt (CONSTRAINED UNPREDICTABLE) like any other, so
// only the unallocated opc values are rejected (V=0 opc=01 L=0 is STGP, which the M1 lacks).

import { ops, insn, w, x } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { fpReg, memOffset, memPost, memPre, signedOffset } from './ldst-format.ts';

interface PairPage {
  readonly id: string;
  readonly mnemonic: string;
  /** Bits 31:30 and 26 as pattern segments. */
  readonly opc: string;
  readonly v: '0' | '1';
  readonly l: 0 | 1;
  /** log2 of one register's size. */
  readonly scale: (f: Fields) => number;
  readonly reg: (n: number, f: Fields) => string;
  readonly reject?: (f: Fields) => boolean;
}

const gpPair = (id: string, l: 0 | 1): PairPage => ({
  id,
  mnemonic: id.toLowerCase(),
  // opc<1> selects 64-bit; opc<0> = 1 belongs to LDPSW/STGP.
  opc: 'opc1:1 0',
  v: '0',
  l,
  scale: (f) => 2 + f.opc1!,
  reg: (n, f) => (f.opc1 ? x(n) : w(n)),
});

const fpPair = (id: string, l: 0 | 1): PairPage => ({
  id: `${id}_fpsimd`,
  mnemonic: id.toLowerCase(),
  opc: 'opc:2',
  v: '1',
  l,
  scale: (f) => 2 + f.opc!,
  reg: (n, f) => fpReg(n, 2 + f.opc!),
  reject: (f) => f.opc === 3,
});

const LDPSW: PairPage = { id: 'LDPSW', mnemonic: 'ldpsw', opc: '01', v: '0', l: 1, scale: () => 2, reg: (n) => x(n) };

const MODES = [
  ['post', '001', memPost],
  ['off', '010', memOffset],
  ['pre', '011', memPre],
] as const;

function row(page: PairPage, id: string, mnemonic: string, mode: string, mem: (rn: number, off: number) => string): InstructionSpec {
  return {
    id,
    group: 'ldst',
    pattern: `${page.opc} 101 ${page.v} ${mode} ${page.l} imm7:7 Rt2:5 Rn:5 Rt:5`,
    reject: page.reject,
    asm: (f) => insn(mnemonic, ops(page.reg(f.Rt!, f), page.reg(f.Rt2!, f), mem(f.Rn!, signedOffset(f.imm7!, 7, page.scale(f))))),
  };
}

const PAIRS = [gpPair('STP', 0), gpPair('LDP', 1), LDPSW, fpPair('STP', 0), fpPair('LDP', 1)];
const NO_ALLOCATE = [gpPair('STNP', 0), gpPair('LDNP', 1), fpPair('STNP', 0), fpPair('LDNP', 1)];

export const LDST_PAIR: readonly InstructionSpec[] = [
  ...PAIRS.flatMap((page) =>
    MODES.map(([mode, bits, mem]) => {
      const [stem, suffix] = page.id.split('_');
      return row(page, suffix ? `${stem}_${suffix}_${mode}` : `${stem}_${mode}`, page.mnemonic, bits, mem);
    }),
  ),
  ...NO_ALLOCATE.map((page) => row(page, page.id, page.mnemonic, '000', memOffset)),
];

// Layer: core/arch/a64/tables. Single-register loads and stores of the ldst group: load
// literal, load/store register (unsigned offset, pre-/post-index, unscaled, unprivileged,
// register offset), LDAPUR/STLUR (RCpc2) and LDRAA/LDRAB. Imports the a64 spec/format modules.
//
// The rows are generated from one descriptor per Arm ARM instruction page (STRB, LDRSH, LDR
// (SIMD&FP), …) times the addressing modes that page has, so the size/opc/V combinations a
// page does not list stay without a row and decode as unallocated (`<unknown>`, as LLVM).

import { hexImm, insn, label, ops, w, x } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { fpReg, isValidRegOption, memBase, memOffset, memPost, memPre, memRegOffset, prfop, signedOffset } from './ldst-format.ts';

interface SinglePage {
  /** Id stem, after the Arm ARM page: 'LDRB', 'LDR_fpsimd'. */
  readonly id: string;
  /** Bits 31:30, 26 and 23:22 as pattern segments. */
  readonly size: string;
  readonly v: '0' | '1';
  readonly opc: string;
  /** Mnemonic of the scaled/pre/post/register forms, of the unscaled form, of the unprivileged form. */
  readonly mnemonic: string;
  readonly unscaled: string;
  readonly unprivileged?: string;
  /** The transfer register operand. */
  readonly rt: (f: Fields) => string;
  /** log2 of the access size: scales imm12 and is the register-offset shift amount. */
  readonly scale: (f: Fields) => number;
  /** PRFM has no writeback forms. */
  readonly noWriteback?: boolean;
  readonly reject?: (f: Fields) => boolean;
}

const fixed = (scale: number) => () => scale;
/** W if the named 1-bit field is set, else X (LDRSB/LDRSH: opc<0>=1 selects 32-bit). */
const wIf = (name: string) => (f: Fields) => (f[name] ? w(f.Rt!) : x(f.Rt!));
/** X if size<0> is set (LDR/STR: size 1x). */
const xIfSize0 = (f: Fields) => (f.size0 ? x(f.Rt!) : w(f.Rt!));
const fpLog2 = (f: Fields) => (f.opc1 ? 4 : f.size!);

const PAGES: readonly SinglePage[] = [
  { id: 'STRB', size: '00', v: '0', opc: '00', mnemonic: 'strb', unscaled: 'sturb', unprivileged: 'sttrb', rt: (f) => w(f.Rt!), scale: fixed(0) },
  { id: 'LDRB', size: '00', v: '0', opc: '01', mnemonic: 'ldrb', unscaled: 'ldurb', unprivileged: 'ldtrb', rt: (f) => w(f.Rt!), scale: fixed(0) },
  { id: 'LDRSB', size: '00', v: '0', opc: '1 opc0:1', mnemonic: 'ldrsb', unscaled: 'ldursb', unprivileged: 'ldtrsb', rt: wIf('opc0'), scale: fixed(0) },
  { id: 'STRH', size: '01', v: '0', opc: '00', mnemonic: 'strh', unscaled: 'sturh', unprivileged: 'sttrh', rt: (f) => w(f.Rt!), scale: fixed(1) },
  { id: 'LDRH', size: '01', v: '0', opc: '01', mnemonic: 'ldrh', unscaled: 'ldurh', unprivileged: 'ldtrh', rt: (f) => w(f.Rt!), scale: fixed(1) },
  { id: 'LDRSH', size: '01', v: '0', opc: '1 opc0:1', mnemonic: 'ldrsh', unscaled: 'ldursh', unprivileged: 'ldtrsh', rt: wIf('opc0'), scale: fixed(1) },
  { id: 'STR', size: '1 size0:1', v: '0', opc: '00', mnemonic: 'str', unscaled: 'stur', unprivileged: 'sttr', rt: xIfSize0, scale: (f) => 2 + f.size0! },
  { id: 'LDR', size: '1 size0:1', v: '0', opc: '01', mnemonic: 'ldr', unscaled: 'ldur', unprivileged: 'ldtr', rt: xIfSize0, scale: (f) => 2 + f.size0! },
  { id: 'LDRSW', size: '10', v: '0', opc: '10', mnemonic: 'ldrsw', unscaled: 'ldursw', unprivileged: 'ldtrsw', rt: (f) => x(f.Rt!), scale: fixed(2) },
  { id: 'PRFM', size: '11', v: '0', opc: '10', mnemonic: 'prfm', unscaled: 'prfum', rt: (f) => prfop(f.Rt!), scale: fixed(3), noWriteback: true },
  // SIMD&FP: opc<1> with size 00 is the 128-bit form; with any other size it is unallocated.
  ...(['STR', 'LDR'] as const).map(
    (name, load): SinglePage => ({
      id: `${name}_fpsimd`,
      size: 'size:2',
      v: '1',
      opc: `opc1:1 ${load}`,
      mnemonic: name.toLowerCase(),
      unscaled: load ? 'ldur' : 'stur',
      rt: (f) => fpReg(f.Rt!, fpLog2(f)),
      scale: fpLog2,
      reject: (f) => f.opc1 === 1 && f.size !== 0,
    }),
  ),
];

function rowsFor(page: SinglePage): InstructionSpec[] {
  const head = `${page.size} 111 ${page.v}`;
  const imm9 = (mode: string) => `${head} 00 ${page.opc} 0 imm9:9 ${mode} Rn:5 Rt:5`;
  const off9 = (f: Fields) => signedOffset(f.imm9!, 9);
  const rows: InstructionSpec[] = [
    {
      id: `${page.id}_imm_uoff`,
      group: 'ldst',
      pattern: `${head} 01 ${page.opc} imm12:12 Rn:5 Rt:5`,
      reject: page.reject,
      asm: (f) => insn(page.mnemonic, ops(page.rt(f), memOffset(f.Rn!, f.imm12! * 2 ** page.scale(f)))),
    },
    {
      id: `${page.id}_reg`,
      group: 'ldst',
      pattern: `${head} 00 ${page.opc} 1 Rm:5 option:3 S:1 10 Rn:5 Rt:5`,
      reject: (f) => !isValidRegOption(f.option!) || (page.reject?.(f) ?? false),
      asm: (f) => insn(page.mnemonic, ops(page.rt(f), memRegOffset(f.Rn!, f.Rm!, f.option!, f.S!, page.scale(f)))),
    },
    {
      id: page.id === 'PRFM' ? 'PRFUM' : `${page.unscaled.toUpperCase()}${page.v === '1' ? '_fpsimd' : ''}`,
      group: 'ldst',
      pattern: imm9('00'),
      reject: page.reject,
      asm: (f) => insn(page.unscaled, ops(page.rt(f), memOffset(f.Rn!, off9(f)))),
    },
  ];
  if (!page.noWriteback) {
    rows.push(
      {
        id: `${page.id}_imm_pre`,
        group: 'ldst',
        pattern: imm9('11'),
        reject: page.reject,
        asm: (f) => insn(page.mnemonic, ops(page.rt(f), memPre(f.Rn!, off9(f)))),
      },
      {
        id: `${page.id}_imm_post`,
        group: 'ldst',
        pattern: imm9('01'),
        reject: page.reject,
        asm: (f) => insn(page.mnemonic, ops(page.rt(f), memPost(f.Rn!, off9(f)))),
      },
    );
  }
  const unprivileged = page.unprivileged;
  if (unprivileged) {
    rows.push({
      id: unprivileged.toUpperCase(),
      group: 'ldst',
      pattern: imm9('10'),
      asm: (f) => insn(unprivileged, ops(page.rt(f), memOffset(f.Rn!, off9(f)))),
    });
  }
  return rows;
}

/** Load register (literal): the target prints as an absolute address, like a branch's. */
const LITERAL: readonly InstructionSpec[] = [
  {
    id: 'LDR_lit',
    group: 'ldst',
    pattern: '0 opc0:1 011 0 00 imm19:19 Rt:5',
    asm: (f, ctx) => insn('ldr', ops(f.opc0 ? x(f.Rt!) : w(f.Rt!), label(ctx, signedOffset(f.imm19!, 19, 2)))),
  },
  {
    id: 'LDRSW_lit',
    group: 'ldst',
    pattern: '10 011 0 00 imm19:19 Rt:5',
    asm: (f, ctx) => insn('ldrsw', ops(x(f.Rt!), label(ctx, signedOffset(f.imm19!, 19, 2)))),
  },
  {
    id: 'PRFM_lit',
    group: 'ldst',
    pattern: '11 011 0 00 imm19:19 Rt:5',
    asm: (f, ctx) => insn('prfm', ops(prfop(f.Rt!), label(ctx, signedOffset(f.imm19!, 19, 2)))),
  },
  {
    id: 'LDR_lit_fpsimd',
    group: 'ldst',
    pattern: 'opc:2 011 1 00 imm19:19 Rt:5',
    reject: (f) => f.opc === 3,
    asm: (f, ctx) => insn('ldr', ops(fpReg(f.Rt!, f.opc! + 2), label(ctx, signedOffset(f.imm19!, 19, 2)))),
  },
];

/** LDAPUR and STLUR (RCpc2, unscaled signed offset): size:opc as in the Arm ARM's table. */
const RCPC2: readonly InstructionSpec[] = (
  [
    ['STLURB', '00', '00', 'stlurb', () => false],
    ['LDAPURB', '00', '01', 'ldapurb', () => false],
    ['LDAPURSB', '00', '1 opc0:1', 'ldapursb', (f: Fields) => f.opc0 === 0],
    ['STLURH', '01', '00', 'stlurh', () => false],
    ['LDAPURH', '01', '01', 'ldapurh', () => false],
    ['LDAPURSH', '01', '1 opc0:1', 'ldapursh', (f: Fields) => f.opc0 === 0],
    ['STLUR', '1 size0:1', '00', 'stlur', (f: Fields) => f.size0 === 1],
    ['LDAPUR', '1 size0:1', '01', 'ldapur', (f: Fields) => f.size0 === 1],
    ['LDAPURSW', '10', '10', 'ldapursw', () => true],
  ] as const
).map(([id, size, opc, mnemonic, is64]) => ({
  id,
  group: 'ldst',
  pattern: `${size} 011001 ${opc} 0 imm9:9 00 Rn:5 Rt:5`,
  asm: (f: Fields) => insn(mnemonic, ops(is64(f) ? x(f.Rt!) : w(f.Rt!), memOffset(f.Rn!, signedOffset(f.imm9!, 9)))),
}));

/** LDRAA/LDRAB (pointer authentication): S:imm9 is a signed offset in doublewords. */
const PAC: readonly InstructionSpec[] = (['A', 'B'] as const).flatMap((key, m) =>
  (['off', 'pre'] as const).map((mode, wb) => ({
    id: `LDRA${key}_${mode}`,
    group: 'ldst' as const,
    pattern: `11 111 0 00 ${m} S:1 1 imm9:9 ${wb} 1 Rn:5 Rt:5`,
    asm: (f: Fields) => {
      const offset = signedOffset((f.S! << 9) | f.imm9!, 10, 3);
      return insn(`ldra${key.toLowerCase()}`, ops(x(f.Rt!), wb ? memPre(f.Rn!, offset) : memOffset(f.Rn!, offset)));
    },
  })),
);

/**
 * RPRFM (range prefetch) lives in PRFM (register)'s space where Rt<4:3> = 11, and LLVM 16
 * decodes it even for apple-m1: its operation is option<2>:option<0>:S:Rt<2:0>, the "Rm" an X
 * register of range metadata.
 */
const RPRFM: InstructionSpec = {
  id: 'RPRFM',
  group: 'ldst',
  pattern: '11 111 0 00 10 1 Rm:5 option:3 S:1 10 Rn:5 11 Rt:3',
  reject: (f) => !isValidRegOption(f.option!),
  asm: (f) => {
    const op = ((f.option! >> 2) << 5) | ((f.option! & 1) << 4) | (f.S! << 3) | f.Rt!;
    return insn('rprfm', ops(RPRF_OPS[op] ?? hexImm(op), x(f.Rm!), memBase(f.Rn!)));
  },
};
const RPRF_OPS: Readonly<Record<number, string>> = { 0: 'pldkeep', 1: 'pstkeep', 4: 'pldstrm', 5: 'pststrm' };

export const LDST_SINGLE: readonly InstructionSpec[] = [...LITERAL, ...PAGES.flatMap(rowsFor), RPRFM, ...RCPC2, ...PAC];

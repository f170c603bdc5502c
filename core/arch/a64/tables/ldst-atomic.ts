// Layer: core/arch/a64/tables. Synchronisation loads and stores of the ldst group: exclusives
// (register and pair), load-acquire/store-release incl. the LOR forms, CAS/CASP, the LSE
// atomic memory operations with their ST<op> aliases, SWP and LDAPR (RCpc). Imports the a64
// spec/format modules.
//
// What LLVM 16 decodes (checked against llvm-objdump-16 --mcpu=apple-m1):
// - exclusives and ordered accesses ignore the Rs/Rt2 fields they do not use ("(1)" bits);
//   CAS and CASP need Rt2 = 11111 and CASP even Rs and Rt, else `<unknown>`;
// - LD<op> with Rt = zr and no acquire prints as ST<op>; with acquire it keeps its name and
//   gets an annotation (so do SWPA/SWPAL);
// - LDAPR needs Rs = 11111; the other o3=1 opc values (LD64B…) are unallocated on the M1.

import { gpr, insn, ops, w } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { memBase, withAcquireDroppedComment } from './ldst-format.ts';

interface Width {
  /** Mnemonic/id suffix: 'B', 'H' or '' (32/64-bit by size<0>). */
  readonly suffix: '' | 'B' | 'H';
  /** Bits 31:30 as pattern segments. */
  readonly size: string;
  readonly is64: (f: Fields) => boolean;
}

const WIDTHS: readonly Width[] = [
  { suffix: 'B', size: '00', is64: () => false },
  { suffix: 'H', size: '01', is64: () => false },
  { suffix: '', size: '1 size0:1', is64: (f) => f.size0 === 1 },
];

const reg = (n: number, width: Width, f: Fields) => gpr(n, width.is64(f));
const mnemonicOf = (stem: string, width: Width) => `${stem}${width.suffix}`.toLowerCase();

function spec(id: string, pattern: string, asm: (f: Fields) => string, reject?: (f: Fields) => boolean): InstructionSpec {
  return { id, group: 'ldst', pattern, reject, asm };
}

/** Load/store exclusive register: size 001000 0 L 0 Rs o0 Rt2 Rn Rt. */
const EXCLUSIVE = WIDTHS.flatMap((width) => [
  ...(
    [
      ['STXR', 0, 0],
      ['STLXR', 0, 1],
    ] as const
  ).map(([stem, l, o0]) =>
    spec(`${stem}${width.suffix}`, `${width.size} 001000 0 ${l} 0 Rs:5 ${o0} Rt2:5 Rn:5 Rt:5`, (f) =>
      insn(mnemonicOf(stem, width), ops(w(f.Rs!), reg(f.Rt!, width, f), memBase(f.Rn!))),
    ),
  ),
  ...(
    [
      ['LDXR', 1, 0],
      ['LDAXR', 1, 1],
    ] as const
  ).map(([stem, l, o0]) =>
    spec(`${stem}${width.suffix}`, `${width.size} 001000 0 ${l} 0 Rs:5 ${o0} Rt2:5 Rn:5 Rt:5`, (f) =>
      insn(mnemonicOf(stem, width), ops(reg(f.Rt!, width, f), memBase(f.Rn!))),
    ),
  ),
]);

/** Load/store exclusive pair: 1 sz 001000 0 L 1 Rs o0 Rt2 Rn Rt (sz=0 with o1=1 is CASP). */
const PAIR_WIDTH: Width = { suffix: '', size: '1 sz:1', is64: (f) => f.sz === 1 };
const EXCLUSIVE_PAIR = (
  [
    ['STXP', 0, 0],
    ['STLXP', 0, 1],
    ['LDXP', 1, 0],
    ['LDAXP', 1, 1],
  ] as const
).map(([stem, l, o0]) =>
  spec(stem, `${PAIR_WIDTH.size} 001000 0 ${l} 1 Rs:5 ${o0} Rt2:5 Rn:5 Rt:5`, (f) => {
    const pair = [reg(f.Rt!, PAIR_WIDTH, f), reg(f.Rt2!, PAIR_WIDTH, f)] as const;
    return insn(stem.toLowerCase(), l ? ops(...pair, memBase(f.Rn!)) : ops(w(f.Rs!), ...pair, memBase(f.Rn!)));
  }),
);

/** Load-acquire/store-release (ordered): size 001000 1 L 0 Rs o0 Rt2 Rn Rt; o0=0 is LORegions. */
const ORDERED = WIDTHS.flatMap((width) =>
  (
    [
      ['STLLR', 0, 0],
      ['STLR', 0, 1],
      ['LDLAR', 1, 0],
      ['LDAR', 1, 1],
    ] as const
  ).map(([stem, l, o0]) =>
    spec(`${stem}${width.suffix}`, `${width.size} 001000 1 ${l} 0 Rs:5 ${o0} Rt2:5 Rn:5 Rt:5`, (f) =>
      insn(mnemonicOf(stem, width), ops(reg(f.Rt!, width, f), memBase(f.Rn!))),
    ),
  ),
);

/** CAS{A}{L}: L is acquire, o0 release; the suffix follows the ordering letters (casalb). */
const casOrder = (f: Fields) => `${f.L ? 'a' : ''}${f.o0 ? 'l' : ''}`;

const CAS = WIDTHS.map((width) =>
  spec(`CAS${width.suffix}`, `${width.size} 001000 1 L:1 1 Rs:5 o0:1 11111 Rn:5 Rt:5`, (f) =>
    insn(`cas${casOrder(f)}${width.suffix.toLowerCase()}`, ops(reg(f.Rs!, width, f), reg(f.Rt!, width, f), memBase(f.Rn!))),
  ),
);

/** CASP{A}{L}: Rs and Rt name even/odd register pairs; an odd number is unallocated. */
const CASP = spec(
  'CASP',
  '0 sz:1 001000 0 L:1 1 Rs:5 o0:1 11111 Rn:5 Rt:5',
  (f) => {
    const r = (n: number) => gpr(n, f.sz === 1);
    return insn(`casp${casOrder(f)}`, ops(r(f.Rs!), r(f.Rs! + 1), r(f.Rt!), r(f.Rt! + 1), memBase(f.Rn!)));
  },
  (f) => (f.Rs! & 1) === 1 || (f.Rt! & 1) === 1,
);

/** LSE atomic memory operations: size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt. */
const LD_OPS = ['ADD', 'CLR', 'EOR', 'SET', 'SMAX', 'SMIN', 'UMAX', 'UMIN'] as const;

const atomicPattern = (width: Width, o3opc: string) => `${width.size} 111 0 00 A:1 R:1 1 Rs:5 ${o3opc} 00 Rn:5 Rt:5`;

/** LSE ordering letters: A is acquire, R release. */
const lseOrder = (f: Fields) => `${f.A ? 'a' : ''}${f.R ? 'l' : ''}`;

/** `ld<op>{a}{l}{b|h}` / `swp…`, with LLVM's annotation when acquire meets a zero destination. */
function acquiring(mnemonic: string, f: Fields, operands: string): string {
  return f.A && f.Rt === 31 ? withAcquireDroppedComment(mnemonic, operands) : insn(mnemonic, operands);
}

const LD_OP_ROWS = WIDTHS.flatMap((width) =>
  LD_OPS.map((op, opc) =>
    spec(`LD${op}${width.suffix}`, atomicPattern(width, `0 ${opc.toString(2).padStart(3, '0')}`), (f) => {
      const sz = width.suffix.toLowerCase();
      const rn = memBase(f.Rn!);
      // ST<op>{L}: the alias when the loaded value is discarded and there is no acquire.
      if (f.Rt === 31 && !f.A) return insn(`st${op.toLowerCase()}${f.R ? 'l' : ''}${sz}`, ops(reg(f.Rs!, width, f), rn));
      return acquiring(`ld${op.toLowerCase()}${lseOrder(f)}${sz}`, f, ops(reg(f.Rs!, width, f), reg(f.Rt!, width, f), rn));
    }),
  ),
);

const SWP = WIDTHS.map((width) =>
  spec(`SWP${width.suffix}`, atomicPattern(width, '1 000'), (f) =>
    acquiring(`swp${lseOrder(f)}${width.suffix.toLowerCase()}`, f, ops(reg(f.Rs!, width, f), reg(f.Rt!, width, f), memBase(f.Rn!))),
  ),
);

const LDAPR = WIDTHS.map((width) =>
  spec(`LDAPR${width.suffix}`, `${width.size} 111 0 00 1 0 1 11111 1 100 00 Rn:5 Rt:5`, (f) =>
    insn(mnemonicOf('LDAPR', width), ops(reg(f.Rt!, width, f), memBase(f.Rn!))),
  ),
);

export const LDST_ATOMIC: readonly InstructionSpec[] = [...EXCLUSIVE, ...EXCLUSIVE_PAIR, ...ORDERED, ...CAS, CASP, ...LD_OP_ROWS, ...SWP, ...LDAPR];

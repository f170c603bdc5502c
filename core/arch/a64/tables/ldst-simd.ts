// Layer: core/arch/a64/tables. Advanced SIMD structure loads and stores of the ldst group:
// LD1–LD4/ST1–ST4 (multiple structures), the single-structure lane forms and LD1R–LD4R, each
// without offset and post-indexed. Imports the a64 spec/format modules.
//
// LLVM prints register lists as `{ v0.16b, v1.16b }` (numbers wrap from v31 to v0), lanes as
// `{ v0.s, v1.s }[3]`, and the post-index amount as `x<m>`, or for Rm = 31 the transfer size in
// DECIMAL (`[x0], #32`) — unlike the hex of every other load/store offset.

import { insn, ops, x } from '../operand-format.ts';
import type { Fields, InstructionSpec } from '../spec.ts';
import { memBase } from './ldst-format.ts';

const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'] as const;

/** `{ v<t>.T, v<t+1>.T, … }` for `count` consecutive (mod 32) registers. */
function regList(rt: number, count: number, suffix: string): string {
  const regs = Array.from({ length: count }, (_, i) => `v${(rt + i) % 32}.${suffix}`);
  return `{ ${regs.join(', ')} }`;
}

/** `[xn]` or `[xn], x<m>` / `[xn], #<bytes>` (Rm = 31 means the immediate form). */
function address(f: Fields, post: boolean, bytes: number): string {
  if (!post) return memBase(f.Rn!);
  return `${memBase(f.Rn!)}, ${f.Rm === 31 ? `#${bytes}` : x(f.Rm!)}`;
}

const spec = (id: string, pattern: string, asm: (f: Fields) => string, reject?: (f: Fields) => boolean): InstructionSpec => ({
  id,
  group: 'ldst',
  pattern,
  reject,
  asm,
});

const NAMES = ['1', '2', '3', '4'] as const;
/** Id suffix, bit 23 (post-index) and bits 20:16 (Rm, or 00000 without offset). */
const POSTS = [
  ['', '0', '00000'],
  ['_post', '1', 'Rm:5'],
] as const;

/**
 * Multiple structures: 0 Q 001100 post L 0 (Rm|00000) opcode size Rn Rt. LD1/ST1 take 1–4
 * registers (opcode 0111, 1010, 0110, 0010); LD2–LD4 one opcode each and no `.1d` form.
 */
const LD1_OPCODES: Readonly<Record<number, number>> = { 0b0111: 1, 0b1010: 2, 0b0110: 3, 0b0010: 4 };
const NSTRUCT_OPCODES = { 2: '1000', 3: '0100', 4: '0000' } as const;

const MULTIPLE = (['ST', 'LD'] as const).flatMap((op, l) =>
  NAMES.flatMap((n) =>
    POSTS.map(([suffix, post, rm]) => {
      const id = `${op}${n}_mult${suffix}`;
      const mnemonic = `${op.toLowerCase()}${n}`;
      const arrangement = (f: Fields) => ARRANGEMENTS[(f.size! << 1) | f.Q!]!;
      const bytes = (count: number, f: Fields) => count * (f.Q ? 16 : 8);
      if (n === '1') {
        return spec(
          id,
          `0 Q:1 001100 ${post} ${l} 0 ${rm} opcode:4 size:2 Rn:5 Rt:5`,
          (f) => {
            const count = LD1_OPCODES[f.opcode!]!;
            return insn(mnemonic, ops(regList(f.Rt!, count, arrangement(f)), address(f, post === '1', bytes(count, f))));
          },
          (f) => LD1_OPCODES[f.opcode!] === undefined,
        );
      }
      const count = Number(n);
      return spec(
        id,
        `0 Q:1 001100 ${post} ${l} 0 ${rm} ${NSTRUCT_OPCODES[count as 2 | 3 | 4]} size:2 Rn:5 Rt:5`,
        (f) => insn(mnemonic, ops(regList(f.Rt!, count, arrangement(f)), address(f, post === '1', bytes(count, f)))),
        (f) => f.size === 3 && f.Q === 0,
      );
    }),
  ),
);

/**
 * Single structure (one lane): 0 Q 001101 post L R (Rm|00000) opcode S size Rn Rt, where
 * opcode<2:1> (`opcode21` here) is the element size class and opcode<0>:R + 1 the register
 * count. The lane number is Q:S:size with the bits the element size leaves unused; h needs
 * size<0> = 0, s needs size = 00, d size = 01 with S = 0. opcode<2:1> = 11 is replication.
 */
interface Lane {
  readonly suffix: 'b' | 'h' | 's' | 'd';
  readonly bytes: number;
  readonly index: number;
}

function lane(f: Fields): Lane | undefined {
  const { Q, S, size } = f as Record<'Q' | 'S' | 'size', number>;
  switch (f.opcode21) {
    case 0:
      return { suffix: 'b', bytes: 1, index: (Q << 3) | (S << 2) | size };
    case 1:
      return size & 1 ? undefined : { suffix: 'h', bytes: 2, index: (Q << 2) | (S << 1) | (size >> 1) };
    case 2:
      if (size === 0) return { suffix: 's', bytes: 4, index: (Q << 1) | S };
      return size === 1 && S === 0 ? { suffix: 'd', bytes: 8, index: Q } : undefined;
    default:
      return undefined;
  }
}

const SINGLE = (['ST', 'LD'] as const).flatMap((op, l) =>
  NAMES.flatMap((n) =>
    POSTS.map(([suffix, post, rm]) => {
      const count = Number(n);
      const opcode0 = (count - 1) >> 1;
      const r = (count - 1) & 1;
      return spec(
        `${op}${n}_single${suffix}`,
        `0 Q:1 001101 ${post} ${l} ${r} ${rm} opcode21:2 ${opcode0} S:1 size:2 Rn:5 Rt:5`,
        (f) => {
          const { suffix: t, bytes, index } = lane(f)!;
          return insn(`${op.toLowerCase()}${n}`, ops(`${regList(f.Rt!, count, t)}[${index}]`, address(f, post === '1', count * bytes)));
        },
        (f) => lane(f) === undefined,
      );
    }),
  ),
);

/** LD1R–LD4R: load one element and replicate it to every lane; L = 1, opcode<2:1> = 11, S = 0. */
const REPLICATE = NAMES.flatMap((n) =>
  POSTS.map(([suffix, post, rm]) => {
    const count = Number(n);
    return spec(
      `LD${n}R${suffix}`,
      `0 Q:1 001101 ${post} 1 ${(count - 1) & 1} ${rm} 11 ${(count - 1) >> 1} 0 size:2 Rn:5 Rt:5`,
      (f) => insn(`ld${n}r`, ops(regList(f.Rt!, count, ARRANGEMENTS[(f.size! << 1) | f.Q!]!), address(f, post === '1', count << f.size!))),
    );
  }),
);

export const LDST_SIMD: readonly InstructionSpec[] = [...MULTIPLE, ...SINGLE, ...REPLICATE];

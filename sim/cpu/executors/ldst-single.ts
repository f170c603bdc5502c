// Layer: sim/cpu/executors. Single-register loads and stores (core/arch/a64/tables/ldst-single.ts):
// literal, unsigned offset, unscaled, pre/post-index, unprivileged, register offset, RCpc2
// (LDAPUR/STLUR), LDRAA/LDRAB and the prefetches (no-ops that never fault). Imports sim/cpu.
//
// The transfer (size, sign/zero extension, general or SIMD&FP register) is one kind number
// resolved at predecode from size:V:opc; the addressing mode picks the exec function. The
// hottest forms (LDR/STR X and W, unsigned offset) have their own exec functions.

import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import { checkEl0Access, unprivilegedApplies, withoutPan } from '../unprivileged-access.ts';
import {
  noteStore as noteStore$,
} from '../exclusive-monitor.ts';
import {
  REG_SP as REG_SP$,
} from '../state.ts';
import {
  K_LDB_V as K_LDB_V$, K_LDD_V as K_LDD_V$, K_LDQ_V as K_LDQ_V$, K_LDRB as K_LDRB$, K_LDRH as K_LDRH$, K_LDRSB_W as K_LDRSB_W$, K_LDRSB_X as K_LDRSB_X$, K_LDRSH_W as K_LDRSH_W$, K_LDRSH_X as K_LDRSH_X$, K_LDRSW as K_LDRSW$, K_LDRW as K_LDRW$, K_LDRX as K_LDRX$, K_LDS_V as K_LDS_V$, K_PRFM as K_PRFM$, K_STB_V as K_STB_V$, checkSpAlignment as checkSpAlignment$, K_STRB as K_STRB$, K_STRH as K_STRH$, K_STRW as K_STRW$, K_STRX as K_STRX$, KIND_SIZE as KIND_SIZE$, checkAligned as checkAligned$, imm9Of as imm9Of$, kindIsStore as kindIsStore$, regOffsetVa as regOffsetVa$, rmOf as rmOf$, rnOf as rnOf$, rSlot as rSlot$, rtOf as rtOf$, spSlot as spSlot$, transfer as transfer$, transferReg as transferReg$, wbImm as wbImm$, writeWb as writeWb$, wSlot as wSlot$, xva as xva$, TWO32 as TWO32$,
} from './ldst-common.ts';
import { POST_FAST, PRE_FAST, REG_FAST } from './ldst-single-fast.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const noteStore = noteStore$;
const REG_SP = REG_SP$;
const K_LDB_V = K_LDB_V$;
const K_LDD_V = K_LDD_V$;
const K_LDQ_V = K_LDQ_V$;
const K_LDRB = K_LDRB$;
const K_LDRH = K_LDRH$;
const K_LDRSB_W = K_LDRSB_W$;
const K_LDRSB_X = K_LDRSB_X$;
const K_LDRSH_W = K_LDRSH_W$;
const K_LDRSH_X = K_LDRSH_X$;
const K_LDRSW = K_LDRSW$;
const K_LDRW = K_LDRW$;
const K_LDRX = K_LDRX$;
const K_LDS_V = K_LDS_V$;
const K_PRFM = K_PRFM$;
const K_STB_V = K_STB_V$;
const checkSpAlignment = checkSpAlignment$;
const K_STRB = K_STRB$;
const K_STRH = K_STRH$;
const K_STRW = K_STRW$;
const K_STRX = K_STRX$;
const KIND_SIZE = KIND_SIZE$;
const checkAligned = checkAligned$;
const imm9Of = imm9Of$;
const kindIsStore = kindIsStore$;
const regOffsetVa = regOffsetVa$;
const rmOf = rmOf$;
const rnOf = rnOf$;
const rSlot = rSlot$;
const rtOf = rtOf$;
const spSlot = spSlot$;
const transfer = transfer$;
const transferReg = transferReg$;
const wbImm = wbImm$;
const writeWb = writeWb$;
const wSlot = wSlot$;
const xva = xva$;
const TWO32 = TWO32$;

const GP_STORE = [K_STRB, K_STRH, K_STRW, K_STRX];
const GP_LOAD = [K_LDRB, K_LDRH, K_LDRW, K_LDRX];

/** Transfer kind from size (31:30), V (26) and opc (23:22), as the Arm ARM's load/store register tables. */
export function kindOf(word: number): number {
  const size = word >>> 30;
  const opc = (word >>> 22) & 3;
  if ((word >>> 26) & 1) {
    const log2 = opc & 2 ? 4 : size;
    return (opc & 1 ? K_LDB_V : K_STB_V) + log2;
  }
  switch (opc) {
    case 0:
      return GP_STORE[size]!;
    case 1:
      return GP_LOAD[size]!;
    case 2:
      return [K_LDRSB_X, K_LDRSH_X, K_LDRSW, K_PRFM][size]!;
    default:
      return size === 0 ? K_LDRSB_W : K_LDRSH_W;
  }
}

const log2Size = (kind: number): number => Math.log2(KIND_SIZE[kind]!);

// ---- exec functions by addressing mode (p.a transfer register, p.b base slot, p.c kind) ----

export function execOff(core: Core, p: Predecoded): void {
  transfer(core, p.c, xva(core, p.b) + p.imm, p.a);
}

export function execPre(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  wbImm(core, p.b, p.imm);
  transfer(core, p.c, va, p.a);
  writeWb(core, p.b);
}

export function execPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  transfer(core, p.c, va, p.a);
  writeWb(core, p.b);
}

/** p.d Rm slot, p.imm shift, p.imm2 option (extend). */
export function execReg(core: Core, p: Predecoded): void {
  transfer(core, p.c, regOffsetVa(core, p.b, p.d, p.imm2, p.imm), p.a);
}

function execUnpriv(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  if (!unprivilegedApplies(core)) return transfer(core, p.c, va, p.a);
  checkEl0Access(core, va, KIND_SIZE[p.c]!, kindIsStore(p.c));
  if (core.pan === 0) return transfer(core, p.c, va, p.a);
  withoutPan(core, transfer, p.c, va, p.a);
}

/** LDAPUR/STLUR: unscaled offset, ordered (alignment checked). */
function execOrdered(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  checkAligned(core, va, KIND_SIZE[p.c]!, kindIsStore(p.c));
  transfer(core, p.c, va, p.a);
}

function execLiteral(core: Core, p: Predecoded): void {
  transfer(core, p.c, core.pc + p.imm, p.a);
}

function execNop(): void {}

// Specialised hot forms.
export function execLdrXOff(core: Core, p: Predecoded): void {
  const x = core.x;
  if (p.b === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  const lo = core.read64(x[p.b * 2 + 1]! * TWO32 + (x[p.b * 2]! >>> 0) + p.imm);
  x[p.a * 2] = lo;
  x[p.a * 2 + 1] = core.memHi;
}

export function execLdrWOff(core: Core, p: Predecoded): void {
  const x = core.x;
  if (p.b === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  x[p.a * 2] = core.read32(x[p.b * 2 + 1]! * TWO32 + (x[p.b * 2]! >>> 0) + p.imm);
  x[p.a * 2 + 1] = 0;
}

export function execStrXOff(core: Core, p: Predecoded): void {
  const x = core.x;
  if (p.b === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  const va = x[p.b * 2 + 1]! * TWO32 + (x[p.b * 2]! >>> 0) + p.imm;
  core.write64(va, x[p.a * 2]!, x[p.a * 2 + 1]!);
  noteStore(core, va, 8);
}

export function execStrWOff(core: Core, p: Predecoded): void {
  const x = core.x;
  if (p.b === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  const va = x[p.b * 2 + 1]! * TWO32 + (x[p.b * 2]! >>> 0) + p.imm;
  core.write32(va, x[p.a * 2]!);
  noteStore(core, va, 4);
}

/** LDRAA/LDRAB: the address is X[n] with its PAC removed (see the note on `stripPac`), plus the offset. */
function execLdra(core: Core, p: Predecoded): void {
  const x = core.x;
  if (p.b === REG_SP && (x[REG_SP * 2]! & 15) !== 0) checkSpAlignment(core);
  const hi = stripPac(x[p.b * 2 + 1]!);
  const lo = x[p.b * 2]!;
  const sum = (lo >>> 0) + p.imm;
  const va = (hi + Math.floor(sum / TWO32)) * TWO32 + (sum >>> 0);
  const newHi = (hi + Math.floor(sum / TWO32)) | 0;
  const v = core.read64(va);
  x[p.a * 2] = v;
  x[p.a * 2 + 1] = core.memHi;
  if (p.c) {
    x[p.b * 2] = sum | 0;
    x[p.b * 2 + 1] = newHi;
  }
}

/**
 * The model does not compute pointer authentication codes (the M1's algorithm is Apple's own),
 * so authentication always passes: the PAC field (bits 63:48 of a 48-bit VA) is replaced by
 * copies of bit 55, as AuthDA returns on success.
 */
function stripPac(hi: number): number {
  return hi & 0x800000 ? hi | 0xffff0000 : hi & 0xffff;
}

// ---- prepare functions ----

function prepBase(p: Predecoded, word: number): number {
  const kind = kindOf(word);
  p.c = kind;
  p.a = transferReg(kind, rtOf(word));
  p.b = spSlot(rnOf(word));
  return kind;
}

function prepUoff(p: Predecoded, word: number): void {
  const kind = prepBase(p, word);
  p.imm = ((word >>> 10) & 0xfff) * 2 ** log2Size(kind);
  if (kind === K_PRFM) p.exec = execNop;
  else if (kind === K_LDRX) p.exec = execLdrXOff;
  else if (kind === K_LDRW) p.exec = execLdrWOff;
  else if (kind === K_STRX) p.exec = execStrXOff;
  else if (kind === K_STRW) p.exec = execStrWOff;
}

function prepPre(p: Predecoded, word: number): void {
  prepImm9(p, word);
  p.exec = PRE_FAST[p.c] ?? p.exec;
}

function prepPost(p: Predecoded, word: number): void {
  prepImm9(p, word);
  p.exec = POST_FAST[p.c] ?? p.exec;
}

function prepImm9(p: Predecoded, word: number): void {
  const kind = prepBase(p, word);
  p.imm = imm9Of(word);
  if (kind === K_PRFM) p.exec = execNop;
}

function prepReg(p: Predecoded, word: number): void {
  const kind = prepBase(p, word);
  p.d = rSlot(rmOf(word));
  p.imm2 = (word >>> 13) & 7;
  p.imm = (word >>> 12) & 1 ? log2Size(kind) : 0;
  if (kind === K_PRFM) p.exec = execNop;
  else p.exec = REG_FAST[kind] ?? execReg;
}


function prepLiteral(p: Predecoded, word: number, kind: number): void {
  p.c = kind;
  p.a = transferReg(kind, rtOf(word));
  p.imm = ((word << 8) >> 13) * 4;
}

const single = (id: string, exec: (core: Core, p: Predecoded) => void, prepare: (p: Predecoded, word: number) => void): ExecutorDef => ({ id, exec, prepare });

const STEMS = ['STRB', 'LDRB', 'LDRSB', 'STRH', 'LDRH', 'LDRSH', 'STR', 'LDR', 'LDRSW', 'STR_fpsimd', 'LDR_fpsimd'];
const UNSCALED = ['STURB', 'LDURB', 'LDURSB', 'STURH', 'LDURH', 'LDURSH', 'STUR', 'LDUR', 'LDURSW', 'STUR_fpsimd', 'LDUR_fpsimd', 'PRFUM'];
const UNPRIVILEGED = ['STTRB', 'LDTRB', 'LDTRSB', 'STTRH', 'LDTRH', 'LDTRSH', 'STTR', 'LDTR', 'LDTRSW'];
const RCPC2 = ['STLURB', 'LDAPURB', 'LDAPURSB', 'STLURH', 'LDAPURH', 'LDAPURSH', 'STLUR', 'LDAPUR', 'LDAPURSW'];

export const LDST_SINGLE_EXECUTORS: readonly ExecutorDef[] = [
  ...STEMS.flatMap((stem) => [
    single(`${stem}_imm_uoff`, execOff, prepUoff),
    single(`${stem}_imm_pre`, execPre, prepPre),
    single(`${stem}_imm_post`, execPost, prepPost),
    single(`${stem}_reg`, execReg, prepReg),
  ]),
  single('PRFM_imm_uoff', execNop, prepUoff),
  single('PRFM_reg', execNop, prepReg),
  single('RPRFM', execNop, () => {}),
  ...UNSCALED.map((id) => single(id, execOff, prepImm9)),
  ...UNPRIVILEGED.map((id) => single(id, execUnpriv, prepImm9)),
  ...RCPC2.map((id) => single(id, execOrdered, prepImm9)),
  single('LDR_lit', execLiteral, (p, w) => prepLiteral(p, w, (w >>> 30) & 1 ? K_LDRX : K_LDRW)),
  single('LDRSW_lit', execLiteral, (p, w) => prepLiteral(p, w, K_LDRSW)),
  single('PRFM_lit', execNop, () => {}),
  single('LDR_lit_fpsimd', execLiteral, (p, w) => prepLiteral(p, w, [K_LDS_V, K_LDD_V, K_LDQ_V][w >>> 30]!)),
  ...['LDRAA_off', 'LDRAA_pre', 'LDRAB_off', 'LDRAB_pre'].map((id) =>
    single(id, execLdra, (p, w) => {
      p.a = wSlot(rtOf(w));
      p.b = spSlot(rnOf(w));
      p.imm = ((((((w >>> 22) & 1) << 9) | ((w >>> 12) & 0x1ff)) << 22) >> 22) * 8;
      p.c = (w >>> 11) & 1;
    }),
  ),
];

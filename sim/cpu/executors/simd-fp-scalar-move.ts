// Layer: sim/cpu/executors. Advanced SIMD copy/move: DUP, SMOV, UMOV, INS, the modified
// immediates (MOVI, MVNI, ORR, BIC, FMOV vector), EXT, TBL/TBX and ZIP/UZP/TRN. Element work is
// on the V register bytes (little-endian lanes); sources are copied to a scratch first where the
// destination may alias them. Imports sim/cpu (fp helpers for FMOV's immediate).
import type { Core } from '../core.ts';
import type { ExecutorDef, Predecoded } from '../executor-registry.ts';
import type { Fields } from '../../../core/arch/a64/spec.ts';
import * as Msimd_fp_scalar_format from '../../../core/arch/a64/tables/simd-fp-scalar-format.ts';
import * as Mindex from '../fp/index.ts';
import * as Msimd_fp_scalar_util from './simd-fp-scalar-util.ts';
// Imported bindings copied to module constants once: under tsx every access to an imported
// binding is a getter call, measured at ~40% of the FP hot path (see fp/README.md).
const { imm5Size } = Msimd_fp_scalar_format;
const { FMT_D, FMT_H, FMT_S, fpExpandImm, fpOut } = Mindex;
const { rz, wz } = Msimd_fp_scalar_util;

const scratch = new Uint8Array(64);
const scratch2 = new Uint8Array(16);

/** Copies `bytes` bytes of element `idx` (size log2 bytes) from V[n] into scratch[0..]. */
function loadElem(core: Core, n: number, size: number, idx: number): void {
  const vb = core.vb;
  const from = (n << 4) + (idx << size);
  for (let k = 0; k < 1 << size; k++) scratch[k] = vb[from + k]!;
}

function zeroUpper(core: Core, d: number): void {
  core.vi32[(d << 2) + 2] = 0;
  core.vi32[(d << 2) + 3] = 0;
}

// ---- copy: a = Rd, b = Rn, c = element size, imm = index (of Rd for INS), imm2 = source index / Q ----

/** DUP (element), vector: d = total bytes (8 or 16). */
function execDupElement(core: Core, p: Predecoded): void {
  loadElem(core, p.b, p.c, p.imm);
  const vb = core.vb;
  const base = p.a << 4;
  const esize = 1 << p.c;
  for (let i = 0; i < p.d; i++) vb[base + i] = scratch[i & (esize - 1)]!;
  if (p.d === 8) zeroUpper(core, p.a);
}

/** DUP (element), scalar (MOV Bd/Hd/Sd/Dd, Vn.T[i]). */
function execDupScalar(core: Core, p: Predecoded): void {
  loadElem(core, p.b, p.c, p.imm);
  const v = core.vi32;
  const base = p.a << 2;
  v[base] = v[base + 1] = v[base + 2] = v[base + 3] = 0;
  const vb = core.vb;
  for (let k = 0; k < 1 << p.c; k++) vb[(p.a << 4) + k] = scratch[k]!;
}

/** DUP (general): b = general slot. */
function execDupGeneral(core: Core, p: Predecoded): void {
  const x = core.x;
  const lo = x[p.b * 2]!;
  const hi = x[p.b * 2 + 1]!;
  const v = core.vi32;
  const base = p.a << 2;
  let w0: number;
  let w1: number;
  if (p.c === 3) {
    w0 = lo;
    w1 = hi;
  } else {
    w0 = p.c === 2 ? lo : p.c === 1 ? (lo & 0xffff) * 0x10001 : (lo & 0xff) * 0x1010101;
    w0 |= 0;
    w1 = w0;
  }
  v[base] = w0;
  v[base + 1] = w1;
  v[base + 2] = p.d === 16 ? w0 : 0;
  v[base + 3] = p.d === 16 ? w1 : 0;
}

/** SMOV/UMOV: a = general slot, imm2 bit0 = signed, bit1 = X destination. */
function execMovToGeneral(core: Core, p: Predecoded): void {
  const v = core.vi32;
  const vb = core.vb;
  const off = (p.b << 4) + (p.imm << p.c);
  let lo: number;
  let hi = 0;
  if (p.c === 3) {
    lo = v[off >> 2]!;
    hi = v[(off >> 2) + 1]!;
  } else if (p.c === 2) lo = v[off >> 2]!;
  else if (p.c === 1) lo = vb[off]! | (vb[off + 1]! << 8);
  else lo = vb[off]!;
  if (p.imm2 & 1) {
    if (p.c === 0) lo = (lo << 24) >> 24;
    else if (p.c === 1) lo = (lo << 16) >> 16;
    if (p.imm2 & 2) hi = lo >> 31;
  }
  core.x[p.a * 2] = lo;
  core.x[p.a * 2 + 1] = hi;
}

/** INS (general): V[d].T[imm] ← Xn/Wn low bits. */
function execInsGeneral(core: Core, p: Predecoded): void {
  const x = core.x;
  let lo = x[p.b * 2]!;
  const hi = x[p.b * 2 + 1]!;
  const vb = core.vb;
  const off = (p.a << 4) + (p.imm << p.c);
  const n = 1 << p.c;
  for (let k = 0; k < n; k++) {
    vb[off + k] = k === 4 ? hi & 0xff : k > 4 ? (hi >>> ((k - 4) * 8)) & 0xff : lo & 0xff;
    if (k < 4) lo >>>= 8;
  }
}

/** INS (element): V[d].T[imm] ← V[n].T[imm2]. */
function execInsElement(core: Core, p: Predecoded): void {
  loadElem(core, p.b, p.c, p.imm2);
  const vb = core.vb;
  const off = (p.a << 4) + (p.imm << p.c);
  for (let k = 0; k < 1 << p.c; k++) vb[off + k] = scratch[k]!;
}

function copyPrep(p: Predecoded, f: Fields): number {
  const size = imm5Size(f.imm5!)!;
  p.a = f.Rd!;
  p.b = f.Rn!;
  p.c = size;
  p.imm = f.imm5! >> (size + 1);
  return size;
}

const COPY: ExecutorDef[] = [
  {
    id: 'DUP_element_vector',
    exec: execDupElement,
    prepare: (p, _w, f) => {
      copyPrep(p, f!);
      p.d = f!.Q ? 16 : 8;
    },
  },
  { id: 'DUP_element_scalar', exec: execDupScalar, prepare: (p, _w, f) => void copyPrep(p, f!) },
  {
    id: 'DUP_general',
    exec: execDupGeneral,
    prepare: (p, _w, f) => {
      copyPrep(p, f!);
      p.b = rz(f!.Rn!);
      p.d = f!.Q ? 16 : 8;
    },
  },
  {
    id: 'SMOV',
    exec: execMovToGeneral,
    prepare: (p, _w, f) => {
      copyPrep(p, f!);
      p.a = wz(f!.Rd!);
      p.imm2 = 1 | (f!.Q! << 1);
    },
  },
  {
    id: 'UMOV',
    exec: execMovToGeneral,
    prepare: (p, _w, f) => {
      copyPrep(p, f!);
      p.a = wz(f!.Rd!);
      p.imm2 = f!.Q! << 1;
    },
  },
  {
    id: 'INS_general',
    exec: execInsGeneral,
    prepare: (p, _w, f) => {
      copyPrep(p, f!);
      p.b = rz(f!.Rn!);
    },
  },
  {
    id: 'INS_element',
    exec: execInsElement,
    prepare: (p, _w, f) => {
      const size = copyPrep(p, f!);
      p.imm2 = f!.imm4! >> size;
    },
  },
];

// ---- modified immediate: a = Rd, d = Q, imm/imm2 = the 64-bit immediate (lo, hi) ----

function execMoviImm(core: Core, p: Predecoded): void {
  const v = core.vi32;
  const i = p.a << 2;
  v[i] = p.imm;
  v[i + 1] = p.imm2;
  v[i + 2] = p.d ? p.imm : 0;
  v[i + 3] = p.d ? p.imm2 : 0;
}
function execOrrImm(core: Core, p: Predecoded): void {
  const v = core.vi32;
  const i = p.a << 2;
  v[i] |= p.imm;
  v[i + 1] |= p.imm2;
  if (p.d) {
    v[i + 2] |= p.imm;
    v[i + 3] |= p.imm2;
  } else v[i + 2] = v[i + 3] = 0;
}
function execBicImm(core: Core, p: Predecoded): void {
  const v = core.vi32;
  const i = p.a << 2;
  v[i] &= ~p.imm;
  v[i + 1] &= ~p.imm2;
  if (p.d) {
    v[i + 2] &= ~p.imm;
    v[i + 3] &= ~p.imm2;
  } else v[i + 2] = v[i + 3] = 0;
}

/** AdvSIMDExpandImm(op, cmode, imm8) as (lo, hi); o2 = 1 selects the FP16 FMOV. */
function expandImm(p: Predecoded, f: Fields): void {
  const { op, cmode, o2 } = f as Required<Fields>;
  const imm8 = (f.a! << 7) | (f.b! << 6) | (f.c! << 5) | (f.d! << 4) | (f.e! << 3) | (f.f! << 2) | (f.g! << 1) | f.h!;
  let w = 0;
  switch (cmode >> 1) {
    case 0:
    case 1:
    case 2:
    case 3:
      w = imm8 << ((cmode >> 1) * 8);
      break;
    case 4:
    case 5: {
      const h = imm8 << ((cmode >> 1) & 1 ? 8 : 0);
      w = h | (h << 16);
      break;
    }
    case 6:
      w = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
      break;
    default:
      if ((cmode & 1) === 0 && op === 0) w = imm8 * 0x1010101;
      else if ((cmode & 1) === 0) {
        let lo = 0;
        let hi = 0;
        for (let bit = 0; bit < 4; bit++) {
          if (imm8 & (1 << bit)) lo |= 0xff << (bit * 8);
          if (imm8 & (1 << (bit + 4))) hi |= 0xff << (bit * 8);
        }
        p.imm = lo;
        p.imm2 = hi;
        return;
      } else if (op === 1) {
        p.imm = fpExpandImm(FMT_D, imm8);
        p.imm2 = fpOut.hi;
        return;
      } else if (o2 === 1) {
        const h = fpExpandImm(FMT_H, imm8);
        w = h | (h << 16);
      } else w = fpExpandImm(FMT_S, imm8);
  }
  p.imm = w | 0;
  p.imm2 = w | 0;
}

function modImm(id: string, exec: (core: Core, p: Predecoded) => void, invert: boolean): ExecutorDef {
  return {
    id,
    exec,
    prepare: (p, _w, f) => {
      p.a = f!.Rd!;
      p.d = f!.Q!;
      expandImm(p, f!);
      if (invert) {
        p.imm = ~p.imm;
        p.imm2 = ~p.imm2;
      }
    },
  };
}

const MODIFIED_IMMEDIATE: ExecutorDef[] = [
  modImm('MOVI', execMoviImm, false),
  modImm('MVNI', execMoviImm, true),
  modImm('ORR_vector_imm', execOrrImm, false),
  modImm('BIC_vector_imm', execBicImm, false),
  modImm('FMOV_vector_imm', execMoviImm, false),
];

// ---- EXT, TBL/TBX, permutes: a = Rd, b = Rn, c = Rm, d = bytes (8/16) ----

function execExt(core: Core, p: Predecoded): void {
  const vb = core.vb;
  const bytes = p.d;
  for (let i = 0; i < bytes; i++) {
    scratch[i] = vb[(p.b << 4) + i]!;
    scratch[bytes + i] = vb[(p.c << 4) + i]!;
  }
  for (let i = 0; i < bytes; i++) vb[(p.a << 4) + i] = scratch[p.imm + i]!;
  if (bytes === 8) zeroUpper(core, p.a);
}

/** imm = number of table registers, imm2 = 1 for TBX. */
function execTbl(core: Core, p: Predecoded): void {
  const vb = core.vb;
  for (let r = 0; r < p.imm; r++) {
    const from = ((p.b + r) & 31) << 4;
    for (let k = 0; k < 16; k++) scratch[(r << 4) + k] = vb[from + k]!;
  }
  const len = p.imm << 4;
  const dBase = p.a << 4;
  const mBase = p.c << 4;
  for (let i = 0; i < p.d; i++) {
    const idx = vb[mBase + i]!;
    scratch2[i] = idx < len ? scratch[idx]! : p.imm2 ? vb[dBase + i]! : 0;
  }
  for (let i = 0; i < p.d; i++) vb[dBase + i] = scratch2[i]!;
  if (p.d === 8) zeroUpper(core, p.a);
}

const UZP = 0;
const TRN = 1;
const ZIP = 2;
/** imm = kind (UZP/TRN/ZIP), imm2 = part (0 for …1, 1 for …2), c2 in `p.c` = Rm; element size in high bits of imm. */
function execPermute(core: Core, p: Predecoded): void {
  const vb = core.vb;
  const bytes = p.d;
  const size = p.imm >> 4;
  const kind = p.imm & 15;
  const part = p.imm2;
  const es = 1 << size;
  const elements = bytes >> size;
  for (let i = 0; i < bytes; i++) {
    scratch[i] = vb[(p.b << 4) + i]!;
    scratch[32 + i] = vb[(p.c << 4) + i]!;
  }
  for (let e = 0; e < elements; e++) {
    // Source element (in scratch: Vn at 0, Vm at 32) for destination element e.
    let src: number;
    if (kind === UZP) {
      const j = 2 * e + part; // index into Vn:Vm
      src = j < elements ? j << size : 32 + ((j - elements) << size);
    } else if (kind === TRN) {
      const q = (e & ~1) + part;
      src = e & 1 ? 32 + (q << size) : q << size;
    } else {
      const q = part * (elements >> 1) + (e >> 1);
      src = e & 1 ? 32 + (q << size) : q << size;
    }
    for (let k = 0; k < es; k++) scratch2[(e << size) + k] = scratch[src + k]!;
  }
  for (let i = 0; i < bytes; i++) vb[(p.a << 4) + i] = scratch2[i]!;
  if (bytes === 8) zeroUpper(core, p.a);
}

function threeRegPrep(p: Predecoded, f: Fields): void {
  p.a = f.Rd!;
  p.b = f.Rn!;
  p.c = f.Rm!;
  p.d = f.Q ? 16 : 8;
}

const permute = (id: string, kind: number, part: number): ExecutorDef => ({
  id,
  exec: execPermute,
  prepare: (p, _w, f) => {
    threeRegPrep(p, f!);
    p.imm = (f!.size! << 4) | kind;
    p.imm2 = part;
  },
});
const table = (id: string, tbx: number): ExecutorDef => ({
  id,
  exec: execTbl,
  prepare: (p, _w, f) => {
    threeRegPrep(p, f!);
    p.imm = f!.len! + 1;
    p.imm2 = tbx;
  },
});

const PERMUTE: ExecutorDef[] = [
  {
    id: 'EXT',
    exec: execExt,
    prepare: (p, _w, f) => {
      threeRegPrep(p, f!);
      p.imm = f!.imm4!;
    },
  },
  table('TBL', 0),
  table('TBX', 1),
  permute('UZP1', UZP, 0),
  permute('TRN1', TRN, 0),
  permute('ZIP1', ZIP, 0),
  permute('UZP2', UZP, 1),
  permute('TRN2', TRN, 1),
  permute('ZIP2', ZIP, 1),
];

export const SIMD_FP_SCALAR_MOVE_EXECUTORS: readonly ExecutorDef[] = [...COPY, ...MODIFIED_IMMEDIATE, ...PERMUTE];

// Layer: sim/cpu/executors. Dedicated exec functions for the hottest single-register
// load/store forms (register offset, pre- and post-index) of the general-register kinds, chosen
// by ldst-single.ts at predecode. Imports sim/cpu.
//
// Why: the generic exec functions go through `transfer`'s switch on the kind, which V8 does not
// inline; these are small enough to be inlined into a translated block (block-translator.ts).
// Semantics are ldst-single.ts's: the written-back base is computed before the access and
// written after it (a load into the base gets the written-back address; a store of the base
// stores its old value).

import type { Core } from '../core.ts';
import type { Predecoded } from '../executor-registry.ts';
import {
  noteStore as noteStore$,
} from '../exclusive-monitor.ts';
import {
  K_LDRB as K_LDRB$, K_LDRH as K_LDRH$, K_LDRW as K_LDRW$, K_LDRX as K_LDRX$, K_STRB as K_STRB$, K_STRH as K_STRH$, K_STRW as K_STRW$, K_STRX as K_STRX$,
  regOffsetVa as regOffsetVa$, wb as wb$, wbImm as wbImm$, xva as xva$,
} from './ldst-common.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const noteStore = noteStore$;
const regOffsetVa = regOffsetVa$;
const wb = wb$;
const wbImm = wbImm$;
const xva = xva$;
const K_LDRB = K_LDRB$, K_LDRH = K_LDRH$, K_LDRW = K_LDRW$, K_LDRX = K_LDRX$, K_STRB = K_STRB$, K_STRH = K_STRH$, K_STRW = K_STRW$, K_STRX = K_STRX$;

type Exec = (core: Core, p: Predecoded) => void;

// The register-offset forms of the general-register kinds have their own exec functions: no
// transfer switch on the hot path (byte loops index with a register).
function execLdrbReg(core: Core, p: Predecoded): void {
  const v = core.read8(regOffsetVa(core, p.b, p.d, p.imm2, p.imm));
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = 0;
}
function execLdrhReg(core: Core, p: Predecoded): void {
  const v = core.read16(regOffsetVa(core, p.b, p.d, p.imm2, p.imm));
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = 0;
}
function execLdrWReg(core: Core, p: Predecoded): void {
  const v = core.read32(regOffsetVa(core, p.b, p.d, p.imm2, p.imm));
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = 0;
}
function execLdrXReg(core: Core, p: Predecoded): void {
  const v = core.read64(regOffsetVa(core, p.b, p.d, p.imm2, p.imm));
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = core.memHi;
}
function execStrbReg(core: Core, p: Predecoded): void {
  const va = regOffsetVa(core, p.b, p.d, p.imm2, p.imm);
  core.write8(va, core.x[p.a * 2]! & 0xff);
  noteStore(core, va, 1);
}
function execStrhReg(core: Core, p: Predecoded): void {
  const va = regOffsetVa(core, p.b, p.d, p.imm2, p.imm);
  core.write16(va, core.x[p.a * 2]! & 0xffff);
  noteStore(core, va, 2);
}
function execStrWReg(core: Core, p: Predecoded): void {
  const va = regOffsetVa(core, p.b, p.d, p.imm2, p.imm);
  core.write32(va, core.x[p.a * 2]!);
  noteStore(core, va, 4);
}
function execStrXReg(core: Core, p: Predecoded): void {
  const va = regOffsetVa(core, p.b, p.d, p.imm2, p.imm);
  core.write64(va, core.x[p.a * 2]!, core.x[p.a * 2 + 1]!);
  noteStore(core, va, 8);
}
/** Register-offset exec by kind. */
export const REG_FAST: Record<number, Exec> = {
  [K_LDRB]: execLdrbReg,
  [K_LDRH]: execLdrhReg,
  [K_LDRW]: execLdrWReg,
  [K_LDRX]: execLdrXReg,
  [K_STRB]: execStrbReg,
  [K_STRH]: execStrhReg,
  [K_STRW]: execStrWReg,
  [K_STRX]: execStrXReg,
};

// Post-index (p.imm the offset; the access at the old base) and pre-index (at base + imm).
function ldrbPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  const v = core.read8(va);
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = 0;
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function ldrWPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  const v = core.read32(va);
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = 0;
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function ldrXPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  const v = core.read64(va);
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = core.memHi;
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function strbPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  core.write8(va, core.x[p.a * 2]! & 0xff);
  noteStore(core, va, 1);
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function strWPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  core.write32(va, core.x[p.a * 2]!);
  noteStore(core, va, 4);
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function strXPost(core: Core, p: Predecoded): void {
  const va = xva(core, p.b);
  wbImm(core, p.b, p.imm);
  core.write64(va, core.x[p.a * 2]!, core.x[p.a * 2 + 1]!);
  noteStore(core, va, 8);
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function ldrXPre(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  wbImm(core, p.b, p.imm);
  const v = core.read64(va);
  core.x[p.a * 2] = v;
  core.x[p.a * 2 + 1] = core.memHi;
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}
function strXPre(core: Core, p: Predecoded): void {
  const va = xva(core, p.b) + p.imm;
  wbImm(core, p.b, p.imm);
  core.write64(va, core.x[p.a * 2]!, core.x[p.a * 2 + 1]!);
  noteStore(core, va, 8);
  core.x[p.b * 2] = wb.lo;
  core.x[p.b * 2 + 1] = wb.hi;
}

/** Post-index exec by kind. */
export const POST_FAST: Record<number, Exec> = {
  [K_LDRB]: ldrbPost,
  [K_LDRW]: ldrWPost,
  [K_LDRX]: ldrXPost,
  [K_STRB]: strbPost,
  [K_STRW]: strWPost,
  [K_STRX]: strXPost,
};
/** Pre-index exec by kind. */
export const PRE_FAST: Record<number, Exec> = {
  [K_LDRX]: ldrXPre,
  [K_STRX]: strXPre,
};

// Layer: sim/cpu/executors. Inline source of the general-register single loads and stores
// (ldst-single.ts, ldst-single-fast.ts) for translated blocks (../block-emit.ts). Imports
// sim/cpu and those modules.
//
// The source is what the exec does with the operands folded in: the address (base, offset,
// register offset with its extend and shift), the access through core.readN/writeN (their
// TLB hit path inlines), the write-back computed before the access and written after it, the
// exclusive monitor told of stores. A base of SP keeps the exec (its alignment check); so do
// the SIMD&FP kinds. As 'mem' source the block settles PC and icount first, so a fault sees
// the instruction's own PC.

import type { Executor, Predecoded } from '../executor-registry.ts';
import { mem, tlb, registerEmitters, RUNTIME, type Emitter } from '../block-emit.ts';
import { noteStore } from '../exclusive-monitor.ts';
import { REG_SP, REG_ZR } from '../state.ts';
import {
  K_LDRB, K_LDRH, K_LDRW, K_LDRX, K_LDRSB_W, K_LDRSH_W, K_LDRSB_X, K_LDRSH_X, K_LDRSW, K_STRB, K_STRH, K_STRW, K_STRX, K_LDQ_V, K_STQ_V, K_LDD_V, K_STD_V,
} from './ldst-common.ts';
import { execOff, execPre, execPost, execReg, execLdrXOff, execLdrWOff, execStrXOff, execStrWOff } from './ldst-single.ts';
import { REG_FAST, POST_FAST, PRE_FAST } from './ldst-single-fast.ts';

RUNTIME.noteStore = noteStore;

/**
 * ldst-common.ts transfer() at `va` for a general-register kind (register slot `r`) or a
 * 64/128-bit SIMD&FP kind (V register `r`); null for the other kinds.
 */
function transfer(kind: number, r: number): string | null {
  const i = r * 2;
  const q = r * 4;
  const lo = r === REG_ZR ? '0' : `x[${i}]`;
  const hi = r === REG_ZR ? '0' : `x[${i + 1}]`;
  switch (kind) {
    case K_LDRB: return `x[${i}] = core.read8(va); x[${i + 1}] = 0;`;
    case K_LDRH: return `x[${i}] = core.read16(va); x[${i + 1}] = 0;`;
    case K_LDRW: return `x[${i}] = core.read32(va); x[${i + 1}] = 0;`;
    case K_LDRX: return `{ const lo = core.read64(va); x[${i}] = lo; x[${i + 1}] = core.memHi; }`;
    case K_LDRSB_W: return `x[${i}] = (core.read8(va) << 24) >> 24; x[${i + 1}] = 0;`;
    case K_LDRSH_W: return `x[${i}] = (core.read16(va) << 16) >> 16; x[${i + 1}] = 0;`;
    case K_LDRSB_X: return `{ const v = (core.read8(va) << 24) >> 24; x[${i}] = v; x[${i + 1}] = v >> 31; }`;
    case K_LDRSH_X: return `{ const v = (core.read16(va) << 16) >> 16; x[${i}] = v; x[${i + 1}] = v >> 31; }`;
    case K_LDRSW: return `{ const v = core.read32(va); x[${i}] = v; x[${i + 1}] = v >> 31; }`;
    case K_STRB: return `core.write8(va, ${lo} & 0xff); noteStore(core, va, 1);`;
    case K_STRH: return `core.write16(va, ${lo} & 0xffff); noteStore(core, va, 2);`;
    case K_STRW: return `core.write32(va, ${lo}); noteStore(core, va, 4);`;
    case K_STRX: return `core.write64(va, ${lo}, ${hi}); noteStore(core, va, 8);`;
    // Both halves read before the register changes: a fault on the second leaves it intact.
    case K_LDQ_V: return `{ const l = core.read64(va); const h = core.memHi; const l2 = core.read64(va + 8); v[${q}] = l; v[${q + 1}] = h; v[${q + 2}] = l2; v[${q + 3}] = core.memHi; }`;
    case K_LDD_V: return `{ const l = core.read64(va); v[${q}] = l; v[${q + 1}] = core.memHi; v[${q + 2}] = 0; v[${q + 3}] = 0; }`;
    case K_STQ_V: return `core.write64(va, v[${q}], v[${q + 1}]); core.write64(va + 8, v[${q + 2}], v[${q + 3}]); noteStore(core, va, 16);`;
    case K_STD_V: return `core.write64(va, v[${q}], v[${q + 1}]); noteStore(core, va, 8);`;
    default: return null;
  }
}

/** Size log2 and the extension of each general load kind (0 zero, 32/64 sign-extend into W/X). */
const LOADS: Record<number, [number, number]> = {
  [K_LDRB]: [0, 0], [K_LDRH]: [1, 0], [K_LDRW]: [2, 0], [K_LDRX]: [3, 0],
  [K_LDRSB_W]: [0, 32], [K_LDRSH_W]: [1, 32], [K_LDRSB_X]: [0, 64], [K_LDRSH_X]: [1, 64], [K_LDRSW]: [2, 64],
};
const STORES: Record<number, number> = { [K_STRB]: 0, [K_STRH]: 1, [K_STRW]: 2, [K_STRX]: 3 };
const READ = ['read8', 'read16', 'read32', 'read64'];
const WRITE = ['write8', 'write16', 'write32', 'write64'];

/**
 * transfer() with core-memory.ts's TLB hit path written out (see block-emit.ts 'tlb'): the
 * same tag, ASID, in-page and RAM tests as core.readN/writeN, which take every other case.
 * The caller ends the instruction's source with `@END@`.
 */
function fastTransfer(kind: number, r: number, address: string): string | null {
  const i2 = r * 2;
  const entry = (T: string, lg: number): string =>
    `const k = Math.floor(va / 4096) * 4 + el, i = k & 1023, o = va & 0xfff, a = ${T}.asid[i]; ` +
    `if (${T}.tag[i] === k && (a === -1 || a === asid) && ${lg === 0 ? `${T}.bytes[i] !== null` : `o <= ${4096 - (1 << lg)} && ${T}.view[i] !== null`})`;
  const load = LOADS[kind];
  if (load) {
    const [lg, ext] = load;
    const hit = lg === 0 ? 'd = TR.bytes[i][TR.offset[i] + o];'
      : lg === 3 ? 'const q = TR.offset[i] + o, w = TR.view[i]; d = w.getInt32(q, true); dh = w.getInt32(q + 4, true);'
      : `d = TR.view[i].${lg === 1 ? 'getUint16' : 'getInt32'}(TR.offset[i] + o, true);`;
    const slow = lg === 3 ? 'd = core.read64(va); dh = core.memHi;' : `d = core.${READ[lg]}(va);`;
    const bits = 8 << lg;
    const value = ext === 0 || bits === 32 ? 'd' : `((d << ${32 - bits}) >> ${32 - bits})`;
    const assign = lg === 3 ? `x[${i2}] = d; x[${i2 + 1}] = dh;`
      : ext === 64 ? `{ const s = ${value}; x[${i2}] = s; x[${i2 + 1}] = s >> 31; }`
      : `x[${i2}] = ${value}; x[${i2 + 1}] = 0;`;
    return `{ const va = ${address}; let d = 0, dh = 0; { ${entry('TR', lg)} { ${hit} } else { @SETTLE@ ${slow} } } ${assign} }`;
  }
  const lg = STORES[kind];
  if (lg === undefined) return null;
  const lo = r === REG_ZR ? '0' : `x[${i2}]`;
  const hi = r === REG_ZR ? '0' : `x[${i2 + 1}]`;
  const val = lg === 0 ? `${lo} & 0xff` : lg === 1 ? `${lo} & 0xffff` : lo;
  const hit = lg === 0 ? `TW.bytes[i][TW.offset[i] + o] = ${val};`
    : lg === 3 ? `const q = TW.offset[i] + o, w = TW.view[i]; w.setInt32(q, ${lo}, true); w.setInt32(q + 4, ${hi}, true);`
    : `TW.view[i].${lg === 1 ? 'setUint16' : 'setInt32'}(TW.offset[i] + o, ${val}, true);`;
  const slow = lg === 3 ? `core.write64(va, ${lo}, ${hi});` : `core.${WRITE[lg]}(va, ${val});`;
  return `{ const va = ${address}; { ${entry('TW', lg)} { ${hit} } else { @SETTLE@ ${slow} } } noteStore(core, va, ${1 << lg}); }`;
}

/** X[slot] + imm as the signed-number VA (ldst-common.ts xva without the SP check; RUNTIME vaOf). */
const xva = (slot: number, imm: number): string => (slot === REG_ZR ? `${imm}` : `vaOf(x[${slot * 2 + 1}], x[${slot * 2}], ${imm})`);

/** X[b] + imm (a small constant) into wl/wh in int32 arithmetic: a carry when the low half wrapped up, a borrow when down. */
function writeBack(b: number, imm: number): string {
  const wrapped = imm >= 0 ? `(wl ^ -2147483648) < (x[${b}] ^ -2147483648) ? 1 : 0` : `(wl ^ -2147483648) > (x[${b}] ^ -2147483648) ? -1 : 0`;
  return `const wl = (x[${b}] + ${imm}) | 0; const wh = (x[${b + 1}] + (${wrapped})) | 0;`;
}

/** Base + immediate offset (execOff and the specialised unsigned-offset forms). */
function offset(kind: (p: Predecoded) => number): Emitter {
  return (p) => {
    if (p.b === REG_SP) return null;
    const fast = fastTransfer(kind(p), p.a, xva(p.b, p.imm));
    if (fast) return tlb(`${fast} @END@`);
    const t = transfer(kind(p), p.a);
    if (t === null) return null;
    return mem(`{ const va = ${xva(p.b, p.imm)}; ${t} }`);
  };
}

/** Pre-/post-index: the access at base + imm (pre) or base (post), base + imm written after it. */
function indexed(pre: boolean): Emitter {
  return (p) => {
    const t = transfer(p.c, p.a);
    if (t === null || p.b === REG_SP) return null;
    const b = p.b * 2;
    const va = xva(p.b, pre ? p.imm : 0);
    const fast = fastTransfer(p.c, p.a, va);
    const wb = writeBack(b, p.imm);
    if (fast) return tlb(`{ ${wb} ${fast} x[${b}] = wl; x[${b + 1}] = wh; @END@ }`);
    return mem(`{ const va = ${va}; ${wb} ${t} x[${b}] = wl; x[${b + 1}] = wh; }`);
  };
}

/** Register offset (ldst-common.ts regOffsetVa): p.d Rm, p.imm2 extend option, p.imm shift. */
const register: Emitter = (p) => {
  const t = transfer(p.c, p.a);
  if (t === null || p.b === REG_SP) return null;
  const m = p.d * 2;
  const n = p.b * 2;
  const ext = p.imm2;
  const s = p.imm;
  const mlo = p.d === REG_ZR ? '0' : `x[${m}]`;
  const mhi = ext === 2 ? '0' : ext === 6 ? 'ml >> 31' : p.d === REG_ZR ? '0' : `x[${m + 1}]`;
  const shifted = s === 0 ? '' : `mh = (mh << ${s}) | (ml >>> ${32 - s}); ml <<= ${s};`;
  // X[n] + offset in int32 halves (carry: the low sum wrapped below X[n]).
  const sum =
    `let ml = ${mlo}; let mh = ${mhi}; ${shifted} const nl = x[${n}]; const sl = (nl + ml) | 0;` +
    ` const sh = (x[${n + 1}] + mh + ((sl ^ -2147483648) < (nl ^ -2147483648) ? 1 : 0)) | 0;`;
  const fast = fastTransfer(p.c, p.a, 'ea');
  if (fast) {
    return tlb(
      `{ ${sum} const ea = vaOf(sh, sl, 0); ${fast} @END@ }`,
    );
  }
  return mem(
    `{ ${sum} const va = vaOf(sh, sl, 0); ${t} }`,
  );
};

const entries: [Executor, Emitter][] = [
  [execOff, offset((p) => p.c)],
  [execLdrXOff, offset(() => K_LDRX)],
  [execLdrWOff, offset(() => K_LDRW)],
  [execStrXOff, offset(() => K_STRX)],
  [execStrWOff, offset(() => K_STRW)],
  [execReg, register],
  [execPre, indexed(true)],
  [execPost, indexed(false)],
  ...Object.values(REG_FAST).map((e) => [e, register] as [Executor, Emitter]),
  ...Object.values(POST_FAST).map((e) => [e, indexed(false)] as [Executor, Emitter]),
  ...Object.values(PRE_FAST).map((e) => [e, indexed(true)] as [Executor, Emitter]),
];

registerEmitters(entries);

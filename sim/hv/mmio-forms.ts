// Layer: sim/hv, the virtual M1's hypervisor model. Imports core/arch/a64's decoder only.
//
// The load/store forms m1n1's data-abort emulation accepts (spec §10.4 tables; m1n1
// src/hv_vm.c emulate_load / emulate_store), keyed by core/arch/a64 decoder row ids — the one
// A64 decoder — instead of m1n1's mask/value list. Which table applies is chosen by ESR.WnR
// as in m1n1 (a load that reports WnR = 1 is "not emulated").
//
// Pass 1 (`decode`) yields the access width (log2 bytes, 0..6) and, for the forms that compute
// it, the VA; stores also collect their data and perform their base writeback in this pass
// (m1n1's order, §15 #37). Pass 2 (`apply`) writes a load's destination registers and base.
//
// Deliberate m1n1 behaviours kept: STR S/D/Q pre/post-index are emulated as STUR without
// writeback (§15 #38); LD/ST pre/post with Rn = 31 are refused; SP-relative pair forms read
// x31 as 0 (m1n1 reads its scratch regs[31], which stores zero first), so their VA never
// equals FAR and they are forwarded; STR B/H (SIMD) pre/post/unscaled, LDP/STP S/D, pair
// pre/post W forms, LDPSW, STNP S/Q, LDTR/STTR, exclusives, atomics, LDAPR/LDAPUR are refused.
// One m1n1 discrepancy is NOT copied: its LDURS* mask (0x3FA00C00 / 0x38A00000) requires bit
// 21 = 1, so real LDURSB/LDURSH/LDURSW never match it while LDADDA-family atomics do; we follow
// the spec's stated intent (LDURS* emulated with sign extension, atomics forwarded).

import { decode } from '../../core/arch/a64/decoder.ts';
import type { Fields } from '../../core/arch/a64/spec.ts';

/** The guest registers the emulation reads and writes (x31 is never passed: XZR/scratch). */
export interface GuestRegisters {
  x(n: number): bigint;
  setX(n: number, value: bigint): void;
  /** 128-bit SIMD&FP register Vn. */
  q(n: number): bigint;
  setQ(n: number, value: bigint): void;
}

/** HV_MAX_RW_SIZE. */
export const MAX_RW_SIZE = 64;

export interface FormContext {
  readonly f: Fields;
  readonly word: number;
  readonly regs: GuestRegisters;
}

export interface Pass1 {
  /** log2 of the access size, 0..6. */
  readonly width: number;
  /** The VA the form computes; undefined = FAR. */
  readonly va?: bigint;
}

export interface Form {
  /** The spec table row (§10.4). */
  readonly label: string;
  readonly write: boolean;
  /** Pass 1; undefined = not emulated. Stores fill `data` and do their writeback here. */
  readonly decode: (c: FormContext, data: DataView) => Pass1 | undefined;
  /** Pass 2 for loads. */
  readonly apply?: (c: FormContext, data: DataView) => void;
  /** A store whose pass 1 already wrote the base register back. */
  readonly writesBack?: boolean;
}

const U64 = (1n << 64n) - 1n;
const U128 = (1n << 128n) - 1n;
/** xN, with x31 as m1n1's scratch slot (0). */
const xr = (c: FormContext, n: number): bigint => (n === 31 ? 0n : BigInt.asUintN(64, c.regs.x(n)));
const setX = (c: FormContext, n: number, v: bigint): void => {
  if (n !== 31) c.regs.setX(n, v & U64);
};
const qr = (c: FormContext, n: number): bigint => BigInt.asUintN(128, c.regs.q(n));
const setQ = (c: FormContext, n: number, v: bigint): void => c.regs.setQ(n, v & U128);
const imm9 = (c: FormContext) => BigInt.asIntN(9, BigInt(c.f.imm9!));
const imm7 = (c: FormContext) => BigInt.asIntN(7, BigInt(c.f.imm7!));
const size = (c: FormContext) => c.word >>> 30;
const word = (d: DataView, i: number) => d.getBigUint64(i * 8, true);
const putWord = (d: DataView, i: number, v: bigint) => d.setBigUint64(i * 8, v & U64, true);
const mask = (width: number) => (width < 3 ? (1n << BigInt(8 << width)) - 1n : U64);
/** Base writeback `Xn += off` (Rn = 31 never reaches here for the checked forms). */
const writeback = (c: FormContext, off: bigint) => setX(c, c.f.Rn!, xr(c, c.f.Rn!) + off);

/** m1n1's EXT(v, 8 << width) as s64, then truncated to 32 bits when bit 22 selects a W destination. */
function signExtend(c: FormContext, v: bigint): bigint {
  const r = BigInt.asUintN(64, BigInt.asIntN(8 << size(c), v));
  return c.word & (1 << 22) ? r & 0xffffffffn : r;
}

const forms = new Map<string, Form>();
function add(ids: readonly string[], form: Form): void {
  for (const id of ids) forms.set(id, form);
}
const ids = (stems: readonly string[], suffixes: readonly string[]) => stems.flatMap((s) => suffixes.map((x) => `${s}${x}`));
const PREPOST = ['_imm_pre', '_imm_post'] as const;

// ---- integer loads -----------------------------------------------------------------------

const plainLoad = (c: FormContext, d: DataView) => setX(c, c.f.Rt!, word(d, 0));
const signedLoad = (c: FormContext, d: DataView) => setX(c, c.f.Rt!, signExtend(c, word(d, 0)));

add(ids(['LDRB', 'LDRH', 'LDR'], PREPOST), {
  label: 'LDR/LDRB/LDRH imm pre/post',
  write: false,
  decode: (c) => (c.f.Rn === 31 ? undefined : { width: size(c) }),
  apply: (c, d) => {
    writeback(c, imm9(c));
    plainLoad(c, d);
  },
});
add(ids(['LDRB', 'LDRH', 'LDR'], ['_imm_uoff']), { label: 'LDR/LDRB/LDRH unsigned imm', write: false, decode: (c) => ({ width: size(c) }), apply: plainLoad });
add(ids(['LDRSB', 'LDRSH', 'LDRSW'], PREPOST), {
  label: 'LDRSB/LDRSH/LDRSW pre/post',
  write: false,
  decode: (c) => (c.f.Rn === 31 ? undefined : { width: size(c) }),
  apply: (c, d) => {
    writeback(c, imm9(c));
    signedLoad(c, d);
  },
});
add(ids(['LDRSB', 'LDRSH', 'LDRSW'], ['_imm_uoff']), { label: 'LDRS* unsigned imm', write: false, decode: (c) => ({ width: size(c) }), apply: signedLoad });
add(['LDRB_reg', 'LDRH_reg', 'LDR_reg'], { label: 'LDR* register offset', write: false, decode: (c) => ({ width: size(c) }), apply: plainLoad });
add(['LDRSB_reg', 'LDRSH_reg', 'LDRSW_reg'], { label: 'LDRS* register offset', write: false, decode: (c) => ({ width: size(c) }), apply: signedLoad });
add(['LDURB', 'LDURH', 'LDUR'], { label: 'LDUR*', write: false, decode: (c) => ({ width: size(c) }), apply: plainLoad });
add(['LDURSB', 'LDURSH', 'LDURSW'], { label: 'LDURS*', write: false, decode: (c) => ({ width: size(c) }), apply: signedLoad });
add(['LDARB', 'LDARH', 'LDAR'], {
  label: 'LDAR/LDARB/LDARH',
  write: false,
  decode: (c) => (c.f.Rs === 31 && c.f.Rt2 === 31 ? { width: size(c) } : undefined),
  apply: plainLoad,
});

// ---- pair loads --------------------------------------------------------------------------

add(['LDP_off', 'LDNP'], {
  label: 'LDP/LDNP W or X (signed offset)',
  write: false,
  decode: (c) => (c.f.opc1 ? { width: 4, va: xr(c, c.f.Rn!) + imm7(c) * 8n } : { width: 3, va: xr(c, c.f.Rn!) + imm7(c) * 4n }),
  apply: (c, d) => {
    if (c.f.opc1) {
      setX(c, c.f.Rt!, word(d, 0));
      setX(c, c.f.Rt2!, word(d, 1));
    } else {
      setX(c, c.f.Rt!, word(d, 0) & 0xffffffffn);
      setX(c, c.f.Rt2!, word(d, 0) >> 32n);
    }
  },
});
add(['LDP_pre', 'LDP_post'], {
  label: 'LDP X pre/post-index',
  write: false,
  // Bit 24 distinguishes pre (VA = Xn + off) from post (VA = Xn); no Rn = 31 check in m1n1's load path.
  decode: (c) => (c.f.opc1 ? { width: 4, va: xr(c, c.f.Rn!) + (c.word & (1 << 24) ? imm7(c) * 8n : 0n) } : undefined),
  apply: (c, d) => {
    writeback(c, imm7(c) * 8n);
    setX(c, c.f.Rt!, word(d, 0));
    setX(c, c.f.Rt2!, word(d, 1));
  },
});
add(['LDP_fpsimd_off', 'LDNP_fpsimd'], {
  label: 'LDP/LDNP Q (signed offset)',
  write: false,
  decode: (c) => (c.f.opc === 2 ? { width: 5, va: xr(c, c.f.Rn!) + imm7(c) * 16n } : undefined),
  apply: (c, d) => {
    setQ(c, c.f.Rt!, word(d, 0) | (word(d, 1) << 64n));
    setQ(c, c.f.Rt2!, word(d, 2) | (word(d, 3) << 64n));
  },
});

// ---- SIMD&FP loads -----------------------------------------------------------------------

/** B/H/S/D loads clear the upper 64 bits; Q loads take both words. */
const simdLoad = (c: FormContext, d: DataView) => setQ(c, c.f.Rt!, c.f.opc1 ? word(d, 0) | (word(d, 1) << 64n) : word(d, 0));
const simdWidth = (c: FormContext) => (c.f.opc1 ? 4 : size(c));

add(['LDR_fpsimd_imm_uoff'], {
  label: 'LDR B/H/S/D/Q unsigned imm',
  write: false,
  decode: (c) => ({ width: simdWidth(c), va: xr(c, c.f.Rn!) + (BigInt(c.f.imm12!) << BigInt(simdWidth(c))) }),
  apply: simdLoad,
});
add(['LDUR_fpsimd'], { label: 'LDUR B/H/S/D/Q', write: false, decode: (c) => ({ width: simdWidth(c), va: xr(c, c.f.Rn!) + imm9(c) }), apply: simdLoad });
add(ids(['LDR_fpsimd'], PREPOST), {
  label: 'LDR B/H/S/D/Q pre/post',
  write: false,
  decode: (c) => (c.f.Rn === 31 ? undefined : { width: simdWidth(c) }),
  apply: (c, d) => {
    writeback(c, imm9(c));
    simdLoad(c, d);
  },
});
add(['LDR_fpsimd_reg'], { label: 'LDR B/H/S/D/Q register', write: false, decode: (c) => ({ width: simdWidth(c) }), apply: simdLoad });
add(['LD1_single'], {
  label: 'LD1 {Vt.D}[lane], no offset',
  write: false,
  decode: (c) => (c.f.opcode21 === 2 && c.f.size === 1 && c.f.S === 0 ? { width: 3 } : undefined),
  apply: (c, d) => {
    const lane = BigInt(c.f.Q! * 64);
    const keep = qr(c, c.f.Rt!) & ~(U64 << lane);
    setQ(c, c.f.Rt!, keep | (word(d, 0) << lane));
  },
});

// ---- integer stores ----------------------------------------------------------------------

const plainStore = (c: FormContext, d: DataView): Pass1 => {
  putWord(d, 0, xr(c, c.f.Rt!) & mask(size(c)));
  return { width: size(c) };
};

add(ids(['STRB', 'STRH', 'STR'], PREPOST), {
  label: 'STR/STRB/STRH imm pre/post',
  write: true,
  writesBack: true,
  decode: (c, d) => {
    if (c.f.Rn === 31) return undefined;
    writeback(c, imm9(c));
    return plainStore(c, d);
  },
});
add(ids(['STRB', 'STRH', 'STR'], ['_imm_uoff']), { label: 'STR* unsigned imm', write: true, decode: plainStore });
add(['STRB_reg', 'STRH_reg', 'STR_reg'], { label: 'STR* register offset', write: true, decode: plainStore });
add(['STURB', 'STURH', 'STUR'], { label: 'STUR/STURB/STURH', write: true, decode: plainStore });
add(['STLRB', 'STLRH', 'STLR'], {
  label: 'STLR/STLRB/STLRH',
  write: true,
  decode: (c, d) => (c.f.Rs === 31 && c.f.Rt2 === 31 ? plainStore(c, d) : undefined),
});

// ---- pair stores -------------------------------------------------------------------------

add(['STP_off', 'STNP'], {
  label: 'STP/STNP W or X (signed offset)',
  write: true,
  decode: (c, d) => {
    const rt = xr(c, c.f.Rt!);
    const rt2 = xr(c, c.f.Rt2!);
    if (c.f.opc1) {
      putWord(d, 0, rt);
      putWord(d, 1, rt2);
      return { width: 4, va: xr(c, c.f.Rn!) + imm7(c) * 8n };
    }
    putWord(d, 0, (rt & 0xffffffffn) | (rt2 << 32n));
    return { width: 3, va: xr(c, c.f.Rn!) + imm7(c) * 4n };
  },
});
add(['STP_pre', 'STP_post'], {
  label: 'STP X pre/post-index',
  write: true,
  writesBack: true,
  decode: (c, d) => {
    if (!c.f.opc1 || c.f.Rn === 31) return undefined;
    const va = xr(c, c.f.Rn!) + (c.word & (1 << 24) ? imm7(c) * 8n : 0n);
    // m1n1 writes the base back before it reads Rt/Rt2.
    writeback(c, imm7(c) * 8n);
    putWord(d, 0, xr(c, c.f.Rt!));
    putWord(d, 1, xr(c, c.f.Rt2!));
    return { width: 4, va };
  },
});
add(['STP_fpsimd_off'], {
  label: 'STP S/Q pair signed offset',
  write: true,
  decode: (c, d) => {
    const t = qr(c, c.f.Rt!);
    const t2 = qr(c, c.f.Rt2!);
    if (c.f.opc === 0) {
      putWord(d, 0, (t & 0xffffffffn) | ((t2 & 0xffffffffn) << 32n));
      return { width: 3, va: xr(c, c.f.Rn!) + imm7(c) * 4n };
    }
    if (c.f.opc !== 2) return undefined;
    putWord(d, 0, t);
    putWord(d, 1, t >> 64n);
    putWord(d, 2, t2);
    putWord(d, 3, t2 >> 64n);
    return { width: 5, va: xr(c, c.f.Rn!) + imm7(c) * 16n };
  },
});

// ---- SIMD&FP stores ----------------------------------------------------------------------

/** B/H/S/D: the low 64 bits of Vt; Q: both halves. */
const simdStore = (c: FormContext, d: DataView): Pass1 => {
  const v = qr(c, c.f.Rt!);
  putWord(d, 0, v);
  if (c.f.opc1) putWord(d, 1, v >> 64n);
  return { width: simdWidth(c) };
};
add(['STR_fpsimd_imm_uoff', 'STR_fpsimd_reg'], { label: 'STR B/H/S/D/Q unsigned imm or register', write: true, decode: simdStore });
add(['STUR_fpsimd', 'STR_fpsimd_imm_pre', 'STR_fpsimd_imm_post'], {
  label: 'STUR S/D/Q (also STR S/D/Q pre/post, without writeback)',
  write: true,
  decode: (c, d) => {
    const v = qr(c, c.f.Rt!);
    if (!c.f.opc1 && c.f.size === 2) {
      putWord(d, 0, v & 0xffffffffn);
      return { width: 2 };
    }
    if (!c.f.opc1 && c.f.size === 3) {
      putWord(d, 0, v);
      return { width: 3 };
    }
    if (c.f.opc1 && c.f.size === 0) {
      putWord(d, 0, v);
      putWord(d, 1, v >> 64n);
      return { width: 4 };
    }
    return undefined;
  },
});

// ---- DC ZVA ------------------------------------------------------------------------------

add(['SYS'], {
  label: 'DC ZVA, Xt',
  write: true,
  // 64 zero bytes (the buffer starts zeroed) at VA = Xt.
  decode: (c) => (c.f.op1 === 3 && c.f.CRn === 7 && c.f.CRm === 4 && c.f.op2 === 1 ? { width: 6, va: xr(c, c.f.Rt!) } : undefined),
});

export interface DecodedForm {
  readonly form: Form;
  readonly ctx: FormContext;
}

/** The emulated form of `word` for an abort with the given WnR, or undefined (forwarded to the host). */
export function findForm(word: number, write: boolean, regs: GuestRegisters): DecodedForm | undefined {
  const d = decode(word >>> 0);
  if (!d) return undefined;
  const form = forms.get(d.spec.id);
  if (!form || form.write !== write) return undefined;
  return { form, ctx: { f: d.fields, word: word >>> 0, regs } };
}

/** Row ids with an emulated form (for documentation and tests). */
export function emulatedRowIds(): string[] {
  return [...forms.keys()];
}

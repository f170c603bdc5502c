// Layer: sim/cpu/executors. dp-reg executors, part 3: data processing with 1 source (RBIT,
// REV*, CLZ, CLS, pointer authentication), 2 sources (divide, variable shifts, CRC32/CRC32C,
// PACGA) and 3 sources (multiply-add/sub, long and high multiplies). Imports sim/cpu and
// core/arch/a64 (types).
//
// Pointer authentication is modelled as the architecture behaves with it DISABLED by
// SCTLR_ELx.EnIA/EnIB/EnDA/EnDB = 0: PAC* leave Xd unchanged and AUT* return it unchanged
// (AuthIA etc. return the pointer as is when the key is disabled). XPACI/XPACD strip as the
// architecture defines (they do not depend on the enables). PACGA has no enable bit; without
// the QARMA/Apple key machinery it returns a deterministic 32-bit digest (CRC32C of Xn:Xm) in
// bits 63:32 and zeros below, so equal inputs sign equal and different inputs almost never do.

import type { Fields } from '../../../core/arch/a64/spec.ts';
import type { Core } from '../core.ts';
import type { ExecutorDef, Executor, Predecoded } from '../executor-registry.ts';
import {
  add64 as add64$, asr64 as asr64$, H as H$, lsl64 as lsl64$, lsr64 as lsr64$, mul64 as mul64$, ror64 as ror64$, rsp as rsp$, rz as rz$, sdiv64 as sdiv64$, smulh64 as smulh64$, smulhi32 as smulhi32$, udiv64 as udiv64$, umulh64 as umulh64$, umulhi32 as umulhi32$, wz as wz$,
} from './dp-common.ts';

// Hot-path imports are read through local consts: under tsx (the bench and test loader) an
// imported binding is a CommonJS-interop getter on every read, which V8 does not reliably inline.
const add64 = add64$;
const asr64 = asr64$;
const H = H$;
const lsl64 = lsl64$;
const lsr64 = lsr64$;
const mul64 = mul64$;
const ror64 = ror64$;
const rsp = rsp$;
const rz = rz$;
const sdiv64 = sdiv64$;
const smulh64 = smulh64$;
const smulhi32 = smulhi32$;
const udiv64 = udiv64$;
const umulh64 = umulh64$;
const umulhi32 = umulhi32$;
const wz = wz$;

const fv = (f: Fields | undefined, name: string): number => f![name]!;

// ---- 1 source ----

function bswap32(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

function rbit32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  return bswap32(v);
}

const rev16w = (v: number): number => ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);

/** One exec per 1-source operation and width: [64-bit, 32-bit]. a = Rd, b = Rn. */
const ONE_SOURCE: Record<string, [Executor, Executor]> = {
  RBIT: [
    (core, p) => { const x = core.x; const lo = x[p.b * 2]!; x[p.a * 2] = rbit32(x[p.b * 2 + 1]!); x[p.a * 2 + 1] = rbit32(lo); },
    (core, p) => { const x = core.x; x[p.a * 2] = rbit32(x[p.b * 2]!); x[p.a * 2 + 1] = 0; },
  ],
  REV16: [
    (core, p) => { const x = core.x; x[p.a * 2] = rev16w(x[p.b * 2]!); x[p.a * 2 + 1] = rev16w(x[p.b * 2 + 1]!); },
    (core, p) => { const x = core.x; x[p.a * 2] = rev16w(x[p.b * 2]!); x[p.a * 2 + 1] = 0; },
  ],
  REV32: [
    (core, p) => { const x = core.x; x[p.a * 2] = bswap32(x[p.b * 2]!); x[p.a * 2 + 1] = bswap32(x[p.b * 2 + 1]!); },
    (core) => core.undefinedInstruction(),
  ],
  REV: [
    (core, p) => { const x = core.x; const lo = x[p.b * 2]!; x[p.a * 2] = bswap32(x[p.b * 2 + 1]!); x[p.a * 2 + 1] = bswap32(lo); },
    (core, p) => { const x = core.x; x[p.a * 2] = bswap32(x[p.b * 2]!); x[p.a * 2 + 1] = 0; },
  ],
  CLZ: [
    (core, p) => { const x = core.x; const hi = x[p.b * 2 + 1]!; x[p.a * 2] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(x[p.b * 2]!); x[p.a * 2 + 1] = 0; },
    (core, p) => { const x = core.x; x[p.a * 2] = Math.clz32(x[p.b * 2]!); x[p.a * 2 + 1] = 0; },
  ],
  CLS: [
    // Leading bits equal to the sign bit, not counting it: CLZ(x XOR (x ASR 63)) - 1.
    (core, p) => {
      const x = core.x;
      const hi = x[p.b * 2 + 1]!;
      const s = hi >> 31;
      const th = hi ^ s;
      x[p.a * 2] = (th !== 0 ? Math.clz32(th) : 32 + Math.clz32(x[p.b * 2]! ^ s)) - 1;
      x[p.a * 2 + 1] = 0;
    },
    (core, p) => { const x = core.x; const v = x[p.b * 2]!; x[p.a * 2] = Math.clz32(v ^ (v >> 31)) - 1; x[p.a * 2 + 1] = 0; },
  ],
};

function prepareOneSource(id: string) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    // REV32 exists only as a 64-bit row (no sf field).
    p.exec = ONE_SOURCE[id]![f!.sf === 0 ? 1 : 0];
  };
}

// ---- pointer authentication (disabled keys; see the header) ----

function pacDisabled(): void {
  // PAC*/AUT* with the key disabled: Xd is left as it is.
}

/**
 * Strip(ptr, data): bits from the bottom PAC bit up (to 55 with top-byte-ignore, else to 63)
 * become copies of bit 55. The bottom PAC bit is 64 - TnSZ of the translation regime in use.
 * Rare instruction: reads TCR through the sysreg file (bigint) rather than keeping a cache.
 */
function strip(core: Core, p: Predecoded): void {
  const x = core.x;
  const lo = x[p.a * 2]!;
  const hi = x[p.a * 2 + 1]!;
  const upper = ((hi >>> 23) & 1) === 1;
  const data = p.imm === 1;
  const el2 = core.inEl2Regime();
  let tsz: number;
  let tbi: boolean;
  if (el2 && !core.sysregs.e2h) {
    const tcr = Number(core.sysregs.get('TCR_EL2') & 0xffffffffn);
    tsz = tcr & 63;
    tbi = ((tcr >>> 20) & 1) === 1 && (data || ((tcr >>> 29) & 1) === 0);
  } else {
    const tcr = core.sysregs.get(el2 ? 'TCR_EL2' : 'TCR_EL1');
    tsz = Number((tcr >> (upper ? 16n : 0n)) & 63n);
    const tbiOn = ((tcr >> (upper ? 38n : 37n)) & 1n) === 1n;
    const tbid = ((tcr >> (upper ? 52n : 51n)) & 1n) === 1n;
    tbi = tbiOn && (data || !tbid);
  }
  const bottom = 64 - Math.min(Math.max(tsz, 16), 39);
  const top = tbi ? 55 : 63;
  // Mask of bits bottom..top as a lo/hi pair.
  const m = lsl64(-1, -1, bottom);
  let mlo = m;
  let mhi = H[0]!;
  if (top < 63) mhi &= (1 << (top - 31)) - 1;
  if (bottom >= 32) mlo = 0;
  const fill = upper ? -1 : 0;
  x[p.a * 2] = (lo & ~mlo) | (fill & mlo);
  x[p.a * 2 + 1] = (hi & ~mhi) | (fill & mhi);
}

// CRC32C (Castagnoli) table, reflected polynomial 0x82F63B78; CRC32 (ISO-HDLC) 0xEDB88320.
function crcTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}
const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

/** CRC update over the low `bytes` bytes of `v`, no pre/post inversion (as the instructions do). */
function crcBytes(t: Int32Array, crc: number, v: number, bytes: number): number {
  for (let i = 0; i < bytes; i++) {
    crc = t[(crc ^ v) & 0xff]! ^ (crc >>> 8);
    v >>>= 8;
  }
  return crc;
}

function execPacga(core: Core, p: Predecoded): void {
  const x = core.x;
  let c = crcBytes(CRC32C_TABLE, -1, x[p.b * 2]!, 4);
  c = crcBytes(CRC32C_TABLE, c, x[p.b * 2 + 1]!, 4);
  c = crcBytes(CRC32C_TABLE, c, x[p.c * 2]!, 4);
  c = crcBytes(CRC32C_TABLE, c, x[p.c * 2 + 1]!, 4);
  x[p.a * 2] = 0;
  x[p.a * 2 + 1] = ~c;
}

// ---- 2 source ----

const TWO_SOURCE: Record<string, [Executor, Executor]> = {
  UDIV: [
    (core, p) => { const x = core.x; const lo = udiv64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]!, x[p.c * 2 + 1]!); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
    (core, p) => { const x = core.x; const d = x[p.c * 2]! >>> 0; x[p.a * 2] = d === 0 ? 0 : ((x[p.b * 2]! >>> 0) / d) | 0; x[p.a * 2 + 1] = 0; },
  ],
  SDIV: [
    (core, p) => { const x = core.x; const lo = sdiv64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]!, x[p.c * 2 + 1]!); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
    // Truncation toward zero; INT32_MIN / -1 = 2^31, which |0 wraps to INT32_MIN.
    (core, p) => { const x = core.x; const d = x[p.c * 2]!; x[p.a * 2] = d === 0 ? 0 : (x[p.b * 2]! / d) | 0; x[p.a * 2 + 1] = 0; },
  ],
  LSLV: [
    (core, p) => { const x = core.x; const lo = lsl64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! & 63); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
    (core, p) => { const x = core.x; x[p.a * 2] = x[p.b * 2]! << x[p.c * 2]!; x[p.a * 2 + 1] = 0; },
  ],
  LSRV: [
    (core, p) => { const x = core.x; const lo = lsr64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! & 63); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
    (core, p) => { const x = core.x; x[p.a * 2] = x[p.b * 2]! >>> x[p.c * 2]!; x[p.a * 2 + 1] = 0; },
  ],
  ASRV: [
    (core, p) => { const x = core.x; const lo = asr64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! & 63); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
    (core, p) => { const x = core.x; x[p.a * 2] = x[p.b * 2]! >> x[p.c * 2]!; x[p.a * 2 + 1] = 0; },
  ],
  RORV: [
    (core, p) => { const x = core.x; const lo = ror64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]! & 63); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
    (core, p) => { const x = core.x; const v = x[p.b * 2]!; const a = x[p.c * 2]!; x[p.a * 2] = (v >>> a) | (v << (32 - a)); x[p.a * 2 + 1] = 0; },
  ],
};

function prepareTwoSource(id: string) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    p.exec = TWO_SOURCE[id]![fv(f, 'sf') === 1 ? 0 : 1];
  };
}

function crcExec(core: Core, p: Predecoded): void {
  const x = core.x;
  const t = p.imm === 1 ? CRC32C_TABLE : CRC32_TABLE;
  let c = crcBytes(t, x[p.b * 2]!, x[p.c * 2]!, p.d < 4 ? p.d : 4);
  if (p.d === 8) c = crcBytes(t, c, x[p.c * 2 + 1]!, 4);
  x[p.a * 2] = c;
  x[p.a * 2 + 1] = 0;
}

function prepareCrc(castagnoli: boolean) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    p.d = 1 << fv(f, 'sz');
    p.imm = castagnoli ? 1 : 0;
  };
}

// ---- 3 source: a = Rd, b = Rn, c = Rm, d = Ra ----

export const THREE_SOURCE: Record<string, Executor> = {
  MADD64: (core, p) => { const x = core.x; const lo = mul64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]!, x[p.c * 2 + 1]!); add64(x, p.a, x[p.d * 2]!, x[p.d * 2 + 1]!, lo, H[0]!, 0); },
  MSUB64: (core, p) => { const x = core.x; const lo = mul64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]!, x[p.c * 2 + 1]!); add64(x, p.a, x[p.d * 2]!, x[p.d * 2 + 1]!, ~lo, ~H[0]!, 1); },
  MADD32: (core, p) => { const x = core.x; x[p.a * 2] = (x[p.d * 2]! + Math.imul(x[p.b * 2]!, x[p.c * 2]!)) | 0; x[p.a * 2 + 1] = 0; },
  MSUB32: (core, p) => { const x = core.x; x[p.a * 2] = (x[p.d * 2]! - Math.imul(x[p.b * 2]!, x[p.c * 2]!)) | 0; x[p.a * 2 + 1] = 0; },
  SMADDL: (core, p) => { const x = core.x; const n = x[p.b * 2]!; const m = x[p.c * 2]!; add64(x, p.a, x[p.d * 2]!, x[p.d * 2 + 1]!, Math.imul(n, m), smulhi32(n, m), 0); },
  SMSUBL: (core, p) => { const x = core.x; const n = x[p.b * 2]!; const m = x[p.c * 2]!; add64(x, p.a, x[p.d * 2]!, x[p.d * 2 + 1]!, ~Math.imul(n, m), ~smulhi32(n, m), 1); },
  UMADDL: (core, p) => { const x = core.x; const n = x[p.b * 2]!; const m = x[p.c * 2]!; add64(x, p.a, x[p.d * 2]!, x[p.d * 2 + 1]!, Math.imul(n, m), umulhi32(n, m), 0); },
  UMSUBL: (core, p) => { const x = core.x; const n = x[p.b * 2]!; const m = x[p.c * 2]!; add64(x, p.a, x[p.d * 2]!, x[p.d * 2 + 1]!, ~Math.imul(n, m), ~umulhi32(n, m), 1); },
  SMULH: (core, p) => { const x = core.x; const lo = smulh64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]!, x[p.c * 2 + 1]!); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
  UMULH: (core, p) => { const x = core.x; const lo = umulh64(x[p.b * 2]!, x[p.b * 2 + 1]!, x[p.c * 2]!, x[p.c * 2 + 1]!); x[p.a * 2 + 1] = H[0]!; x[p.a * 2] = lo; },
};

function prepareThreeSource(id: string) {
  return (p: Predecoded, _w: number, f: Fields | undefined): void => {
    p.a = wz(fv(f, 'Rd'));
    p.b = rz(fv(f, 'Rn'));
    p.c = rz(fv(f, 'Rm'));
    // SMULH/UMULH have no accumulator (Ra is should-be-one and ignored).
    p.d = f!.Ra === undefined ? 0 : rz(fv(f, 'Ra'));
    const sized = id === 'MADD' || id === 'MSUB' ? `${id}${fv(f, 'sf') === 1 ? 64 : 32}` : id;
    p.exec = THREE_SOURCE[sized]!;
  };
}

function unprepared(core: Core): void {
  core.undefinedInstruction();
}

const PAC_IDS = ['PACIA', 'PACIB', 'PACDA', 'PACDB', 'AUTIA', 'AUTIB', 'AUTDA', 'AUTDB'].flatMap((id) => [id, id.replace(/^(PAC|AUT)(I|D)/, '$1$2Z')]);

export const DP_REG_SRC_EXECUTORS: readonly ExecutorDef[] = [
  ...['RBIT', 'REV16', 'REV32', 'REV', 'CLZ', 'CLS'].map((id) => ({ id, prepare: prepareOneSource(id), exec: unprepared })),
  ...PAC_IDS.map((id) => ({ id, exec: pacDisabled })),
  { id: 'XPACI', prepare: (p: Predecoded, _w: number, f: Fields | undefined) => void ((p.a = wz(fv(f, 'Rd'))), (p.imm = 0)), exec: strip },
  { id: 'XPACD', prepare: (p: Predecoded, _w: number, f: Fields | undefined) => void ((p.a = wz(fv(f, 'Rd'))), (p.imm = 1)), exec: strip },
  {
    id: 'PACGA',
    prepare: (p: Predecoded, _w: number, f: Fields | undefined) => void ((p.a = wz(fv(f, 'Rd'))), (p.b = rz(fv(f, 'Rn'))), (p.c = rsp(fv(f, 'Rm')))),
    exec: execPacga,
  },
  ...['UDIV', 'SDIV', 'LSLV', 'LSRV', 'ASRV', 'RORV'].map((id) => ({ id, prepare: prepareTwoSource(id), exec: unprepared })),
  { id: 'CRC32', prepare: prepareCrc(false), exec: crcExec },
  { id: 'CRC32C', prepare: prepareCrc(true), exec: crcExec },
  ...['MADD', 'MSUB', 'SMADDL', 'SMSUBL', 'UMADDL', 'UMSUBL', 'SMULH', 'UMULH'].map((id) => ({ id, prepare: prepareThreeSource(id), exec: unprepared })),
];

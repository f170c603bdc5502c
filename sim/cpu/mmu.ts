// Layer: sim/cpu. Stage-1 translation table walk (VMSAv8-64) for the EL1&0 regime and, with
// HCR_EL2.E2H = 1, the EL2&0 regime. Imports this folder only.
//
// Pure function of the regime registers and a table-reading callback: no TLB here (tlb.ts),
// no stage 2 (the callback passes every table read through the stage-2 hook, core.ts).
// Granules 4 KiB and 16 KiB (macOS and Linux on M1 use 16 KiB; the M1 has no 64 KiB granule,
// ID_AA64MMFR0.TGran64 = 0xF, so a 64 KiB TGx faults at level 0). TG0 and TG1 encode the
// sizes differently: TG0 00 = 4K, 10 = 16K; TG1 10 = 4K, 01 = 16K.

import { FSC } from './constants.ts';

/** Permission bits of a translation (`S1Walk.perm`). */
export const PERM_R_PRIV = 1;
export const PERM_W_PRIV = 2;
export const PERM_X_PRIV = 4;
export const PERM_R_USER = 8;
export const PERM_W_USER = 16;
export const PERM_X_USER = 32;
/** AP[1] = 1: EL0 may access it — what PSTATE.PAN forbids privileged data accesses to. */
export const PERM_USER_PAGE = 64;
const PERM_ALL = 63;

export interface Regime {
  /** SCTLR.M */
  readonly mmuOn: boolean;
  readonly wxn: boolean;
  readonly tcr: bigint;
  readonly ttbr0: bigint;
  readonly ttbr1: bigint;
  /** Two VA ranges (EL1&0, EL2&0 with E2H) or one (EL2 without E2H). */
  readonly twoRanges: boolean;
}

export interface S1Walk {
  /** Output address of the walked VA (exact). */
  readonly oa: number;
  /** log2 of the block/page size that mapped it. */
  readonly sizeLog2: number;
  readonly perm: number;
  readonly global: boolean;
  readonly asid: number;
  /** MAIR index (AttrIndx). */
  readonly attrIndex: number;
  /** Level of the leaf descriptor (permission faults report it). */
  readonly level: number;
}

export interface S1Fault {
  /** FSC with the level folded in (Appendix B DFSC/IFSC). */
  readonly fsc: number;
  readonly level: number;
}

/** Reads one 8-byte table entry at an output (intermediate physical) address; undefined = external abort. */
export type TableReader = (ipa: number) => bigint | undefined;

const IPS_BITS = [32, 36, 40, 42, 44, 48, 52, 52];

function bits(v: bigint, lsb: number, width: number): number {
  return Number((v >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n));
}

function fault(base: number, level: number): S1Fault {
  return { fsc: base + level, level };
}

/**
 * Walks `va` (signed-number convention, state.ts). Returns the translation or the fault the
 * architecture gives. MMU off: flat, everything permitted.
 */
export function walkStage1(regime: Regime, va: number, readTable: TableReader): S1Walk | S1Fault {
  if (!regime.mmuOn) {
    return va >= 0 ? { oa: va, sizeLog2: 12, perm: PERM_ALL, global: true, asid: 0, attrIndex: 0, level: 0 } : fault(FSC.ADDRESS_SIZE, 0);
  }
  const tcr = regime.tcr;
  const upper = va < 0;
  if (upper && !regime.twoRanges) return fault(FSC.TRANSLATION, 0);
  const tsz = bits(tcr, upper ? 16 : 0, 6);
  const epd = bits(tcr, upper ? 23 : 7, 1);
  const tg = bits(tcr, upper ? 30 : 14, 2);
  const granule = upper ? (tg === 2 ? 12 : tg === 1 ? 14 : 16) : tg === 0 ? 12 : tg === 2 ? 14 : 16;
  const inputBits = 64 - Math.min(Math.max(tsz, 16), 39);
  // The VA must lie in the range the region's TxSZ gives: bits above inputBits all equal to the region bit.
  const span = 2 ** inputBits;
  if (upper ? va < -span : va >= span) return fault(FSC.TRANSLATION, 0);
  if (epd || granule === 16) return fault(FSC.TRANSLATION, 0);
  const ttbr = upper ? regime.ttbr1 : regime.ttbr0;
  const asidSource = bits(tcr, 22, 1) ? regime.ttbr1 : regime.ttbr0;
  const asid = bits(tcr, 36, 1) ? bits(asidSource, 48, 16) : bits(asidSource, 48, 8);
  const paBits = IPS_BITS[bits(tcr, 32, 3)]!;
  const paLimit = 2 ** paBits;

  const stride = granule - 3;
  const levels = Math.ceil((inputBits - granule) / stride);
  let level = 4 - levels;
  // Offset within the input range (for TTBR1 the VA's low inputBits bits).
  const inRange = upper ? va + span : va;
  let table = Number(ttbr & 0x0000_ffff_ffff_fffen);
  // The first table is aligned to its own size; the low bits of BADDR below that are RES0.
  const topBits = inputBits - granule - (levels - 1) * stride;
  table -= table % Math.max(8, 2 ** (topBits + 3));
  if (table >= paLimit) return fault(FSC.ADDRESS_SIZE, level);

  let apTable = 0;
  let xnTable = 0; // bit 0 = PXN, bit 1 = UXN
  for (;;) {
    const shift = granule + (3 - level) * stride;
    const indexBits = level === 4 - levels ? topBits : stride;
    const index = Math.floor(inRange / 2 ** shift) % 2 ** indexBits;
    const desc = readTable(table + index * 8);
    if (desc === undefined) return { fsc: FSC.SYNC_EXTERNAL + 4 + level, level };
    const lo = Number(desc & 0xffffffffn);
    if ((lo & 1) === 0) return fault(FSC.TRANSLATION, level);
    const isTable = (lo & 2) !== 0;
    const outAddr = Number(desc & 0x0000_ffff_ffff_f000n);
    const out = outAddr - (outAddr % 2 ** granule);
    if (level < 3 && isTable) {
      if (out >= paLimit) return fault(FSC.ADDRESS_SIZE, level);
      const hi = Number(desc >> 32n);
      apTable |= (hi >>> 29) & 3;
      xnTable |= (hi >>> 27) & 3;
      table = out;
      level++;
      continue;
    }
    // A leaf: page at level 3 (bit 1 must be set), block at level 1 (4K only) or 2.
    if (level === 3 ? !isTable : level === 0 || (level === 1 && granule !== 12)) return fault(FSC.TRANSLATION, level);
    const blockBits = shift;
    const base = outAddr - (outAddr % 2 ** blockBits);
    if (base >= paLimit) return fault(FSC.ADDRESS_SIZE, level);
    if ((lo & (1 << 10)) === 0) return fault(FSC.ACCESS_FLAG, level);
    const hi = Number(desc >> 32n);
    return {
      oa: base + (inRange % 2 ** blockBits),
      sizeLog2: blockBits,
      perm: permissions((lo >>> 6) & 3, apTable, (hi >>> 21) & 1 || (xnTable & 1), (hi >>> 22) & 1 || (xnTable >> 1) & 1, regime.wxn),
      global: (lo & (1 << 11)) === 0,
      asid,
      attrIndex: (lo >>> 2) & 7,
      level,
    };
  }
}

/** AP[2:1], hierarchical APTable (bit 0: no EL0 access, bit 1: read-only), PXN, UXN, SCTLR.WXN → PERM_* bits. */
function permissions(ap: number, apTable: number, pxn: number, uxn: number, wxn: boolean): number {
  const user = (ap & 1) !== 0 && (apTable & 1) === 0;
  const readOnly = (ap & 2) !== 0 || (apTable & 2) !== 0;
  let perm = PERM_R_PRIV | (readOnly ? 0 : PERM_W_PRIV);
  if (user) perm |= PERM_USER_PAGE | PERM_R_USER | (readOnly ? 0 : PERM_W_USER);
  if (!uxn && user) perm |= PERM_X_USER;
  // A page EL0 can write is never privileged-executable; WXN makes any writable page XN.
  if (!pxn && !(perm & PERM_W_USER)) perm |= PERM_X_PRIV;
  if (wxn) {
    if (perm & PERM_W_PRIV) perm &= ~PERM_X_PRIV;
    if (perm & PERM_W_USER) perm &= ~PERM_X_USER;
  }
  return perm;
}

/** Whether `perm` allows the access; `priv` = EL1/EL2, `pan` = PSTATE.PAN applies (data accesses). */
export function permits(perm: number, kind: AccessKind, priv: boolean, pan: boolean): boolean {
  if (priv) {
    if (pan && kind !== ACCESS_EXEC && perm & PERM_USER_PAGE) return false;
    return (perm & (kind === ACCESS_READ ? PERM_R_PRIV : kind === ACCESS_WRITE ? PERM_W_PRIV : PERM_X_PRIV)) !== 0;
  }
  return (perm & (kind === ACCESS_READ ? PERM_R_USER : kind === ACCESS_WRITE ? PERM_W_USER : PERM_X_USER)) !== 0;
}

export type AccessKind = 0 | 1 | 2;
export const ACCESS_READ = 0;
export const ACCESS_WRITE = 1;
export const ACCESS_EXEC = 2;

export function isFault(r: S1Walk | S1Fault): r is S1Fault {
  return (r as S1Fault).fsc !== undefined;
}


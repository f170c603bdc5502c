// Layer: sim/cpu. Self-hosted debug of one core: hardware breakpoints and watchpoints as the
// DBGB*/DBGW* registers program them, and the rules that say when debug exceptions are
// enabled. Software step lives in core.ts's loop (it is a state of PSTATE.SS), using
// `debugEnabledAt` from here. Imports this folder only.
//
// Field layouts are §9.11's: DBGBCR E 0, PMC 2:1, BAS 8:5, HMC 13, BT 23:20; DBGWCR E 0,
// PAC 2:1, LSC 4:3 (1 load, 2 store), BAS 12:5, HMC 13, MASK 28:24. Only unlinked address
// match breakpoints (BT = 0) are modelled; others never match.

import { M1_BREAKPOINTS, M1_WATCHPOINTS, MDSCR } from './constants.ts';
import { vaFromBigint } from './state.ts';

/** Read access to the registers this unit needs (the core's sysreg file). */
export interface DebugRegisterSource {
  get(name: string): bigint;
}

/** EL match of PMC/PAC (bits 2:1) with HMC: 0b01 EL1, 0b10 EL0, 0b11 both; HMC adds EL2. */
function elMask(pmc: number, hmc: number): number {
  let m = 0;
  if (pmc & 1) m |= 2;
  if (pmc & 2) m |= 1;
  if (hmc && pmc === 3) m |= 4;
  return m;
}

export class DebugUnit {
  /** Enabled breakpoint addresses (word-aligned signed VAs) and the ELs (bit n = EL n) each matches at. */
  private readonly bpAddr = new Float64Array(M1_BREAKPOINTS);
  private readonly bpEls = new Int32Array(M1_BREAKPOINTS);
  bpCount = 0;
  private readonly wpLo = new Float64Array(M1_WATCHPOINTS);
  private readonly wpBytes: number[][] = [];
  private readonly wpEnd = new Float64Array(M1_WATCHPOINTS);
  private readonly wpLsc = new Int32Array(M1_WATCHPOINTS);
  private readonly wpEls = new Int32Array(M1_WATCHPOINTS);
  wpCount = 0;
  /** MDSCR_EL1 fields, cached. */
  mde = false;
  kde = false;
  ssEnabled = false;

  rebuild(regs: DebugRegisterSource): void {
    const mdscr = Number(regs.get('MDSCR_EL1') & 0xffffffffn);
    this.mde = (mdscr & MDSCR.MDE) !== 0;
    this.kde = (mdscr & MDSCR.KDE) !== 0;
    this.ssEnabled = (mdscr & MDSCR.SS) !== 0;
    this.bpCount = 0;
    this.wpCount = 0;
    if (!this.mde) return;
    for (let n = 0; n < M1_BREAKPOINTS; n++) {
      const bcr = Number(regs.get(`DBGBCR${n}_EL1`));
      if (!(bcr & 1) || ((bcr >>> 20) & 0xf) !== 0 || ((bcr >>> 5) & 0xf) === 0) continue;
      const addr = vaFromBigint(BigInt.asIntN(49, regs.get(`DBGBVR${n}_EL1`)) & ~3n);
      this.bpAddr[this.bpCount] = addr;
      this.bpEls[this.bpCount++] = elMask((bcr >>> 1) & 3, (bcr >>> 13) & 1);
    }
    for (let n = 0; n < M1_WATCHPOINTS; n++) {
      const wcr = Number(regs.get(`DBGWCR${n}_EL1`));
      const lsc = (wcr >>> 3) & 3;
      if (!(wcr & 1) || lsc === 0) continue;
      const wvr = vaFromBigint(BigInt.asIntN(49, regs.get(`DBGWVR${n}_EL1`)) & ~3n);
      const mask = (wcr >>> 24) & 0x1f;
      const bas = (wcr >>> 5) & 0xff;
      const i = this.wpCount++;
      this.wpLsc[i] = lsc;
      this.wpEls[i] = elMask((wcr >>> 1) & 3, (wcr >>> 13) & 1);
      if (mask >= 3) {
        const size = 2 ** mask;
        this.wpLo[i] = wvr - (((wvr % size) + size) % size);
        this.wpEnd[i] = this.wpLo[i]! + size;
        this.wpBytes[i] = [];
      } else {
        // BAS selects bytes of the doubleword (or, for a 4-aligned WVR, of the word) at WVR.
        const base = wvr - (((wvr % 8) + 8) % 8) + (wvr % 8 === 4 || wvr % 8 === -4 ? 4 : 0);
        const sel: number[] = [];
        for (let b = 0; b < 8; b++) if (bas & (1 << b)) sel.push(base + b);
        this.wpBytes[i] = sel;
        this.wpLo[i] = sel.length ? Math.min(...sel) : 0;
        this.wpEnd[i] = sel.length ? Math.max(...sel) + 1 : 0;
      }
    }
  }

  /** Index of an enabled breakpoint matching the instruction at `pc` executed at `el`, or −1. */
  breakpointAt(pc: number, el: number): number {
    for (let i = 0; i < this.bpCount; i++) if (this.bpAddr[i] === pc && this.bpEls[i]! & (1 << el)) return i;
    return -1;
  }

  /** Whether an access of `size` bytes at `va` hits a watchpoint. */
  watchpointHit(va: number, size: number, write: boolean, el: number): boolean {
    const need = write ? 2 : 1;
    for (let i = 0; i < this.wpCount; i++) {
      if (!(this.wpLsc[i]! & need) || !(this.wpEls[i]! & (1 << el))) continue;
      if (va >= this.wpEnd[i]! || va + size <= this.wpLo[i]!) continue;
      const sel = this.wpBytes[i]!;
      if (sel.length === 0) return true; // MASK range: any overlap
      for (const b of sel) if (b >= va && b < va + size) return true;
    }
    return false;
  }

  /** Whether some watchpoint covers part of the 4 KiB page at `pageVa` (such pages bypass the fast TLB). */
  watchesPage(pageVa: number): boolean {
    for (let i = 0; i < this.wpCount; i++) if (this.wpLo[i]! < pageVa + 4096 && this.wpEnd[i]! > pageVa) return true;
    return false;
  }
}

/**
 * Whether debug exceptions (breakpoint, watchpoint, software step) can be generated at `el`:
 * below the debug target EL (EL2 when MDCR_EL2.TDE or HCR_EL2.TGE, else EL1) always; at the
 * target EL only with MDSCR_EL1.KDE = 1 and PSTATE.D = 0; above it never.
 */
export function debugEnabledAt(el: number, debugTargetEl: number, kde: boolean, dMasked: boolean): boolean {
  if (el < debugTargetEl) return true;
  if (el === debugTargetEl) return kde && !dMasked;
  return false;
}

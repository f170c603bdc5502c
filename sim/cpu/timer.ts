// Layer: sim/cpu. The generic timer of one core, driven by a deterministic clock: the physical
// count is the core's retired-instruction count divided by a configurable number of
// instructions per tick (the scheduler credits idle cores too, so all cores agree).
// Imports this folder only.
//
// Four timers, as on M1 with VHE: the guest's physical and virtual timers (CNTP_*_EL0 /
// CNTV_*_EL0 at EL0/EL1, the _EL02 names at EL2) and the hypervisor's (CNTHP_*_EL2 /
// CNTHV_*_EL2, which EL2 reaches as CNTP/CNTV_*_EL0 when E2H = 1). Each asserts the core's FIQ
// while ENABLE = 1, ISTATUS = 1, IMASK = 0; the guest timers only when VM_TMR_FIQ_ENA_EL2
// bit 0 (virtual) / bit 1 (physical) allows it (apple-devices §2.5). CTL bits: Appendix B.

import { CNT_CTL } from './constants.ts';

const GUEST_P = 0;
const GUEST_V = 1;
const HV_P = 2;
const HV_V = 3;

const TIMER_OF: Readonly<Record<string, number>> = {
  CNTP: GUEST_P,
  CNTV: GUEST_V,
  CNTHP: HV_P,
  CNTHV: HV_V,
};

const MASK64 = (1n << 64n) - 1n;

export class GenericTimer {
  private readonly ctl = new Int32Array(4);
  private readonly cval: bigint[] = [0n, 0n, 0n, 0n];
  cntvoff = 0n;
  /** VM_TMR_FIQ_ENA_EL2 (model reset 0b11, see sysreg-table.ts). */
  guestFiqEnable = 3;

  /** `physicalCount()` is CNTPCT. */
  constructor(private readonly physicalCount: () => number) {}

  /** CNTPCT_EL0. */
  cntpct(): bigint {
    return BigInt(this.physicalCount());
  }

  /** CNTVCT_EL0; `noOffset` when read at EL2 with E2H = 1 (the offset then does not apply). */
  cntvct(noOffset = false): bigint {
    return noOffset ? this.cntpct() : (this.cntpct() - this.cntvoff) & MASK64;
  }

  private count(t: number): bigint {
    return t === GUEST_V ? this.cntvct() : this.cntpct();
  }

  private istatus(t: number): boolean {
    return this.count(t) >= this.cval[t]!;
  }

  /** Reads CNT{P,V,HP,HV}_{CTL,CVAL,TVAL}_*, CNTVOFF_EL2 or VM_TMR_FIQ_ENA_EL2 by name. */
  read(name: string): bigint {
    if (name === 'CNTVOFF_EL2') return this.cntvoff;
    if (name === 'VM_TMR_FIQ_ENA_EL2') return BigInt(this.guestFiqEnable);
    const [t, reg] = parse(name);
    switch (reg) {
      case 'CTL': {
        const enabled = this.ctl[t]! & CNT_CTL.ENABLE;
        return BigInt(this.ctl[t]! | (enabled && this.istatus(t) ? CNT_CTL.ISTATUS : 0));
      }
      case 'CVAL':
        return this.cval[t]!;
      default:
        // TimerValue is bits 31:0 (63:32 RES0): CVAL − count, truncated.
        return BigInt.asUintN(32, this.cval[t]! - this.count(t));
    }
  }

  write(name: string, value: bigint): void {
    if (name === 'CNTVOFF_EL2') {
      this.cntvoff = value & MASK64;
      return;
    }
    if (name === 'VM_TMR_FIQ_ENA_EL2') {
      this.guestFiqEnable = Number(value & 3n);
      return;
    }
    const [t, reg] = parse(name);
    if (reg === 'CTL') this.ctl[t] = Number(value & BigInt(CNT_CTL.ENABLE | CNT_CTL.IMASK));
    else if (reg === 'CVAL') this.cval[t] = value & MASK64;
    else this.cval[t] = (this.count(t) + BigInt.asIntN(32, value)) & MASK64;
  }

  private firing(t: number): boolean {
    return (this.ctl[t]! & (CNT_CTL.ENABLE | CNT_CTL.IMASK)) === CNT_CTL.ENABLE && this.istatus(t);
  }

  /** The level this core's FIQ input gets from the timers. */
  fiqLevel(): boolean {
    return (
      this.firing(HV_P) ||
      this.firing(HV_V) ||
      ((this.guestFiqEnable & 1) !== 0 && this.firing(GUEST_V)) ||
      ((this.guestFiqEnable & 2) !== 0 && this.firing(GUEST_P))
    );
  }

  /** Physical count at which some enabled, unmasked timer that is not yet firing will fire; Infinity if none. */
  nextEventCount(): number {
    let next = Infinity;
    for (let t = 0; t < 4; t++) {
      if ((this.ctl[t]! & (CNT_CTL.ENABLE | CNT_CTL.IMASK)) !== CNT_CTL.ENABLE || this.istatus(t)) continue;
      const at = t === GUEST_V ? (this.cval[t]! + this.cntvoff) & MASK64 : this.cval[t]!;
      next = Math.min(next, Number(at));
    }
    return next;
  }
}

function parse(name: string): [number, string] {
  const m = /^(CNTP|CNTV|CNTHP|CNTHV)_(CTL|CVAL|TVAL)_/.exec(name);
  if (!m) throw new Error(`timer: not a timer register: ${name}`);
  return [TIMER_OF[m[1]!]!, m[2]!];
}

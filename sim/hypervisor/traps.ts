// Layer: sim/hypervisor. A guest trap to EL2, as m1n1's exception vectors sort it (§9.5): what
// the firmware handles in place (FIQ bookkeeping, the fast-IPI registers, MMIO emulation that
// needs no host) and what parks the CPU for a callback session. Imports sim/cpu and this folder.

import { EC, HCR, sysregKey, type Core, type Syndrome } from '../cpu/index.ts';
import { StartReason } from '../../core/uartproxy/constants.ts';
import { ExcCode, HvEvent } from '../hv/exit-codes.ts';
import { resumeGuest } from './guest-cpu.ts';
import { emulateInTrap } from './data-abort.ts';
import type { Hypervisor } from './hypervisor.ts';

export interface ParkedExit {
  readonly cpu: number;
  readonly reason: number;
  readonly code: number;
  /** 'dabort': emulate first (a proxy hook on the page), forward if that fails. */
  readonly kind: 'sync' | 'dabort' | 'event' | 'virtio';
}

const CTL_FIRING = 5n; // ENABLE | ISTATUS, IMASK clear
const CTL_ENABLE_IMASK = 3n;

/** (op0, op1, CRn, CRm, op2) of the fast-IPI registers (apple-devices §2.5). */
const IPI_RR_LOCAL = sysregKey(3, 5, 15, 0, 0);
const IPI_RR_GLOBAL = sysregKey(3, 5, 15, 0, 1);
const IPI_SR = sysregKey(3, 5, 15, 1, 1);

export function handleGuestTrap(hv: Hypervisor, core: Core, syn: Syndrome): void {
  const cpu = core.cpu;
  const lower = (code: number): void => hv.park({ cpu, reason: StartReason.START_EXCEPTION_LOWER, code, kind: 'sync' }, core);
  if (syn.kind === 'fiq') return handleFiq(hv, core);
  if (syn.kind === 'irq') return lower(ExcCode.IRQ);
  if (syn.ec === EC.SERROR) return lower(ExcCode.SERROR);
  if (syn.ec === EC.SYSREG && handleIpiRegister(hv, core, syn.iss)) return resumeGuest(core, 4n);
  // Stage-2 translation, access-flag and permission faults (DFSC 0x04–0x0f) are the software
  // pages; anything else (an external abort from a device) goes to the host as it is.
  const dfsc = syn.iss & 0x3f;
  if (syn.ec === EC.DABORT_LOWER && hv.stage2 && dfsc >= 0x04 && dfsc <= 0x0f) {
    const r = emulateInTrap(hv, core);
    if (r === 'emulated' && hv.virtioPending.length > 0) {
      core.sysregs.set('ELR_EL2', core.sysregs.get('ELR_EL2') + 4n);
      return hv.park({ cpu, reason: StartReason.START_HV, code: HvEvent.VIRTIO, kind: 'virtio' }, core);
    }
    if (r === 'emulated') return resumeGuest(core, 4n);
    if (r === 'retry') return resumeGuest(core);
    if (r === 'needs-host') return hv.park({ cpu, reason: StartReason.START_EXCEPTION_LOWER, code: ExcCode.SYNC, kind: 'dabort' }, core);
  }
  lower(ExcCode.SYNC);
}

/**
 * §9.5 FIQ handling: the hypervisor's own virtual timer (VTIMER session), a hardware fast IPI
 * (pending for the guest if the guest queued one to this CPU), the guest's timers → virtual FIQ.
 */
function handleFiq(hv: Hypervisor, core: Core): void {
  const t = core.timer;
  if ((t.read('CNTHV_CTL_EL2') & 7n) === CTL_FIRING) {
    t.write('CNTHV_CTL_EL2', CTL_ENABLE_IMASK);
    return hv.park({ cpu: core.cpu, reason: StartReason.START_HV, code: HvEvent.VTIMER, kind: 'event' }, core);
  }
  if (core.ipiPending) {
    core.ipiPending = false;
    if (hv.ipiQueued[core.cpu]) {
      hv.ipiQueued[core.cpu] = false;
      hv.ipiPending[core.cpu] = true;
    }
  }
  updateVirtualFiq(hv, core);
  resumeGuest(core);
}

/** IPI_RR_* writes: bookkeeping + pass-through; IPI_SR_EL1: the virtual pending bit (§9.5). */
function handleIpiRegister(hv: Hypervisor, core: Core, iss: number): boolean {
  const key = sysregKey((iss >> 20) & 3, (iss >> 14) & 7, (iss >> 10) & 15, (iss >> 1) & 15, (iss >> 17) & 7);
  const rt = (iss >> 5) & 31;
  const read = (iss & 1) === 1;
  const value = rt === 31 ? 0n : core.getX(rt);
  if ((key === IPI_RR_LOCAL || key === IPI_RR_GLOBAL) && !read) {
    const global = key === IPI_RR_GLOBAL;
    const cluster = global ? Number((value >> 16n) & 0xffn) : core.cpu >> 2;
    const target = cluster * 4 + Number(value & 0xffn);
    if (target < hv.ipiQueued.length) hv.ipiQueued[target] = true;
    core.onIpi?.(core, value, global);
    return true;
  }
  if (key === IPI_SR) {
    if (read) {
      if (rt !== 31) core.setX(rt, hv.ipiPending[core.cpu] ? 1n : 0n);
    } else if (value & 1n) {
      hv.ipiPending[core.cpu] = false;
      updateVirtualFiq(hv, core);
    }
    return true;
  }
  return false;
}

/** §9.5's FIQ bookkeeping: the guest timers and the virtual IPI as HCR_EL2.VF (hv_update_fiq). */
function updateVirtualFiq(hv: Hypervisor, core: Core): void {
  const t = core.timer;
  const firing = (name: string) => (t.read(name) & 7n) === CTL_FIRING;
  const p = firing('CNTP_CTL_EL0');
  const v = firing('CNTV_CTL_EL0');
  // VM_TMR_FIQ_ENA: bit 0 virtual, bit 1 physical; a pending guest timer is masked at the source.
  t.write('VM_TMR_FIQ_ENA_EL2', BigInt((v ? 0 : 1) | (p ? 0 : 2)));
  const pending = p || v || hv.ipiPending[core.cpu]!;
  const hcr = core.sysregs.get('HCR_EL2');
  core.sysregs.set('HCR_EL2', pending ? hcr | HCR.VF : hcr & ~HCR.VF);
  core.contextChanged();
}

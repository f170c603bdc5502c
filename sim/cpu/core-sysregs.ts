// Layer: sim/cpu. What the core does for system registers that are not plain storage: PSTATE
// views, stack pointers, the counter and timers, fast IPIs, and the effects of writes (TLB
// flush on translation registers, debug-cache rebuild, interrupt re-evaluation). Imports this
// folder only (Core as a type).

import { REG_SP_EL0, REG_SP_EL1 } from './state.ts';
import type { SysregDef } from './sysreg-table.ts';
import type { Core } from './core.ts';

export function readComputed(core: Core, def: SysregDef): bigint {
  switch (def.special) {
    case 'nzcv':
      return BigInt(core.nzcv);
    case 'daif':
      return BigInt(core.daif << 6);
    case 'currentel':
      return BigInt(core.el << 2);
    case 'spsel':
      return BigInt(core.spsel);
    case 'pan':
      return BigInt(core.pan) << 22n;
    case 'uao':
      return BigInt(core.uao) << 23n;
    case 'dit':
      return BigInt(core.dit) << 24n;
    case 'fpcr':
      return BigInt(core.fpcr >>> 0);
    case 'fpsr':
      return BigInt(core.fpsr >>> 0);
    case 'sp_el0':
      return core.getSp(REG_SP_EL0);
    case 'sp_el1':
      return core.getSp(REG_SP_EL1);
    case 'counter':
      return def.name === 'CNTPCT_EL0' ? core.timer.cntpct() : core.timer.cntvct(core.el === 2 && core.sysregs.e2h);
  }
  if (def.effect === 'ipi') return core.ipiPending ? 1n : 0n;
  return core.timer.read(def.name);
}

export function writeComputed(core: Core, def: SysregDef, value: bigint): void {
  const v = Number(value & 0xffffffffn);
  switch (def.special) {
    case 'nzcv':
      core.nzcv = v;
      return;
    case 'daif':
      core.daif = (v >>> 6) & 0xf;
      break;
    case 'spsel':
      core.selectStack(core.el, v & 1);
      break;
    case 'pan':
      core.pan = (v >>> 22) & 1;
      core.tlb.flushAll();
      break;
    case 'uao':
      core.uao = (v >>> 23) & 1;
      break;
    case 'dit':
      core.dit = (v >>> 24) & 1;
      return;
    case 'fpcr':
      core.fpcr = v;
      return;
    case 'fpsr':
      core.fpsr = v;
      return;
    case 'sp_el0':
      core.setSp(REG_SP_EL0, value);
      return;
    case 'sp_el1':
      core.setSp(REG_SP_EL1, value);
      return;
    default:
      if (def.effect === 'ipi') {
        if (def.name === 'IPI_SR_EL1') {
          if (v & 1) core.ipiPending = false; // write-1-to-clear
        } else core.onIpi?.(core, value, def.name === 'IPI_RR_GLOBAL_EL1');
      } else core.timer.write(def.name, value);
  }
  core.contextChanged();
}

export function written(core: Core, def: SysregDef): void {
  if (def.effect === 'mmu' || def.effect === 'hcr') {
    core.recomputeRegimes();
    core.tlb.flushAll();
  }
  if (def.effect === 'debug') {
    core.debug.rebuild(core.sysregs);
    core.tlb.flushAll(); // pages with watchpoints must leave the fast path
  }
  core.contextChanged();
}

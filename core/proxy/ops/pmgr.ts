// Layer: core/proxy. Power manager ops, 0x800 (spec §6.10). Imports core/proxy only.
// Paths and names are strings, marshalled through the host heap (§7.1). All return a C int status.

import { ret, uintArg } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withPmgrOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class PmgrOps extends Base {
    /** P_PMGR_POWER_ENABLE(deviceId). */
    async pmgrPowerEnable(deviceId: number): Promise<number> {
      return ret.status(await this.request('P_PMGR_POWER_ENABLE', [deviceId]));
    }
    /** P_PMGR_POWER_DISABLE(deviceId). */
    async pmgrPowerDisable(deviceId: number): Promise<number> {
      return ret.status(await this.request('P_PMGR_POWER_DISABLE', [deviceId]));
    }
    /** P_PMGR_ADT_POWER_ENABLE(adtPath), e.g. '/arm-io/uart0'. */
    async pmgrAdtPowerEnable(adtPath: string): Promise<number> {
      return ret.status(await this.request('P_PMGR_ADT_POWER_ENABLE', [adtPath]));
    }
    /** P_PMGR_ADT_POWER_DISABLE(adtPath). */
    async pmgrAdtPowerDisable(adtPath: string): Promise<number> {
      return ret.status(await this.request('P_PMGR_ADT_POWER_DISABLE', [adtPath]));
    }
    /** P_PMGR_RESET(die, deviceName). */
    async pmgrReset(die: number, deviceName: string): Promise<number> {
      return ret.status(await this.request('P_PMGR_RESET', [uintArg(die, 32, 'P_PMGR_RESET die'), deviceName]));
    }
  };
}

// Layer: core/proxy. Tunables ops, 0xA00 (spec §6.10). Imports core/proxy only.
// ADT path and property name are strings, marshalled through the host heap (§7.1).

import { ret } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withTunablesOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class TunablesOps extends Base {
    /** P_TUNABLES_APPLY_GLOBAL(adtPath, property). */
    async tunablesApplyGlobal(adtPath: string, property: string): Promise<number> {
      return ret.status(await this.request('P_TUNABLES_APPLY_GLOBAL', [adtPath, property]));
    }
    /** P_TUNABLES_APPLY_LOCAL(adtPath, property, regIndex): relative to the node's reg[regIndex]. */
    async tunablesApplyLocal(adtPath: string, property: string, regIndex: number): Promise<number> {
      return ret.status(await this.request('P_TUNABLES_APPLY_LOCAL', [adtPath, property, regIndex]));
    }
    /**
     * P_TUNABLES_APPLY_LOCAL_ADDR(adtPath, property, base): relative to an explicit base.
     * Opcode 0xA02 — the Python host sends 0xA01 here by mistake (§15.2).
     */
    async tunablesApplyLocalAddr(adtPath: string, property: string, base: bigint): Promise<number> {
      return ret.status(await this.request('P_TUNABLES_APPLY_LOCAL_ADDR', [adtPath, property, base]));
    }
  };
}

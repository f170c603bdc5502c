// Layer: core/proxy. Cache and MMU ops, 0x300 (spec §6.5). Imports core/proxy only.
//
// Range ops apply the cache instruction line by line over [addr, addr + size). Sysreg execution
// (§7.3, in core/hv) needs dcCvau + icIvau after writing its stub.

import { cpuArg, type Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withCacheMmuOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class CacheMmuOps extends Base {
    /** P_IC_IALLUIS: invalidate all instruction caches, inner shareable. */
    async icIalluis(): Promise<void> {
      await this.request('P_IC_IALLUIS');
    }
    /** P_IC_IALLU: invalidate all instruction caches. */
    async icIallu(): Promise<void> {
      await this.request('P_IC_IALLU');
    }
    /** P_IC_IVAU(addr, size): instruction cache invalidate by VA to PoU. */
    async icIvau(addr: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_IC_IVAU', [addr, sizeBytes]);
    }
    /** P_DC_IVAC(addr, size): data cache invalidate by VA to PoC. */
    async dcIvac(addr: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_DC_IVAC', [addr, sizeBytes]);
    }
    /** P_DC_ISW(setWay): data cache invalidate by set/way. */
    async dcIsw(setWay: bigint): Promise<void> {
      await this.request('P_DC_ISW', [setWay]);
    }
    /** P_DC_CSW(setWay): data cache clean by set/way. */
    async dcCsw(setWay: bigint): Promise<void> {
      await this.request('P_DC_CSW', [setWay]);
    }
    /** P_DC_CISW(setWay): data cache clean and invalidate by set/way. */
    async dcCisw(setWay: bigint): Promise<void> {
      await this.request('P_DC_CISW', [setWay]);
    }
    /** P_DC_ZVA(addr, size): zero by VA. */
    async dcZva(addr: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_DC_ZVA', [addr, sizeBytes]);
    }
    /** P_DC_CVAC(addr, size): data cache clean by VA to PoC. */
    async dcCvac(addr: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_DC_CVAC', [addr, sizeBytes]);
    }
    /** P_DC_CVAU(addr, size): data cache clean by VA to PoU. */
    async dcCvau(addr: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_DC_CVAU', [addr, sizeBytes]);
    }
    /** P_DC_CIVAC(addr, size): data cache clean and invalidate by VA to PoC. */
    async dcCivac(addr: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_DC_CIVAC', [addr, sizeBytes]);
    }
    /** P_MMU_SHUTDOWN: turns m1n1's EL2 MMU off. */
    async mmuShutdown(): Promise<void> {
      await this.request('P_MMU_SHUTDOWN');
    }
    /** P_MMU_INIT: turns m1n1's EL2 MMU on. */
    async mmuInit(): Promise<void> {
      await this.request('P_MMU_INIT');
    }
    /** P_MMU_DISABLE: MMU and caches off (cleaned by set/way); resolves with the previous SCTLR. */
    async mmuDisable(): Promise<bigint> {
      return this.request('P_MMU_DISABLE');
    }
    /** P_MMU_RESTORE(sctlr): writes back the value P_MMU_DISABLE returned. */
    async mmuRestore(sctlr: bigint): Promise<void> {
      await this.request('P_MMU_RESTORE', [sctlr]);
    }
    /** P_MMU_INIT_SECONDARY(cpu). */
    async mmuInitSecondary(cpu: number): Promise<void> {
      await this.request('P_MMU_INIT_SECONDARY', [cpuArg(cpu, 'P_MMU_INIT_SECONDARY')]);
    }

    /** Runs `fn` with m1n1's MMU disabled (P_MMU_DISABLE … P_MMU_RESTORE), restoring it even if `fn` fails. */
    async withMmuDisabled<T>(fn: () => Promise<T>): Promise<T> {
      const sctlr = await this.mmuDisable();
      try {
        return await fn();
      } finally {
        await this.mmuRestore(sctlr);
      }
    }
  };
}

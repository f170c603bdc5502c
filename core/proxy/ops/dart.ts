// Layer: core/proxy. DART (IOMMU) ops, 0xB00 (spec §6.10). Imports core/proxy only.

import { DartType, type DartTypeValue } from '../constants.ts';
import { ret, uintArg, type Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withDartOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class DartOps extends Base {
    /**
     * P_DART_INIT(base, sid, keepPts, type): opaque DART handle, 0n on failure. The arguments go
     * in the firmware's slots — Python puts the type in the keep-page-tables slot (§15.3).
     */
    async dartInit(base: bigint, sid: number, keepPts = false, type: DartTypeValue = DartType.T8020): Promise<bigint> {
      return this.request('P_DART_INIT', [base, uintArg(sid, 8, 'P_DART_INIT sid'), keepPts, uintArg(type, 32, 'P_DART_INIT type')]);
    }
    /** P_DART_SHUTDOWN(handle). */
    async dartShutdown(handle: bigint): Promise<void> {
      await this.request('P_DART_SHUTDOWN', [handle]);
    }
    /** P_DART_MAP(handle, iova, buffer, length): 0 ok, negative error. */
    async dartMap(handle: bigint, iova: bigint, buffer: bigint, lengthBytes: Size): Promise<number> {
      return ret.status(await this.request('P_DART_MAP', [handle, iova, buffer, lengthBytes]));
    }
    /** P_DART_UNMAP(handle, iova, length). */
    async dartUnmap(handle: bigint, iova: bigint, lengthBytes: Size): Promise<void> {
      await this.request('P_DART_UNMAP', [handle, iova, lengthBytes]);
    }
  };
}

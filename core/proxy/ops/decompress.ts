// Layer: core/proxy. Decompression ops, 0x400 (spec §6.6). Imports core/proxy only.
//
// Both are `long` ops (no timeout by default): decompressing a kernel takes seconds. Return
// values are read signed (P_XZDEC: −1 on failure; P_GZDEC: a decoder error code), as the
// Python host does.

import { ret, type Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withDecompressOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class DecompressOps extends Base {
    /** P_XZDEC(src, srcSize, dst, dstCapacity): decompressed length, or −1. */
    async xzdec(src: bigint, srcSizeBytes: Size, dst: bigint = 0n, dstCapacityBytes: Size = 0): Promise<number> {
      return ret.s64(await this.request('P_XZDEC', [src, srcSizeBytes, dst, dstCapacityBytes]));
    }

    /**
     * P_GZDEC(src, srcSize, dst, dstCapacity) (sizes used as 32-bit): the decompressed length on
     * success, else a decoder error code — compare with the expected length.
     */
    async gzdec(src: bigint, srcSizeBytes: Size, dst: bigint, dstCapacityBytes: Size): Promise<number> {
      return ret.s64(await this.request('P_GZDEC', [src, srcSizeBytes, dst, dstCapacityBytes]));
    }
  };
}

// Layer: core/proxy. m1n1's own heap ops, 0x600 (spec §6.8). Imports core/proxy only.
// (The host-managed heap of §7.5 is core/proxy/host-heap.ts and costs no traffic.)

import type { Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withHeapOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class HeapOps extends Base {
    /**
     * P_HEAPBLOCK_ALLOC(size): 64-byte-aligned block from m1n1's never-freeing bump allocator.
     * Size 0 reserves nothing and returns the current top (where the host heap is placed, §7.5).
     */
    async heapblockAlloc(sizeBytes: Size): Promise<bigint> {
      return this.request('P_HEAPBLOCK_ALLOC', [sizeBytes]);
    }
    /** P_MALLOC(size): pointer, or 0n on failure. */
    async malloc(sizeBytes: Size): Promise<bigint> {
      return this.request('P_MALLOC', [sizeBytes]);
    }
    /** P_MEMALIGN(alignment, size): pointer, or 0n on failure. */
    async memalign(alignBytes: Size, sizeBytes: Size): Promise<bigint> {
      return this.request('P_MEMALIGN', [alignBytes, sizeBytes]);
    }
    /** P_FREE(pointer). */
    async free(ptr: bigint): Promise<void> {
      await this.request('P_FREE', [ptr]);
    }
  };
}

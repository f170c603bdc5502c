// Layer: sim/firmware/ops. m1n1's heap ops (spec §6.8). Imports the op table types and the
// allocator bookkeeping of core/proxy/host-heap.ts (pure arithmetic, no I/O).
//
// P_HEAPBLOCK_ALLOC is m1n1's never-freeing bump allocator that starts at boot_args
// top_of_kernel_data; size 0 returns the current top (the Python host finds free RAM that way).
// P_MALLOC / P_MEMALIGN / P_FREE are m1n1's malloc heap, modelled as a first-fit heap carved out
// of the bump allocator on first use, as m1n1 carves its malloc arena from a heap block.

import { HostHeap } from '../../../core/proxy/host-heap.ts';
import type { OpFamily } from '../op-table.ts';

export interface HeapOpsOptions {
  /** First address of the bump allocator (boot_args top_of_kernel_data). */
  heapStart: bigint;
  /** Size of the malloc arena. Default 64 MiB. */
  mallocArenaBytes?: number;
}

const BLOCK_ALIGN = 64n;
const alignUp = (v: bigint, a: bigint) => (v + a - 1n) & ~(a - 1n);

/** The heap family; `reset()` is m1n1 starting afresh (a reboot): the bump allocator and the arena are empty again. */
export function heapOps(options: HeapOpsOptions): OpFamily & { reset(): void } {
  let top = alignUp(options.heapStart, BLOCK_ALIGN);
  let arena: HostHeap | null = null;
  const heapblockAlloc = (size: bigint): bigint => {
    const block = top;
    top = alignUp(top + size, BLOCK_ALIGN);
    return block;
  };
  const malloc = (size: bigint, align: bigint): bigint => {
    arena ??= new HostHeap(heapblockAlloc(BigInt(options.mallocArenaBytes ?? 64 << 20)), options.mallocArenaBytes ?? 64 << 20);
    if (size === 0n || size > BigInt(arena.sizeBytes) || align === 0n || (align & (align - 1n)) !== 0n) return 0n;
    try {
      return arena.malloc(Number(size), Math.max(64, Number(align)));
    } catch {
      return 0n; // m1n1's malloc answers an exhausted arena with NULL
    }
  };
  return {
    family: 'heap',
    reset: () => {
      top = alignUp(options.heapStart, BLOCK_ALIGN);
      arena = null;
    },
    ops: [
      { name: 'P_HEAPBLOCK_ALLOC', handler: (a) => heapblockAlloc(a[0]!) },
      { name: 'P_MALLOC', handler: (a) => malloc(a[0]!, 64n) },
      { name: 'P_MEMALIGN', handler: (a) => malloc(a[1]!, a[0]!) },
      {
        name: 'P_FREE',
        handler: (a) => {
          if (a[0] !== 0n && arena?.contains(a[0]!)) {
            try {
              arena.free(a[0]!);
            } catch {
              // m1n1 does not check frees either; a bad pointer is ignored here rather than corrupting the model
            }
          }
          return 0n;
        },
      },
    ],
  };
}

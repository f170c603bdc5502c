// Layer: core/proxy. The host-managed heap over target RAM (spec §7.5). Imports core/proxy's
// errors only.
//
// The target is never told about this heap: the host carves scratch buffers (string and
// buffer arguments, §7.1; the sysreg code buffer and SIMD buffer, §7.3/§7.4) out of RAM that
// lies 128 MiB above the top of m1n1's own bump allocator. Bookkeeping is host-side only:
// first-fit over a sorted free list, every block 64-byte aligned, neighbours coalesced on free.
// Offsets are plain numbers (a heap is at most a few GiB); addresses at the API are bigint.

import { HostHeapError, ProxyErrorCode } from './errors.ts';

/** Every block starts on this boundary and its size is rounded up to it. */
export const HOST_HEAP_ALIGN = 64;

/** Gap left above P_HEAPBLOCK_ALLOC(0) for m1n1's own heap (§7.5). */
export const HOST_HEAP_OFFSET_BYTES = 128 * 1024 * 1024;

/** Size used by the Python host's `run_guest` (§7.5). */
export const HOST_HEAP_DEFAULT_SIZE_BYTES = 128 * 1024 * 1024;

interface Block {
  offset: number;
  size: number;
}

const roundUp = (n: number, align: number): number => Math.ceil(n / align) * align;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

export class HostHeap {
  /** First usable address (64-byte aligned). */
  readonly base: bigint;
  readonly sizeBytes: number;
  /** Free blocks, sorted by offset, never adjacent (they are coalesced). */
  private readonly freeList: Block[];
  /** Allocated block sizes by offset. */
  private readonly used = new Map<number, number>();

  /** A heap over `[base, base + sizeBytes)`; an unaligned base is rounded up (the size shrinks). */
  constructor(base: bigint, sizeBytes: number) {
    if (base < 0n) throw new HostHeapError(ProxyErrorCode.BAD_ARGUMENT, `host heap base ${base} is negative`);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0) {
      throw new HostHeapError(ProxyErrorCode.BAD_ARGUMENT, `host heap size ${sizeBytes} is not a positive integer`);
    }
    const align = BigInt(HOST_HEAP_ALIGN);
    const aligned = ((base + align - 1n) / align) * align;
    const usable = Math.floor((sizeBytes - Number(aligned - base)) / HOST_HEAP_ALIGN) * HOST_HEAP_ALIGN;
    if (usable <= 0) throw new HostHeapError(ProxyErrorCode.BAD_ARGUMENT, `host heap of ${sizeBytes} bytes is too small`);
    this.base = aligned;
    this.sizeBytes = usable;
    this.freeList = [{ offset: 0, size: usable }];
  }

  /**
   * The heap the Python host would make (§7.5): base = P_HEAPBLOCK_ALLOC(0) + 128 MiB.
   * `target` is anything with `heapblockAlloc`, normally the M1n1Proxy.
   */
  static async fromTarget(
    target: { heapblockAlloc(sizeBytes: number | bigint): Promise<bigint> },
    sizeBytes: number = HOST_HEAP_DEFAULT_SIZE_BYTES,
    offsetBytes: number = HOST_HEAP_OFFSET_BYTES,
  ): Promise<HostHeap> {
    const top = await target.heapblockAlloc(0);
    return new HostHeap(top + BigInt(offsetBytes), sizeBytes);
  }

  /**
   * Allocates `sizeBytes` (0 is allowed and still gets a distinct 64-byte block) at a multiple
   * of `alignBytes` (a power of two, at least 64). Throws PROXY_HEAP_EXHAUSTED when no free
   * block fits.
   */
  malloc(sizeBytes: number, alignBytes: number = HOST_HEAP_ALIGN): bigint {
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
      throw new HostHeapError(ProxyErrorCode.BAD_ARGUMENT, `host heap: cannot allocate ${sizeBytes} bytes`);
    }
    if (!Number.isSafeInteger(alignBytes) || alignBytes <= 0 || (alignBytes & (alignBytes - 1)) !== 0) {
      throw new HostHeapError(ProxyErrorCode.BAD_ARGUMENT, `host heap: alignment ${alignBytes} is not a power of two`);
    }
    const align = Math.max(alignBytes, HOST_HEAP_ALIGN);
    const size = Math.max(roundUp(sizeBytes, HOST_HEAP_ALIGN), HOST_HEAP_ALIGN);
    // Alignment is of the address, and the base is only known to be 64-byte aligned.
    const baseMod = Number(this.base % BigInt(align));
    for (let i = 0; i < this.freeList.length; i++) {
      const block = this.freeList[i]!;
      const start = roundUp(block.offset + baseMod, align) - baseMod;
      const head = start - block.offset;
      if (head + size > block.size) continue;
      const tail = block.size - head - size;
      const pieces: Block[] = [];
      if (head > 0) pieces.push({ offset: block.offset, size: head });
      if (tail > 0) pieces.push({ offset: start + size, size: tail });
      this.freeList.splice(i, 1, ...pieces);
      this.used.set(start, size);
      return this.base + BigInt(start);
    }
    throw new HostHeapError(
      ProxyErrorCode.HEAP_EXHAUSTED,
      `host heap exhausted: ${sizeBytes} bytes requested, largest free block is ${this.largestFreeBlock} of ${this.sizeBytes} bytes`,
      { hint: 'free buffers you no longer need, or create the HostHeap with a larger size' },
    );
  }

  /** Returns a block to the heap; refuses addresses it never handed out or already freed. */
  free(addr: bigint): void {
    const offsetBig = addr - this.base;
    const offset = offsetBig >= 0n && offsetBig < BigInt(this.sizeBytes) ? Number(offsetBig) : -1;
    const size = this.used.get(offset);
    if (size === undefined) {
      throw new HostHeapError(ProxyErrorCode.HEAP_BAD_FREE, `host heap: ${hex(addr)} is not an allocated block`, {
        hint: 'free only addresses returned by malloc, and each once',
      });
    }
    this.used.delete(offset);
    // Insert in offset order, then merge with the neighbours it touches.
    let i = this.freeList.findIndex((b) => b.offset > offset);
    if (i < 0) i = this.freeList.length;
    this.freeList.splice(i, 0, { offset, size });
    const next = this.freeList[i + 1];
    if (next && offset + size === next.offset) {
      this.freeList[i]!.size += next.size;
      this.freeList.splice(i + 1, 1);
    }
    const prev = this.freeList[i - 1];
    if (prev && prev.offset + prev.size === offset) {
      prev.size += this.freeList[i]!.size;
      this.freeList.splice(i, 1);
    }
  }

  /** Size of an allocated block (rounded up to 64), or undefined. */
  blockSize(addr: bigint): number | undefined {
    const off = addr - this.base;
    return off < 0n ? undefined : this.used.get(Number(off));
  }

  get freeBytes(): number {
    return this.freeList.reduce((n, b) => n + b.size, 0);
  }

  get usedBytes(): number {
    return this.sizeBytes - this.freeBytes;
  }

  get largestFreeBlock(): number {
    return this.freeList.reduce((n, b) => Math.max(n, b.size), 0);
  }

  /** Number of free fragments (1 when everything is free: coalescing worked). */
  get freeBlockCount(): number {
    return this.freeList.length;
  }

  /** Whether `[addr, addr + size)` lies inside the heap. */
  contains(addr: bigint, sizeBytes = 1): boolean {
    return addr >= this.base && addr + BigInt(sizeBytes) <= this.base + BigInt(this.sizeBytes);
  }
}

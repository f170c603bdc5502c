// Layer: sim/cpu. The core's view of physical memory: host pages for RAM, width accesses for
// everything else. Imports sim/memory and this folder.
//
// RAM regions are handed over as SparseRam objects so that the software TLB can point straight
// at their 16 KiB backing pages (SparseRam.pageAt); any other address (MMIO, m1n1's alias
// regions) goes through PhysicalMemory.read/write, one access at a time.

import { FAULT, type AccessWidth, type PhysicalMemory, type SparseRam } from '../memory/index.ts';

export interface HostPage {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Offset inside `bytes` of the physical address asked for. */
  readonly offset: number;
}

const views = new WeakMap<Uint8Array, DataView>();
function viewOf(bytes: Uint8Array): DataView {
  let v = views.get(bytes);
  if (!v) views.set(bytes, (v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  return v;
}

export class PhysicalBus {
  constructor(
    readonly memory: PhysicalMemory,
    private readonly rams: readonly SparseRam[] = [],
  ) {}

  /** The host page backing physical address `pa`, when `pa` is plain RAM. */
  hostPage(pa: number): HostPage | undefined {
    for (const ram of this.rams) {
      const off = pa - ram.baseNumber;
      if (off >= 0 && off < ram.sizeNumber) {
        const bytes = ram.pageAt(off, true)!;
        return { bytes, view: viewOf(bytes), offset: off % bytes.length };
      }
    }
    return undefined;
  }

  /** One width access; `undefined` = fault. */
  read(pa: number, size: AccessWidth): bigint | undefined {
    const v = this.memory.read(BigInt(pa), size);
    return v === FAULT ? undefined : v;
  }

  write(pa: number, size: AccessWidth, value: bigint): boolean {
    return this.memory.write(BigInt(pa), size, value);
  }
}

// Layer: sim/firmware/ops. Structures m1n1 keeps in its own image (.data/.bss) and hands out by
// pointer (the CPU feature struct, the MCC carve-out array): the virtual firmware places them
// in a RAM area the machine reserves for it, so the host can read them at the returned address
// like any target memory (spec §16 item 2). Imports sim/memory types and this folder's errors.

import type { PhysicalMemory } from '../../memory/physical-memory.ts';
import { SimFirmwareError } from '../errors.ts';

export interface StaticArea {
  /** First address (inside the m1n1 image region of RAM). */
  readonly base: bigint;
  readonly size: number;
}

/**
 * A bump allocator over a StaticArea: `place(key, bytes)` writes a structure the first time and
 * returns the same address afterwards (m1n1's statics are written once; the host may change
 * them, as it could on a Mac).
 */
export class FirmwareStatics {
  private next = 0;
  private readonly placed = new Map<string, bigint>();

  constructor(private readonly area: StaticArea) {}

  place(memory: PhysicalMemory, key: string, bytes: Uint8Array, align = 16): bigint {
    const known = this.placed.get(key);
    if (known !== undefined) return known;
    const off = Math.ceil(this.next / align) * align;
    if (off + bytes.length > this.area.size) {
      throw new SimFirmwareError('SIM_BAD_OPTIONS', `firmware static area of ${this.area.size} bytes is too small for ${key}`, {
        hint: 'Give the extra op families a larger `statics` area.',
      });
    }
    const addr = this.area.base + BigInt(off);
    if (!memory.writeBlock(addr, bytes, 0, bytes.length)) {
      throw new SimFirmwareError('SIM_BAD_OPTIONS', `firmware static area at 0x${addr.toString(16)} is not writable RAM`, {
        hint: 'The `statics` area must lie in RAM the firmware model can write.',
      });
    }
    this.next = off + bytes.length;
    this.placed.set(key, addr);
    return addr;
  }
}

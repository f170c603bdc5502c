// Layer: sim/firmware/ops. Block memory ops P_MEMCPY* and P_MEMSET* (spec §6.4). Imports the op
// table types, the exception guard and sim/memory helpers.
//
// m1n1 copies or fills element by element with single accesses of the op's width, the size
// rounded down to a whole number of elements, under GUARD_RETURN: the first fault ends the op
// (counter 1) and the reply is still 0 (§5). Here RAM spans take a block path (chunks of
// TypedArray copies), anything else (MMIO, holes) goes element by element through the guard
// so devices see the same accesses and a fault stops at the same element.

import type { OpcodeName } from '../../../core/proxy/opcodes.ts';
import { type AccessWidth, MAX_ADDRESS, lengthToNumber, widthMask } from '../../memory/physical-memory.ts';
import { GUARD_RETURN } from '../exception-guard.ts';
import type { OpContext, OpDef, OpFamily } from '../op-table.ts';

const CHUNK = 0x10000;

/** Whole elements in `size` bytes, as a byte count (a number; clamped far beyond any mappable range). */
function roundedSize(size: bigint, width: AccessWidth): number {
  const n = lengthToNumber(size);
  const bytes = n < 0 ? MAX_ADDRESS : n;
  return bytes - (bytes % width);
}

function copyElements(ctx: OpContext, dst: bigint, src: bigint, from: number, to: number, width: AccessWidth): void {
  for (let off = from; off < to; off += width) {
    const v = ctx.guard.load(ctx.memory, src + BigInt(off), width, ctx.name);
    ctx.guard.store(ctx.memory, dst + BigInt(off), width, v, ctx.name);
  }
}

function memcpy(ctx: OpContext, dst: bigint, src: bigint, total: number, width: AccessWidth): void {
  // A forward element copy onto an overlapping higher destination repeats the source pattern;
  // only the element loop reproduces that.
  if (dst > src && dst < src + BigInt(total)) return copyElements(ctx, dst, src, 0, total, width);
  const tmp = new Uint8Array(Math.min(CHUNK, total));
  for (let off = 0; off < total; off += CHUNK) {
    const n = Math.min(CHUNK, total - off);
    const s = src + BigInt(off);
    const d = dst + BigInt(off);
    if (ctx.memory.isRam(s, n) && ctx.memory.isRam(d, n) && ctx.memory.readBlock(s, tmp, 0, n) && ctx.memory.writeBlock(d, tmp, 0, n)) continue;
    copyElements(ctx, dst, src, off, off + n, width);
  }
}

function memset(ctx: OpContext, dst: bigint, value: bigint, total: number, width: AccessWidth): void {
  let pattern: Uint8Array | undefined;
  for (let off = 0; off < total; off += CHUNK) {
    const n = Math.min(CHUNK, total - off);
    const d = dst + BigInt(off);
    if (ctx.memory.isRam(d, n)) {
      pattern ??= fillPattern(value, width, Math.min(CHUNK, total));
      if (ctx.memory.writeBlock(d, pattern, 0, n)) continue;
    }
    for (let e = off; e < off + n; e += width) ctx.guard.store(ctx.memory, dst + BigInt(e), width, value, ctx.name);
  }
}

function fillPattern(value: bigint, width: AccessWidth, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < width; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  // Doubling copy: log2(length) set() calls.
  for (let filled = width; filled < length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, length - filled));
  return out;
}

const WIDTHS: ReadonlyArray<readonly [bits: number, bytes: AccessWidth]> = [
  [64, 8],
  [32, 4],
  [16, 2],
  [8, 1],
];

export function memoryOps(): OpFamily {
  const ops: OpDef[] = [];
  for (const [bits, width] of WIDTHS) {
    ops.push({
      name: `P_MEMCPY${bits}` as OpcodeName,
      guard: GUARD_RETURN,
      handler: (a, ctx) => {
        ctx.guard.returnable(() => memcpy(ctx, a[0]!, a[1]!, roundedSize(a[2]!, width), width));
        return 0n;
      },
    });
  }
  for (const [bits, width] of WIDTHS) {
    const mask = widthMask(width);
    ops.push({
      name: `P_MEMSET${bits}` as OpcodeName,
      guard: GUARD_RETURN,
      handler: (a, ctx) => {
        ctx.guard.returnable(() => memset(ctx, a[0]!, a[1]! & mask, roundedSize(a[2]!, width), width));
        return 0n;
      },
    });
  }
  return { family: 'memory', ops };
}

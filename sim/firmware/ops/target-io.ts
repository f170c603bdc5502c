// Layer: sim/firmware/ops. How the firmware's C code touches target memory when it works on
// buffers the host points it at (decompression, iodev, kboot, framebuffer): block copies that
// fault as m1n1's loads and stores would, under the guard in force (§5). Imports sim/memory
// and the op table types.
//
// A fault is reported once, at the first inaccessible byte, through ctx.guard.fault: with the
// guard OFF the machine reboots (it throws), with RETURN it unwinds to the op's
// `guard.returnable()`; with SKIP or MARK m1n1's C code would go on with garbage, which no
// model can reproduce, so these helpers report "faulted" and the op gives up with its error
// value. Ops built on them document this.

import type { OpContext } from '../op-table.ts';

/**
 * Largest buffer the ops read into host memory at once (256 MiB: far above any compressed
 * kernel or transfer; a longer request is a host error, where m1n1 would fault or hang).
 */
export const MAX_TARGET_BUFFER = 1 << 28;
const SCAN_STEP = 4096;

/** First inaccessible address of `[addr, addr+length)`; undefined when all of it is accessible. */
export function firstFault(ctx: OpContext, addr: bigint, length: number, write: boolean): bigint | undefined {
  if (length === 0 || ctx.memory.probe(addr, length, write)) return undefined;
  for (let off = 0; off < length; off += SCAN_STEP) {
    const n = Math.min(SCAN_STEP, length - off);
    if (ctx.memory.probe(addr + BigInt(off), n, write)) continue;
    for (let i = 0; i < n; i++) if (!ctx.memory.probe(addr + BigInt(off + i), 1, write)) return addr + BigInt(off + i);
  }
  return addr;
}

function reportFault(ctx: OpContext, address: bigint, write: boolean): void {
  ctx.guard.fault({ address, widthBytes: 1, write, during: ctx.name });
}

/**
 * Reads `length` bytes at `addr`. On a fault: reports it (see the header) and returns the
 * accessible prefix with `faulted: true`.
 */
export function readTarget(ctx: OpContext, addr: bigint, length: number): { bytes: Uint8Array; faulted: boolean } {
  // Probed first, so a bad address never costs a buffer of the requested size.
  const at = firstFault(ctx, addr, length, false);
  const good = at === undefined ? length : Number(at - addr);
  const out = new Uint8Array(good);
  const ok = good === 0 || ctx.memory.readBlock(addr, out, 0, good);
  if (at === undefined && ok) return { bytes: out, faulted: false };
  reportFault(ctx, at ?? addr, false);
  return { bytes: out, faulted: true };
}

/** Writes `bytes` at `addr`; on a fault writes the accessible prefix, reports it and returns false. */
export function writeTarget(ctx: OpContext, addr: bigint, bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (ctx.memory.probe(addr, bytes.length, true) && ctx.memory.writeBlock(addr, bytes, 0, bytes.length)) return true;
  const at = firstFault(ctx, addr, bytes.length, true) ?? addr;
  const good = Number(at - addr);
  if (good > 0) ctx.memory.writeBlock(addr, bytes, 0, good);
  reportFault(ctx, at, true);
  return false;
}

const latin1 = new TextDecoder('latin1');

/**
 * A NUL-terminated C string at `addr` (at most `max` bytes are looked at). Undefined when it
 * faulted (reported) or has no NUL within `max`.
 */
export function readCString(ctx: OpContext, addr: bigint, max = 4096): string | undefined {
  const chunk = new Uint8Array(64);
  const parts: number[] = [];
  for (let off = 0; off < max; off += chunk.length) {
    const n = Math.min(chunk.length, max - off);
    const a = addr + BigInt(off);
    if (!ctx.memory.readBlock(a, chunk, 0, n)) {
      // Byte by byte up to the fault: the string may end before it.
      for (let i = 0; i < n; i++) {
        const v = ctx.memory.read(a + BigInt(i), 1);
        if (typeof v !== 'bigint') {
          reportFault(ctx, a + BigInt(i), false);
          return undefined;
        }
        if (v === 0n) return latin1.decode(Uint8Array.from(parts));
        parts.push(Number(v));
      }
      continue;
    }
    const nul = chunk.subarray(0, n).indexOf(0);
    if (nul >= 0) {
      for (let i = 0; i < nul; i++) parts.push(chunk[i]!);
      return latin1.decode(Uint8Array.from(parts));
    }
    for (let i = 0; i < n; i++) parts.push(chunk[i]!);
  }
  return undefined;
}

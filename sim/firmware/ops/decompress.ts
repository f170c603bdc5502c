// Layer: sim/firmware/ops. P_GZDEC and P_XZDEC (spec §6.6) on target memory. Imports the op
// table types, this folder's target-io and the two decoders.
//
// Both run under the session guard (m1n1 sets no temporary guard for them). Sizes are 32-bit
// (m1n1 copies a1 and a3 into 32-bit variables). A source size of 0 means "unknown": the
// decoders read on until their stream ends, here in growing windows of the readable memory.
// Memory faults follow target-io.ts: reported through the guard at the first bad byte; when the
// guard lets the op go on, it fails with its error value (TINF_DATA_ERROR / all-ones); under
// GUARD_RETURN the op returns the marker, as the faulting C function would.
//
// Results as m1n1 puts them in the reply: P_GZDEC the length, or tinf's int error code
// sign-extended to 64 bits (−3 → 0xFFFF…FFFD); P_XZDEC the length or ~0.

import type { OpContext, OpFamily } from '../op-table.ts';
import { gunzipLikeTinf, TINF_DATA_ERROR } from './gzip-decode.ts';
import { firstFault, MAX_TARGET_BUFFER, readTarget, writeTarget } from './target-io.ts';
import { unxzLikeM1n1, XZ_FAILED } from './xz-decode.ts';

const U32_MAX = 0xffff_ffff;
const FIRST_WINDOW = 1 << 20;
/**
 * Unknown size: the window stops growing here (m1n1 could read up to 4 GiB); a stream that has
 * not ended within it fails as a data error. Real streams end long before.
 */
const MAX_WINDOW = MAX_TARGET_BUFFER;

const u32 = (v: bigint): number => Number(BigInt.asUintN(32, v));
const DATA_ERROR = BigInt.asUintN(64, BigInt(TINF_DATA_ERROR));
const XZ_ALL_ONES = BigInt.asUintN(64, XZ_FAILED);

/**
 * The source. Known size: all of it, a fault reported as m1n1 would take it. Unknown size: a
 * window of the readable bytes that `grow()` doubles, read without reporting anything (m1n1
 * touches only what the decoder consumes); `grow()` reports the fault the decoder would take at
 * the first unreadable byte when it needs more than there is. A known size past MAX_WINDOW is
 * not read (a host error; m1n1 would read its end and fail): a fault in it is reported, and the
 * op fails.
 */
class Source {
  bytes: Uint8Array = new Uint8Array(0);
  faulted = false;
  /** Unknown size: the window cannot grow (an unreadable byte, or MAX_WINDOW reached). */
  exhausted = false;
  private want: number;

  constructor(
    private readonly ctx: OpContext,
    private readonly addr: bigint,
    readonly known: number,
  ) {
    this.want = known !== 0 ? known : FIRST_WINDOW;
    if (known > MAX_WINDOW) {
      const at = firstFault(ctx, addr, known, false);
      if (at !== undefined) ctx.guard.fault({ address: at, widthBytes: 1, write: false, during: ctx.name });
      this.faulted = true;
    } else if (known !== 0) {
      const r = readTarget(ctx, addr, known);
      this.bytes = r.bytes;
      this.faulted = r.faulted;
    } else this.readWindow();
  }

  private readWindow(): void {
    const end = firstFault(this.ctx, this.addr, this.want, false);
    const n = end === undefined ? this.want : Number(end - this.addr);
    this.bytes = new Uint8Array(n);
    if (n > 0) this.ctx.memory.readBlock(this.addr, this.bytes, 0, n);
    this.exhausted = end !== undefined || this.want >= MAX_WINDOW;
  }

  /** More bytes, or false (after reporting the fault, if there is one) when there are none. */
  grow(): boolean {
    if (this.exhausted) {
      if (this.bytes.length < this.want) this.ctx.guard.fault({ address: this.addr + BigInt(this.bytes.length), widthBytes: 1, write: false, during: this.ctx.name });
      return false;
    }
    this.want = Math.min(MAX_WINDOW, this.want * 2);
    this.readWindow();
    return true;
  }
}

function gzdec(ctx: OpContext, a: BigUint64Array): bigint {
  const known = u32(a[1]!);
  const capacity = u32(a[3]!);
  // tinf rejects a known size under 18 bytes without touching the source.
  if (known !== 0 && known < 18) return DATA_ERROR;
  const src = new Source(ctx, a[0]!, known);
  // The guard let the op go on after a source fault: m1n1 would decode garbage; a data error here.
  if (src.faulted) return DATA_ERROR;
  for (;;) {
    const r = gunzipLikeTinf(src.bytes, known, capacity, known !== 0);
    if ('needMore' in r) {
      if (!src.grow()) return DATA_ERROR;
      continue;
    }
    if (r.output.length > 0 && !writeTarget(ctx, a[2]!, r.output)) return DATA_ERROR;
    return r.code === 0 ? BigInt(r.length) : BigInt.asUintN(64, BigInt(r.code));
  }
}

async function xzdec(ctx: OpContext, a: BigUint64Array): Promise<bigint> {
  const known = u32(a[1]!);
  const dst = a[2]!;
  // minilzlib with a NULL destination only sums the chunk sizes (a size query).
  const capacity = dst === 0n ? undefined : u32(a[3]!);
  const src = new Source(ctx, a[0]!, known);
  if (src.faulted) return XZ_ALL_ONES;
  for (;;) {
    const r = await unxzLikeM1n1(src.bytes, known !== 0 ? known : U32_MAX, capacity, known !== 0);
    if ('needMore' in r) {
      if (!src.grow()) return XZ_ALL_ONES;
      continue;
    }
    if (r.output.length > 0 && !writeTarget(ctx, dst, r.output)) return XZ_ALL_ONES;
    return BigInt.asUintN(64, r.retval);
  }
}

export function decompressOps(): OpFamily {
  return {
    family: 'decompress',
    ops: [
      {
        name: 'P_GZDEC',
        handler: (a, ctx) => {
          const r = ctx.guard.returnable(() => gzdec(ctx, a));
          return r.value;
        },
      },
      {
        name: 'P_XZDEC',
        // Async (the library decodes in WebAssembly streams); a RETURN-guard fault can only
        // happen while reading or writing, both synchronous, so it is caught around each step.
        handler: async (a, ctx) => {
          try {
            return await xzdec(ctx, a);
          } catch (e) {
            const r = ctx.guard.returnable(() => {
              throw e;
            });
            return r.value;
          }
        },
      },
    ],
  };
}

// Layer: core/proxy. Block memory ops, 0x200 (spec §6.4). Imports core/proxy only.
//
// The target copies/fills element by element at the op's width and rounds the size down to a
// multiple of it; it stops at the first fault (guard RETURN, exception counter 1). Addresses
// must be aligned to the width (checked locally; nothing is sent otherwise).

import { alignedArg, type Size } from '../marshal.ts';
import type { OpcodeName } from '../opcodes.ts';
import type { ProxyCore, ProxyCoreClass } from '../proxy-core.ts';

async function copy(p: ProxyCore, op: OpcodeName, bytes: number, dst: bigint, src: bigint, size: Size): Promise<void> {
  await p.request(op, [alignedArg(dst, bytes, `${op} dst`), alignedArg(src, bytes, `${op} src`), size]);
}

async function fill(p: ProxyCore, op: OpcodeName, bytes: number, dst: bigint, value: bigint, size: Size): Promise<void> {
  await p.request(op, [alignedArg(dst, bytes, `${op} dst`), value, size]);
}

export function withMemoryOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class MemoryOps extends Base {
    /** P_MEMCPY64(dst, src, sizeBytes). */
    memcpy64(dst: bigint, src: bigint, sizeBytes: Size): Promise<void> {
      return copy(this, 'P_MEMCPY64', 8, dst, src, sizeBytes);
    }
    /** P_MEMCPY32(dst, src, sizeBytes). */
    memcpy32(dst: bigint, src: bigint, sizeBytes: Size): Promise<void> {
      return copy(this, 'P_MEMCPY32', 4, dst, src, sizeBytes);
    }
    /** P_MEMCPY16(dst, src, sizeBytes). */
    memcpy16(dst: bigint, src: bigint, sizeBytes: Size): Promise<void> {
      return copy(this, 'P_MEMCPY16', 2, dst, src, sizeBytes);
    }
    /** P_MEMCPY8(dst, src, sizeBytes). */
    memcpy8(dst: bigint, src: bigint, sizeBytes: Size): Promise<void> {
      return copy(this, 'P_MEMCPY8', 1, dst, src, sizeBytes);
    }

    /** P_MEMSET64(dst, value, sizeBytes). */
    memset64(dst: bigint, value: bigint, sizeBytes: Size): Promise<void> {
      return fill(this, 'P_MEMSET64', 8, dst, value, sizeBytes);
    }
    /** P_MEMSET32(dst, value, sizeBytes). */
    memset32(dst: bigint, value: bigint, sizeBytes: Size): Promise<void> {
      return fill(this, 'P_MEMSET32', 4, dst, value, sizeBytes);
    }
    /** P_MEMSET16(dst, value, sizeBytes). */
    memset16(dst: bigint, value: bigint, sizeBytes: Size): Promise<void> {
      return fill(this, 'P_MEMSET16', 2, dst, value, sizeBytes);
    }
    /** P_MEMSET8(dst, value, sizeBytes). */
    memset8(dst: bigint, value: bigint, sizeBytes: Size): Promise<void> {
      return fill(this, 'P_MEMSET8', 1, dst, value, sizeBytes);
    }
  };
}

// Layer: core/proxy. Argument and return-value conversion for proxy ops (spec §7.1).
// Imports only core/proxy's errors and constants.
//
// On the wire every argument and return value is a u64. At the API, addresses and values are
// bigint; CPU indices, flags and booleans may be numbers/booleans. Negative integers travel
// as their 64-bit two's complement (§7.1), e.g. P_HV_PIN_CPU(−1) = unpin.

import { AlignmentError, ProxyArgumentError } from './errors.ts';
import { MAX_CPUS } from './constants.ts';

/** What a numeric op argument may be at the API. */
export type ArgValue = bigint | number | boolean;

/** Up to four / five optional register values (x0..x3 / x0..x4) for the call ops. */
export type Regs3 = [x0?: bigint, x1?: bigint, x2?: bigint];
export type Regs4 = [x0?: bigint, x1?: bigint, x2?: bigint, x3?: bigint];
export type Regs5 = [x0?: bigint, x1?: bigint, x2?: bigint, x3?: bigint, x4?: bigint];

/** x0..xn for a call op: missing values are 0; more than `max` is refused (JS callers). */
export function regsArg(regs: readonly (bigint | undefined)[], max: number, what: string): bigint[] {
  if (regs.length > max) throw new ProxyArgumentError(`${what}: ${regs.length} register values given, at most ${max} (x0..x${max - 1})`);
  return regs.map((r) => r ?? 0n);
}

/** A size in bytes: number or bigint. */
export type Size = number | bigint;

const U64_MAX = (1n << 64n) - 1n;
const S64_MIN = -(1n << 63n);

/** The u64 that carries `value` on the wire; refuses what 64 bits cannot carry. */
export function toU64(value: ArgValue, what: string): bigint {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  let v: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new ProxyArgumentError(`${what}: ${value} is not a safe integer`, 'pass a bigint for values beyond 2^53');
    v = BigInt(value);
  } else if (typeof value === 'bigint') {
    v = value;
  } else {
    throw new ProxyArgumentError(`${what}: expected a bigint, number or boolean, got ${typeof value}`);
  }
  if (v > U64_MAX || v < S64_MIN) throw new ProxyArgumentError(`${what}: ${v} does not fit in 64 bits`);
  return BigInt.asUintN(64, v);
}

/** `addr` as a u64, refused locally (nothing sent) unless it is a multiple of `bytes` (§6.3). */
export function alignedArg(addr: bigint, bytes: number, what: string): bigint {
  const wire = toU64(addr, what);
  if (bytes > 1 && wire % BigInt(bytes) !== 0n) throw new AlignmentError(addr, bytes, what);
  return wire;
}

/** A logical CPU index 0..MAX_CPUS-1, or −1 where the op takes it as "none/this CPU". */
export function cpuArg(cpu: number, what: string, allowMinusOne = false): bigint {
  if (!Number.isInteger(cpu) || cpu >= MAX_CPUS || cpu < (allowMinusOne ? -1 : 0)) {
    throw new ProxyArgumentError(
      `${what}: CPU index ${cpu} is out of range`,
      `m1n1 CPU indices are 0..${MAX_CPUS - 1}${allowMinusOne ? ', or -1' : ''} (spec §6.7)`,
    );
  }
  return toU64(cpu, what);
}

/** An unsigned integer that must stay within `bits` (e.g. a DART stream id, u8). */
export function uintArg(value: number, bits: number, what: string): bigint {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new ProxyArgumentError(`${what}: ${value} is not an unsigned ${bits}-bit integer`);
  }
  return BigInt(value);
}

/** UTF-8 + NUL, as the target's C code expects a `const char *` (§7.1). */
export function encodeCString(text: string, what: string): Uint8Array {
  if (text.includes('\0')) {
    throw new ProxyArgumentError(`${what}: the string contains a NUL character, which would cut it short on the target`);
  }
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}

/** Return-value readers (the reply's retval is always a raw u64). */
export const ret = {
  /** 0 / non-zero. */
  bool: (v: bigint): boolean => v !== 0n,
  /** A small unsigned count (bytes, chip id, iodev, exception count). */
  count: (v: bigint): number => Number(v),
  /** A C `int` status: the low 32 bits, signed (robust whether the target sign-extends or not). */
  status: (v: bigint): number => Number(BigInt.asIntN(32, v)),
  /** A signed 64-bit value (decompression: length or error code, §6.6). */
  s64: (v: bigint): number => Number(BigInt.asIntN(64, v)),
};

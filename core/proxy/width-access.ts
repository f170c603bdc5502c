// Layer: core/proxy. Checked, width-generic memory access (spec §7.2). Imports core/proxy only.
//
// read/write of 8..512 bits, each followed by P_GET_EXC_COUNT: a non-zero count means the access
// faulted (the target recovers and only counts, §5) and rejects with PROXY_EXCEPTION.
//
// | width       | access                                                                 |
// |-------------|------------------------------------------------------------------------|
// | 8/16/32     | one P_READn / P_WRITEn                                                 |
// | 64          | P_READ64 / P_WRITE64 if 8-aligned, else two 32-bit accesses, low word first |
// | 128/256/512 | 2/4/8 64-bit accesses at +0, +8, … (each as above); values are lists, low first |
//
// Alignment (8/16/32: the width, 64+: 4 bytes) is checked before anything is sent.
// Unlike the Python host, the access(es) and the P_GET_EXC_COUNT are pipelined: all are issued
// without awaiting in between, so a checked 32-bit read costs one round trip, not two.
//
// The counter is cumulative since its last read: a fault left by an earlier *unchecked* op
// (e.g. a raw proxy.read32) would be blamed on this access. `clearStaleCount` issues one more
// pipelined P_GET_EXC_COUNT before the access to rule that out (still one round trip).

import { AlignmentError, ProxyArgumentError, ProxyExceptionError } from './errors.ts';
import { toU64 } from './marshal.ts';
import type { M1n1Proxy } from './proxy.ts';

/** Scalar widths read/write a bigint; wide ones a list of 64-bit words, lowest address first. */
export type ScalarWidth = 8 | 16 | 32 | 64;
export type WideWidth = 128 | 256 | 512;
export type AccessWidth = ScalarWidth | WideWidth;

/** The ops WidthAccess uses; M1n1Proxy has them all. */
export type WidthAccessTarget = Pick<
  M1n1Proxy,
  'read8' | 'read16' | 'read32' | 'read64' | 'write8' | 'write16' | 'write32' | 'write64' | 'getExcCount'
>;

export interface WidthAccessOptions {
  /** Read (and discard) the exception counter before each access; default false (spec §7.2 sequence). */
  clearStaleCount?: boolean;
}

const WIDTHS: ReadonlySet<number> = new Set([8, 16, 32, 64, 128, 256, 512]);
const hex = (v: bigint): string => `0x${v.toString(16)}`;
const MASK32 = 0xffff_ffffn;

export class WidthAccess {
  readonly #target: WidthAccessTarget;
  readonly #clearStaleCount: boolean;

  constructor(target: WidthAccessTarget, options: WidthAccessOptions = {}) {
    this.#target = target;
    this.#clearStaleCount = options.clearStaleCount ?? false;
  }

  /** A checked read of `widthBits` at `addr`. */
  read(addr: bigint, widthBits: ScalarWidth): Promise<bigint>;
  read(addr: bigint, widthBits: WideWidth): Promise<bigint[]>;
  read(addr: bigint, widthBits: AccessWidth): Promise<bigint | bigint[]>;
  async read(addr: bigint, widthBits: AccessWidth): Promise<bigint | bigint[]> {
    checkAccess(addr, widthBits, 'read');
    const t = this.#target;
    const stale = this.#clearStaleCount ? t.getExcCount() : undefined;
    let parts: Promise<bigint>[];
    if (widthBits === 8) parts = [t.read8(addr)];
    else if (widthBits === 16) parts = [t.read16(addr)];
    else if (widthBits === 32) parts = [t.read32(addr)];
    else parts = this.#read64s(addr, widthBits / 64);
    const values = await this.#finish(parts, stale, addr, widthBits, 'read');
    if (widthBits <= 32) return values[0]!;
    const words: bigint[] = [];
    // Pairs of 32-bit halves when split, else one 64-bit value per word.
    const split = values.length === (widthBits / 64) * 2;
    for (let i = 0; i < widthBits / 64; i++) {
      words.push(split ? ((values[2 * i + 1]! & MASK32) << 32n) | (values[2 * i]! & MASK32) : values[i]!);
    }
    return widthBits === 64 ? words[0]! : words;
  }

  /** A checked write of `widthBits` at `addr`; wide widths take one 64-bit word per 8 bytes, low first. */
  write(addr: bigint, value: bigint, widthBits: ScalarWidth): Promise<void>;
  write(addr: bigint, value: readonly bigint[], widthBits: WideWidth): Promise<void>;
  async write(addr: bigint, value: bigint | readonly bigint[], widthBits: AccessWidth): Promise<void> {
    checkAccess(addr, widthBits, 'write');
    const words = normaliseValue(addr, value, widthBits);
    const t = this.#target;
    const stale = this.#clearStaleCount ? t.getExcCount() : undefined;
    let parts: Promise<unknown>[];
    if (widthBits === 8) parts = [t.write8(addr, words[0]!)];
    else if (widthBits === 16) parts = [t.write16(addr, words[0]!)];
    else if (widthBits === 32) parts = [t.write32(addr, words[0]!)];
    else parts = this.#write64s(addr, words);
    await this.#finish(parts, stale, addr, widthBits, 'write');
  }

  /**
   * Runs `fn` (which issues proxy ops), then reads the exception counter; non-zero rejects with
   * PROXY_EXCEPTION. `fn` is awaited before the counter is read, so it may await internally.
   * With `clearStaleCount`, the counter is cleared (pipelined) before `fn` runs.
   */
  async guarded<T>(fn: () => Promise<T>, what = 'guarded access', addr?: bigint): Promise<T> {
    const stale = this.#clearStaleCount ? this.#target.getExcCount() : undefined;
    let result: T;
    try {
      result = await fn();
    } finally {
      await stale?.catch(() => undefined);
    }
    const count = await this.#target.getExcCount();
    if (count !== 0) throw new ProxyExceptionError(addr, count, what);
    return result;
  }

  #read64s(addr: bigint, words: number): Promise<bigint>[] {
    const t = this.#target;
    const out: Promise<bigint>[] = [];
    for (let i = 0n; i < BigInt(words); i++) {
      const a = addr + 8n * i;
      if (a % 8n === 0n) out.push(t.read64(a));
      else out.push(t.read32(a), t.read32(a + 4n));
    }
    return out;
  }

  #write64s(addr: bigint, words: readonly bigint[]): Promise<unknown>[] {
    const t = this.#target;
    const out: Promise<unknown>[] = [];
    words.forEach((w, i) => {
      const a = addr + 8n * BigInt(i);
      if (a % 8n === 0n) out.push(t.write64(a, w));
      else out.push(t.write32(a, w & MASK32), t.write32(a + 4n, w >> 32n));
    });
    return out;
  }

  /** Issues P_GET_EXC_COUNT right behind the access(es), then settles everything. */
  async #finish(
    parts: Promise<unknown>[],
    stale: Promise<number> | undefined,
    addr: bigint,
    widthBits: AccessWidth,
    kind: 'read' | 'write',
  ): Promise<bigint[]> {
    const count = this.#target.getExcCount();
    const settled = await Promise.allSettled([...(stale ? [stale] : []), ...parts, count]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const n = (settled[settled.length - 1] as PromiseFulfilledResult<number>).value;
    if (n !== 0) throw new ProxyExceptionError(addr, n, `${widthBits}-bit ${kind}`);
    const first = stale ? 1 : 0;
    return settled.slice(first, first + parts.length).map((s) => (s as PromiseFulfilledResult<unknown>).value as bigint);
  }
}

/** Everything that can be refused locally is refused here, before any op is issued. */
function checkAccess(addr: bigint, widthBits: number, kind: 'read' | 'write'): void {
  if (!WIDTHS.has(widthBits)) {
    throw new ProxyArgumentError(`access width ${widthBits} is not supported`, 'use 8, 16, 32, 64, 128, 256 or 512 bits');
  }
  const what = `${widthBits}-bit ${kind}`;
  if (typeof addr !== 'bigint' || addr < 0n) throw new ProxyArgumentError(`${what}: address ${String(addr)} is not a target address`);
  toU64(addr, what);
  const align = Math.min(widthBits / 8, 4);
  if (addr % BigInt(align) !== 0n) throw new AlignmentError(addr, align, what);
}

function normaliseValue(addr: bigint, value: bigint | readonly bigint[], widthBits: AccessWidth): bigint[] {
  const where = `${widthBits}-bit write at ${hex(addr)}`;
  if (widthBits > 64) {
    if (!Array.isArray(value) || value.length !== widthBits / 64) {
      throw new ProxyArgumentError(`${where}: expected a list of ${widthBits / 64} 64-bit words`);
    }
    value.forEach((w, i) => checkFits(w, 64, `${where}, word ${i}`));
    return [...value];
  }
  if (typeof value !== 'bigint') throw new ProxyArgumentError(`${where}: expected a bigint value`);
  checkFits(value, widthBits, where);
  return [value];
}

function checkFits(value: bigint, bits: number, where: string): void {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << BigInt(bits)) {
    throw new ProxyArgumentError(`${where}: value ${String(value)} does not fit in ${bits} unsigned bits`);
  }
}

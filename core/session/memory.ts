// Layer: core/session. Guest memory as the debugger sees it: by physical address (REQ_MEMREAD /
// REQ_MEMWRITE) and by virtual address through the stopped CPU's translation (§10.3), with the
// software breakpoints' BRK words hidden from reads and kept across writes. Imports core/hv
// (constants, types), core/proxy (types) and this folder.
//
// Translation (§10.3): P_HV_TRANSLATE(va, stage1 only) gives the IPA (for an MMU-off guest it
// returns va itself, which is its IPA); P_HV_PT_WALK(ipa) then gives the stage-2 descriptor:
// a hardware page/block or a software MAP names the PA (bits 49:2 | ipa bits 1:0), a hook means
// the address is emulated MMIO, 0 means unmapped. Going through stage 1 only also works for
// pages whose stage 2 is a software entry, where the combined S12 `AT` would fault. Results are
// cached per 4 KiB page (PAR's granule) for one stop of one CPU.
//
// Reads of guest RAM are cached too, for one stop and at most READ_CACHE_MS, in aligned chunks:
// after each stop gdb reads the same few words at the PC and the frame several times (a stepi
// is a dozen small reads), and each miss is a round trip. Only RAM: a read of device memory may
// have side effects and is never widened. Writes update the cached bytes.

import { Pte } from '../hv/index.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import { SessionError, SessionErrorCode, hex } from './errors.ts';

const PAGE = 0x1000n;
const PAGE_MASK = PAGE - 1n;
/** Largest single transfer the debug model accepts (a gdb `m` packet is far smaller). */
export const MAX_TRANSFER = 16 * 1024 * 1024;

/** What hides breakpoints: the software breakpoint table implements it. */
export interface MemoryOverlay {
  /** Replaces patched words inside [pa, pa + bytes.length) by the guest's own bytes (in place). */
  hide(pa: bigint, bytes: Uint8Array): void;
  /** For a write of `bytes` at `pa`: records the guest's new bytes under each patch and returns what to store (patches kept). */
  keep(pa: bigint, bytes: Uint8Array): Uint8Array;
}

export type Translator = (va: bigint, write: boolean) => Promise<bigint>;

const CHUNK = 1024n;
/** Reads longer than this bypass the cache (a bulk dump would only evict the words gdb wants). */
const MAX_CACHED_READ = 4096;
/** A stop the user spends looking around: coprocessors may write RAM meanwhile, so read afresh. */
const READ_CACHE_MS = 250;

export interface RamRange {
  readonly base: bigint;
  readonly end: bigint;
}

export class GuestMemory {
  /** Chunk base → the raw bytes there, read or being read (our BRKs included; hidden on the way out). */
  readonly #chunks = new Map<bigint, Promise<Uint8Array>>();
  #filledAt = 0;

  constructor(
    private readonly proxy: M1n1Proxy,
    private readonly overlay: MemoryOverlay,
    /** The guest's RAM (physical), the only memory whose reads are cached; none: no cache. */
    private readonly ram: () => RamRange | undefined = () => undefined,
  ) {}

  /** Forgets cached reads (the guest ran, or may have). */
  invalidate(): void {
    this.#chunks.clear();
  }

  /** Whether `va` could be its own PA in RAM (MMU off, or an identity map): worth a speculative read or walk. */
  mayBeIdentity(va: bigint): boolean {
    return this.#cacheable(va, 1);
  }

  async readPhysical(pa: bigint, length: number): Promise<Uint8Array> {
    checkLength(length);
    if (length === 0) return new Uint8Array(0);
    const bytes = this.#cacheable(pa, length) ? await this.#readChunks(pa, length) : await this.#raw(() => this.proxy.transport.memRead(pa, length), pa, length, 'read');
    this.overlay.hide(pa, bytes);
    return bytes;
  }

  /** The bytes at [pa, pa + length) if every chunk of them is cached (no request), else undefined. */
  async cached(pa: bigint, length: number): Promise<Uint8Array | undefined> {
    if (!this.#cacheable(pa, length)) return undefined;
    this.#expire();
    for (let b = pa & ~(CHUNK - 1n); b < pa + BigInt(length); b += CHUNK) if (!this.#chunks.has(b)) return undefined;
    return this.readPhysical(pa, length).catch(() => undefined);
  }

  #cacheable(pa: bigint, length: number): boolean {
    const ram = this.ram();
    return ram !== undefined && length <= MAX_CACHED_READ && pa >= ram.base && pa + BigInt(length) <= ram.end;
  }

  #expire(): void {
    if (this.#chunks.size > 0 && performance.now() - this.#filledAt > READ_CACHE_MS) this.#chunks.clear();
  }

  /** The chunks covering [pa, pa + length), read (all missing ones together, one round trip) or cached. */
  #chunksFor(pa: bigint, length: number): Array<{ base: bigint; bytes: Promise<Uint8Array> }> {
    this.#expire();
    if (this.#chunks.size === 0) this.#filledAt = performance.now();
    const out: Array<{ base: bigint; bytes: Promise<Uint8Array> }> = [];
    for (let base = pa & ~(CHUNK - 1n); base < pa + BigInt(length); base += CHUNK) {
      let bytes = this.#chunks.get(base);
      if (!bytes) {
        const read = this.proxy.transport.memRead(base, Number(CHUNK));
        bytes = read;
        this.#chunks.set(base, read);
        read.catch(() => this.#chunks.get(base) === read && this.#chunks.delete(base)); // not cached when it fails
      }
      out.push({ base, bytes });
    }
    return out;
  }

  async #readChunks(pa: bigint, length: number): Promise<Uint8Array> {
    const chunks = this.#chunksFor(pa, length);
    const got = await this.#raw(() => Promise.all(chunks.map((c) => c.bytes)), pa, length, 'read');
    const out = new Uint8Array(length);
    chunks.forEach((c, i) => copyOverlap(got[i]!, c.base, out, pa));
    return out;
  }

  async writePhysical(pa: bigint, data: Uint8Array): Promise<void> {
    checkLength(data.length);
    if (data.length === 0) return;
    const stored = this.overlay.keep(pa, data);
    await this.writeRaw(pa, stored);
  }

  /** Writes bytes as given (breakpoint patching), then makes them visible to instruction fetch. */
  async writeRaw(pa: bigint, data: Uint8Array): Promise<void> {
    const p = this.proxy;
    // One round trip: the write, then clean to PoU and invalidate the I-cache over it, so code
    // patched here (a BRK, or a debugger's edit of code) is what the CPU fetches next.
    const w = p.transport.memWrite(pa, data);
    const c = p.dcCvau(pa, data.length);
    const i = p.icIvau(pa, data.length);
    let ok = false;
    try {
      await this.#raw(() => Promise.all([w, c, i]), pa, data.length, 'write');
      ok = true;
    } finally {
      // Cached chunks take the new bytes (once a read in flight has come back: it was on the wire
      // before the write); after a failure what is there is unknown: drop them.
      const written = data.slice();
      for (let b = pa & ~(CHUNK - 1n); b < pa + BigInt(data.length); b += CHUNK) {
        const chunk = this.#chunks.get(b);
        if (chunk && ok) this.#chunks.set(b, chunk.then((bytes) => (copyOverlap(written, pa, bytes, b), bytes)));
        else this.#chunks.delete(b);
      }
    }
  }

  /** Reads through `translate`, page by page; a fault after the first page gives the bytes before it. */
  async readVirtual(translate: Translator, va: bigint, length: number): Promise<Uint8Array> {
    checkLength(length);
    const out = new Uint8Array(length);
    let done = 0;
    for (const piece of pages(va, length)) {
      // Read RAM at PA = VA along with the translation: right for an MMU-off guest (one round
      // trip saved), and a harmless cached read of RAM otherwise.
      if (this.#cacheable(piece.va, piece.length)) for (const c of this.#chunksFor(piece.va, piece.length)) c.bytes.catch(() => undefined);
      let pa: bigint;
      try {
        pa = await translate(piece.va, false);
      } catch (err) {
        if (done > 0 && err instanceof SessionError && err.code === SessionErrorCode.MEMORY_FAULT) return out.slice(0, done);
        throw err;
      }
      out.set(await this.readPhysical(pa, piece.length), done);
      done += piece.length;
    }
    return out;
  }

  /** Writes through `translate`: every page is translated first, so a fault writes nothing. */
  async writeVirtual(translate: Translator, va: bigint, data: Uint8Array): Promise<void> {
    checkLength(data.length);
    const plan: Array<{ pa: bigint; from: number; length: number }> = [];
    let from = 0;
    for (const piece of pages(va, data.length)) {
      plan.push({ pa: await translate(piece.va, true), from, length: piece.length });
      from += piece.length;
    }
    for (const p of plan) await this.writePhysical(p.pa, data.subarray(p.from, p.from + p.length));
  }

  async #raw<T>(op: () => Promise<T>, pa: bigint, length: number, what: string): Promise<T> {
    try {
      return await op();
    } catch (cause) {
      const fatal = (cause as { fatal?: boolean } | undefined)?.fatal === true;
      if (fatal) throw cause;
      throw new SessionError(SessionErrorCode.MEMORY_FAULT, `cannot ${what} ${length} byte(s) at physical ${hex(pa)}: ${(cause as Error)?.message ?? String(cause)}`, { cause, hint: 'is it RAM the hypervisor maps? MMIO needs the right access width' });
    }
  }
}

/** Copies the bytes of `from` (at address `fromAt`) that fall inside `to` (at address `toAt`). */
function copyOverlap(from: Uint8Array, fromAt: bigint, to: Uint8Array, toAt: bigint): void {
  const lo = fromAt > toAt ? fromAt : toAt;
  const fromEnd = fromAt + BigInt(from.length);
  const toEnd = toAt + BigInt(to.length);
  const hi = fromEnd < toEnd ? fromEnd : toEnd;
  if (hi <= lo) return;
  to.set(from.subarray(Number(lo - fromAt), Number(hi - fromAt)), Number(lo - toAt));
}

/** [va, va + length) split at 4 KiB page boundaries. */
export function pages(va: bigint, length: number): Array<{ va: bigint; length: number }> {
  const out: Array<{ va: bigint; length: number }> = [];
  let at = va;
  let left = length;
  while (left > 0) {
    const n = Math.min(left, Number(PAGE - (at & PAGE_MASK)));
    out.push({ va: at, length: n });
    at += BigInt(n);
    left -= n;
  }
  return out;
}

/**
 * The PA of `ipa` from P_HV_PT_WALK's value (§10.3), or a MEMORY_FAULT naming why there is none.
 * Hardware entries have bit 0 set; software entries keep their type in bits 52:50 (MAP = 0).
 */
export function paFromWalk(walk: bigint, ipa: bigint, va: bigint): bigint {
  if (walk === 0n) throw new SessionError(SessionErrorCode.MEMORY_FAULT, `${hex(va)}: IPA ${hex(ipa)} is not mapped at stage 2`, { hint: 'the guest has no memory there' });
  const type = (walk >> 50n) & 7n;
  if ((walk & 1n) === 1n || type === 0n) return (walk & Pte.TARGET_MASK) | (ipa & 3n);
  throw new SessionError(SessionErrorCode.MEMORY_FAULT, `${hex(va)}: IPA ${hex(ipa)} is emulated MMIO (a stage-2 hook), not memory`, { hint: 'read device registers with an MMIO access of the right width' });
}

/** Per-stop translation cache, per CPU, at 4 KiB granularity. */
export class TranslationCache {
  readonly #pages = new Map<string, bigint>();

  async lookup(cpu: number, va: bigint, write: boolean, miss: (pageVa: bigint) => Promise<bigint>): Promise<bigint> {
    const page = va & ~PAGE_MASK;
    const key = `${cpu}:${write ? 'w' : 'r'}:${page}`;
    let base = this.#pages.get(key);
    if (base === undefined) {
      base = (await miss(page)) & ~PAGE_MASK;
      this.#pages.set(key, base);
    }
    return base | (va & PAGE_MASK);
  }

  /** The cached PA of `va` (a read translation), or undefined. */
  peek(cpu: number, va: bigint): bigint | undefined {
    const base = this.#pages.get(`${cpu}:r:${va & ~PAGE_MASK}`);
    return base === undefined ? undefined : base | (va & PAGE_MASK);
  }

  clear(): void {
    this.#pages.clear();
  }
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > MAX_TRANSFER) {
    throw new SessionError(SessionErrorCode.BAD_ARGUMENT, `memory length ${length} is not an integer in 0..${MAX_TRANSFER}`);
  }
}

/**
 * The stopped CPU's translation (§10.3): stage 1 by P_HV_TRANSLATE (EL of the CPU's SPSR), stage 2
 * by P_HV_PT_WALK, cached per page for the stop. `valid` says the CPU still has the session.
 */
export function cpuTranslator(proxy: M1n1Proxy, tlb: TranslationCache, cpu: number, valid: () => boolean, mayBeIdentity: (va: bigint) => boolean = () => false): Translator {
  return (va, write) => {
    if (!valid()) throw new SessionError(SessionErrorCode.RUNNING, `cpu${cpu} resumed during the access`);
    return tlb.lookup(cpu, va, write, async (page) => {
      // An MMU-off guest has IPA = VA: the stage-2 walk of `page` goes with the translation, so
      // a right guess saves a round trip and a wrong one costs a request.
      const guess = mayBeIdentity(page) ? proxy.hvPtWalk(page) : undefined;
      guess?.catch(() => undefined);
      const ipa = await proxy.hvTranslate(page, true, write);
      if (ipa === 0n) throw new SessionError(SessionErrorCode.MEMORY_FAULT, `${hex(page)} has no stage-1 translation on cpu${cpu}${write ? ' for a write' : ''}`, { hint: 'the guest has not mapped it (or not writable)' });
      return paFromWalk(await (guess !== undefined && ipa === page ? guess : proxy.hvPtWalk(ipa)), ipa, page);
    });
  };
}

// Layer: core/hv. MMIO hooks and traces by address range and trace mode (spec §10.5–§10.7): the
// API the plugin host uses. register(range, mode, handler) puts the range in the stage-2 zone
// map (the mapping follows from the modes on it, §10.7); asynchronous EVT_MMIOTRACE events and
// synchronous HOOK_VM callbacks (hook id 0) are routed to the handlers registered at the
// address, highest mode first. Imports core/proxy, core/util and this folder.
//
// A handler that throws is reported through onError and fenced off for that access — the guest
// and the other handlers go on (issue 6: "a throwing plugin is reported and isolated").

import { WidthAccess, type AccessWidth } from '../proxy/width-access.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import { Listeners, type Disposable } from '../util/disposable.ts';
import { MMIO_TRACE_EVENT_SIZE, MmioFlags, TraceMode, type TraceModeValue } from './constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import type { Stage2Maps } from './maps.ts';

export type MmioMode = 'off' | 'bypass' | 'async' | 'unbuf' | 'wsync' | 'sync' | 'hook' | 'reserved';

const MODE_VALUE: Record<MmioMode, TraceModeValue> = {
  off: TraceMode.OFF,
  bypass: TraceMode.BYPASS,
  async: TraceMode.ASYNC,
  unbuf: TraceMode.UNBUF,
  wsync: TraceMode.WSYNC,
  sync: TraceMode.SYNC,
  hook: TraceMode.HOOK,
  reserved: TraceMode.RESERVED,
};

/** One guest access, or one 8-byte slice of a wider one (`multi`). */
export interface MmioEvent {
  readonly addr: bigint;
  readonly widthBytes: number;
  readonly write: boolean;
  /** Value written or read, zero-extended. */
  readonly value: bigint;
  /** Guest PC of the access. */
  readonly pc: bigint;
  readonly cpu: number;
  readonly multi: boolean;
  /** Raw flags word (§10.5): ATTR, SH, … */
  readonly flags: number;
  /** 'trace': an asynchronous event (the guest did not wait); 'hook': seen inside a HOOK_VM callback. */
  readonly source: 'trace' | 'hook';
}

/** Who made a hooked access (§10.6): the CPU in the HOOK_VM session and the PC of its load/store (ELR; the firmware advances it only after P_EXIT). */
export interface MmioAccessContext {
  readonly cpu: number;
  readonly pc: bigint;
}

export interface MmioHandler {
  /** Notified of guest reads / writes (trace modes; in sync/hook modes after the access is served). */
  onRead?(event: MmioEvent): void | Promise<void>;
  onWrite?(event: MmioEvent): void | Promise<void>;
  /** 'hook' mode: the value of a guest read instead of the hardware's (one word, or 64-bit words for > 64 bits). */
  read?(addr: bigint, widthBits: number, context: MmioAccessContext): bigint | bigint[] | Promise<bigint | bigint[]>;
  /** 'hook' mode: takes a guest write instead of the hardware. */
  write?(addr: bigint, value: bigint | bigint[], widthBits: number, context: MmioAccessContext): void | Promise<void>;
}

interface Registration {
  readonly ident: string;
  readonly mode: TraceModeValue;
  readonly handler: MmioHandler;
}

/** A HOOK_VM access (§10.6) as the dispatcher needs it. */
export interface HookAccess {
  readonly addr: bigint;
  readonly widthLog2: number;
  readonly write: boolean;
  /** data[0..7] from the hook buffer (for writes: the bytes written). */
  readonly data: readonly bigint[];
  readonly flags: number;
  readonly cpu: number;
  readonly pc: bigint;
}

export class MmioDispatch {
  readonly #handlers = new Map<string, Registration>();
  readonly #errors = new Listeners<[HvError]>();
  #next = 1;
  readonly #access: WidthAccess;

  constructor(
    private readonly maps: Stage2Maps,
    proxy: M1n1Proxy,
  ) {
    this.#access = new WidthAccess(proxy);
  }

  /** Handler failures (the access goes on without that handler). */
  onError(listener: (error: HvError) => void): Disposable {
    return this.#errors.add(listener);
  }

  /**
   * Registers `handler` on [start, start+size) in `mode`. The mapping changes at the next
   * stage-2 update (the end of the current callback, or the guest start). Dispose to remove.
   */
  register(start: bigint, size: bigint, mode: MmioMode, handler: MmioHandler, ident = `mmio#${this.#next++}`): Disposable {
    const value = MODE_VALUE[mode];
    if (value === undefined) throw new HvError(HvErrorCode.BAD_ARGUMENT, `unknown MMIO mode '${String(mode)}'`, { hint: `use one of ${Object.keys(MODE_VALUE).join(', ')}` });
    if (value === TraceMode.HOOK) {
      for (const e of this.maps.entries) {
        if (e.mode === TraceMode.HOOK && e.start < start + size && e.end > start && e.ident !== ident) {
          throw new HvError(HvErrorCode.MMIO_CONFLICT, `${ident}: ${hex(start)}+${hex(size)} overlaps the HOOK range of ${e.ident}`, { hint: 'only one handler can supply the values of a range; use sync mode to observe it' });
        }
      }
    }
    this.#handlers.set(ident, { ident, mode: value, handler });
    const read = Boolean(handler.onRead ?? handler.read);
    const write = Boolean(handler.onWrite ?? handler.write);
    this.maps.add(start, size, ident, value, { read, write });
    return {
      dispose: () => {
        this.maps.remove(start, size, ident);
        if (!this.maps.entries.some((e) => e.ident === ident)) this.#handlers.delete(ident);
      },
    };
  }

  #at(addr: bigint): Registration[] {
    const out: Registration[] = [];
    for (const e of this.maps.at(addr)) {
      const r = this.#handlers.get(e.ident);
      if (r) out.push(r);
    }
    return out;
  }

  /** EVT_MMIOTRACE (§10.5, §10.7 "asynchronous event dispatch"). Bad payloads are reported, not thrown. */
  async onTraceEvent(payload: Uint8Array): Promise<void> {
    if (payload.length < MMIO_TRACE_EVENT_SIZE) {
      this.#report(new HvError(HvErrorCode.MMIO, `EVT_MMIOTRACE of ${payload.length} bytes, expected ${MMIO_TRACE_EVENT_SIZE}`));
      return;
    }
    const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const flags = v.getUint32(0, true);
    const event = eventFrom(flags, v.getBigUint64(16, true), v.getBigUint64(24, true), v.getBigUint64(8, true), (flags >>> MmioFlags.CPU_SHIFT) & 0xff, 'trace');
    for (const r of this.#at(event.addr)) {
      if (r.mode === TraceMode.OFF) continue;
      if (r.mode > TraceMode.WSYNC || (event.write && r.mode > TraceMode.UNBUF)) {
        this.#report(new HvError(HvErrorCode.MMIO, `${r.ident}: trace event at ${hex(event.addr)} but the range is mapped ${modeName(r.mode)}`));
        continue;
      }
      await this.#call(r, event.write ? 'onWrite' : 'onRead', () => (event.write ? r.handler.onWrite?.(event) : r.handler.onRead?.(event)));
    }
  }

  /**
   * A HOOK_VM with id 0 (§10.6): serve the access per the top mode and notify the others.
   * Resolves with the words to store in the hook buffer for a read (null for a write).
   */
  async onHook(a: HookAccess): Promise<bigint[] | null> {
    const regs = this.#at(a.addr);
    const top = regs[0];
    if (!top || (top.mode !== TraceMode.HOOK && top.mode !== TraceMode.SYNC && top.mode !== TraceMode.WSYNC)) {
      throw new HvError(HvErrorCode.MMIO, `HOOK_VM at ${hex(a.addr)} but ${top ? `the range is mapped ${modeName(top.mode)}` : 'nothing is registered there'}`, { hint: 'a stale stage-2 mapping; the next update fixes it' });
    }
    const bits = 8 << a.widthLog2;
    const words = Math.max(1, 1 << Math.max(0, a.widthLog2 - 3));
    const context: MmioAccessContext = { cpu: a.cpu, pc: a.pc };
    let notify = regs;
    let value: bigint[] = a.data.slice(0, words);
    if (!a.write) {
      if (top.mode === TraceMode.WSYNC) throw new HvError(HvErrorCode.MMIO, `HOOK_VM read at ${hex(a.addr)} in a wsync range (reads are not hooked there)`);
      if (top.mode === TraceMode.HOOK && top.handler.read) {
        const v = await this.#call(top, 'read', () => top.handler.read!(a.addr, bits, context));
        value = toWords(v ?? 0n, words);
        notify = regs.slice(1);
      } else {
        if (top.mode === TraceMode.HOOK) notify = regs.slice(1);
        value = toWords(await this.#access.read(a.addr, bits as AccessWidth), words);
      }
    } else if (top.mode === TraceMode.HOOK) {
      notify = regs.slice(1);
    }
    for (let i = 0; i < words; i++) {
      const flags = a.widthLog2 > 3 ? (a.flags & ~MmioFlags.WIDTH_MASK) | 3 | MmioFlags.MULTI : a.flags;
      const event = eventFrom(flags, a.addr + BigInt(8 * i), value[i] ?? 0n, a.pc, a.cpu, 'hook');
      for (const r of notify) await this.#call(r, a.write ? 'onWrite' : 'onRead', () => (a.write ? r.handler.onWrite?.(event) : r.handler.onRead?.(event)));
    }
    if (!a.write) return value;
    const wval = a.widthLog2 <= 3 ? value[0]! : value; // §15.13: scalar up to 64 bits
    if (top.mode === TraceMode.HOOK && top.handler.write) await this.#call(top, 'write', () => top.handler.write!(a.addr, wval, bits, context));
    else if (Array.isArray(wval)) await this.#access.write(a.addr, wval, bits as 128 | 256 | 512);
    else await this.#access.write(a.addr, wval, bits as 8 | 16 | 32 | 64);
    return null;
  }

  async #call<T>(r: Registration, what: string, f: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (cause) {
      this.#report(new HvError(HvErrorCode.MMIO, `MMIO handler ${r.ident} (${what}) threw: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }));
      return undefined;
    }
  }

  #report(error: HvError): void {
    if (this.#errors.size === 0) process.emitWarning(error);
    else this.#errors.emit(error);
  }
}

function eventFrom(flags: number, addr: bigint, value: bigint, pc: bigint, cpu: number, source: 'trace' | 'hook'): MmioEvent {
  const log2 = flags & MmioFlags.WIDTH_MASK;
  return { addr, widthBytes: 1 << Math.min(log2, 3), write: (flags & MmioFlags.WRITE) !== 0, value, pc, cpu, multi: (flags & MmioFlags.MULTI) !== 0, flags, source };
}

function toWords(v: bigint | bigint[], count: number): bigint[] {
  const list = Array.isArray(v) ? v : [v];
  return Array.from({ length: count }, (_, i) => BigInt.asUintN(64, list[i] ?? 0n));
}

function modeName(mode: number): string {
  return Object.entries(TraceMode).find(([, v]) => v === mode)?.[0] ?? String(mode);
}

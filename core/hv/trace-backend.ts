// Layer: core/hv. The plugin host's TraceBackend (core/plugin/backend.ts) over a Hypervisor: the
// ADT the host read, ranges traced through MmioDispatch (spec §10.5–§10.7), AIC IRQ tracing
// (§10.8), hardware / memory reads while the guest waits, and the plugins' output to a sink.
// One `seq` counter numbers every event handed to a plugin. Imports core/plugin (types),
// core/formats/adt, core/proxy, core/util and this folder.
//
// Trapped system registers (watchSysregs) come from the exception loop (§9.12), those the firmware
// forwards; the fast-IPI registers it serves itself (§9.5) cannot be watched from the host.
//
// IRQ tracing and an MMIO tracer on the AIC exclude each other in m1n1: P_HV_TRACE_IRQ makes the
// firmware hook the AIC (the host marks the range RESERVED, §10.8), so MMIO traces of the AIC
// stop. When a plugin traces the AIC's EVENT register itself, this backend therefore derives the
// IRQ-trace events from those EVENT reads — what m1n1's AIC hook does in the firmware — and
// leaves the AIC to the MMIO tracer. Otherwise it asks the hypervisor (sync() before start).

import { adtRegPhys, findNode, type AdtNode } from '../formats/adt/index.ts';
import type { IrqTraceRequest, MmioEvent as PluginMmioEvent, MmioReply, SysregWatchRequest, TraceBackend, TraceMode, TraceOutputEvent, TraceRangeRequest } from '../plugin/backend.ts';
import { WidthAccess, type AccessWidth, type ScalarWidth, type WideWidth } from '../proxy/width-access.ts';
import { Listeners, type Disposable } from '../util/disposable.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import { FIRMWARE_SERVED_SYSREGS } from './handlers/sysreg-trap.ts';
import type { Hypervisor } from './hypervisor.ts';
import type { MmioEvent, MmioHandler, MmioMode } from './mmio-dispatch.ts';

/** Plugin trace modes → the dispatcher's (§10.7). */
const MODE: Record<TraceMode, MmioMode> = { async: 'async', unbuffered: 'unbuf', sync: 'sync', hook: 'hook' };

/** AIC1 EVENT register (apple-devices §2.3): die[31:24] type[23:16] num[15:0]; type 1 = hardware IRQ. */
const AIC_EVENT = 0x2004n;
const AIC_EVENT_HW = 1;

interface IrqReg {
  readonly req: IrqTraceRequest;
  disposed: boolean;
  /** 'hv': P_HV_TRACE_IRQ asked; 'mmio': derived from an MMIO tracer's EVENT reads; null: not yet decided. */
  via: 'hv' | 'mmio' | null;
}

export class HvTraceBackend implements TraceBackend {
  readonly adt: AdtNode;
  #seq = 0;
  readonly #irqs: IrqReg[] = [];
  readonly #ranges = new Set<TraceRangeRequest>();
  readonly #errors = new Listeners<[HvError]>();
  readonly #access: WidthAccess;
  readonly #aicEvent: bigint | undefined;
  readonly #subs: Disposable[] = [];
  #pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly hv: Hypervisor,
    private readonly sink: (ev: TraceOutputEvent) => void,
  ) {
    this.adt = hv.info.adt;
    this.#access = new WidthAccess(hv.proxy);
    const aic = findNode(this.adt, '/arm-io/aic');
    this.#aicEvent = aic?.has('reg') ? adtRegPhys(aic, 0).addr + AIC_EVENT : undefined;
    this.#subs.push(hv.onIrqTrace((e) => this.#deliverIrq('hv', e.type, e.irq, undefined)));
  }

  /** The last sequence number handed out (every event kind shares the counter). */
  get seq(): number {
    return this.#seq;
  }

  /** Failures of this backend's own work (IRQ-trace requests, hardware accesses for hooks). */
  onError(listener: (error: HvError) => void): Disposable {
    return this.#errors.add(listener);
  }

  traceRange(req: TraceRangeRequest): Disposable {
    const mode = MODE[req.mode];
    if (!mode) throw new HvError(HvErrorCode.BAD_ARGUMENT, `${req.owner}: unknown trace mode '${String(req.mode)}'`, { hint: `use one of ${Object.keys(MODE).join(', ')}` });
    const reg = this.hv.mmio.register(req.base, req.size, mode, this.#handler(req), req.owner);
    this.#ranges.add(req);
    return {
      dispose: () => {
        this.#ranges.delete(req);
        reg.dispose();
      },
    };
  }

  traceIrq(req: IrqTraceRequest): Disposable {
    const r: IrqReg = { req, disposed: false, via: null };
    this.#irqs.push(r);
    // Before the guest starts, sync() decides; later, ask now (the change applies at the next tick).
    if (this.hv.state === 'running') this.#pending = this.#pending.then(() => this.#apply(r));
    return {
      dispose: () => {
        r.disposed = true;
        // Once the guest has left the hypervisor there is nothing to untrace (and maybe no link).
        if (r.via === 'hv' && this.hv.state !== 'exited') this.#pending = this.#pending.then(() => this.hv.traceIrq(req.first, req.count, false).catch((e: unknown) => this.#report(e, `${req.owner}: stopping IRQ trace`)));
      },
    };
  }

  /**
   * Trapped MSR/MRS of `req.keys` (after the host served them, §9.12): the value written or the
   * one the guest read, with its CPU and PC. Only traps the firmware forwards show up (§9.5,
   * §9.12): e.g. the shadowed debug registers, not the fast-IPI ones (apple-devices §2.5), which
   * the firmware serves itself — a notice says so.
   */
  watchSysregs(req: SysregWatchRequest): Disposable {
    const keys = new Set(req.keys);
    // Say so once for the ones the firmware keeps (§9.5): without it, their silence looks like "no access".
    const unseen = req.keys.flatMap((k) => FIRMWARE_SERVED_SYSREGS.get(k) ?? []);
    if (unseen.length > 0) {
      this.sink({
        plugin: req.owner,
        kind: 'plugin-notice',
        fields: { registers: unseen },
        line: `[${req.owner}] ${unseen.join(', ')}: served by the m1n1 firmware without the host (m1n1-protocol §9.5); their accesses cannot be traced`,
        severity: 'info',
      });
    }
    const sub = this.hv.loop.onSysregAccess((a) => {
      if (!keys.has(a.key)) return;
      try {
        req.onAccess({ seq: ++this.#seq, cpu: a.cpu, pc: a.pc, key: a.key, write: a.write, value: a.value });
      } catch (err) {
        this.#report(err, `${req.owner}: system register handler`);
      }
    });
    this.#subs.push(sub);
    return sub;
  }

  /** Applies the IRQ-trace requests made so far (proxy ops); call after loading plugins, before hv.start(). */
  async sync(): Promise<void> {
    for (const r of this.#irqs) if (r.via === null && !r.disposed) this.#pending = this.#pending.then(() => this.#apply(r));
    await this.#pending;
  }

  async #apply(r: IrqReg): Promise<void> {
    if (r.disposed || r.via !== null) return;
    if (this.#aicTraced()) {
      r.via = 'mmio';
      return;
    }
    try {
      await this.hv.traceIrq(r.req.first, r.req.count);
      r.via = 'hv';
    } catch (err) {
      this.#report(err, `${r.req.owner}: IRQ trace of ${r.req.first}..${r.req.first + r.req.count - 1}`);
    }
  }

  /** Some live range reads the AIC's EVENT register (so its reads reach us). */
  #aicTraced(): boolean {
    const a = this.#aicEvent;
    return a !== undefined && [...this.#ranges].some((q) => q.read && a >= q.base && a < q.base + q.size);
  }

  #deliverIrq(via: 'hv' | 'mmio', type: number, num: number, cpu: number | undefined): void {
    const regs = this.#irqs.filter((r) => !r.disposed && r.via === via && num >= r.req.first && num < r.req.first + r.req.count);
    if (regs.length === 0) return;
    const ev = { seq: ++this.#seq, type, num, ...(cpu === undefined ? {} : { cpu }) };
    for (const r of regs) {
      try {
        r.req.onIrq(ev);
      } catch (err) {
        this.#report(err, `${r.req.owner}: IRQ handler`);
      }
    }
  }

  /** After an EVENT read was handed to the MMIO tracers: the derived IRQ-trace event (§10.8). */
  #afterAccess(e: MmioEvent): void {
    if (e.write || e.addr !== this.#aicEvent) return;
    const v = Number(e.value & 0xffffffffn);
    if (((v >>> 16) & 0xff) === AIC_EVENT_HW) this.#deliverIrq('mmio', AIC_EVENT_HW, v & 0xffff, e.cpu);
  }

  #event(e: MmioEvent): PluginMmioEvent {
    return { seq: ++this.#seq, cpu: e.cpu, pc: e.pc, addr: e.addr, width: e.widthBytes, write: e.write, value: e.value, ...(e.multi ? { multi: true } : {}) };
  }

  #handler(req: TraceRangeRequest): MmioHandler {
    const notify = async (e: MmioEvent, wait: boolean): Promise<void> => {
      const reply = req.onAccess(this.#event(e));
      if (wait) await reply;
      else if (reply instanceof Promise) reply.catch((err: unknown) => this.#report(err, `${req.owner}: handler`));
      this.#afterAccess(e);
    };
    if (req.mode !== 'hook') {
      const wait = req.mode === 'sync';
      return {
        ...(req.read ? { onRead: (e: MmioEvent) => notify(e, wait) } : {}),
        ...(req.write ? { onWrite: (e: MmioEvent) => notify(e, wait) } : {}),
      };
    }
    // Hook mode (§10.6): the plugin's reply decides. Reads: the hardware value first (so the
    // plugin sees what the device said), the reply replaces it. Writes: the reply alters or drops.
    // The events carry the CPU and PC of the guest's load/store (the HOOK_VM session's, §10.6).
    const hook: MmioHandler = {};
    if (req.read) {
      hook.read = async (addr, bits, { cpu, pc }) => {
        const hw = await this.#access.read(addr, bits as AccessWidth);
        const words = Array.isArray(hw) ? hw : [hw];
        let reply: MmioReply;
        for (let i = 0; i < words.length; i++) {
          const e: MmioEvent = { addr: addr + BigInt(8 * i), widthBytes: Math.min(8, bits / 8), write: false, value: words[i]!, cpu, pc, multi: words.length > 1, flags: 0, source: 'hook' };
          reply = (await req.onAccess(this.#event(e))) ?? reply;
          this.#afterAccess(e);
        }
        if (reply && 'value' in reply) return Array.isArray(hw) ? [reply.value, ...words.slice(1)] : reply.value;
        return hw;
      };
    }
    if (req.write) {
      hook.write = async (addr, value, bits, { cpu, pc }) => {
        const words = Array.isArray(value) ? value : [value];
        let reply: MmioReply;
        for (let i = 0; i < words.length; i++) {
          const e: MmioEvent = { addr: addr + BigInt(8 * i), widthBytes: Math.min(8, bits / 8), write: true, value: words[i]!, cpu, pc, multi: words.length > 1, flags: 0, source: 'hook' };
          reply = (await req.onAccess(this.#event(e))) ?? reply;
        }
        if (reply && 'drop' in reply) return;
        const out = reply && 'value' in reply ? (Array.isArray(value) ? [reply.value, ...words.slice(1)] : reply.value) : value;
        if (Array.isArray(out)) await this.#access.write(addr, out, bits as WideWidth);
        else await this.#access.write(addr, out as bigint, bits as ScalarWidth);
      };
    }
    return hook;
  }

  /** Guest memory, while the guest waits in a callback or is not running (§6.4 bulk read). */
  async readMemory(addr: bigint, size: number): Promise<Uint8Array> {
    this.#checkStopped('readMemory', addr);
    return this.hv.link.client.memRead(addr, size);
  }

  /** A hardware register (§1.4 non-cached), same rule. */
  async readMmio(addr: bigint, width: number): Promise<bigint> {
    this.#checkStopped('readMmio', addr);
    if (![1, 2, 4, 8].includes(width)) throw new HvError(HvErrorCode.BAD_ARGUMENT, `readMmio width ${width} at ${hex(addr)}`, { hint: 'widths are 1, 2, 4 or 8 bytes' });
    return (await this.#access.read(addr, (width * 8) as 8 | 16 | 32 | 64)) as bigint;
  }

  #checkStopped(what: string, addr: bigint): void {
    if (this.hv.state === 'running' && !this.hv.loop.inCallback) {
      throw new HvError(HvErrorCode.BAD_STATE, `${what} at ${hex(addr)}: the target is running`, { hint: 'read from a sync or hook handler, while the guest waits' });
    }
  }

  output(ev: TraceOutputEvent): void {
    this.sink(ev);
  }

  dispose(): void {
    for (const s of this.#subs) s.dispose();
  }

  #report(err: unknown, what: string): void {
    const e = err instanceof HvError ? err : new HvError(HvErrorCode.MMIO, `${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    if (this.#errors.size === 0) process.emitWarning(e);
    else this.#errors.emit(e);
  }
}

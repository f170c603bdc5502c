// Layer: core/plugin. The context object a plugin's handlers receive (api.ts MmioContext): one per
// attached device, reused for every event (the host sets the current event before each call, and
// the plugin's serial queue guarantees one event at a time). Imports core/plugin only.

import type { AdtNode } from '../formats/adt/index.ts';
import type { LogOptions, MmioContext } from './api.ts';
import type { DeviceInfo } from './api.ts';
import type { MmioEvent, TraceBackend, TraceOutputEvent } from './backend.ts';
import { PluginError, PluginErrorCode } from './errors.ts';
import { mmioLine } from './regmap-format.ts';
import type { RegHit } from './regmap.ts';

/** What the host keeps per (plugin, device) across reloads (§1.3: state and cache per ident). */
export interface DeviceStore {
  state: unknown;
  /** §1.4 register cache: physical address → last value seen. */
  readonly cache: Map<bigint, bigint>;
}

/** The services a context needs from its plugin instance. */
export interface ContextHost {
  readonly plugin: string;
  readonly adt: AdtNode;
  readonly verbosity: number;
  readonly config: Readonly<Record<string, unknown>>;
  output(ev: TraceOutputEvent): void;
  dep(name: string): unknown;
  /** Address of register name[index] in the device's first mapped range (undefined: no map). */
  addressOf(device: DeviceInfo, name: string, index?: number | readonly number[]): bigint | undefined;
  traceIrq(ctx: HandlerContext, name: string, first: number, count: number): boolean;
  readonly backend: TraceBackend;
}

const NO_EVENT: MmioEvent = Object.freeze({ seq: -1, cpu: -1, pc: 0n, addr: 0n, width: 4, write: false, value: 0n });

export class HandlerContext implements MmioContext<unknown> {
  readonly device: DeviceInfo;
  readonly store: DeviceStore;
  private readonly host: ContextHost;

  event: MmioEvent = NO_EVENT;
  reg: RegHit | undefined = undefined;
  offset = 0;
  index = -1;
  indices: readonly number[] = [];
  /** Whether the host already printed the generic line for this event. */
  accessPrinted = false;
  /** The guest waits on this access (sync/hook range): hardware reads are allowed (§1.4). */
  synchronous = false;
  /** CPU / PC / seq attached to output (from the MMIO, IRQ or sysreg event being handled). */
  private cur: { cpu?: number; pc?: bigint; seq?: number } = {};

  constructor(host: ContextHost, device: DeviceInfo, store: DeviceStore) {
    this.host = host;
    this.device = device;
    this.store = store;
  }

  get plugin(): string {
    return this.host.plugin;
  }
  get adt(): AdtNode {
    return this.host.adt;
  }
  get state(): unknown {
    return this.store.state;
  }
  get config(): Readonly<Record<string, unknown>> {
    return this.host.config;
  }
  get verbosity(): number {
    return this.host.verbosity;
  }

  beginMmio(ev: MmioEvent, hit: RegHit | undefined, offset: number, synchronous: boolean): void {
    this.event = ev;
    this.synchronous = synchronous;
    this.reg = hit;
    this.offset = offset;
    const idx = hit?.index;
    this.indices = idx === undefined ? [] : typeof idx === 'number' ? [idx] : idx;
    this.index = this.indices.length > 0 ? this.indices[0]! : -1;
    this.accessPrinted = false;
    this.cur = ev;
  }

  /** For IRQ, sysreg and setup calls: output carries this event's cpu/pc/seq (or none). */
  beginOther(cur: { cpu?: number; pc?: bigint; seq?: number }): void {
    this.event = NO_EVENT;
    this.synchronous = false;
    this.reg = undefined;
    this.indices = [];
    this.index = -1;
    this.cur = cur;
  }

  log(text: string, options: LogOptions = {}): void {
    if (this.host.verbosity < (options.level ?? 0)) return;
    this.host.output({
      plugin: this.host.plugin,
      device: this.device.path,
      kind: options.kind ?? 'log',
      fields: options.fields ?? {},
      cpu: options.at ? options.at.cpu : this.cur.cpu,
      pc: options.at ? options.at.pc : this.cur.pc,
      seq: options.at ? options.at.seq : this.cur.seq,
      line: `[${this.host.plugin}] ${text}`,
      severity: 'info',
    });
  }

  dep<T>(name: string): T {
    return this.host.dep(name) as T;
  }

  cached(name: string, index?: number | readonly number[]): bigint | undefined {
    const addr = this.host.addressOf(this.device, name, index);
    if (addr === undefined) return undefined;
    const v = this.store.cache.get(addr);
    if (v === undefined) this.log(`RegCache: no cache for 0x${addr.toString(16)}`, { kind: 'cache-miss', level: 1, fields: { addr } });
    return v;
  }

  async read(name: string, index?: number | readonly number[]): Promise<bigint | undefined> {
    const addr = this.host.addressOf(this.device, name, index);
    if (addr === undefined) return undefined;
    const backend = this.host.backend;
    if (!this.synchronous || !backend.readMmio) return this.store.cache.get(addr);
    const width = this.event.width === 8 ? 8 : 4;
    const v = await backend.readMmio(addr, width);
    this.store.cache.set(addr, v);
    return v;
  }

  readMemory(addr: bigint, size: number): Promise<Uint8Array> {
    const backend = this.host.backend;
    if (!backend.readMemory) {
      return Promise.reject(new PluginError(PluginErrorCode.UNSUPPORTED, `${this.host.plugin}: this backend cannot read guest memory`, { plugin: this.host.plugin, hint: 'memory reads need a live hypervisor session' }));
    }
    return backend.readMemory(addr, size);
  }

  readMmio(addr: bigint, width: number): Promise<bigint> {
    const backend = this.host.backend;
    if (!backend.readMmio) {
      return Promise.reject(new PluginError(PluginErrorCode.UNSUPPORTED, `${this.host.plugin}: this backend cannot read device registers`, { plugin: this.host.plugin, hint: 'register reads need a live hypervisor session' }));
    }
    return backend.readMmio(addr, width);
  }

  traceIrq(name: string, first: number, count: number): boolean {
    return this.host.traceIrq(this, name, first, count);
  }

  mmioLine(): string {
    return mmioLine(this.event, this.reg);
  }

  /** The generic MMIO line as a structured `mmio` event. */
  emitAccess(): void {
    const ev = this.event;
    this.accessPrinted = true;
    this.log(mmioLine(ev, this.reg), {
      kind: 'mmio',
      fields: { reg: this.reg?.display, addr: ev.addr, offset: this.offset, width: ev.width, write: ev.write, value: ev.value },
    });
  }

  logAccess(level = 0): void {
    if (this.accessPrinted || this.host.verbosity < level) return;
    this.emitAccess();
  }
}

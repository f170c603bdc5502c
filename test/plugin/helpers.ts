// Test helpers for the plugin host and the tracer plugins: an in-test TraceBackend (the interface
// core/hv implements) that plays a guest's accesses as MMIO / IRQ-trace / sysreg events with
// sequence numbers, and a small j274-like ADT written from spec apple-devices §9.2–9.5.

import {
  buildAdt,
  encodeString,
  encodeStringList,
  encodeU32,
  encodeU32Array,
  encodeU64Array,
  type AdtNode,
  type AdtNodeSpec,
} from '../../core/formats/adt/index.ts';
import type {
  IrqTraceRequest,
  MmioReply,
  SysregWatchRequest,
  TraceBackend,
  TraceMode,
  TraceOutputEvent,
  TraceRangeRequest,
} from '../../core/plugin/backend.ts';
import type { Disposable } from '../../core/util/disposable.ts';
import type { LifecycleEvent, LifecycleKind, PluginHost } from '../../core/plugin/host.ts';

export const AIC_BASE = 0x23b100000n;
export const GPIO_BASE = 0x23c100000n;
export const AIC_PHANDLE = 10;
export const GPIO_PHANDLE = 11;

const reg = (bus: bigint, size: bigint): Uint8Array => encodeU64Array([bus, size]);

/** A device node under /arm-io (bus address = physical − 0x200000000, §9.3). */
function dev(name: string, props: Record<string, Uint8Array>, children?: AdtNodeSpec[]): AdtNodeSpec {
  return { name, props, ...(children ? { children } : {}) };
}

export interface AdtOptions {
  /** Root compatible (default j274's: J274AP, Macmini9,1, AppleARM). */
  compatible?: string[];
  /** Name of the AIC node (default `aic`). */
  aicName?: string;
  /** Extra /arm-io children. */
  extra?: AdtNodeSpec[];
  /** Omit /cpus. */
  noCpus?: boolean;
}

/** The j274 tree as far as the GPIO and AIC tracers read it (§9.4, §9.5, §9.6). */
export function j274Adt(options: AdtOptions = {}): AdtNode {
  const irqParent = encodeU32(AIC_PHANDLE);
  const cpus: AdtNodeSpec[] = [];
  for (let i = 0; i < 8; i++) {
    const cluster = i >> 2;
    cpus.push({
      name: `cpu${i}`,
      props: {
        device_type: encodeString('cpu'),
        compatible: encodeStringList([i < 4 ? 'apple,icestorm' : 'apple,firestorm', 'ARM,v8']),
        reg: encodeU32((cluster << 8) | (i & 3)),
        'cpu-id': encodeU32(i),
        'cluster-id': encodeU32(cluster),
        'AAPL,phandle': encodeU32(100 + i),
      },
    });
  }
  return buildAdt({
    name: 'device-tree',
    props: {
      '#address-cells': encodeU32(2),
      '#size-cells': encodeU32(2),
      compatible: encodeStringList(options.compatible ?? ['J274AP', 'Macmini9,1', 'AppleARM']),
      'target-type': encodeString(options.compatible ? 'Other' : 'J274'),
    },
    children: [
      {
        name: 'arm-io',
        props: {
          compatible: encodeStringList(['arm-io,t8103']),
          '#address-cells': encodeU32(2),
          '#size-cells': encodeU32(2),
          ranges: encodeU64Array([0n, 0x200000000n, 0x80000000n]),
        },
        children: [
          dev(options.aicName ?? 'aic', { compatible: encodeStringList(['aic,1']), reg: reg(0x3b100000n, 0x8000n), 'AAPL,phandle': encodeU32(AIC_PHANDLE) }),
          dev('gpio', {
            compatible: encodeStringList(['gpio,t8103']),
            reg: reg(0x3c100000n, 0x100000n),
            interrupts: encodeU32Array([190, 191, 192, 193, 194, 195, 196]),
            'interrupt-parent': irqParent,
            'AAPL,phandle': encodeU32(GPIO_PHANDLE),
          }),
          dev('uart0', { reg: reg(0x35200000n, 0x4000n), interrupts: encodeU32Array([605]), 'interrupt-parent': irqParent, 'AAPL,phandle': encodeU32(12) }),
          dev('dart-dcp', { compatible: encodeStringList(['dart,t8020']), reg: reg(0x3130c000n, 0x4000n), interrupts: encodeU32Array([445]), 'interrupt-parent': irqParent, 'AAPL,phandle': encodeU32(13) }),
          dev('dart-disp0', { compatible: encodeStringList(['dart,t8020']), reg: reg(0x31304000n, 0x4000n), interrupts: encodeU32Array([445]), 'interrupt-parent': irqParent, 'AAPL,phandle': encodeU32(14) }),
          ...(options.extra ?? []),
        ],
      },
      ...(options.noCpus ? [] : [{ name: 'cpus', props: { '#address-cells': encodeU32(1), '#size-cells': encodeU32(0) }, children: cpus }]),
    ],
  });
}

export interface Registration {
  readonly req: TraceRangeRequest;
  disposed: boolean;
}

export interface AccessOptions {
  cpu?: number;
  pc?: bigint;
  width?: number;
  multi?: boolean;
}

/**
 * An in-process TraceBackend: registrations are recorded, and the test plays the guest's
 * accesses with read()/write(), IRQ-trace records with irq(), system-register traps with msr().
 */
export class TestBackend implements TraceBackend {
  readonly adt: AdtNode;
  readonly outputs: TraceOutputEvent[] = [];
  readonly ranges: Registration[] = [];
  readonly irqs: Array<{ req: IrqTraceRequest; disposed: boolean }> = [];
  readonly sysregWatches: Array<{ req: SysregWatchRequest; disposed: boolean }> = [];
  seq = 0;
  watchSysregs?: (req: SysregWatchRequest) => Disposable;
  /** Hardware reads (§1.4): what the "device" answers, and a log of the reads made. */
  readMmio?: (addr: bigint, width: number) => Promise<bigint>;
  readonly hwReads: bigint[] = [];

  constructor(adt: AdtNode = j274Adt(), options: { sysregs?: boolean; hardware?: (addr: bigint) => bigint } = {}) {
    this.adt = adt;
    const hw = options.hardware;
    if (hw) {
      this.readMmio = async (addr) => {
        this.hwReads.push(addr);
        return hw(addr);
      };
    }
    if (options.sysregs !== false) {
      this.watchSysregs = (req) => {
        const w = { req, disposed: false };
        this.sysregWatches.push(w);
        return { dispose: () => void (w.disposed = true) };
      };
    }
  }

  traceRange(req: TraceRangeRequest): Disposable {
    const r: Registration = { req, disposed: false };
    this.ranges.push(r);
    return { dispose: () => void (r.disposed = true) };
  }

  traceIrq(req: IrqTraceRequest): Disposable {
    const r = { req, disposed: false };
    this.irqs.push(r);
    return { dispose: () => void (r.disposed = true) };
  }

  output(ev: TraceOutputEvent): void {
    this.outputs.push(ev);
  }

  /** Live registrations. */
  active(): TraceRangeRequest[] {
    return this.ranges.filter((r) => !r.disposed).map((r) => r.req);
  }

  modeAt(addr: bigint): TraceMode | undefined {
    return this.active().find((r) => addr >= r.base && addr < r.base + r.size)?.mode;
  }

  /** One guest access; every live range covering addr gets the event (undefined reply if none). */
  access(addr: bigint, write: boolean, value: bigint, o: AccessOptions = {}): MmioReply | Promise<MmioReply> {
    const seq = ++this.seq;
    const ev = { seq, cpu: o.cpu ?? 0, pc: o.pc ?? 0xfffffe0007001000n + BigInt(seq) * 4n, addr, width: o.width ?? 4, write, value, ...(o.multi ? { multi: true } : {}) };
    let reply: MmioReply | Promise<MmioReply> = undefined;
    for (const r of this.active()) if (addr >= r.base && addr < r.base + r.size) reply = r.onAccess(ev) ?? reply;
    return reply;
  }

  read(addr: bigint, value: bigint, o?: AccessOptions): MmioReply | Promise<MmioReply> {
    return this.access(addr, false, value, o);
  }

  write(addr: bigint, value: bigint, o?: AccessOptions): MmioReply | Promise<MmioReply> {
    return this.access(addr, true, value, o);
  }

  /** An EVT_IRQTRACE record for a traced IRQ (§10.8). */
  irq(num: number, cpu?: number): void {
    const seq = ++this.seq;
    for (const r of this.irqs) if (!r.disposed && num >= r.req.first && num < r.req.first + r.req.count) r.req.onIrq({ seq, type: 1, num, ...(cpu === undefined ? {} : { cpu }) });
  }

  /** A trapped MSR (write) or MRS (read) of a watched system register. */
  msr(key: number, write: boolean, value: bigint, cpu = 0): void {
    const seq = ++this.seq;
    for (const w of this.sysregWatches) if (!w.disposed && w.req.keys.includes(key)) w.req.onAccess({ seq, cpu, pc: 0xfffffe0007002000n, key, write, value });
  }

  /** Human lines, optionally only of one plugin and severity. */
  lines(filter: { plugin?: string; severity?: 'info' | 'error'; kind?: string } = {}): string[] {
    return this.outputs
      .filter((o) => (filter.plugin === undefined || o.plugin === filter.plugin) && (filter.severity === undefined || o.severity === filter.severity) && (filter.kind === undefined || o.kind === filter.kind))
      .map((o) => o.line);
  }

  /** Trace lines only (no host reports), and forgets them. */
  take(plugin?: string): string[] {
    const out = this.outputs.filter((o) => o.severity === 'info' && !o.kind.startsWith('plugin-') && (plugin === undefined || o.plugin === plugin)).map((o) => o.line);
    this.outputs.length = 0;
    return out;
  }
}

/** Resolves with the next lifecycle event of `plugin` whose kind is one of `kinds`. */
export function nextLifecycle(host: PluginHost, plugin: string, kinds: readonly LifecycleKind[], limitMs = 15_000): Promise<LifecycleEvent> {
  return new Promise((resolve, reject) => {
    // The file watcher is not persistent (a daemon never waits on it alone), so this timer also
    // keeps the test's event loop alive until the watcher reports the edit.
    const timer = setTimeout(() => {
      d.dispose();
      reject(new Error(`no ${kinds.join('/')} event for plugin ${plugin} within ${limitMs} ms`));
    }, limitMs);
    const d = host.onLifecycle((e) => {
      if (e.plugin === plugin && kinds.includes(e.kind)) {
        clearTimeout(timer);
        d.dispose();
        resolve(e);
      }
    });
  });
}

/** A promise with its resolve function exposed (to hold an async handler mid-event). */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

// Layer: core/plugin. One loaded plugin at run time: the devices it is attached to, the ranges it
// registered with the backend, and the dispatch of each event to its handlers (spec
// apple-devices §1.3 "Handler dispatch"). A new version is swapped in through the plugin's serial
// queue, so it takes over exactly between two events; state and cache stay with the host; ranges
// are re-registered only when they changed. A throwing handler is reported with the event and
// fenced off; too many errors in the window disable the plugin. Imports core/plugin and
// core/formats/adt.

import { adtReg, adtRegPhys, findCompatible, findNode, type AdtNode } from '../formats/adt/index.ts';
import type { Disposable } from '../util/disposable.ts';
import type { AnyPluginDefinition, DeviceInfo, HandlerResult, RangeSpec } from './api.ts';
import type { IrqTraceEvent, MmioEvent, MmioReply, SysregEvent, TraceBackend, TraceMode, TraceOutputEvent } from './backend.ts';
import { HandlerContext, type ContextHost, type DeviceStore } from './context.ts';
import { ErrorBudget, type ErrorBudgetOptions } from './error-budget.ts';
import { describeThrown, PluginError, PluginErrorCode } from './errors.ts';
import { decodeReg, type CompiledRegMap } from './regmap.ts';
import { SerialQueue } from './serial-queue.ts';

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';
const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** A planned trace range (what gets registered with the backend). */
interface RangePlan {
  readonly device: string;
  readonly spec: RangeSpec;
  readonly base: bigint;
  readonly size: bigint;
  readonly mapBase: bigint;
  readonly mode: TraceMode;
  readonly useMap: boolean;
  readonly read: boolean;
  readonly write: boolean;
  /** Equal keys = same registration; a reload keeps it. */
  readonly key: string;
}

interface RangeRuntime {
  plan: RangePlan;
  registration: Disposable;
}

interface DeviceRuntime {
  readonly info: DeviceInfo;
  readonly ctx: HandlerContext;
  ranges: RangeRuntime[];
  irqRegs: Disposable[];
}

/** A validated version of the plugin with everything computed that could fail. */
export interface PreparedVersion {
  readonly def: AnyPluginDefinition;
  readonly map: CompiledRegMap | undefined;
  readonly devices: readonly DeviceInfo[];
  readonly plans: readonly RangePlan[];
}

export interface InstanceOptions {
  readonly backend: TraceBackend;
  readonly config: Readonly<Record<string, unknown>>;
  /** The host's store for this plugin: ADT path → state and cache. */
  readonly stores: Map<string, DeviceStore>;
  readonly budget?: ErrorBudgetOptions;
  readonly dep: (name: string) => unknown;
  /** Every output (trace lines and reports) goes here. */
  readonly output: (ev: TraceOutputEvent) => void;
  readonly onDisabled?: (reason: string) => void;
}

function deviceInfo(node: AdtNode): DeviceInfo {
  const regs: Array<{ addr: bigint; size: bigint }> = [];
  let count = 0;
  try {
    count = node.has('reg') ? adtReg(node).length : 0;
  } catch {
    count = 0;
  }
  for (let i = 0; i < count; i++) regs.push(adtRegPhys(node, i));
  return { path: node.path, name: node.name, node, regs };
}

/** Resolves the devices and ranges of `def` against `adt`; throws ATTACH_FAILED (nothing changes). */
export function prepareVersion(def: AnyPluginDefinition, map: CompiledRegMap | undefined, adt: AdtNode): PreparedVersion {
  const selectors = Array.isArray(def.attach) ? def.attach : [def.attach];
  const nodes: AdtNode[] = [];
  for (const s of selectors) {
    const found = 'path' in s ? [findNode(adt, s.path)].filter((n): n is AdtNode => n !== undefined) : findCompatible(adt, s.compatible, { prefix: s.prefix });
    for (const n of found) if (!nodes.includes(n)) nodes.push(n);
  }
  const want = selectors.map((s) => ('path' in s ? s.path : `compatible ${s.compatible}`)).join(', ');
  if (nodes.length === 0) {
    throw new PluginError(PluginErrorCode.ATTACH_FAILED, `${def.name}: no device in the ADT matches ${want}`, {
      hint: 'check the path/compatible against `hvdbg adt` output (spec apple-devices §9)',
      plugin: def.name,
    });
  }
  const devices = nodes.map((n) => {
    try {
      return deviceInfo(n);
    } catch (err) {
      throw new PluginError(PluginErrorCode.ATTACH_FAILED, `${def.name}: cannot read reg of ${n.path}: ${describeThrown(err)}`, { plugin: def.name, cause: err });
    }
  });
  const plans: RangePlan[] = [];
  for (const d of devices) {
    for (const spec of def.ranges ?? [{ reg: 0 }]) {
      const r = d.regs[spec.reg];
      if (!r) {
        throw new PluginError(PluginErrorCode.ATTACH_FAILED, `${def.name}: ${d.path} has no reg[${spec.reg}]`, {
          hint: `it has ${d.regs.length} reg entr${d.regs.length === 1 ? 'y' : 'ies'}`,
          plugin: def.name,
        });
      }
      const mode = spec.mode ?? def.mode ?? 'async';
      const useMap = spec.regmap !== false && map !== undefined;
      const read = spec.read ?? true;
      const write = spec.write ?? true;
      const mapBase = r.addr - BigInt(spec.regmapOffset ?? 0);
      plans.push({ device: d.path, spec, base: r.addr, size: r.size, mapBase, mode, useMap, read, write, key: [d.path, hex(r.addr), hex(r.size), hex(mapBase), mode, useMap, read, write].join('|') });
    }
  }
  return { def, map, devices, plans };
}

/** Fills keys the old state lacks from the new initial state (the default migration). */
function mergeState(old: unknown, initial: unknown): unknown {
  if (old === undefined) return initial;
  if (typeof old !== 'object' || old === null || typeof initial !== 'object' || initial === null || Array.isArray(old)) return old;
  const o = old as Record<string, unknown>;
  for (const [k, v] of Object.entries(initial)) if (!(k in o)) o[k] = v;
  return old;
}

export class PluginInstance implements ContextHost {
  readonly queue = new SerialQueue();
  readonly budget: ErrorBudget;
  def: AnyPluginDefinition;
  map: CompiledRegMap | undefined;
  verbosity: number;
  disabled = false;
  /** Unloaded: late events from the backend are ignored. */
  private closed = false;
  private devices = new Map<string, DeviceRuntime>();
  private sysregReg: Disposable | undefined;
  private readonly opts: InstanceOptions;

  /** Attaches the first version (call through the host; throws on setup failure). */
  constructor(version: PreparedVersion, opts: InstanceOptions) {
    this.opts = opts;
    this.def = version.def;
    this.map = version.map;
    this.verbosity = version.def.verbosity ?? 0;
    this.budget = new ErrorBudget(opts.budget);
    this.apply(version);
  }

  get plugin(): string {
    return this.def.name;
  }
  get adt(): AdtNode {
    return this.opts.backend.adt;
  }
  get config(): Readonly<Record<string, unknown>> {
    return this.opts.config;
  }
  get backend(): TraceBackend {
    return this.opts.backend;
  }
  output(ev: TraceOutputEvent): void {
    this.opts.output(ev);
  }
  dep(name: string): unknown {
    return this.opts.dep(name);
  }

  /** Attached devices (ADT paths). */
  devicePaths(): string[] {
    return [...this.devices.keys()];
  }

  deviceInfos(): DeviceInfo[] {
    return [...this.devices.values()].map((d) => d.info);
  }

  /** The registered ranges, for listings. */
  rangeSummary(): Array<{ device: string; base: bigint; size: bigint; mode: TraceMode }> {
    return [...this.devices.values()].flatMap((d) => d.ranges.map((r) => ({ device: d.info.path, base: r.plan.base, size: r.plan.size, mode: r.plan.mode })));
  }

  /** Swaps `version` in between two events; resolves once it is active. */
  swap(version: PreparedVersion): Promise<void> {
    return Promise.resolve(this.queue.run(() => this.apply(version)));
  }

  /** Stops every registration (unload). */
  close(): void {
    this.teardownAll();
    this.closed = true;
    for (const d of this.devices.values()) this.detachDevice(d);
    this.devices.clear();
    this.sysregReg?.dispose();
    this.sysregReg = undefined;
  }

  addressOf(device: DeviceInfo, name: string, index?: number | readonly number[]): bigint | undefined {
    const rt = this.devices.get(device.path);
    const range = rt?.ranges.find((r) => r.plan.useMap);
    if (!range || !this.map) return undefined;
    return range.plan.mapBase + BigInt(this.map.offsetOf(name, index));
  }

  traceIrq(ctx: HandlerContext, name: string, first: number, count: number): boolean {
    const backend = this.opts.backend;
    const rt = this.devices.get(ctx.device.path);
    if (!backend.traceIrq || !rt) return false;
    rt.irqRegs.push(
      backend.traceIrq({
        owner: `${this.plugin}@${ctx.device.path}`,
        name,
        first,
        count,
        onIrq: (ev) => void this.queue.run(() => this.handleOther(rt, ev, 'onIrq', () => this.def.onIrq?.(ev, rt.ctx))),
      }),
    );
    return true;
  }

  private teardownAll(): void {
    if (!this.def.teardown) return;
    for (const rt of this.devices.values()) {
      rt.ctx.beginOther({});
      try {
        this.def.teardown(rt.ctx);
      } catch (err) {
        this.handlerFailed(rt, 'teardown', undefined, err);
      }
    }
  }

  private detachDevice(d: DeviceRuntime): void {
    for (const r of d.ranges) r.registration.dispose();
    for (const r of d.irqRegs) r.dispose();
    d.ranges = [];
    d.irqRegs = [];
  }

  /** Makes `version` current: devices, state migration, ranges (only the changed ones), setup. */
  private apply(version: PreparedVersion): void {
    const { def } = version;
    if (this.devices.size > 0) this.teardownAll();
    const wasDisabled = this.disabled;
    this.def = def;
    this.map = version.map;
    this.disabled = false;
    this.budget.reset();
    const keep = new Set(version.devices.map((d) => d.path));
    for (const [path, d] of this.devices) {
      if (!keep.has(path)) {
        this.detachDevice(d);
        this.devices.delete(path);
      }
    }
    for (const info of version.devices) {
      let store = this.opts.stores.get(info.path);
      const initial = def.state?.();
      if (!store) {
        store = { state: initial, cache: new Map() };
        this.opts.stores.set(info.path, store);
      } else {
        store.state = def.migrate ? def.migrate(store.state) : mergeState(store.state, initial);
      }
      let rt = this.devices.get(info.path);
      if (!rt) {
        rt = { info, ctx: new HandlerContext(this, info, store), ranges: [], irqRegs: [] };
        this.devices.set(info.path, rt);
      }
      const plans = version.plans.filter((p) => p.device === info.path);
      const wanted = new Set(plans.map((p) => p.key));
      // A disabled plugin gave up its registrations; otherwise keep what is unchanged (§10.7:
      // every re-registration re-maps the zone, which a reload should not cost needlessly).
      const kept = wasDisabled ? [] : rt.ranges.filter((r) => wanted.has(r.plan.key));
      for (const r of rt.ranges) if (!kept.includes(r)) r.registration.dispose();
      const have = new Set(kept.map((r) => r.plan.key));
      rt.ranges = [...kept, ...plans.filter((p) => !have.has(p.key)).map((p) => this.register(rt!, p))];
      for (const r of rt.irqRegs) r.dispose();
      rt.irqRegs = [];
    }
    this.sysregReg?.dispose();
    this.sysregReg = undefined;
    const first = this.devices.values().next().value;
    if (def.sysregs?.length && def.onSysreg && first) {
      const backend = this.opts.backend;
      if (!backend.watchSysregs) {
        this.report('plugin-notice', `${def.name} asked for system register traps, which this backend does not offer; continuing without them`, {}, 'info');
      } else {
        this.sysregReg = backend.watchSysregs({
          owner: def.name,
          keys: def.sysregs,
          onAccess: (ev) => void this.queue.run(() => this.handleOther(first, ev, 'onSysreg', () => this.def.onSysreg?.(ev, first.ctx))),
        });
      }
    }
    for (const rt of this.devices.values()) {
      if (!def.setup) continue;
      rt.ctx.beginOther({});
      try {
        def.setup(rt.ctx);
      } catch (err) {
        this.handlerFailed(rt, 'setup', undefined, err);
      }
    }
  }

  private register(rt: DeviceRuntime, plan: RangePlan): RangeRuntime {
    const runtime: RangeRuntime = { plan, registration: { dispose: () => undefined } };
    runtime.registration = this.opts.backend.traceRange({
      owner: `${this.plugin}@${rt.info.path}`,
      base: plan.base,
      size: plan.size,
      mode: plan.mode,
      read: plan.read,
      write: plan.write,
      onAccess: (ev) => this.queue.run(() => this.handleMmio(rt, runtime, ev)),
    });
    return runtime;
  }

  /** §1.3 dispatch of one event: cache, lookup, generic line, named handler, whole-range handler. */
  private handleMmio(rt: DeviceRuntime, range: RangeRuntime, ev: MmioEvent): MmioReply | Promise<MmioReply> {
    if (this.disabled || this.closed) return undefined;
    const def = this.def;
    const { plan } = range;
    rt.ctx.store.cache.set(ev.addr, ev.value);
    const offset = Number(ev.addr - plan.mapBase);
    const hit = plan.useMap ? this.map?.lookup(offset) : undefined;
    const ctx = rt.ctx;
    ctx.beginMmio(ev, hit, offset, plan.mode === 'sync' || plan.mode === 'hook');
    const v = this.verbosity;
    if (v >= 3 || (v >= 1 && !hit && (plan.useMap || !def.onAccess))) ctx.emitAccess();
    const handlers = hit ? def.handlers?.[hit.name] : undefined;
    const fn = handlers ? (ev.write ? handlers.write : handlers.read) : undefined;
    if (!fn && hit && v === 2 && !ctx.accessPrinted) ctx.emitAccess();
    const where = hit && fn ? `${hit.name}.${ev.write ? 'write' : 'read'}` : 'onAccess';
    const accept = (r: HandlerResult): MmioReply => {
      if (plan.mode !== 'hook' || !r) return undefined;
      if ('drop' in r && r.drop === true) return ev.write ? r : undefined;
      return 'value' in r && typeof r.value === 'bigint' ? r : undefined;
    };
    const fail = (err: unknown, name: string): undefined => {
      this.handlerFailed(rt, name, ev, err);
      return undefined;
    };
    const whole = (named: HandlerResult): MmioReply | Promise<MmioReply> => {
      if (!def.onAccess || this.disabled) return accept(named);
      try {
        const r = def.onAccess(ev, ctx);
        if (isThenable(r)) return Promise.resolve(r).then((x) => accept(named ?? x), (e) => fail(e, 'onAccess'));
        return accept(named ?? r);
      } catch (err) {
        return fail(err, 'onAccess');
      }
    };
    if (!fn || !hit) return whole(undefined);
    try {
      const r = fn.call(handlers, decodeReg(hit.cls, ev.value), ctx);
      if (isThenable(r)) return Promise.resolve(r).then(whole, (e) => fail(e, where));
      return whole(r);
    } catch (err) {
      return fail(err, where);
    }
  }

  private handleOther(rt: DeviceRuntime, ev: IrqTraceEvent | SysregEvent, name: string, call: () => unknown): void {
    if (this.disabled || this.closed) return;
    rt.ctx.beginOther({ cpu: ev.cpu, pc: 'pc' in ev ? ev.pc : undefined, seq: ev.seq });
    try {
      call();
    } catch (err) {
      this.handlerFailed(rt, name, ev, err);
    }
  }

  private report(kind: string, text: string, fields: Record<string, unknown>, severity: 'info' | 'error', ev?: { seq?: number; cpu?: number; pc?: bigint }): void {
    this.opts.output({ plugin: this.plugin, kind, fields, cpu: ev?.cpu, pc: ev?.pc, seq: ev?.seq, line: `[${this.plugin}] ${text}`, severity });
  }

  private handlerFailed(rt: DeviceRuntime, handler: string, ev: MmioEvent | IrqTraceEvent | SysregEvent | undefined, err: unknown): void {
    const what = !ev ? 'during setup' : 'addr' in ev ? `on ${ev.write ? 'W' : 'R'}.${ev.width} ${hex(ev.addr)} = ${hex(ev.value)}` : 'num' in ev ? `on IRQ ${ev.num}` : `on ${ev.write ? 'MSR' : 'MRS'} key ${hex(BigInt(ev.key))} = ${hex(ev.value)}`;
    const where = ev ? ` (seq ${ev.seq}${ev.cpu === undefined ? '' : `, cpu${ev.cpu}`})` : '';
    const message = describeThrown(err);
    this.report('plugin-error', `${handler} threw ${what}${where}: ${message}`, { device: rt.info.path, handler, error: message, stack: err instanceof Error ? err.stack : undefined, event: ev }, 'error', ev ?? {});
    if (!this.disabled && this.budget.record()) this.disable(`${this.budget.max} errors within ${this.budget.windowMs} ms`);
  }

  /** Stops tracing (the guest runs on without this plugin) until the next reload. */
  disable(reason: string): void {
    if (this.disabled) return;
    this.disabled = true;
    for (const d of this.devices.values()) this.detachDevice(d);
    this.sysregReg?.dispose();
    this.sysregReg = undefined;
    this.report('plugin-disabled', `disabled after ${reason}; the session runs on without it ('reload ${this.plugin}' re-enables it)`, { reason }, 'error');
    this.opts.onDisabled?.(reason);
  }
}

// Layer: core/plugin. What a tracer plugin is: an ES module whose default export is the object
// definePlugin() returns. A plugin declares the devices it attaches to (ADT path or compatible,
// apple-devices §9), its register map as data (regmap.ts), a trace mode per range (§1.6), and
// handlers by register name and direction or for whole ranges; the host owns its state and
// register cache per device, so both survive a reload (§1.3). Types plus definePlugin().
// Imports core/plugin (regmap, backend types) and core/formats/adt (types).

import type { AdtNode } from '../formats/adt/index.ts';
import type { HookReply, IrqTraceEvent, MmioEvent, SysregEvent, TraceMode } from './backend.ts';
import type { FieldNames, RegHit, RegMapDef, RegNames, RegValue } from './regmap.ts';

/** An ADT node by exact path (`/arm-io/gpio`) or by `compatible` (every match is attached). */
export type DeviceSelector = { readonly path: string } | { readonly compatible: string; readonly prefix?: boolean };

/** One traced window: a `reg` entry of the device (§1.3 ADTDevTracer REGMAPS). */
export interface RangeSpec {
  /** Index into the node's `reg`; the range is the whole [start, start+size). */
  readonly reg: number;
  /** Default: the plugin's `mode`. */
  readonly mode?: TraceMode;
  /** Decode with the plugin's regmap (default true); false = whole-range handler only. */
  readonly regmap?: boolean;
  /** §1.3 `(Class, regmap_offset)`: the map's base is `reg start − regmapOffset`. */
  readonly regmapOffset?: number;
  /** Directions to trace (default both; the cache sees only traced ones). */
  readonly read?: boolean;
  readonly write?: boolean;
}

/** The device a context belongs to. */
export interface DeviceInfo {
  /** ADT path, e.g. `/arm-io/gpio`. */
  readonly path: string;
  /** ADT node name, e.g. `gpio`. */
  readonly name: string;
  readonly node: AdtNode;
  /** Every `reg` entry translated to physical addresses (§9.1); missing entries are absent. */
  readonly regs: ReadonlyArray<{ readonly addr: bigint; readonly size: bigint }>;
}

export interface LogOptions {
  /** Structured event kind (default `log`). */
  readonly kind?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Minimum verbosity at which this line is emitted (default 0: always). */
  readonly level?: number;
  /**
   * The event the line is about, when it is not the one being handled (a dependent plugin's
   * decoder logging from inside another plugin's handler).
   */
  readonly at?: { readonly cpu?: number; readonly pc?: bigint; readonly seq?: number };
}

/** What every handler gets: the device, its state, output, dependencies. */
export interface DeviceContext<S> {
  readonly plugin: string;
  readonly device: DeviceInfo;
  /** The whole device tree. */
  readonly adt: AdtNode;
  /** The per-device state the host keeps across reloads. */
  readonly state: S;
  /** Options given at load time (`hvdbg run --tracer-config`, tests). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The plugin's current verbosity. */
  readonly verbosity: number;
  /**
   * Emits `[<plugin>] <text>` with structured fields, if verbosity ≥ level. CPU, PC and sequence
   * number come from the event being handled.
   */
  log(text: string, options?: LogOptions): void;
  /** The API another plugin (named in `needs`) exports. */
  dep<T>(name: string): T;
  /**
   * §1.4 cached read: the last value seen at `offset` (relative to reg[0]'s map base) or the
   * register `name[index]`; undefined (and a `RegCache: no cache for 0x…` line at verbosity ≥ 1)
   * when nothing was seen yet.
   */
  cached(name: string, index?: number | readonly number[]): bigint | undefined;
  /**
   * §1.4 non-cached read of register `name[index]`: from hardware (refreshing the cache) while the
   * guest waits on a sync/hook access, otherwise silently the cached value (undefined if none).
   */
  read(name: string, index?: number | readonly number[]): Promise<bigint | undefined>;
  /** Guest physical memory; only while the guest waits (sync/hook handlers). UNSUPPORTED if the backend cannot. */
  readMemory(addr: bigint, size: number): Promise<Uint8Array>;
  /**
   * A register of any device (a DART's TTBR for a table walk), as the hardware answers it; only
   * while the guest waits. UNSUPPORTED if the backend cannot.
   */
  readMmio(addr: bigint, width: number): Promise<bigint>;
  /**
   * Asks the backend to report deliveries of AIC IRQs [first, first+count) under `name`
   * (§1.7); false when the backend does not offer IRQ tracing. Registrations made during setup
   * are replaced on reload.
   */
  traceIrq(name: string, first: number, count: number): boolean;
}

/** The context of an MMIO event. */
export interface MmioContext<S> extends DeviceContext<S> {
  readonly event: MmioEvent;
  /** The register found at the event's offset, undefined when unknown or the range is raw. */
  readonly reg: RegHit | undefined;
  /** Offset from the map base. */
  readonly offset: number;
  /** First array index (−1 for a scalar). */
  readonly index: number;
  /** Every array index, e.g. [group, word] for GPIO IRQ_GROUP (empty for a scalar). */
  readonly indices: readonly number[];
  /** The generic line for this event (§1.3): `MMIO: W.4   PIN[12] = 0x20b (…)`. */
  mmioLine(): string;
  /** Emits the generic line at `level`, unless the host already did (verbosity ≥ 3). */
  logAccess(level?: number): void;
}

export type HandlerResult = HookReply | void | undefined;
export type Handler<S, F extends string> = (value: RegValue<F>, ctx: MmioContext<S>) => HandlerResult | Promise<HandlerResult>;

// Method syntax on purpose: a handler for a map's register must also fit the type-erased host view.
export interface RegHandlers<S, F extends string> {
  read?(value: RegValue<F>, ctx: MmioContext<S>): HandlerResult | Promise<HandlerResult>;
  write?(value: RegValue<F>, ctx: MmioContext<S>): HandlerResult | Promise<HandlerResult>;
}

/** The context the exported API factory gets. */
export interface ApiContext<S> {
  readonly plugin: string;
  readonly devices: readonly DeviceInfo[];
  /** State of a device by ADT path (the first device when omitted). */
  stateOf(path?: string): S | undefined;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface PluginDefinition<S = unknown, M extends RegMapDef = RegMapDef, A = unknown> {
  /** Lowercase, `[a-z][a-z0-9_-]*`; the human line prefix is `[<name>] `. */
  readonly name: string;
  readonly description?: string;
  /** Plugins that must be loaded first; their exported `api` is reachable with ctx.dep(name). */
  readonly needs?: readonly string[];
  readonly attach: DeviceSelector | readonly DeviceSelector[];
  readonly regmap?: M;
  /** Default `[{ reg: 0 }]`. */
  readonly ranges?: readonly RangeSpec[];
  /** Default trace mode of the ranges (default 'async'). */
  readonly mode?: TraceMode;
  /** Verbosity at first load (default 0); the user's setting survives reloads. */
  readonly verbosity?: number;
  /** Initial per-device state. */
  readonly state?: () => S;
  /**
   * Called with the state kept from the previous version on reload; default: the old state with
   * any key it lacks filled from the new initial state.
   */
  readonly migrate?: (old: unknown) => S;
  /** Per device, after attach and after every reload (derive tables from the ADT, trace IRQs). */
  readonly setup?: (ctx: DeviceContext<S>) => void;
  /** Per device, on unload and before a reload's setup: undo what setup registered elsewhere (a dependency's decoders). */
  readonly teardown?: (ctx: DeviceContext<S>) => void;
  /** Handlers by register name and direction; TypeScript rejects names the map lacks. */
  readonly handlers?: { readonly [N in RegNames<M>]?: RegHandlers<S, FieldNames<M, N>> };
  /** Called for every event of the plugin's ranges (after the named handler). */
  readonly onAccess?: (ev: MmioEvent, ctx: MmioContext<S>) => HandlerResult | Promise<HandlerResult>;
  /** IRQ trace events for the registrations made with ctx.traceIrq. */
  readonly onIrq?: (ev: IrqTraceEvent, ctx: DeviceContext<S>) => void;
  /** System registers to watch (packed keys) and their handler; needs backend.watchSysregs. */
  readonly sysregs?: readonly number[];
  readonly onSysreg?: (ev: SysregEvent, ctx: DeviceContext<S>) => void;
  /** What this plugin offers to plugins that name it in `needs`. */
  readonly api?: (ctx: ApiContext<S>) => A;
}

/** Identity function that gives a plugin module's default export its types. */
export function definePlugin<S, M extends RegMapDef, A = unknown>(def: PluginDefinition<S, M, A>): PluginDefinition<S, M, A> {
  return def;
}

/** Type-erased definition as the host handles it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginDefinition = PluginDefinition<any, RegMapDef, unknown>;

// Layer: core/hv. The m1n1 hypervisor host as one object: connect and prepare (§13.1–13.2), load
// a guest (§13.4), start it (§13.5) and serve its callbacks until it exits; events for console
// text, traces, stops and the exit. Imports core/link, core/transport, core/proxy,
// core/uartproxy, core/formats, core/util and this folder.

import { readFile } from 'node:fs/promises';
import { detectGuestImage, type DetectOptions, type GuestImage } from '../formats/guest-image.ts';
import { connect, type ConnectOptions, type Link } from '../link/connect.ts';
import { HostHeap } from '../proxy/host-heap.ts';
import { M1n1Proxy } from '../proxy/proxy.ts';
import { openTarget, type TargetTransport } from '../transport/open-target.ts';
import { EventType, Iodev } from '../uartproxy/constants.ts';
import { Listeners, type Disposable } from '../util/disposable.ts';
import { HvInitValues, IRQ_TRACE_EVENT_SIZE, TraceMode } from './constants.ts';
import { adtRegPhys, findNode } from '../formats/adt/index.ts';
import { AIC_EVENT_TYPE_HW } from '../proxy/constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import { ExceptionLoop, type GuestExit, type TrapKindStats } from './exception-loop.ts';
import { installCpuStartHooks } from './handlers/cpu-start.ts';
import { installPmgrPowerHooks } from './handlers/pmgr-power.ts';
import { registerDemoHypercalls } from './handlers/hypercall.ts';
import { describeLayout, layoutInput, mapGuestRam, uploadGuest, writeBootData, type LoadOptions, type LoadStats } from './guest-loader.ts';
import { planGuestLayout, type GuestLayout } from './guest-layout.ts';
import { CpuState, type HvHost } from './host.ts';
import { editGuestAdt, initHypervisor, readTargetInfo, type HvInitOptions, type TargetInfo } from './hv-init.ts';
import { Stage2Maps } from './maps.ts';
import { MmioDispatch } from './mmio-dispatch.ts';
import { CountingTransport, settleAll } from './round-trips.ts';
import { SysregExec } from './sysreg-exec.ts';
import type { StopEvent } from './trap-types.ts';

export interface HypervisorOptions extends ConnectOptions, HvInitOptions {
  /** The guest's serial console (the vuart's USB pipe 1, `/dev/m1n1-sec`, or what `hvdbg sim` prints as 'vuart:'). */
  vuart?: string;
}

export type ConsoleSource = 'vuart' | 'proxy' | 'hypercall';

export interface IrqTraceEvent {
  readonly type: number;
  readonly irq: number;
  readonly flags: number;
}

export interface LoadGuestOptions extends LoadOptions, DetectOptions {
  /** Command line in boot_args (§8.2, §13.3). */
  cmdline?: string;
  /** Name for messages (default: the path, or 'guest image'). */
  name?: string;
}

export interface LoadedGuest {
  readonly image: GuestImage;
  readonly layout: GuestLayout;
  readonly stats: LoadStats;
}

export type HvState = 'ready' | 'loaded' | 'running' | 'exited';

export class Hypervisor {
  readonly proxy: M1n1Proxy;
  readonly counter: CountingTransport;
  readonly maps: Stage2Maps;
  readonly mmio: MmioDispatch;
  readonly loop: ExceptionLoop;
  readonly host: HvHost;
  #state: HvState = 'ready';
  #guest: LoadedGuest | null = null;
  #cmdline = '';
  #exit: GuestExit | null = null;
  readonly #console = new Listeners<[Uint8Array, ConsoleSource]>();
  readonly #irqTraces = new Listeners<[IrqTraceEvent]>();
  readonly #logs = new Listeners<[string]>();
  readonly #exited = new Listeners<[GuestExit]>();
  readonly #subs: Disposable[] = [];

  private constructor(
    readonly link: Link,
    readonly info: TargetInfo,
    readonly sysregs: SysregExec,
    counter: CountingTransport,
    proxy: M1n1Proxy,
    private readonly vuart: TargetTransport | null,
  ) {
    this.counter = counter;
    this.proxy = proxy;
    this.maps = new Stage2Maps(proxy, sysregs);
    this.mmio = new MmioDispatch(this.maps, proxy);
    this.host = {
      proxy,
      link: link.client,
      sysregs,
      maps: this.maps,
      features: info.features,
      adt: info.adt,
      cpus: new Map(),
      log: (line) => this.#logs.emit(line),
    };
    this.loop = new ExceptionLoop(this.host, this.mmio, counter);
    registerDemoHypercalls(this.loop.hypercalls, (text) => this.#console.emit(text, 'hypercall'), () => this.loop.stopRequested || this.#state !== 'running');
    this.#subs.push(
      link.client.onCallback((m) => this.loop.handle(m)),
      link.client.onText((bytes) => this.#console.emit(bytes, 'proxy')),
      link.client.onEvent((type, payload) => this.#onEvent(type, payload)),
      this.loop.onGuestExit((e) => (this.#exit ??= e)),
    );
    if (vuart) this.#subs.push(vuart.onData((bytes) => this.#console.emit(bytes, 'vuart')));
  }

  /**
   * Connects to `target` (as `hvdbg run --target`, or an open Link), negotiates features, reads
   * boot_args and the ADT, and prepares the hypervisor (§13.1–13.2).
   */
  static async connect(target: string | Link, options: HypervisorOptions = {}): Promise<Hypervisor> {
    const link = typeof target === 'string' ? await connect(target, options) : target;
    let vuart: TargetTransport | null = null;
    try {
      await link.client.nop();
      const counter = new CountingTransport(link.client);
      const proxy = new M1n1Proxy(counter);
      const info = await readTargetInfo(proxy);
      const sysregs = await SysregExec.create(proxy);
      vuart = options.vuart ? await openTarget(options.vuart, { reconnect: false }) : null;
      const hv = new Hypervisor(link, info, sysregs, counter, proxy, vuart);
      await initHypervisor(proxy, sysregs, hv.maps, info, { ...options, log: options.log ?? ((line) => hv.#logs.emit(line)) });
      editGuestAdt(info.adt, info.iodev);
      return hv;
    } catch (err) {
      await vuart?.close().catch(() => undefined);
      if (typeof target === 'string') await link.close().catch(() => undefined);
      throw err;
    }
  }

  get state(): HvState {
    return this.#state;
  }

  get guest(): LoadedGuest | null {
    return this.#guest;
  }

  /** Round trips since connect, and per trap kind (count, round trips). */
  get stats(): { roundTrips: number; requests: number; traps: ReadonlyMap<string, TrapKindStats>; sysregAccesses: number } {
    return { roundTrips: this.counter.roundTrips, requests: this.counter.requests, traps: this.loop.stats, sysregAccesses: this.sysregs.stats.accesses };
  }

  /** Loads a guest file (ELF, Mach-O, Linux Image, gzip of any) and places it (§13.4). */
  async loadGuest(source: Uint8Array | string, options: LoadGuestOptions = {}): Promise<LoadedGuest> {
    if (this.#state !== 'ready') throw new HvError(HvErrorCode.BAD_STATE, `a guest is already ${this.#state}`, { hint: 'one guest per connection' });
    const bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
    const image = detectGuestImage(bytes, options.name ?? (typeof source === 'string' ? source : 'guest image'), options);
    const layout = planGuestLayout(image.plan, layoutInput(this.info, this.info.heapTop));
    const heap = new HostHeap(layout.hostHeapBase, Number(layout.hostHeapSize));
    this.proxy.useHeap(heap);
    this.#logs.emit(`hv: ${describeLayout(layout)}`);
    await mapGuestRam(this.proxy, this.maps, this.info, layout);
    const stats = await uploadGuest(this.proxy, heap, image.plan, layout, this.info, options);
    this.#guest = { image, layout, stats };
    this.#cmdline = options.cmdline ?? '';
    this.#state = 'loaded';
    return this.#guest;
  }

  /**
   * Starts the loaded guest (§13.5) and serves it until the hypervisor exits; resolves with the
   * exit (the power-off status, when the guest gave one). Callbacks are handled meanwhile.
   */
  async start(): Promise<GuestExit> {
    const guest = this.#guest;
    if (this.#state !== 'loaded' || !guest) throw new HvError(HvErrorCode.BAD_STATE, this.#state === 'ready' ? 'no guest loaded' : `the guest is ${this.#state}`, { hint: 'call loadGuest() first' });
    const p = this.proxy;
    // Step 2: the essential hooks (PMGR CPU start); step 3: every zone mapped, one burst.
    installPmgrPowerHooks(this.host, this.loop.hooks, this.info.iodev);
    installCpuStartHooks(this.host, this.loop.hooks, { chipId: this.info.chipId, entry: () => guest.layout.entry, onStarted: (cpu) => this.#logs.emit(`hv: cpu${cpu} started`) });
    const burst: Promise<unknown>[] = [];
    for (let iodev = Iodev.UART; iodev <= Iodev.USB7; iodev++) if (iodev !== this.info.iodev) burst.push(p.iodevSetUsage(iodev, 0));
    const bootData = writeBootData(p, this.info, guest.layout, this.#cmdline);
    // MDSCR.SS at P_HV_START: m1n1 hands this MDSCR_EL1 to every secondary it starts (§9.6), and
    // a CPU entering the guest with it set (PSTATE.SS clear) takes a step trap before its first
    // instruction (§9.11) — where the host writes the debugger's slots on it (DebugState.onStep).
    // The boot CPU takes one too; its handler puts MDSCR back.
    burst.push(this.sysregs.issue({ kind: 'write', reg: 'MDSCR_EL1', value: HvInitValues.MDSCR_STEP }));
    burst.push(this.maps.update(), bootData);
    await settleAll(burst);
    const bootArgs = await bootData;
    const boot = this.info.bootArgs;
    this.host.cpus.set(0, new CpuState({ index: 0, die: 0, cluster: 0, core: 0 }));
    this.#state = 'running';
    this.#logs.emit(`hv: starting the guest at ${hex(guest.layout.entry)} (boot_args ${hex(bootArgs)}, mem ${hex(boot.memSizeActual)})`);
    try {
      await p.hvStart(guest.layout.entry, bootArgs);
    } finally {
      this.#state = 'exited';
    }
    await this.loop.idle(); // the callback that ended the guest finishes its bookkeeping
    const exit = this.#exit ?? { status: undefined, why: 'the hypervisor exited', cpu: -1 };
    this.#exited.emit(exit);
    return exit;
  }

  /** Stops the running guest at its next hypervisor tick: a USER_INTERRUPT stop (§9.8). */
  interrupt(): void {
    if (this.#state !== 'running') throw new HvError(HvErrorCode.BAD_STATE, `the guest is not running (${this.#state})`);
    // The interrupt stays pending until a stop (§9.8: the host remembers it): the byte opens a
    // USER_INTERRUPT session — unless a session the target had already opened (its REQ_BOOT
    // still on the way) swallows the byte as noise (§3.1); then that session ends in the stop.
    this.loop.requestStop();
    if (!this.loop.inCallback) return this.link.client.sendInterrupt();
    // A CPU is in a session: stop it there. If that callback had already passed its check, the
    // request is left over once no callback is open: then interrupt the running guest.
    void this.loop.idle().then(() => {
      if (this.#state === 'running' && !this.loop.inCallback && this.loop.stopRequested) this.link.client.sendInterrupt();
    });
  }

  /**
   * Traces `count` AIC IRQs from `irq` (§10.8): EVT_IRQTRACE events reach onIrqTrace. The AIC's
   * registers become the firmware's (zone RESERVED, so stage-2 updates leave its hook alone).
   */
  async traceIrq(irq: number, count = 1, trace = true): Promise<void> {
    const aic = findNode(this.info.adt, '/arm-io/aic');
    if (!aic) throw new HvError(HvErrorCode.BOOTSTRAP, 'the ADT has no /arm-io/aic', { hint: 'IRQ tracing needs the AIC' });
    const reg = adtRegPhys(aic, 0);
    if (trace) this.maps.add(reg.addr, (reg.size + 3n) & ~3n, 'AIC_IRQ', TraceMode.RESERVED);
    const ok = await this.proxy.hvTraceIrq(AIC_EVENT_TYPE_HW, irq, count, trace);
    if (!ok) throw new HvError(HvErrorCode.BAD_ARGUMENT, `P_HV_TRACE_IRQ refused IRQs ${irq}..${irq + count - 1}`, { hint: 'check the IRQ numbers against the AIC (apple-devices §2)' });
  }

  onConsole(listener: (text: Uint8Array, source: ConsoleSource) => void): Disposable {
    return this.#console.add(listener);
  }

  onStopped(listener: (stop: StopEvent) => void): Disposable {
    return this.loop.onStopped(listener);
  }

  onExited(listener: (exit: GuestExit) => void): Disposable {
    return this.#exited.add(listener);
  }

  onIrqTrace(listener: (event: IrqTraceEvent) => void): Disposable {
    return this.#irqTraces.add(listener);
  }

  onLog(listener: (line: string) => void): Disposable {
    return this.#logs.add(listener);
  }

  onError(listener: (error: HvError) => void): Disposable {
    const a = this.loop.onError(listener);
    const b = this.mmio.onError(listener);
    return { dispose: () => (a.dispose(), b.dispose()) };
  }

  #onEvent(type: number, payload: Uint8Array): void {
    if (type === EventType.EVT_MMIOTRACE) {
      void this.mmio.onTraceEvent(payload);
      return;
    }
    if (type === EventType.EVT_IRQTRACE && payload.length >= IRQ_TRACE_EVENT_SIZE) {
      const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      this.#irqTraces.emit({ flags: v.getUint32(0, true), type: v.getUint16(4, true), irq: v.getUint16(6, true) });
    }
  }

  async close(): Promise<void> {
    for (const s of this.#subs) s.dispose();
    await this.vuart?.close().catch(() => undefined);
    await this.link.close();
  }
}

// Layer: sim/coproc (RTKit). A generic RTKit IOP firmware model behind an ASC mailbox
// (apple-devices §5): the management endpoint's boot handshake, power states, ping, the system
// endpoints' buffers (crashlog, syslog, ioreporting, oslog), syslog, crash on request, and
// application endpoints plugged in through RtkitAppEndpoint. Imports sim/devices (types),
// sim/coproc/asc and this folder.
//
// Timing is deterministic: every reaction of the firmware is scheduled `replyTicks` after its
// cause on the FirmwareClock (which stands still while CPU_CONTROL.RUN = 0). Decisions where the
// spec leaves room (§10.4), all model choices:
// - Boot: RUN 0→1 with the IOP off/asleep/crashed, or SET_IOP_POWER(INIT) while off/asleep, is a
//   cold boot → HELLO. SET_IOP_POWER(INIT) during the handshake is absorbed (m1n1 sends it right
//   after setting RUN); from QUIESCED it wakes straight to ON (IOP_POWER_ACK(0x20), Linux wake).
// - IOP_POWER_ACK(0x20) goes out once every announced system endpoint has been started and set up
//   (buffer replies received), or `powerAckFallbackTicks` after the last start when the AP starts
//   fewer of them.
// - A HELLO_ACK outside [min, max] is logged and ignored (the IOP keeps waiting).
// - PONG echoes PING's payload bits [51:0] (none are known, §5.2).
// - After a crash the IOP ignores every message until it is cold-booted.

import type { DeviceContext } from '../../devices/device.ts';
import type { AscCoprocessor, AscMailbox } from '../asc/asc.ts';
import { buildCrashDump } from './crash-dump.ts';
import type { RtkitAppEndpoint, RtkitEndpointIo } from './endpoint.ts';
import { RTKIT_DEFAULT_POWER_ACK_FALLBACK, RTKIT_DEFAULT_REPLY_TICKS, type RtkitOptions } from './rtkit-options.ts';
import { AppEndpoints } from './app-endpoints.ts';
import { FirmwareClock } from './firmware-clock.ts';
import { CRASHLOG, EP, bufferMessage, MGMT, POWER, START_EP_FLAG, SYSLOG, SYSTEM_EP_NAMES, epOf, field, mgmt, msgType, syslogInit } from './messages.ts';
import { DEFAULT_BUFFER_PAGES, SystemBuffer, type SystemBufferConfig, type SystemBufferKind } from './system-buffers.ts';
import { SyslogChannel } from './syslog.ts';
import { RtkitTransmitter } from './transmitter.ts';

export type { RtkitDma, RtkitOptions } from './rtkit-options.ts';

export type RtkitPhase = 'off' | 'hello' | 'epmap' | 'setup' | 'on' | 'crashed';

export class RtkitFirmware implements AscCoprocessor {
  readonly clock: FirmwareClock;
  private phaseValue: RtkitPhase = 'off';
  private iopPowerValue: number = POWER.OFF;
  private apPowerValue: number = POWER.OFF;
  private readonly versions: { min: number; max: number };
  private version = 0;
  private readonly apps: AppEndpoints;
  private readonly buffers = new Map<number, SystemBuffer>();
  readonly syslogChannel: SyslogChannel;
  private readonly epmapGroups: Array<{ base: number; bitmap: number }> = [];
  private epmapIndex = 0;
  private readonly startedSystem = new Set<number>();
  private readonly setupQueue: number[] = [];
  private setupBusy = false;
  private waitingBuffer: SystemBuffer | undefined;
  private powerFallback: { cancel(): void } | undefined;
  private readonly tx: RtkitTransmitter;
  private readonly replyTicks: bigint;
  private readonly mask: bigint;

  constructor(
    private readonly ctx: DeviceContext,
    asc: AscMailbox,
    private readonly options: RtkitOptions,
  ) {
    this.clock = new FirmwareClock(ctx);
    this.tx = new RtkitTransmitter(asc, () => this.clock.isRunning, () => ctx.now());
    this.versions = options.versions ?? { min: 11, max: 12 };
    this.replyTicks = options.replyTicks ?? RTKIT_DEFAULT_REPLY_TICKS;
    this.mask = options.ascDramMask ?? 0n;
    this.apps = new AppEndpoints(options.endpoints ?? [], (app) => this.endpointIo(app), (line) => this.log(line));
    const sl = options.syslog ?? {};
    this.syslogChannel = new SyslogChannel(sl.count ?? 0x40, sl.entrySize ?? 0x80, {
      write: (dva, bytes) => this.writeDva(dva, bytes),
      send: (msg0) => this.send(EP.SYSLOG, msg0),
      log: (line) => this.log(line),
    });
    for (const kind of options.systemEndpoints ?? (['crashlog', 'syslog', 'ioreporting', 'oslog'] as const)) {
      const cfg: SystemBufferConfig =
        kind === 'syslog' ? { pages: this.syslogChannel.pages, ...(sl.dva !== undefined ? { dva: sl.dva } : {}) } : (options.buffers?.[kind] ?? { pages: DEFAULT_BUFFER_PAGES[kind] });
      const b = new SystemBuffer(kind, cfg);
      this.buffers.set(b.endpoint, b);
    }
    this.buildEpmap();
    asc.attach(this);
  }

  get phase(): RtkitPhase {
    return this.phaseValue;
  }
  get iopPower(): number {
    return this.iopPowerValue;
  }
  get apPower(): number {
    return this.apPowerValue;
  }
  /** The version the AP chose in HELLO_ACK (0 before). */
  get negotiatedVersion(): number {
    return this.version;
  }
  /** Every endpoint the firmware announces in EPMAP, ascending. */
  get announcedEndpoints(): number[] {
    return [EP.MGMT, ...this.buffers.keys(), ...this.apps.numbers()].sort((a, b) => a - b);
  }
  /** The DVA of a system buffer once known. */
  bufferDva(kind: SystemBufferKind): bigint | undefined {
    for (const b of this.buffers.values()) if (b.kind === kind) return b.dva;
    return undefined;
  }

  /** Queues a syslog line (written and announced once syslog is up, §5.5). */
  syslog(context: string, message: string): void {
    this.syslogChannel.post({ context, message });
  }

  /** Makes the IOP crash on purpose (§5.6): dump into the crashlog buffer, then TYPE 1 on EP 1. */
  crash(reason = 'crash requested'): void {
    if (this.phaseValue === 'crashed') return;
    this.log(`crashing: ${reason}`);
    this.phaseValue = 'crashed';
    const buf = this.buffers.get(EP.CRASHLOG);
    if (!buf || buf.dva === undefined) {
      this.log('no crashlog buffer: the crash cannot be reported to the AP');
      return;
    }
    const dump = buildCrashDump({
      uuid: new Uint8Array(16).fill(0x5a),
      version: this.options.firmwareVersion ?? `RTKit-virtual (${this.options.name})`,
      message: reason,
      time: this.ctx.now(),
      mailbox: this.tx.mailboxLog,
    });
    try {
      this.writeDva(buf.dva, dump.subarray(0, Math.min(dump.length, buf.sizeBytes)));
    } catch (e) {
      this.log(`crash dump not written: ${(e as Error).message}`);
    }
    this.send(EP.CRASHLOG, bufferMessage(buf.pages, buf.dva));
  }

  // ---- AscCoprocessor ----

  run(): void {
    this.clock.resume();
    if (this.phaseValue === 'off' || this.phaseValue === 'crashed') this.coldBoot('CPU_CONTROL.RUN set');
    this.tx.flush();
  }

  halt(): void {
    this.clock.halt();
  }

  /** ASC reset: the IOP loses all state; the next RUN is a cold boot. */
  reset(): void {
    this.clock.halt();
    this.clock.clear();
    this.tx.clear();
    this.powerFallback = undefined;
    this.phaseValue = 'off';
    this.iopPowerValue = this.apPowerValue = POWER.OFF;
  }

  outboxSpace(): void {
    this.tx.flush();
  }

  receive(msg0: bigint, msg1: bigint): void {
    const ep = epOf(msg1);
    this.tx.record(ep, msg0);
    if (this.phaseValue === 'crashed') {
      this.log(`crashed: ignoring message ${hex(msg0)} on EP 0x${ep.toString(16)}`);
      return;
    }
    if (ep === EP.MGMT) this.management(msg0);
    else if (ep < EP.APP_FIRST) this.system(ep, msg0);
    else this.apps.deliver(ep, msg0);
  }

  // ---- boot ----

  private coldBoot(why: string): void {
    this.log(`cold boot (${why})`);
    this.clock.clear();
    this.powerFallback = undefined;
    this.tx.clear();
    this.phaseValue = 'hello';
    this.iopPowerValue = POWER.OFF;
    this.apPowerValue = POWER.OFF;
    this.version = 0;
    this.epmapIndex = 0;
    this.apps.clear();
    this.startedSystem.clear();
    this.setupQueue.length = 0;
    this.setupBusy = false;
    this.waitingBuffer = undefined;
    for (const b of this.buffers.values()) b.reset();
    this.syslogChannel.reset();
    for (const line of this.options.bootSyslog ?? []) this.syslogChannel.post(line);
    this.later(() => this.send(EP.MGMT, mgmt.hello(this.versions.min, this.versions.max)));
  }

  private buildEpmap(): void {
    const bitmaps = new Array<number>(8).fill(0);
    for (const ep of this.announcedEndpoints) bitmaps[ep >> 5] = (bitmaps[ep >> 5]! | (1 << (ep & 31))) >>> 0;
    bitmaps.forEach((bitmap, base) => {
      if (bitmap !== 0) this.epmapGroups.push({ base, bitmap });
    });
  }

  private sendEpmap(): void {
    const g = this.epmapGroups[this.epmapIndex]!;
    this.send(EP.MGMT, mgmt.epmap(g.base, g.bitmap, this.epmapIndex === this.epmapGroups.length - 1));
  }

  private management(msg0: bigint): void {
    const type = msgType(msg0);
    switch (type) {
      case MGMT.HELLO_ACK: {
        const min = Number(field(msg0, 15, 0));
        const max = Number(field(msg0, 31, 16));
        if (this.phaseValue !== 'hello') return this.log(`HELLO_ACK ${hex(msg0)} outside the handshake, ignored`);
        if (min > max || max < this.versions.min || max > this.versions.max || min < this.versions.min) {
          return this.log(`HELLO_ACK ${hex(msg0)}: version ${min}..${max} not in ${this.versions.min}..${this.versions.max}, ignored`);
        }
        this.version = max;
        this.phaseValue = 'epmap';
        this.epmapIndex = 0;
        return this.later(() => this.sendEpmap());
      }
      case MGMT.EPMAP: {
        const base = Number(field(msg0, 34, 32));
        const g = this.epmapGroups[this.epmapIndex];
        if (this.phaseValue !== 'epmap' || !g || g.base !== base) return this.log(`EPMAP_ACK ${hex(msg0)} unexpected, ignored`);
        this.epmapIndex++;
        if (this.epmapIndex < this.epmapGroups.length) return this.later(() => this.sendEpmap());
        this.phaseValue = 'setup';
        return this.maybePowerOn(); // arms the fallback in case the AP starts no system endpoint
      }
      case MGMT.START_EP:
        return this.startEndpoint(Number(field(msg0, 39, 32)), Number(field(msg0, 1, 0)));
      case MGMT.SET_IOP_POWER:
        return this.setIopPower(Number(field(msg0, 15, 0)));
      case MGMT.SET_AP_POWER: {
        const state = Number(field(msg0, 15, 0));
        return this.later(() => {
          this.apPowerValue = state;
          this.send(EP.MGMT, mgmt.apPowerAck(state));
          this.syslogChannel.setApPowerOn(state === POWER.ON);
        });
      }
      case MGMT.PING:
        return this.later(() => this.send(EP.MGMT, mgmt.pong(msg0)));
      default:
        return this.log(`management: unknown message ${hex(msg0)} (TYPE 0x${type.toString(16)}), ignored`);
    }
  }

  private setIopPower(state: number): void {
    const booting = this.phaseValue === 'hello' || this.phaseValue === 'epmap' || this.phaseValue === 'setup';
    if (state === POWER.INIT) {
      if (booting) return; // absorbed: the handshake answers it (§5.3 m1n1 order)
      if (this.phaseValue === 'off' || this.iopPowerValue === POWER.OFF || this.iopPowerValue === POWER.SLEEP) return this.coldBoot('SET_IOP_POWER(INIT)');
      return this.later(() => {
        this.iopPowerValue = POWER.ON;
        this.send(EP.MGMT, mgmt.iopPowerAck(POWER.ON));
      });
    }
    if (state !== POWER.ON && state !== POWER.QUIESCED && state !== POWER.SLEEP && state !== POWER.OFF) {
      return this.log(`SET_IOP_POWER(0x${state.toString(16)}): unknown state, ignored`);
    }
    if (booting) return this.log(`SET_IOP_POWER(0x${state.toString(16)}) during boot, ignored`);
    this.later(() => {
      this.iopPowerValue = state;
      this.send(EP.MGMT, mgmt.iopPowerAck(state));
      // Asleep or off, the IOP loses its context: the next start is a cold boot.
      if (state === POWER.SLEEP || state === POWER.OFF) this.phaseValue = 'off';
    });
  }

  private startEndpoint(ep: number, flag: number): void {
    const name = this.endpointName(ep);
    if (this.phaseValue !== 'setup' && this.phaseValue !== 'on') return this.log(`START_EP ${name} before the endpoint map was acknowledged, ignored`);
    if (flag === START_EP_FLAG.STOP) {
      this.apps.stop(ep);
      return this.log(`endpoint ${name} stopped`);
    }
    if ((flag & START_EP_FLAG.START) === 0) return this.log(`START_EP ${name} with FLAG ${flag}, ignored`);
    if (this.apps.has(ep)) {
      this.log(`endpoint ${name} started`);
      return this.apps.start(ep);
    }
    const buf = this.buffers.get(ep);
    if (!buf) return this.log(`START_EP for endpoint 0x${ep.toString(16)} which was not announced, ignored`);
    if (this.startedSystem.has(ep)) return this.log(`endpoint ${name} started again, ignored`);
    this.startedSystem.add(ep);
    this.setupQueue.push(ep);
    this.powerFallback?.cancel();
    this.powerFallback = undefined;
    this.kickSetup();
  }

  private kickSetup(): void {
    if (this.setupBusy || this.waitingBuffer) return;
    this.setupBusy = true;
    this.later(() => {
      this.setupBusy = false;
      this.runSetup();
    });
  }

  /** §5.3 step 3: one endpoint at a time; a DVA-0 request waits for the AP's reply. */
  private runSetup(): void {
    while (!this.waitingBuffer) {
      const ep = this.setupQueue.shift();
      if (ep === undefined) break;
      const buf = this.buffers.get(ep)!;
      this.send(ep, buf.request());
      if (!buf.preallocated) {
        this.waitingBuffer = buf;
        return;
      }
      this.bufferReady(buf);
    }
    if (!this.waitingBuffer && this.setupQueue.length === 0) this.maybePowerOn();
  }

  private bufferReady(buf: SystemBuffer): void {
    if (buf.kind === 'syslog') {
      this.send(EP.SYSLOG, syslogInit(this.syslogChannel.count, this.syslogChannel.entrySize));
      this.syslogChannel.ready(buf.dva!);
    }
  }

  private maybePowerOn(): void {
    if (this.phaseValue !== 'setup') return;
    const all = [...this.buffers.keys()].every((ep) => this.startedSystem.has(ep));
    const powerOn = (): void => {
      if (this.phaseValue !== 'setup') return;
      this.phaseValue = 'on';
      this.iopPowerValue = POWER.ON;
      this.send(EP.MGMT, mgmt.iopPowerAck(POWER.ON));
    };
    if (all) return this.later(powerOn);
    this.powerFallback ??= this.clock.after(this.options.powerAckFallbackTicks ?? RTKIT_DEFAULT_POWER_ACK_FALLBACK, () => {
      this.powerFallback = undefined;
      if (this.setupQueue.length === 0 && !this.waitingBuffer) powerOn();
    });
  }

  // ---- system and application endpoints ----

  private system(ep: number, msg0: bigint): void {
    const buf = this.buffers.get(ep);
    if (!buf) return this.log(`message ${hex(msg0)} for system endpoint 0x${ep.toString(16)} which was not announced, dropped`);
    if (!this.startedSystem.has(ep)) return this.log(`message ${hex(msg0)} for ${buf.kind} before START_EP, dropped`);
    if (this.waitingBuffer === buf && buf.isReply(msg0)) {
      if (!buf.acceptReply(msg0)) return this.log(`${buf.kind}: buffer reply ${hex(msg0)} without an address, ignored`);
      this.waitingBuffer = undefined;
      return this.later(() => {
        this.bufferReady(buf);
        this.runSetup();
      });
    }
    if (ep === EP.CRASHLOG && (msg0 === CRASHLOG.TRIGGER_SOFT || msg0 === CRASHLOG.TRIGGER_HARD)) {
      const kind = msg0 === CRASHLOG.TRIGGER_SOFT ? 'soft' : 'hard';
      return this.later(() => this.crash(`${kind} crash requested by the AP`));
    }
    if (ep === EP.SYSLOG && msgType(msg0) === SYSLOG.LOG) return this.syslogChannel.ack(msg0);
    this.log(`${buf.kind}: message ${hex(msg0)} ignored`);
  }

  private endpointIo(app: RtkitAppEndpoint): RtkitEndpointIo {
    return {
      send: (msg) => this.send(app.endpoint, msg),
      readIova: (iova, length) => this.options.dma.read(this.stripMask(iova), length),
      writeIova: (iova, bytes) => this.options.dma.write(this.stripMask(iova), bytes),
      now: () => this.ctx.now(),
      schedule: (at, fn) => this.clock.schedule(at, fn),
      log: (line) => this.ctx.log(`${this.options.name}/${app.name}: ${line}`),
    };
  }

  // ---- plumbing ----

  private stripMask(dva: bigint): bigint {
    return dva & ~this.mask;
  }

  private writeDva(dva: bigint, bytes: Uint8Array): void {
    this.options.dma.write(this.stripMask(dva), bytes);
  }

  private later(fn: () => void): void {
    this.clock.after(this.replyTicks, fn);
  }

  private send(ep: number, msg0: bigint): void {
    this.tx.send(ep, msg0);
  }

  private endpointName(ep: number): string {
    const n = SYSTEM_EP_NAMES[ep] ?? this.apps.name(ep);
    return n ? `0x${ep.toString(16)} (${n})` : `0x${ep.toString(16)}`;
  }

  private log(line: string): void {
    this.ctx.log(`${this.options.name}/rtkit: ${line}`);
  }
}

function hex(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

// Layer: sim/firmware, the virtual m1n1's uartproxy loop (spec §3.1, §4, §9.4). Imports
// core/uartproxy constants and checksum, core/transport and core/util types, sim/memory and this
// folder. Nothing on the host side imports this: the daemon reaches it only through bytes.
//
// One FirmwareProxy is the firmware side of one proxy iodev. Sessions nest as in m1n1:
// runTopLevel() is the startup loop; an op handler (say a future P_HV_START running the guest)
// may call runCallbackSession(), which announces itself with REQ_BOOT and serves requests until
// one returns an exit code; the outer op replies only when its handler resolves. Exactly one
// session reads at a time: the innermost. While a handler runs and no nested session reads,
// received bytes stay buffered for whoever reads next (onBytesWhileBusy lets a hypervisor model
// treat them as a user interrupt, §9.8).
//
// Target stops: an unguarded fault (§5) or P_REBOOT resets the machine, P_SLEEP halts the CPU.
// Both call the onReset/onSleep listeners, then unwind every running handler and session with
// TargetStoppedError; runTopLevel() absorbs it and resolves with EXIT_TARGET_RESET or
// EXIT_TARGET_SLEEP, so a stop is an outcome, not a crash. A handler that throws anything else
// is a firmware panic: reported as a reset with cause FIRMWARE_PANIC.

import { checksum } from '../../core/uartproxy/checksum.ts';
import { FrameType, Iodev, ProxyStatus, Status } from '../../core/uartproxy/constants.ts';
import type { ByteTransport } from '../../core/transport/transport.ts';
import { Listeners, type Disposable } from '../../core/util/disposable.ts';
import type { PhysicalMemory } from '../memory/physical-memory.ts';
import { sessionBusyError, SimFirmwareError, TargetStoppedError, type ResetReason, type TargetStop } from './errors.ts';
import { ExceptionGuard } from './exception-guard.ts';
import { bootFrame, eventFrame, newReply, REPLY_BODY, sealReply } from './frames.ts';
import { Link, type PipeKind } from './link.ts';
import { memRead, memWrite, type TransferEnv } from './mem-transfer.ts';
import type { FirmwareEl2State, FirmwareServices, MachineInfo, OpContext, OpResult, OpTable } from './op-table.ts';
import { M1N1_SCTLR_EL2 } from './ops/cache.ts';
import type { ShiftRegister } from './rx-buffer.ts';
import { emitSafely, isPromise, realDelay } from './util.ts';

/** Session result when a read could not start because the channel is closed (§3.1, §9.3). */
export const EXIT_CHANNEL_FAILED = -1;
/** runTopLevel() result after a reset / a sleep. Outside int32, so no P_EXIT code can equal them (§4.2). */
export const EXIT_TARGET_RESET = -0x1_0000_0000;
export const EXIT_TARGET_SLEEP = -0x1_0000_0001;

/** M1 (t8103) values used when the machine description gives none. */
export const DEFAULT_MACHINE: MachineInfo = { bootArgsAddr: 0n, baseAddr: 0n, chipId: 0x8103 };

export interface FirmwareProxyOptions {
  channel: PipeKind;
  /** Default: Iodev.USB0 (4) for usb, Iodev.UART (0) for uart. */
  iodev?: number;
  memory: PhysicalMemory;
  ops: OpTable;
  machine?: Partial<MachineInfo>;
  /** Local mirror of every console line the firmware prints. */
  onConsole?: (text: string) => void;
  onReset?: (reason: ResetReason) => void;
  onSleep?: (deep: boolean) => void;
  onBytesWhileBusy?: (chunk: Uint8Array) => void;
  /** P_UDELAY's wait (default: real time, sub-millisecond delays return at once). */
  delayUs?: (us: number) => Promise<void> | void;
}

type SessionMode = 'startup' | 'callback';
interface Session {
  readonly mode: SessionMode;
  /** `handling`: an op handler of this session is running. */
  state: 'reading' | 'handling';
}

const REQUEST_BODY_AND_CHECKSUM = 60;
const encoder = new TextEncoder();

export class FirmwareProxy implements FirmwareServices {
  readonly channel: PipeKind;
  readonly iodev: number;
  readonly memory: PhysicalMemory;
  readonly ops: OpTable;
  readonly machine: MachineInfo;
  readonly guard: ExceptionGuard;
  readonly el2: FirmwareEl2State = { sctlr: M1N1_SCTLR_EL2 };

  private readonly link: Link;
  /** What REQ_MEMREAD / REQ_MEMWRITE need of the firmware. */
  private readonly transfers: TransferEnv;

  private csumsDisabled = false;
  private readonly shift: ShiftRegister = { reg: 0 };
  private readonly sessions: Session[] = [];
  private stopped: TargetStop | null = null;
  private readonly request = new Uint8Array(64);
  private readonly requestView = new DataView(this.request.buffer);
  private readonly resetListeners = new Listeners<[ResetReason]>();
  private readonly sleepListeners = new Listeners<[boolean]>();
  private readonly busyListeners = new Listeners<[Uint8Array]>();
  private readonly consoleListeners = new Listeners<[string]>();
  private readonly delay: (us: number) => Promise<void> | void;

  constructor(transport: ByteTransport | null, options: FirmwareProxyOptions) {
    this.channel = options.channel;
    this.iodev = options.iodev ?? (options.channel === 'usb' ? Iodev.USB0 : Iodev.UART);
    const serial = this.iodev === Iodev.UART || this.iodev === Iodev.DOCKCHANNEL_UART;
    const usb = this.iodev >= Iodev.USB0 && this.iodev <= Iodev.USB7;
    if (options.channel === 'uart' ? !serial : !usb) {
      throw new SimFirmwareError('SIM_BAD_OPTIONS', `iodev ${this.iodev} cannot carry the proxy on a ${options.channel} channel`, {
        hint: 'Use iodev 0 (UART) or 1 (dockchannel) for uart, 4..11 (USB0..USB7) for usb (§1.1).',
      });
    }
    this.memory = options.memory;
    this.ops = options.ops;
    this.machine = { ...DEFAULT_MACHINE, ...options.machine };
    this.delay = options.delayUs ?? realDelay;
    this.guard = new ExceptionGuard({
      diagnostic: (text) => this.console(text),
      unrecoverable: (fault) =>
        this.reset({ cause: 'UNHANDLED_EXCEPTION', message: `unguarded ${fault.write ? 'write' : 'read'} fault at 0x${fault.address.toString(16)} in ${fault.during}`, fault }),
    });
    if (options.onConsole) this.consoleListeners.add(options.onConsole);
    if (options.onReset) this.resetListeners.add(options.onReset);
    if (options.onSleep) this.sleepListeners.add(options.onSleep);
    if (options.onBytesWhileBusy) this.busyListeners.add(options.onBytesWhileBusy);
    this.link = new Link(options.channel, (chunk) => {
      if (this.sessions.at(-1)?.state === 'handling') emitSafely(this.busyListeners, chunk);
    });
    this.link.attach(transport);
    this.transfers = {
      link: this.link,
      memory: this.memory,
      guard: this.guard,
      dataChecksumsDisabled: () => this.csumsDisabled,
      checkStop: () => this.checkStop(),
    };
  }

  /** Swaps the byte stream (a TCP reconnect); all target state, buffered input included, stays. */
  attach(transport: ByteTransport | null): void {
    this.link.attach(transport);
  }

  get dataChecksumsDisabled(): boolean {
    return this.csumsDisabled;
  }

  /** Sessions running, outermost first (0: none). */
  get sessionDepth(): number {
    return this.sessions.length;
  }

  /** Why the target stopped, or null while it runs. */
  get stopState(): TargetStop | null {
    return this.stopped;
  }

  /** Bytes a poll of the proxy iodev would see (m1n1's "can read"; 0 while a USB pipe is closed). */
  canRead(): number {
    return this.link.canRead();
  }

  onReset(listener: (reason: ResetReason) => void): Disposable {
    return this.resetListeners.add(listener);
  }
  onSleep(listener: (deep: boolean) => void): Disposable {
    return this.sleepListeners.add(listener);
  }
  /** Bytes received while an op handler runs and no nested session reads (§9.8). They stay buffered. */
  onBytesWhileBusy(listener: (chunk: Uint8Array) => void): Disposable {
    return this.busyListeners.add(listener);
  }
  onConsole(listener: (text: string) => void): Disposable {
    return this.consoleListeners.add(listener);
  }

  /** Console text on the proxy iodev, always between frames (§1.4). */
  console(text: string): void {
    if (this.stopped || text.length === 0) return;
    emitSafely(this.consoleListeners, text);
    this.link.write(encoder.encode(text));
  }

  /** Raw bytes between frames, as P_IODEV_WRITE to the proxy's own iodev sends them. */
  writeRaw(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    this.link.write(bytes);
  }

  /** An event frame (§2.4); checksum or 0xD0DECADE per the negotiated feature (§2.6). */
  emitEvent(type: number, payload: Uint8Array): void {
    if (payload.length > 0xffff) {
      throw new SimFirmwareError('SIM_EVENT_TOO_LARGE', `event payload of ${payload.length} bytes does not fit the u16 length field`, {
        hint: 'Event payloads are at most 65535 bytes (§2.4).',
      });
    }
    if (this.stopped) return;
    this.link.write(eventFrame(type, payload, this.csumsDisabled));
  }

  /**
   * The startup proxy loop (§3.1). On a UART / dockchannel iodev it first sends REQ_BOOT with
   * an all-zero body, never on USB (§15.32). Resolves with the exit code of the op that ended
   * it, EXIT_TARGET_RESET or EXIT_TARGET_SLEEP. While a USB pipe is closed it waits (m1n1
   * polls); what the exit means (next stage, reboot) is the caller's business.
   */
  async runTopLevel(): Promise<number> {
    if (this.sessions.length > 0) throw sessionBusyError('runTopLevel');
    this.stopped = null;
    if (this.iodev === Iodev.UART || this.iodev === Iodev.DOCKCHANNEL_UART) this.link.write(bootFrame(0, 0, 0n));
    return this.serve('startup');
  }

  /**
   * A callback session (§9.4): REQ_BOOT {status 0, reason, code, info, reserved 0}, then
   * requests until one returns an exit code, which it resolves with; EXIT_CHANNEL_FAILED when a
   * read could not start on a closed USB pipe. Call it from an op handler (or with no session
   * running). Rejects with TargetStoppedError if the target stops meanwhile.
   */
  async runCallbackSession(reason: number, code: number, info: bigint): Promise<number> {
    this.checkStop();
    if (this.sessions.at(-1)?.state === 'reading') throw sessionBusyError('runCallbackSession');
    this.link.write(bootFrame(reason, code, info));
    return this.serve('callback');
  }

  /** Power-on state of the firmware (not of memory): features, guard, counter, shift register, SCTLR, input. */
  resetState(): void {
    this.csumsDisabled = false;
    this.guard.reset();
    this.shift.reg = 0;
    this.el2.sctlr = M1N1_SCTLR_EL2;
    this.link.clearInput();
  }

  delayUs(us: number): Promise<void> | void {
    return this.delay(us);
  }

  reset(reason: ResetReason): never {
    return this.stop({ kind: 'reset', reason });
  }

  sleep(deep: boolean): never {
    return this.stop({ kind: 'sleep', deep });
  }

  checkStop(): void {
    if (this.stopped) throw new TargetStoppedError(this.stopped);
  }

  // ---- the loop ----

  private async serve(mode: SessionMode): Promise<number> {
    const session: Session = { mode, state: 'reading' };
    this.sessions.push(session);
    try {
      for (;;) {
        this.checkStop();
        // §3.1: sync search. Startup polls ("can read" is 0 while a USB pipe is closed); a
        // callback session's blocking read fails when it starts on a closed pipe (§1.2).
        if (!this.link.mayStartRead()) {
          if (mode === 'callback') {
            this.console('Proxy: iodev read failed, exiting.\n');
            return EXIT_CHANNEL_FAILED;
          }
          await this.link.changed();
          continue;
        }
        if (!this.link.rx.scan(this.shift)) {
          if (mode === 'callback') {
            // The next single-byte read has started on an open pipe: it waits for a byte, even
            // across a close, and a transport attached later completes it (§1.2).
            while (this.link.rx.available === 0) {
              await this.link.changed();
              this.checkStop();
            }
          } else await this.link.changed();
          continue;
        }
        const type = this.shift.reg;
        this.requestView.setUint32(0, type, true);
        let got = this.link.receiveInto(this.request, 4, REQUEST_BODY_AND_CHECKSUM, () => this.checkStop());
        if (got !== true && got !== false) got = await got;
        // Short read (pipe closed when it started): drop the frame and scan on.
        if (!got) continue;
        if (checksum(this.request, 0, 60) !== this.requestView.getUint32(60, true)) {
          // §3.1 step 2, §15.44: the reply echoes whatever type word arrived.
          this.link.write(sealReply(newReply(type, Status.ST_CSUMERR)));
          continue;
        }
        let exit = this.dispatch(session, type);
        if (typeof exit !== 'number') exit = await exit;
        if (this.link.needsDrain) await this.link.drain();
        if (exit < 0) this.console(`Proxy req error: ${exit}\n`);
        if (exit !== 0) return exit;
      }
    } catch (e) {
      const stop = e instanceof TargetStoppedError ? e : this.panicked(e, 'the proxy loop');
      if (mode === 'startup') return stop.stop.kind === 'reset' ? EXIT_TARGET_RESET : EXIT_TARGET_SLEEP;
      throw stop;
    } finally {
      this.sessions.splice(this.sessions.lastIndexOf(session), 1);
    }
  }

  /** §4: one verified request. Resolves with the session exit code (0: go on). */
  private dispatch(session: Session, type: number): number | Promise<number> {
    const v = this.requestView;
    switch (type) {
      case FrameType.REQ_NOP: {
        // §2.6: enabled = requested & all features; never DISABLE_DATA_CSUMS on UART/dockchannel.
        const serial = this.iodev === Iodev.UART || this.iodev === Iodev.DOCKCHANNEL_UART;
        const enabled = serial ? 0 : v.getUint32(4, true) & 1;
        this.csumsDisabled = enabled !== 0;
        const reply = newReply(type, Status.ST_OK);
        reply.view.setUint32(REPLY_BODY, enabled, true);
        this.link.write(sealReply(reply));
        return 0;
      }
      case FrameType.REQ_PROXY:
        return this.proxyRequest(session);
      case FrameType.REQ_MEMREAD:
        return memRead(this.transfers, v.getBigUint64(4, true), v.getBigUint64(12, true)).then(() => 0);
      case FrameType.REQ_MEMWRITE:
        return memWrite(this.transfers, v.getBigUint64(4, true), v.getBigUint64(12, true), v.getUint32(20, true)).then(() => 0);
      default:
        this.link.write(sealReply(newReply(type, Status.ST_BADCMD)));
        return 0;
    }
  }

  /** §4.2: dispatch through the op table with the op's temporary guard (§5). */
  private proxyRequest(session: Session): number | Promise<number> {
    const v = this.requestView;
    // Copied out of the shared request buffer: a nested session reuses it before we reply.
    const opLo = v.getUint32(4, true);
    const opHi = v.getUint32(8, true);
    const args = new BigUint64Array(6);
    for (let i = 0; i < 6; i++) args[i] = v.getBigUint64(12 + 8 * i, true);
    const op = opHi === 0 ? this.ops.get(opLo) : undefined;
    if (!op) return this.sendProxyReply(opLo, opHi, ProxyStatus.S_BADCMD, 0n, 0);

    const after = { guard: this.guard.mode };
    if (op.guard !== undefined) this.guard.mode = op.guard;
    const ctx: OpContext = {
      opcode: op.opcode,
      name: op.name,
      memory: this.memory,
      guard: this.guard,
      firmware: this,
      setSessionGuard: (mode) => void (after.guard = mode),
    };
    const finish = (result: OpResult): number => {
      this.guard.mode = after.guard;
      session.state = 'reading';
      // A handler that swallowed a stop must not reply for a machine that is gone.
      this.checkStop();
      // Sessions nest strictly (m1n1 runs them on one stack): a handler may not return while
      // a callback session it started still reads.
      if (this.sessions.at(-1) !== session) throw this.panicked(new Error('returned while its callback session still runs'), op.name);
      return typeof result === 'bigint'
        ? this.sendProxyReply(opLo, opHi, ProxyStatus.S_OK, result, 0)
        : this.sendProxyReply(opLo, opHi, ProxyStatus.S_OK, result.retval, result.exit);
    };
    const fail = (e: unknown): never => {
      this.guard.mode = after.guard;
      session.state = 'reading';
      throw e instanceof TargetStoppedError ? e : this.panicked(e, op.name);
    };
    session.state = 'handling';
    let result: OpResult | Promise<OpResult>;
    try {
      result = op.handler(args, ctx);
    } catch (e) {
      return fail(e);
    }
    return isPromise(result) ? result.then(finish, fail) : finish(result);
  }

  private sendProxyReply(opLo: number, opHi: number, status: bigint, retval: bigint, exit: number): number {
    const reply = newReply(FrameType.REQ_PROXY, Status.ST_OK);
    reply.view.setUint32(REPLY_BODY, opLo, true);
    reply.view.setUint32(REPLY_BODY + 4, opHi, true);
    reply.view.setBigInt64(REPLY_BODY + 8, status, true);
    reply.view.setBigUint64(REPLY_BODY + 16, BigInt.asUintN(64, retval), true);
    this.link.write(sealReply(reply));
    return exit;
  }

  private stop(stop: TargetStop): never {
    if (!this.stopped) {
      this.stopped = stop;
      if (stop.kind === 'reset') emitSafely(this.resetListeners, stop.reason);
      else emitSafely(this.sleepListeners, stop.deep);
      this.link.wake();
    }
    throw new TargetStoppedError(this.stopped);
  }

  /** A bug in an op handler or the loop: the firmware "panics" and the machine resets. */
  private panicked(error: unknown, where: string): TargetStoppedError {
    const message = `firmware panic in ${where}: ${error instanceof Error ? error.message : String(error)}`;
    if (!this.stopped) this.console(`${message}\n`);
    try {
      return this.reset({ cause: 'FIRMWARE_PANIC', message, error });
    } catch (e) {
      return e as TargetStoppedError;
    }
  }
}

// Layer: core/uartproxy. The host end of m1n1's uartproxy (§3.2, §4, §9.4): requests out,
// replies matched in order, callbacks, events and console text in. Imports core/transport,
// core/util, core/errors and this folder; knows nothing of proxy-op meanings beyond the few
// opcodes that end a session (§4.2) — names for messages come from the `label` option.
//
// Model (§9.4, bookkeeping in session-tracker.ts): a stack of sessions, each with a FIFO of
// requests in flight. Requests are written at once (pipelined) into the topmost session that
// is not closing; a reply matches the head of the top session's FIFO; a REQ_BOOT opens a nested
// callback session; the reply to P_EXIT / P_VECTOR / a successful P_KBOOT_BOOT closes it. While
// a request that runs the guest (P_HV_START) awaits its reply and no callback is open, requests
// are refused: the firmware would take their bytes as a user interrupt (§9.8).
//
// Deviation from the Python host (§3.2 step 4, "checksum mismatch is fatal"): a damaged reply
// fails only the request it answers, with UARTPROXY_BAD_CHECKSUM, and the link stays usable
// (the decoder rescans the damaged bytes, see frame-decoder.ts).

import { writeAndDrain, type ByteTransport } from '../transport/transport.ts';
import { Listeners, type Disposable } from '../util/disposable.ts';
import { BootDispatch } from './boot-dispatch.ts';
import { checksum } from './checksum.ts';
import type {
  BootMessage,
  CallbackHandler,
  MemReadOptions,
  MemWriteOptions,
  ProxyOptions,
  ProxyReply,
  RecoverOptions,
  UartProxyClientOptions,
} from './client-types.ts';
import { ALL_FEATURES, CHECKSUM_SENTINEL, Feature, StartReason } from './constants.ts';
import { UartProxyError } from './errors.ts';
import { FrameDecoder, readU32, readU64, type EventFrameError, type ReplyFrame } from './frame-decoder.ts';
import { RequestWriter } from './frame-encoder.ts';
import { Kind, Pending, describePending, hex, type ChunkOwner } from './in-flight.ts';
import { recoverLink, type RecoveryLink } from './recovery.ts';
import { ReplyRouter } from './reply-router.ts';
import { SessionTracker, type LinkState } from './session-tracker.ts';
import { ReadTransfer, WriteTransfer, type TransferLink, type TransferOptions } from './transfers.ts';

const DATA_END_TRAILER = Uint8Array.of(0x10, 0xcc, 0xca, 0xb0); // DATA_END_SENTINEL, little-endian
const INTERRUPT_BYTE = Uint8Array.of(0x21); // '!', as the Python host sends (§9.8)

export class UartProxyClient {
  readonly defaultTimeoutMs: number;
  readonly chunkBytes: number;
  readonly pipelineDepth: number;

  private readonly labelOf: ((opcode: number) => string | undefined) | undefined;
  private readonly decoder: FrameDecoder;
  private readonly tracker: SessionTracker;
  private readonly router: ReplyRouter;
  private readonly writer = new RequestWriter();
  private readonly link: TransferLink;
  private enabledFeatures = 0n;
  private dataCsums = true;
  private lastByteAt = 0;
  private readonly boots: BootDispatch;
  private readonly textListeners = new Listeners<[Uint8Array]>();
  private readonly eventListeners = new Listeners<[number, Uint8Array]>();
  private readonly errorListeners = new Listeners<[UartProxyError]>();
  private readonly subscriptions: Disposable[] = [];
  private recovery: Promise<void> | null = null;

  constructor(
    private readonly transport: ByteTransport,
    options: UartProxyClientOptions = {},
  ) {
    this.defaultTimeoutMs = options.timeoutMs ?? 3000;
    this.chunkBytes = options.chunkBytes ?? 1024 * 1024;
    this.pipelineDepth = Math.max(1, options.pipelineDepth ?? 4);
    this.labelOf = options.label;
    this.boots = new BootDispatch((error) => this.report(error), transport.description);
    this.decoder = new FrameDecoder(
      {
        text: (bytes) => this.emit(this.textListeners, bytes),
        reply: (frame) => this.router.onReply(frame),
        event: (type, payload) => this.emit(this.eventListeners, type, payload),
        eventError: (error) => this.onEventError(error),
        payloadEnd: (result) => this.router.onPayloadEnd(result),
        payloadProgress: (received) => this.router.onPayloadProgress(received),
      },
      { maxEventPayload: options.maxEventPayload },
    );
    this.tracker = new SessionTracker({
      describe: (p) => this.describe(p),
      linkName: transport.description,
      abandonPayload: () => this.decoder.abandonPayload(),
      transportClosed: () => transport.closed,
    });
    this.router = new ReplyRouter(this.tracker, {
      describe: (p) => this.describe(p),
      report: (error) => this.report(error),
      dataChecksums: () => this.dataCsums,
      adoptFeatures: (enabled) => this.adoptFeatures(enabled),
      boot: (frame) => this.onBoot(frame),
      expectPayload: (claim) => this.decoder.expectPayload(claim),
    });
    this.link = {
      sendMemRead: (owner, addr, size, into, offset, timeoutMs) => this.sendMemRead(owner, addr, size, into, offset, timeoutMs),
      sendMemWrite: (owner, addr, data, timeoutMs) => this.sendMemWrite(owner, addr, data, timeoutMs),
      featuresSettled: () => this.tracker.featuresSettled(),
    };
    this.subscriptions.push(
      transport.onData((chunk) => this.onData(chunk)),
      transport.onClose((error) => this.onTransportClose(error)),
    );
    // Serial transports that survive a USB re-enumeration may offer this (duck-typed).
    const reconnectable = transport as ByteTransport & { onReconnect?: (listener: () => void) => Disposable };
    if (typeof reconnectable.onReconnect === 'function') {
      this.subscriptions.push(reconnectable.onReconnect(() => this.onReconnect()));
    }
    if (transport.closed) this.tracker.state = 'closed';
  }

  /** 'open'; 'desync' after a timeout or out-of-step reply until recover(); 'recovering'; 'closed'. */
  get state(): LinkState {
    return this.tracker.state;
  }

  /** Features enabled by the last NOP (0 before any NOP). */
  get features(): bigint {
    return this.enabledFeatures;
  }

  /** Whether data checksums are on (§2.6): true until a NOP enables DISABLE_DATA_CSUMS. */
  get dataChecksums(): boolean {
    return this.dataCsums;
  }

  /** Depth of the session new requests go to: 0 = top level, 1 = first callback, … */
  get depth(): number {
    return this.tracker.requestSession().depth;
  }

  /** True while a runsGuest request awaits its reply and no callback session is open. */
  get guestRunning(): boolean {
    return this.tracker.requestSession().running !== null;
  }

  onText(listener: (bytes: Uint8Array) => void): Disposable {
    return this.textListeners.add(listener);
  }

  onEvent(listener: (type: number, payload: Uint8Array) => void): Disposable {
    return this.eventListeners.add(listener);
  }

  /** Problems that belong to no request. With no listener they become process warnings. */
  onError(listener: (error: UartProxyError) => void): Disposable {
    return this.errorListeners.add(listener);
  }

  /**
   * Handles callback sessions (REQ_BOOT other than START_BOOT, §9.4); the newest handler wins.
   * It runs inside the new session: it issues requests and finally P_EXIT (`proxy(0x001, [code])`).
   */
  onCallback(handler: CallbackHandler): Disposable {
    return this.boots.onCallback(handler);
  }

  /**
   * The next REQ_BOOT goes to this waiter instead of the callback handler (§3.2: after
   * P_VECTOR, a reboot, a CPU switch). If its reason is not START_BOOT it still opens a session
   * (the target serves requests until P_EXIT), which the waiter must end. A USB re-enumeration
   * resolves waiters with a synthetic START_BOOT (`reconnected: true`), since USB never carries
   * one. `timeoutMs` bounds the wait (default: none; a closed link rejects it).
   */
  waitForBoot(timeoutMs?: number | null): Promise<BootMessage> {
    if (this.tracker.state === 'closed') return Promise.reject(this.tracker.closedError('cannot wait for REQ_BOOT'));
    return this.boots.waitForBoot(timeoutMs);
  }

  /** REQ_NOP (§4.1): negotiates features and adopts the enabled ones (resolves with them). */
  nop(features: bigint = ALL_FEATURES, options: { timeoutMs?: number | null } = {}): Promise<bigint> {
    return this.sendNop(features, options.timeoutMs === undefined ? this.defaultTimeoutMs : options.timeoutMs, false);
  }

  /** REQ_PROXY (§4.2) → retval (u64). Proxy status −1 → UARTPROXY_PROXY_BADCMD; the opcode echo must match. */
  proxy(opcode: number, args: readonly bigint[] = [], options: ProxyOptions = {}): Promise<bigint> {
    return this.sendProxy(opcode, args, options, false) as Promise<bigint>;
  }

  /** REQ_PROXY resolving with the raw reply; proxy status and echo are left to the caller. */
  proxyReply(opcode: number, args: readonly bigint[] = [], options: ProxyOptions = {}): Promise<ProxyReply> {
    return this.sendProxy(opcode, args, options, true) as Promise<ProxyReply>;
  }

  /** Reads `size` bytes of target memory in pipelined MEMREAD chunks (§4.3). Size 0 sends nothing. */
  memRead(addr: bigint, size: number, options: MemReadOptions = {}): Promise<Uint8Array> {
    try {
      if (!Number.isSafeInteger(size) || size < 0) throw badArgument(`memRead size ${size} is not a non-negative integer`);
      const into = options.into ?? new Uint8Array(size);
      if (into.length < size) throw badArgument(`memRead of ${size} bytes into a ${into.length}-byte buffer`);
      if (size === 0) return Promise.resolve(into.subarray(0, 0));
      return new ReadTransfer(this.link, addr, size, into, this.transferOptions(options)).start();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Writes `data` to target memory in pipelined MEMWRITE chunks (§4.4), honouring backpressure. */
  async memWrite(addr: bigint, data: Uint8Array, options: MemWriteOptions = {}): Promise<void> {
    if (data.length === 0) return;
    await new WriteTransfer(this.link, addr, data, this.transferOptions(options)).run();
  }

  /**
   * Writes one byte (`!`). While the guest runs, the hypervisor takes any byte as a user
   * interrupt and opens a USER_INTERRUPT callback (§9.8). At other times the target's sync
   * scanner skips it as noise; requests are always written whole, so it never lands inside one.
   */
  sendInterrupt(): void {
    if (this.tracker.state === 'closed' || this.transport.closed) throw this.tracker.closedError('cannot send an interrupt');
    this.transport.write(INTERRUPT_BYTE);
  }

  /**
   * The host recovery of §3.1: discard input until the target is quiet, send zero bytes to
   * complete a request it may be half-way through, discard the error reply that produces,
   * then NOP with the current features. Whatever is still in flight in the top session is
   * rejected with UARTPROXY_DESYNC. Leaves the link 'open', or 'desync' if the NOP fails.
   */
  recover(options: RecoverOptions = {}): Promise<void> {
    if (this.tracker.state === 'closed') return Promise.reject(this.tracker.closedError('cannot recover'));
    const link: RecoveryLink = {
      tracker: this.tracker,
      decoder: this.decoder,
      linkName: this.transport.description,
      defaultTimeoutMs: this.defaultTimeoutMs,
      lastByteAt: () => this.lastByteAt,
      checkOpen: () => this.checkOpen(),
      write: (bytes) => void this.transport.write(bytes),
      nop: () => this.sendNop(this.enabledFeatures, this.defaultTimeoutMs, true),
    };
    this.recovery ??= recoverLink(link, options).finally(() => (this.recovery = null));
    return this.recovery;
  }

  /** Rejects everything in flight with UARTPROXY_LINK_CLOSED and closes the transport. */
  async close(): Promise<void> {
    this.shutdown(new UartProxyError('UARTPROXY_LINK_CLOSED', `client closed (${this.transport.description})`));
    await this.transport.close();
  }

  // ---- sending --------------------------------------------------------------------------

  private sendNop(features: bigint, timeoutMs: number | null, internal: boolean): Promise<bigint> {
    return new Promise<bigint>((resolve, reject) => {
      const p = new Pending(Kind.Nop, timeoutMs);
      p.args = [features];
      p.resolve = resolve as (value: unknown) => void;
      p.reject = reject;
      const frame = this.writer.nop(features);
      this.tracker.admit(p, internal);
      this.transport.write(frame);
    });
  }

  private sendProxy(opcode: number, args: readonly bigint[], options: ProxyOptions, raw: boolean): Promise<bigint | ProxyReply> {
    return new Promise<bigint | ProxyReply>((resolve, reject) => {
      const runsGuest = options.runsGuest === true;
      const p = new Pending(Kind.Proxy, options.timeoutMs === undefined ? (runsGuest ? null : this.defaultTimeoutMs) : options.timeoutMs);
      p.opcode = opcode;
      p.args = args;
      p.label = options.label;
      p.runsGuest = runsGuest;
      p.raw = raw;
      p.resolve = resolve as (value: unknown) => void;
      p.reject = reject;
      const frame = this.writer.proxy(opcode, args);
      if (options.noReply === true) {
        this.tracker.check(p, false);
        this.transport.write(frame);
        resolve(raw ? { opcode, proxyStatus: 0n, retval: 0n } : 0n);
        return;
      }
      this.tracker.admit(p, false);
      this.transport.write(frame);
    });
  }

  private sendMemRead(owner: ChunkOwner, addr: bigint, size: number, into: Uint8Array, offset: number, timeoutMs: number | null): void {
    const p = new Pending(Kind.MemRead, timeoutMs);
    p.addr = addr;
    p.size = size;
    p.into = into;
    p.intoOffset = offset;
    p.owner = owner;
    const frame = this.writer.memRead(addr, size);
    this.tracker.admit(p, false);
    this.transport.write(frame);
  }

  private sendMemWrite(owner: ChunkOwner, addr: bigint, data: Uint8Array, timeoutMs: number | null): Promise<void> {
    const p = new Pending(Kind.MemWrite, timeoutMs);
    p.addr = addr;
    p.size = data.length;
    p.owner = owner;
    const withChecksums = this.dataCsums;
    p.sentChecksum = withChecksums ? checksum(data) : CHECKSUM_SENTINEL;
    const frame = this.writer.memWrite(addr, data.length, p.sentChecksum);
    this.tracker.admit(p, false);
    // Request, data and trailer go out back to back in one synchronous run, so nothing else is
    // written between them; backpressure only delays the next chunk.
    this.transport.write(frame);
    if (withChecksums) return writeAndDrain(this.transport, data);
    this.transport.write(data);
    return writeAndDrain(this.transport, DATA_END_TRAILER);
  }

  private transferOptions(options: MemReadOptions | MemWriteOptions): TransferOptions {
    const chunkBytes = options.chunkBytes ?? this.chunkBytes;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw badArgument(`chunkBytes ${chunkBytes} is not a positive integer`);
    const timeoutMs = options.timeoutMs === undefined ? this.defaultTimeoutMs : options.timeoutMs;
    return { chunkBytes, depth: this.pipelineDepth, timeoutMs, onProgress: options.onProgress };
  }

  // ---- receiving ------------------------------------------------------------------------

  private onData(chunk: Uint8Array): void {
    const now = performance.now();
    this.lastByteAt = now;
    this.tracker.silenceFrom = now;
    this.decoder.push(chunk);
  }

  private onBoot(f: ReplyFrame): void {
    const reason = readU32(f.bytes, 8);
    const code = readU32(f.bytes, 12);
    const info = readU64(f.bytes, 16);
    if (reason === StartReason.START_BOOT) {
      // A fresh top-level proxy loop: sessions are gone and features are back to defaults (§2.6).
      this.tracker.restart(new UartProxyError('UARTPROXY_TARGET_RESTARTED', `the target restarted its proxy loop (REQ_BOOT START_BOOT on ${this.transport.description})`));
      this.adoptFeatures(0n);
      this.boots.toWaiter({ reason, code, info, depth: 0 }); // with no waiter: ignored (§3.2 step 5)
      return;
    }
    // Any other reason opens a session that lasts until P_EXIT, whoever takes the message.
    const message: BootMessage = { reason, code, info, depth: this.tracker.pushSession().depth };
    if (!this.boots.toWaiter(message)) this.boots.dispatch(message);
  }

  private onEventError(error: EventFrameError): void {
    const what = `event frame (type ${error.eventType}, ${error.length} payload bytes)`;
    if (error.reason === 'length') {
      this.report(new UartProxyError('UARTPROXY_BAD_EVENT', `dropped an ${what}: longer than the ${this.decoder.maxEventPayload}-byte limit, taken for corruption`));
    } else {
      const detail = `trailer ${hex(error.received ?? 0)}, expected ${hex(error.expected ?? 0)}`;
      this.report(new UartProxyError('UARTPROXY_BAD_CHECKSUM', `dropped a damaged ${what} (${detail})`));
    }
  }

  private adoptFeatures(enabled: bigint): bigint {
    this.enabledFeatures = enabled;
    this.dataCsums = (enabled & Feature.DISABLE_DATA_CSUMS) === 0n;
    this.decoder.dataChecksums = this.dataCsums;
    return enabled;
  }

  // ---- recovery and lifecycle -----------------------------------------------------------

  private checkOpen(): void {
    if (this.tracker.state === 'closed' || this.transport.closed) throw this.tracker.closedError('recover() stopped');
  }

  /** The device re-enumerated: the target restarted, everything written before is lost. */
  private onReconnect(): void {
    if (this.tracker.state === 'closed') return;
    this.tracker.rejectAll(new UartProxyError('UARTPROXY_LINK_CLOSED', `${this.transport.description} re-enumerated (the target restarted); requests in flight are lost`));
    this.adoptFeatures(0n); // a fresh target has data checksums on (§2.6)
    if (this.tracker.state === 'desync') this.tracker.state = 'open';
    this.decoder.reset();
    this.boots.settleAll({ reason: StartReason.START_BOOT, code: 0, info: 0n, depth: 0, reconnected: true });
  }

  private onTransportClose(error?: Error): void {
    const why = error ? `: ${error.message}` : '';
    this.shutdown(new UartProxyError('UARTPROXY_LINK_CLOSED', `the link to the target closed (${this.transport.description})${why}`, { cause: error }));
  }

  private shutdown(error: UartProxyError): void {
    if (this.tracker.state === 'closed') return;
    this.decoder.end();
    this.tracker.rejectAll(error);
    this.tracker.state = 'closed';
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
    this.boots.settleAll(error);
  }

  // ---- helpers --------------------------------------------------------------------------

  private describe(p: Pending): string {
    return describePending(p, this.labelOf);
  }

  /** Listeners are user code: one that throws is reported, and the decoder carries on. */
  private emit<A extends unknown[]>(listeners: Listeners<A>, ...args: A): void {
    if (listeners.size === 0) return;
    try {
      listeners.emit(...args);
    } catch (cause) {
      this.report(new UartProxyError('UARTPROXY_CALLBACK_FAILED', `a listener threw: ${errorText(cause)}`, { cause }));
    }
  }

  /** Never lose a problem silently: without onError listeners it becomes a process warning. */
  private report(error: UartProxyError): void {
    if (this.errorListeners.size === 0) {
      process.emitWarning(error);
      return;
    }
    try {
      this.errorListeners.emit(error);
    } catch (cause) {
      process.emitWarning(new UartProxyError('UARTPROXY_CALLBACK_FAILED', `an onError listener threw: ${errorText(cause)}`, { cause }));
    }
  }
}

function badArgument(message: string): UartProxyError {
  return new UartProxyError('UARTPROXY_BAD_ARGUMENT', message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Layer: gdbstub/rsp. Imports core/transport (the ByteTransport interface), core/util,
// gdbstub/target.ts, gdbstub/registers.ts, gdbstub/errors.ts and this folder.
//
// One gdb on one byte stream: acks and resends, packets handled one at a time in arrival
// order, Ctrl-C out of band, stop replies sent when the target reports a stop, and what
// happens when gdb goes away without a `D`:
//   - stopped:              breakpoints/watchpoints out, the guest stays stopped;
//   - mid-step:             the step finishes (or is interrupted), then the same;
//   - mid-continue:         interrupt, breakpoints out, the guest runs on (as after `D`).
// So a reconnecting gdb finds the guest where the last one left it, and nothing traps into an
// absent debugger.

import type { ByteTransport } from '../../core/transport/transport.ts';
import type { Disposable } from '../../core/util/disposable.ts';
import { GdbStubError } from '../errors.ts';
import { EXPEDITED_REGISTERS } from '../registers.ts';
import type { GdbTarget, ResumePlan, StopEvent, ThreadId } from '../target.ts';
import { NO_REPLY, type PeerFeatures, type RspContext } from './context.ts';
import { Dispatcher } from './dispatch.ts';
import { errnoReply, errorReply } from './error-reply.ts';
import { PACKET_TABLE } from './handlers/index.ts';
import { textToHex } from './hex.ts';
import { InsertedPoints } from './inserted-points.ts';
import { ACK, encodePacket, NAK, PacketDecoder, runLengthEncode } from './packet-codec.ts';
import { RegisterCache } from './register-cache.ts';
import { formatStopReply } from './stop-reply.ts';

export interface GdbConnectionOptions {
  /** Largest packet body we accept and advertise (PacketSize). Default 0x4000. */
  maxPacketBytes?: number;
  /** Run-length encode hex replies (g, m, p). Default true. */
  runLength?: boolean;
  /** How long to wait for a stop we asked for (interrupt, step on disconnect). Default 5000. */
  stopTimeoutMs?: number;
  /** Diagnostics: bad packets, target errors on cleanup, disconnects. */
  log?: (line: string) => void;
}

const DEFAULT_MAX_PACKET = 0x4000;
const E2BIG = errnoReply(7);
const HEX_REPLY = /^[0-9a-fx]+$/;

const dispatcher = new Dispatcher(PACKET_TABLE);

export class GdbConnection implements RspContext {
  readonly registers: RegisterCache;
  readonly points: InsertedPoints;
  readonly peer: PeerFeatures = { swbreak: false, hwbreak: false };
  readonly maxPacketBytes: number;
  readonly supportedFeatures = dispatcher.features();
  gThread: ThreadId | 'any' = 'any';
  cThread: ThreadId | 'any' | 'all' = 'any';
  lastStop: StopEvent | undefined;

  /** Resolves once the connection is over and its cleanup (drop handling) is done. */
  readonly finished: Promise<void>;

  private resolveFinished!: () => void;
  private readonly decoder: PacketDecoder;
  /** Packets in arrival order; `undefined` marks an oversized one, answered E07 in turn. */
  private readonly queue: Array<string | undefined> = [];
  private readonly subscriptions: Disposable[] = [];
  private stopWaiters: Array<(e: StopEvent) => void> = [];
  private lastSent: Uint8Array | undefined;
  private noAck = false;
  private pendingNoAck = false;
  private closeRequested = false;
  private ended = false;
  private busy = false;
  /** gdb waits for a stop reply (after c/s/vCont). */
  private awaitingStop = false;
  private stepping = false;
  /**
   * A Ctrl-C that came while a packet was still queued or being handled. gdb sends 0x03 only
   * once it has sent its resume packet, and often in the same segment: it belongs to that
   * resume, so it is applied once the guest runs rather than dropped as "while stopped".
   */
  private interruptPending = false;
  private readonly runLength: boolean;
  private readonly stopTimeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly transport: ByteTransport,
    readonly target: GdbTarget,
    options: GdbConnectionOptions = {},
  ) {
    this.maxPacketBytes = options.maxPacketBytes ?? DEFAULT_MAX_PACKET;
    this.runLength = options.runLength ?? true;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    this.log = options.log ?? (() => {});
    this.decoder = new PacketDecoder(this.maxPacketBytes);
    this.registers = new RegisterCache(target);
    this.points = new InsertedPoints(target);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.subscriptions.push(
      target.onStopped((e) => this.onStopped(e)),
      transport.onData((chunk) => this.onData(chunk)),
      transport.onClose(() => void this.onTransportClosed().finally(this.resolveFinished)),
    );
  }

  // ---- RspContext ----

  resolveThread(which: ThreadId | 'any' | 'all'): ThreadId {
    if (typeof which === 'number') return which;
    const threads = this.target.threads();
    const last = this.lastStop?.threadId;
    if (last !== undefined && threads.some((t) => t.id === last)) return last;
    const stopped = threads.find((t) => this.target.threadState(t.id).state === 'stopped');
    return (stopped ?? threads[0])?.id ?? 1;
  }

  print(text: string): void {
    this.send(`O${textToHex(text)}`);
  }

  async resume(plan: ResumePlan): Promise<void> {
    this.registers.invalidate();
    this.awaitingStop = true;
    this.stepping = [...plan.actions.values()].some((a) => a.action === 'step');
    try {
      await this.target.resume(plan);
    } catch (err) {
      this.awaitingStop = false;
      throw err;
    }
    if (this.interruptPending) {
      this.interruptPending = false;
      // The stop may already be in (a step); interrupting a stopped guest would be a no-op.
      if (this.awaitingStop) this.interruptTarget();
    }
  }

  async currentStopReply(): Promise<string> {
    const threads = this.target.threads();
    if (threads.some((t) => this.target.threadState(t.id).state === 'running')) {
      // Attaching to a running guest stops it, as QEMU does: gdb needs a stopped thread.
      await this.stopAndWait(true);
    }
    let event = this.lastStop;
    if (event === undefined) {
      const id = this.resolveThread('any');
      const state = this.target.threadState(id);
      event = { threadId: id, reason: state.state === 'stopped' ? state.reason : { kind: 'signal', signal: 5 } };
    }
    return this.stopReply(event);
  }

  enableNoAck(): void {
    this.pendingNoAck = true;
  }

  closeAfterReply(): void {
    this.closeRequested = true;
  }

  // ---- wire ----

  private send(body: string): void {
    if (this.ended || this.transport.closed) return;
    const wire = this.runLength && body.length > 8 && HEX_REPLY.test(body) ? runLengthEncode(body) : body;
    const bytes = encodePacket(wire);
    this.lastSent = bytes;
    this.transport.write(bytes);
  }

  private onData(chunk: Uint8Array): void {
    for (const item of this.decoder.feed(chunk)) {
      switch (item.kind) {
        case 'packet':
          if (!this.noAck) this.transport.write(ACK);
          this.queue.push(item.body);
          break;
        case 'ack':
          break;
        case 'nak':
          if (!this.noAck && this.lastSent !== undefined) this.transport.write(this.lastSent);
          break;
        case 'interrupt':
          this.onInterrupt();
          break;
        case 'bad-checksum':
          // In no-ack mode there is no way to ask again; gdb does not check either (gdb manual,
          // "Packet Acknowledgment"), but a corrupt body must not run: it is dropped and logged.
          this.log(item.error.describe());
          if (!this.noAck) this.transport.write(NAK);
          break;
        case 'oversized':
          this.log(item.error.describe());
          if (!this.noAck) this.transport.write(ACK);
          this.queue.push(undefined);
          break;
      }
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.ended) {
        const body = this.queue.shift();
        if (body === undefined) this.send(E2BIG);
        else await this.handle(body);
      }
      if (this.interruptPending && !this.awaitingStop) {
        this.interruptPending = false;
        this.log('Ctrl-C while the guest is stopped: ignored');
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(body: string): Promise<void> {
    const match = dispatcher.match(body);
    let reply: string | typeof NO_REPLY = '';
    if (match !== undefined) {
      try {
        reply = await match.def.handler(this, match.args);
      } catch (err) {
        this.log(`${match.def.name}: ${err instanceof Error ? err.message : String(err)}`);
        reply = errorReply(err);
      }
    }
    if (reply !== NO_REPLY) this.send(reply);
    if (this.pendingNoAck) {
      this.pendingNoAck = false;
      this.noAck = true;
    }
    if (this.closeRequested) await this.end();
  }

  private onInterrupt(): void {
    if (this.awaitingStop) this.interruptTarget();
    else if (this.busy || this.queue.length > 0) this.interruptPending = true;
    else this.log('Ctrl-C while the guest is stopped: ignored');
  }

  private interruptTarget(): void {
    this.target.interrupt().catch((err: unknown) => this.log(`interrupt failed: ${String(err)}`));
  }

  // ---- stops ----

  private onStopped(event: StopEvent): void {
    this.lastStop = event;
    if (event.registers !== undefined) this.registers.prime(event.threadId, event.registers);
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    for (const w of waiters) w(event);
    if (!this.awaitingStop) return;
    this.awaitingStop = false;
    void this.stopReply(event).then((reply) => this.send(reply));
  }

  private async stopReply(event: StopEvent): Promise<string> {
    if (event.reason.kind === 'exited' || event.reason.kind === 'terminated') return formatStopReply(event, [], this.peer);
    let values: Array<bigint | undefined> = [];
    try {
      values = await this.registers.read(event.threadId, EXPEDITED_REGISTERS);
    } catch (err) {
      this.log(`expedited registers unavailable: ${String(err)}`);
    }
    return formatStopReply(
      event,
      EXPEDITED_REGISTERS.map((n, i) => [n, values[i]] as const),
      this.peer,
    );
  }

  /** Interrupts (when asked) and waits for the next stop; throws GDB_STOP_TIMEOUT. */
  private async stopAndWait(interrupt: boolean): Promise<StopEvent> {
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<StopEvent>((resolve, reject) => {
      this.stopWaiters.push(resolve);
      timer = setTimeout(
        () =>
          reject(
            new GdbStubError('GDB_STOP_TIMEOUT', `the guest did not stop within ${this.stopTimeoutMs} ms`, {
              hint: 'the target may be wedged; check the hypervisor link',
            }),
          ),
        this.stopTimeoutMs,
      );
    });
    try {
      if (interrupt) await this.target.interrupt();
      return await stopped;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- the end ----

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    for (const s of this.subscriptions) s.dispose();
    await this.transport.close();
    this.resolveFinished();
  }

  private async onTransportClosed(): Promise<void> {
    if (this.ended) return; // D or k already cleaned up
    this.ended = true;
    for (const s of this.subscriptions) s.dispose();
    const wasContinuing = this.awaitingStop && !this.stepping;
    const watching = this.target.onStopped((e) => this.stopWaiters.splice(0).forEach((w) => w(e)));
    try {
      if (this.awaitingStop) {
        try {
          await this.stopAndWait(wasContinuing);
        } catch {
          await this.stopAndWait(true); // a step that never ends: stop it by force
        }
      }
      const failures = await this.points.removeAll();
      for (const f of failures) this.log(`removing a breakpoint after gdb left: ${String(f)}`);
      if (wasContinuing) await this.target.detach();
      this.log(`gdb disconnected; guest left ${wasContinuing ? 'running' : 'stopped'}`);
    } catch (err) {
      this.log(`cleanup after gdb left failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      watching.dispose();
    }
  }
}

// Layer: core/uartproxy. Matches each reply-format frame from the decoder to the request it
// answers (§3.2 steps 4–7, §4), checks status, echo, data checksums and sentinels, and settles
// the request through the session tracker. Imports this folder only.
//
// Rules, in order: a good REQ_BOOT goes to the client (callbacks); while the guest runs only
// the running request's own reply is accepted, anything else is reported, never fatal to it;
// otherwise the frame answers the top session's FIFO head. A damaged frame fails only that
// request (UARTPROXY_BAD_CHECKSUM); ST_CSUMERR fails it whatever type word it echoes; a reply
// of the wrong type or with the wrong opcode echo means replies are out of step (DESYNC).

import { checksum } from './checksum.ts';
import type { ProxyReply } from './client-types.ts';
import { CHECKSUM_SENTINEL, FrameType, Status, frameTypeName, statusName } from './constants.ts';
import { UartProxyError, statusError } from './errors.ts';
import { readU32, readU64, type PayloadClaim, type PayloadEnd, type ReplyFrame } from './frame-decoder.ts';
import { Kind, P_EXIT, P_KBOOT_BOOT, P_VECTOR, hex, type Pending, type Session } from './in-flight.ts';
import type { SessionTracker } from './session-tracker.ts';

export interface RouterHooks {
  describe(p: Pending): string;
  /** Problems that belong to no request (client's onError). */
  report(error: UartProxyError): void;
  dataChecksums(): boolean;
  /** Adopts the features a NOP reply enabled (§2.6) and returns them. */
  adoptFeatures(enabled: bigint): bigint;
  /** A good REQ_BOOT frame: startup or callback. */
  boot(frame: ReplyFrame): void;
  /** FrameDecoder.expectPayload: only from inside onReply. */
  expectPayload(claim: PayloadClaim): void;
}

export class ReplyRouter {
  /** What the MEMREAD reply whose payload is arriving said: its checksum field. */
  private payloadField = 0;
  private payloadChecked = false;

  constructor(
    private readonly tracker: SessionTracker,
    private readonly hooks: RouterHooks,
  ) {}

  onReply(f: ReplyFrame): void {
    if (f.type === FrameType.REQ_BOOT && f.status === 0 && f.checksumOk) {
      this.hooks.boot(f);
      return;
    }
    const tracker = this.tracker;
    const session = tracker.top();
    const head = session.fifo.peek();
    // While the guest runs only its own reply is expected; anything else (a damaged REQ_BOOT,
    // a stray reply) must not fail the P_HV_START that is still running.
    if (head === undefined || (head.runsGuest && !head.abandoned && !answersRunning(head, f))) {
      this.strayFrame(f, head);
      return;
    }
    session.fifo.shift();
    if (head.abandoned) {
      this.consumeLate(session, head, f);
    } else if (!f.checksumOk) {
      // A MEMREAD reply that still looks successful is most likely bit-damaged only: consume
      // its payload rather than scan up to a chunk of data for frames.
      if (head.kind === Kind.MemRead && f.type === FrameType.REQ_MEMREAD && f.status === 0) this.claimPayload(null, head.size);
      const detail = `frame checksum ${hex(readU32(f.bytes, 32))}, computed ${hex(checksum(f.bytes, 0, 32))}`;
      tracker.fail(session, head, new UartProxyError('UARTPROXY_BAD_CHECKSUM', `the reply to ${this.hooks.describe(head)} was damaged (${detail})`));
    } else if (f.status === Status.ST_CSUMERR) {
      // Its type word echoes whatever the target received, which may itself be damaged (§15 #44).
      tracker.fail(session, head, statusError(f.status, this.hooks.describe(head)));
    } else if (f.type !== head.frameType) {
      const got = `${frameTypeName(f.type)} reply (${statusName(f.status)})`;
      tracker.outOfStep(session, head, new UartProxyError('UARTPROXY_UNEXPECTED_FRAME', `expected the reply to ${this.hooks.describe(head)}, got a ${got}`));
    } else if (f.status !== Status.ST_OK) {
      tracker.fail(session, head, statusError(f.status, this.hooks.describe(head)));
    } else {
      this.onGoodReply(session, head, f.bytes);
    }
    tracker.armWatchdog();
  }

  private onGoodReply(session: Session, p: Pending, b: Uint8Array): void {
    const tracker = this.tracker;
    if (p.kind === Kind.Nop) {
      tracker.complete(session, p, this.hooks.adoptFeatures(readU64(b, 8)));
    } else if (p.kind === Kind.Proxy) {
      const echo = readU32(b, 12) * 2 ** 32 + readU32(b, 8);
      const proxyStatus = readU32(b, 16) === 0 && readU32(b, 20) === 0 ? 0n : BigInt.asIntN(64, readU64(b, 16));
      const retval = readU64(b, 24);
      if (p.raw) {
        tracker.complete(session, p, { opcode: echo, proxyStatus, retval } satisfies ProxyReply);
      } else if (echo !== p.opcode) {
        const message = `the reply to ${this.hooks.describe(p)} echoes opcode ${hex(echo)}: replies are out of step with requests`;
        tracker.outOfStep(session, p, new UartProxyError('UARTPROXY_OPCODE_MISMATCH', message));
        return;
      } else if (proxyStatus === -1n) {
        const message = `${this.hooks.describe(p)}: the target does not know opcode ${hex(p.opcode)} (S_BADCMD)`;
        tracker.fail(session, p, new UartProxyError('UARTPROXY_PROXY_BADCMD', message, { status: proxyStatus }));
        return;
      } else if (proxyStatus !== 0n) {
        const message = `${this.hooks.describe(p)}: the target replied with unknown proxy status ${proxyStatus}`;
        tracker.fail(session, p, new UartProxyError('UARTPROXY_UNKNOWN_STATUS', message, { status: proxyStatus }));
        return;
      } else {
        tracker.complete(session, p, retval);
      }
      if (proxyStatus === 0n && echo === p.opcode && endsSession(p.opcode, retval)) tracker.endSession(session);
    } else if (p.kind === Kind.MemRead) {
      // §4.3: the payload (and with data checksums off the trailer) follows the reply at once.
      this.claimPayload(p, p.size, readU32(b, 8));
    } else {
      const stored = readU32(b, 8);
      if (stored === p.sentChecksum) tracker.complete(session, p, undefined);
      else {
        const message = `${this.hooks.describe(p)}: the target stored data with checksum ${hex(stored)}, we sent ${hex(p.sentChecksum)}`;
        tracker.fail(session, p, new UartProxyError('UARTPROXY_BAD_CHECKSUM', message));
      }
    }
  }

  /** A late reply to a request that already timed out: consume it (and its payload) in step. */
  private consumeLate(session: Session, p: Pending, f: ReplyFrame): void {
    if (!f.checksumOk || f.type !== p.frameType || f.status !== Status.ST_OK) return;
    if (p.kind === Kind.MemRead) this.claimPayload(null, p.size);
    else if (p.kind === Kind.Proxy && isReplyTo(p, f) && endsSession(p.opcode, readU64(f.bytes, 24))) this.tracker.endSession(session);
  }

  private strayFrame(f: ReplyFrame, running: Pending | undefined): void {
    // Out of step already: late replies are expected noise until recover() has drained them.
    if (this.tracker.state === 'desync' || this.tracker.state === 'recovering') return;
    const when = running ? `while ${this.hooks.describe(running)} runs the guest` : 'with no request waiting';
    const kind = `${frameTypeName(f.type)} frame (${statusName(f.status)})`;
    if (!f.checksumOk) this.hooks.report(new UartProxyError('UARTPROXY_BAD_CHECKSUM', `a damaged ${kind} arrived ${when}; if it was a callback, the target now waits for P_EXIT`));
    else this.hooks.report(new UartProxyError('UARTPROXY_UNEXPECTED_FRAME', `an unexpected ${kind} arrived ${when}`));
  }

  /** The payload of the reply just decoded goes into `p`'s buffer (or nowhere when p is null). */
  private claimPayload(p: Pending | null, size: number, field = 0): void {
    const into = p?.into ?? null;
    this.payloadChecked = this.hooks.dataChecksums() && into !== null;
    this.hooks.expectPayload({ length: size, into, offset: p?.intoOffset ?? 0, checksum: this.payloadChecked, trailer: !this.hooks.dataChecksums() });
    this.tracker.payloadOwner = p;
    this.tracker.payloadReceived = 0;
    this.payloadField = field;
  }

  onPayloadProgress(received: number): void {
    const p = this.tracker.payloadOwner;
    this.tracker.payloadReceived = received;
    if (p !== null && !p.abandoned && p.owner !== null) p.owner.chunkProgress(p, received);
  }

  onPayloadEnd(result: PayloadEnd): void {
    const tracker = this.tracker;
    const p = tracker.payloadOwner;
    tracker.payloadOwner = null;
    if (p !== null && !p.abandoned) {
      const session = tracker.top();
      const what = this.hooks.describe(p);
      if (result.trailerOk === false) {
        tracker.fail(session, p, new UartProxyError('UARTPROXY_BAD_SENTINEL', `the data of ${what} did not end with DATA_END_SENTINEL (bytes were lost)`));
      } else if (result.trailerOk === true && this.payloadField !== CHECKSUM_SENTINEL) {
        const message = `the reply to ${what} carried ${hex(this.payloadField)} instead of CHECKSUM_SENTINEL with data checksums off`;
        tracker.fail(session, p, new UartProxyError('UARTPROXY_BAD_SENTINEL', message));
      } else if (this.payloadChecked && result.dataChecksum !== this.payloadField) {
        const message = `the data of ${what} arrived with checksum ${hex(result.dataChecksum ?? 0)}, the reply said ${hex(this.payloadField)}`;
        // The sentinel means the target has data checksums off: an earlier host negotiated
        // them away and this one has not sent its NOP yet (§2.6, §13.1).
        const hint =
          this.payloadField === CHECKSUM_SENTINEL
            ? 'The target has data checksums disabled (an earlier host negotiated that): send a NOP first (client.nop()) so both sides agree.'
            : undefined;
        tracker.fail(session, p, new UartProxyError('UARTPROXY_BAD_CHECKSUM', message, { hint }));
      } else {
        tracker.complete(session, p, undefined);
      }
    }
    tracker.armWatchdog();
  }
}

/**
 * Whether `f` can be the answer to the request that runs the guest: its own successful reply,
 * or an error status (the target refused the request, so the guest never started; callbacks
 * never carry a status).
 */
function answersRunning(p: Pending, f: ReplyFrame): boolean {
  if (!f.checksumOk) return false;
  if (f.status === Status.ST_CSUMERR) return true;
  return f.type === p.frameType && (f.status !== Status.ST_OK || isReplyTo(p, f));
}

function isReplyTo(p: Pending, f: ReplyFrame): boolean {
  if (!f.checksumOk || f.type !== p.frameType) return false;
  return p.kind !== Kind.Proxy || (readU32(f.bytes, 8) === p.opcode && readU32(f.bytes, 12) === 0);
}

/** §4.2: P_EXIT and P_VECTOR always end the session once answered, P_KBOOT_BOOT when it returns 0. */
function endsSession(opcode: number, retval: bigint): boolean {
  return opcode === P_EXIT || opcode === P_VECTOR || (opcode === P_KBOOT_BOOT && retval === 0n);
}

// Layer: sim/coproc/dcp. The DCP side of the RPC over shared memory (apple-devices.md §7.3–7.5):
// per-channel packet stacks, serving AP calls, issuing callbacks (nested and ASYNC) and
// matching acknowledgements. Imports core/dcp and this folder; reaches memory only through the
// accessors it is given.
//
// Each AP call runs as a coroutine (a behaviour generator). A `yield` writes a callback packet
// on the coroutine's callback channel (CB for CMD/CB calls, OOBCB for the OOB ones) at the next
// aligned offset and sends MSG; the AP's ACK on that channel resumes the coroutine that issued
// the packet on top of the stack. Everything runs synchronously inside receive(), so the model
// is deterministic.

import { alignUp, apCallChannel, dcpCallChannel, dcpChannel, DCP_PACKET_ALIGN, type DcpChannel, type DcpChannelName } from '../../../core/dcp/channels.ts';
import { decodeInput, decodeOutput, encodeInput, encodeOutput, type DecodedOutput } from '../../../core/dcp/marshal.ts';
import { DcpContext, contextName, encodeDcpMessage } from '../../../core/dcp/messages.ts';
import { findDcpMethod, type DcpMethod } from '../../../core/dcp/methods.ts';
import { decodePacket, encodePacket, packetLength, PACKET_HEADER_SIZE } from '../../../core/dcp/packet.ts';
import { isBehaviourGenerator, type DcpBehaviour, type DcpCallbackRequest, type DcpFirmwareState, type DcpMethodBehaviour, type DcpMethodResult } from './dcp-behaviour-types.ts';

export type DcpDiagnosticCode =
  | 'DCP_FW_NO_SHMEM'
  | 'DCP_FW_BAD_MESSAGE'
  | 'DCP_FW_BAD_CONTEXT'
  | 'DCP_FW_BAD_PACKET'
  | 'DCP_FW_UNKNOWN_CALL'
  | 'DCP_FW_SIZE_MISMATCH'
  | 'DCP_FW_OVERLAPPING_CALL'
  | 'DCP_FW_ACK_WITHOUT_CALL'
  | 'DCP_FW_CHANNEL_FULL'
  | 'DCP_FW_DMA_FAULT'
  | 'DCP_FW_STACK_ORDER'
  | 'DCP_FW_METHOD_FAILED';

export interface DcpDiagnostic {
  readonly code: DcpDiagnosticCode;
  readonly message: string;
}

export interface RpcMemory {
  /** Reads `length` bytes at a shared-memory offset; throws on a DART fault. */
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
}

export interface RpcHost {
  readonly memory: RpcMemory;
  send(msg0: bigint): void;
  report(code: DcpDiagnosticCode, message: string): void;
}

interface Coroutine {
  readonly gen: DcpBehaviour;
  readonly cbChannel: DcpChannel;
  readonly cbCtx: number;
  finish(result: DcpMethodResult | void, failed: boolean): void;
}

interface Frame {
  readonly channel: DcpChannel;
  readonly ctx: number;
  readonly off: number;
  readonly len: number;
  readonly tag: string;
  readonly inLen: number;
  readonly outLen: number;
  /** For DCP callbacks: the coroutine to resume on ACK. */
  readonly owner?: Coroutine;
  readonly method?: DcpMethod;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export class DcpRpcEngine {
  private readonly stacks = new Map<DcpChannelName, Frame[]>();
  private readonly asyncQueue: Array<{ request: DcpCallbackRequest; onDone?: () => void }> = [];
  private asyncBusy = false;

  constructor(
    private readonly host: RpcHost,
    private readonly behaviours: Readonly<Record<string, DcpMethodBehaviour>>,
    private readonly fw: DcpFirmwareState,
  ) {}

  /** Outstanding packets per channel, oldest first (offsets). */
  outstanding(): Record<DcpChannelName, number[]> {
    const out = {} as Record<DcpChannelName, number[]>;
    for (const name of ['CMD', 'OOBCMD', 'ASYNC', 'OOBASYNC', 'CB', 'OOBCB'] as const) {
      out[name] = (this.stacks.get(name) ?? []).map((f) => f.off);
    }
    return out;
  }

  /** Forget every outstanding call (a new SET_SHMEM). */
  reset(): void {
    this.stacks.clear();
    this.asyncQueue.length = 0;
    this.asyncBusy = false;
  }

  private stack(channel: DcpChannel): Frame[] {
    let s = this.stacks.get(channel.name);
    if (!s) this.stacks.set(channel.name, (s = []));
    return s;
  }

  private ack(frame: { ctx: number; off: number }): void {
    // §7.5 (a) step 6: ACK=1, LEN=0, OFF = the call's offset, CTX = the call's context.
    this.host.send(encodeDcpMessage({ type: 'msg', ctx: frame.ctx, off: frame.off, len: 0, ack: true }));
  }

  /** An AP call: MSG{ctx, off, len, ACK=0} from the AP (§7.5 a). */
  handleApCall(ctx: number, off: number, len: number): void {
    const channel = apCallChannel(ctx);
    const where = `${contextName(ctx)} call at ${hex(off)}`;
    if (!channel) {
      // ASYNC contexts are DCP→AP only; there is no buffer to read and nobody to answer.
      this.host.report('DCP_FW_BAD_CONTEXT', `${where}: the AP cannot call in context ${ctx}; ignored`);
      return;
    }
    const stack = this.stack(channel);
    const top = stack[stack.length - 1];
    if (top && off < top.off + top.len) {
      this.host.report('DCP_FW_OVERLAPPING_CALL', `${where} overlaps the outstanding ${top.tag} at ${hex(top.off)}; acknowledged without running`);
      this.ack({ ctx, off });
      return;
    }
    if (len < PACKET_HEADER_SIZE || off + len > channel.size) {
      this.host.report('DCP_FW_BAD_PACKET', `${where}: LEN ${hex(len)} does not fit the ${channel.name} buffer; acknowledged without running`);
      this.ack({ ctx, off });
      return;
    }
    let packet;
    try {
      packet = decodePacket(this.host.memory.read(channel.base + off, len), len);
    } catch (err) {
      this.reportError(err, `${where}: packet unreadable`);
      this.ack({ ctx, off });
      return;
    }
    const outAt = channel.base + off + PACKET_HEADER_SIZE + packet.inLen;
    const method = findDcpMethod(packet.tag);
    const zeros = (): void => {
      this.safeWrite(outAt, new Uint8Array(packet.outLen));
    };
    if (!method || method.direction !== 'ap-call') {
      // Not in the 12.x table: answer with a zeroed output block so the AP is not left waiting.
      this.host.report('DCP_FW_UNKNOWN_CALL', `${where}: unknown method ${packet.tag} (in ${hex(packet.inLen)}, out ${hex(packet.outLen)}); answered with zeros`);
      zeros();
      this.ack({ ctx, off });
      return;
    }
    if (packet.inLen !== method.inLen || packet.outLen !== method.outLen) {
      this.host.report('DCP_FW_SIZE_MISMATCH', `${where}: ${method.tag} ${method.name} expects in ${hex(method.inLen)}/out ${hex(method.outLen)}, got ${hex(packet.inLen)}/${hex(packet.outLen)}; answered with zeros`);
      zeros();
      this.ack({ ctx, off });
      return;
    }
    const frame: Frame = { channel, ctx, off, len, tag: method.tag, inLen: packet.inLen, outLen: packet.outLen, method };
    let gen: DcpBehaviour;
    try {
      const behaviour = this.behaviours[method.tag] ?? defaultBehaviour;
      const started = behaviour(decodeInput(method, packet.input), this.fw);
      gen = isBehaviourGenerator(started) ? started : immediate(started);
    } catch (err) {
      this.reportError(err, `${where}: ${method.tag} input undecodable`);
      zeros();
      this.ack(frame);
      return;
    }
    stack.push(frame);
    const oob = channel.name === 'OOBCMD';
    const co: Coroutine = {
      gen,
      cbChannel: dcpChannel(oob ? 'OOBCB' : 'CB'),
      cbCtx: oob ? DcpContext.OOBCB : DcpContext.CB,
      finish: (result, failed) => this.finishApCall(frame, outAt, method, result, failed),
    };
    this.step(co, undefined);
  }

  private finishApCall(frame: Frame, outAt: number, method: DcpMethod, result: DcpMethodResult | void, failed: boolean): void {
    let out: Uint8Array = new Uint8Array(frame.outLen);
    if (!failed) {
      try {
        out = encodeOutput(method, result?.values ?? {}, result?.ret);
      } catch (err) {
        this.reportError(err, `${method.tag} result unencodable`);
      }
    }
    this.safeWrite(outAt, out);
    const stack = this.stack(frame.channel);
    const at = stack.lastIndexOf(frame);
    if (at !== stack.length - 1) {
      this.host.report('DCP_FW_STACK_ORDER', `${frame.tag} at ${frame.channel.name}.${hex(frame.off)} finished while a later call is outstanding (the AP acknowledged callbacks out of order)`);
    }
    if (at >= 0) stack.splice(at, 1);
    this.ack(frame);
  }

  /** An ACK from the AP: completes the newest DCP call on that context's channel (§7.5 b/c). */
  handleApAck(ctx: number, off: number): void {
    const channel = dcpCallChannel(ctx);
    if (!channel) {
      this.host.report('DCP_FW_BAD_CONTEXT', `ACK in context ${contextName(ctx)} (OFF ${hex(off)}): the AP acknowledges only DCP calls; ignored`);
      return;
    }
    const frame = this.stack(channel).pop();
    if (!frame || !frame.owner || !frame.method) {
      this.host.report('DCP_FW_ACK_WITHOUT_CALL', `ACK on ${channel.name} (OFF ${hex(off)}) without an outstanding call; ignored`);
      return;
    }
    let output: DecodedOutput;
    try {
      const bytes = this.host.memory.read(channel.base + frame.off + PACKET_HEADER_SIZE + frame.inLen, frame.outLen);
      output = decodeOutput(frame.method, bytes);
    } catch (err) {
      this.reportError(err, `${frame.tag} output unreadable; treated as zeros`);
      output = decodeOutput(frame.method, new Uint8Array(frame.outLen));
    }
    this.step(frame.owner, output);
  }

  /** Queue an ASYNC callback; one is outstanding at a time, in order (§7.5 c). */
  queueAsync(request: DcpCallbackRequest, onDone?: () => void): void {
    this.asyncQueue.push({ request, onDone });
    this.pumpAsync();
  }

  private pumpAsync(): void {
    if (this.asyncBusy) return;
    const job = this.asyncQueue.shift();
    if (!job) return;
    this.asyncBusy = true;
    const co: Coroutine = {
      gen: (function* (): DcpBehaviour {
        yield job.request;
      })(),
      cbChannel: dcpChannel('ASYNC'),
      cbCtx: DcpContext.ASYNC,
      finish: () => {
        this.asyncBusy = false;
        job.onDone?.();
        this.pumpAsync();
      },
    };
    this.step(co, undefined);
  }

  private step(co: Coroutine, input: DecodedOutput | undefined): void {
    let r: IteratorResult<DcpCallbackRequest, DcpMethodResult | void>;
    try {
      r = co.gen.next(input as DecodedOutput);
    } catch (err) {
      this.reportError(err, 'method behaviour failed');
      co.finish(undefined, true);
      return;
    }
    if (r.done) co.finish(r.value, false);
    else this.issue(co, r.value);
  }

  /** Writes a DCP→AP call packet and sends MSG (§7.5 b step 1–2). */
  private issue(co: Coroutine, request: DcpCallbackRequest): void {
    const method = findDcpMethod(request.tag);
    const channel = co.cbChannel;
    let input: Uint8Array;
    try {
      if (!method || method.direction !== 'dcp-callback') throw new Error(`${request.tag} is not a callback of the table`);
      input = encodeInput(method, request.args ?? {});
    } catch (err) {
      this.reportError(err, `callback ${request.tag} unencodable`);
      co.gen.return(undefined);
      co.finish(undefined, true);
      return;
    }
    const stack = this.stack(channel);
    const top = stack[stack.length - 1];
    // §7.4: the next packet starts at OFF_prev + align_up(LEN_prev, 0x40); an idle buffer at 0.
    const off = top ? top.off + alignUp(top.len, DCP_PACKET_ALIGN) : 0;
    const len = packetLength(input.length, method.outLen);
    if (off + len > channel.size) {
      this.host.report('DCP_FW_CHANNEL_FULL', `${channel.name}: no room for ${request.tag} at ${hex(off)}; the call is abandoned`);
      co.gen.return(undefined);
      co.finish(undefined, true);
      return;
    }
    if (!this.safeWrite(channel.base + off, encodePacket(method.tag, input, method.outLen))) {
      co.gen.return(undefined);
      co.finish(undefined, true);
      return;
    }
    stack.push({ channel, ctx: co.cbCtx, off, len, tag: method.tag, inLen: input.length, outLen: method.outLen, owner: co, method });
    this.host.send(encodeDcpMessage({ type: 'msg', ctx: co.cbCtx, off, len, ack: false }));
  }

  private safeWrite(offset: number, bytes: Uint8Array): boolean {
    try {
      this.host.memory.write(offset, bytes);
      return true;
    } catch (err) {
      this.reportError(err, `write of ${bytes.length} bytes at shmem+${hex(offset)} failed`);
      return false;
    }
  }

  private reportError(err: unknown, context: string): void {
    const code = (err as { code?: string }).code;
    const message = err instanceof Error ? err.message : String(err);
    const kind: DcpDiagnosticCode = code === 'DART_FAULT' ? 'DCP_FW_DMA_FAULT' : code?.startsWith('DCP_PACKET') ? 'DCP_FW_BAD_PACKET' : 'DCP_FW_METHOD_FAILED';
    this.host.report(kind, `${context}: ${message}`);
  }
}

/** Known tags without a behaviour answer with a zeroed output block. */
function defaultBehaviour(): DcpMethodResult {
  return {};
}

/** A behaviour without callbacks, as a coroutine that finishes at its first step. */
// eslint-disable-next-line require-yield
function* immediate(result: DcpMethodResult | void): DcpBehaviour {
  return result;
}

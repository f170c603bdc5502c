// Layer: plugins/dcp. The decoder of DCP endpoint 0x37 "dcpep" (spec apple-devices §7.2–§7.5,
// §7.12), registered with the ASC plugin: SET_SHMEM and INITIALIZED as §5.11 generic lines, and
// every MSG followed into shared memory — the packet of a call read (through the DART) at the
// channel base + OFF, pushed on its channel's stack; an acknowledgement pops it and reads its
// output area. Each call and reply is printed in the seed's format (render.ts, verbosity 0), as
// §7.12's live lines (verbosity 1; 2 adds the input dump, 3 the output dump) and as a dump-file
// line (§7.12) kept in the event's fields and appended to `dumpFile` when configured; `traceFile`
// receives the seed-format lines.
// Imports core/dcp, core/plugin (types, regmap), plugins/asc (types), plugins/dcp, node:fs.

import { appendFileSync } from 'node:fs';
import { apCallChannel, dcpCallChannel, dcpChannel, type DcpChannelName } from '../../core/dcp/channels.ts';
import { decodeInput } from '../../core/dcp/marshal.ts';
import { findDcpMethod } from '../../core/dcp/methods.ts';
import { decodePacketHeader, PACKET_HEADER_SIZE } from '../../core/dcp/packet.ts';
import type { DeviceContext } from '../../core/plugin/api.ts';
import { renderValue } from '../../core/plugin/regmap-format.ts';
import { enumOf, extendReg, reg64, type RegValue } from '../../core/plugin/regmap.ts';
import type { EndpointContext, EndpointDecoder } from '../asc/endpoint.ts';
import { dcpavStep, type DcpavTransfer } from './dcpav.ts';
import { chexdump } from './hexdump.ts';
import { pformat, type PyValue } from './pyrepr.ts';
import { CallTraceRenderer, type Nesting, type RenderedLine, type TraceCall } from './render.ts';

export const DcpMessage = reg64({ TYPE: [3, 0] }, 'DcpMessage');
export const Dcp_SetShmem = extendReg(DcpMessage, { DVA: [63, 16], FLAG: [7, 4] }, 'Dcp_SetShmem');
export const Dcp_Msg = extendReg(DcpMessage, { LEN: [63, 32], OFF: [31, 16], CTX: [11, 8, enumOf({ 0: 'CB', 2: 'CMD', 3: 'ASYNC', 4: 'OOBCB', 6: 'OOBCMD', 7: 'OOBASYNC' })], ACK: 6 }, 'Dcp_Msg');

export interface PendingCall extends TraceCall {
  readonly msg0: bigint;
}

export interface DcpState {
  /** SET_SHMEM's DVA & 0xfffffffff (HEAD, §7.2). */
  shmem: bigint | undefined;
  initialized: boolean;
  /** Outstanding calls per channel, innermost last (§7.5 "Ordering"). */
  stacks: Record<DcpChannelName, PendingCall[]>;
  nesting: Nesting;
  calls: number;
  replies: number;
  dcpav: DcpavTransfer | undefined;
  /** DCPAV properties by key (§7.11). */
  properties: Record<string, unknown>;
}

export const initialDcpState = (): DcpState => ({
  shmem: undefined,
  initialized: false,
  stacks: { CMD: [], OOBCMD: [], ASYNC: [], OOBASYNC: [], CB: [], OOBCB: [] },
  nesting: { normal: 0, oob: 0 },
  calls: 0,
  replies: 0,
  dcpav: undefined,
  properties: {},
});

type E = EndpointContext<unknown>;
const hx = (n: number | bigint): string => `0x${n.toString(16)}`;
const hexBytes = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const d0 = (e: E): '>' | '<' => (e.msg.dir === 'tx' ? '>' : '<');

/** Appends to the file named by config[key] (`dumpFile`: §7.12 records; `traceFile`: the rendered trace). */
function append(out: DeviceContext<DcpState>, key: 'dumpFile' | 'traceFile', lines: readonly string[]): void {
  const file = out.config[key];
  if (typeof file === 'string' && file && lines.length) appendFileSync(file, `${lines.join('\n')}\n`);
}

/** The rendered lines; the first carries the structured fields and the MMIO event it came from. */
function emit(e: E, out: DeviceContext<DcpState>, lines: readonly RenderedLine[], fields: Record<string, unknown>): void {
  append(out, 'traceFile', lines.map((l) => l.text));
  const { seq, cpu, pc } = e.event;
  const event = { seq, cpu, pc, device: e.device.path };
  lines.forEach((l, i) => out.log(l.text, { kind: `dcp-${l.kind}`, fields: i === 0 ? { ...fields, event } : { detail: true, event } }));
}

function hexdumpLines(out: DeviceContext<DcpState>, title: string, bytes: Uint8Array, level: number): void {
  if (out.verbosity < level) return;
  out.log(title, { kind: 'dcp-dump', level });
  for (const l of chexdump(bytes)) out.log(l, { kind: 'dcp-dump', level });
}

function longName(tag: string): string {
  const m = findDcpMethod(tag);
  return m ? `${m.className}::${m.name}()` : 'unk';
}

/** DCPAV (§7.11) after the D122/D123/D124 call lines. */
function dcpav(out: DeviceContext<DcpState>, c: TraceCall, indent: string): void {
  const m = findDcpMethod(c.tag);
  if (!m || c.input.length !== m.inLen) return;
  let values;
  try {
    values = decodeInput(m, c.input).values;
  } catch {
    return;
  }
  const r = dcpavStep(out.state, c.tag, values);
  if (!r) return;
  if (!r.ok) {
    out.log(`${indent}  DCPAV ${r.key} !! ${r.error}`, { kind: 'dcpav-error', fields: { key: r.key, size: r.size, error: r.error } });
    return;
  }
  out.state.properties[r.key] = r.value;
  // `<indent>  DCPAV <key> = <pformat>`, continuation lines aligned under the value (as §7.13's
  // long-argument blocks are).
  const hdr = `${indent}  DCPAV ${r.key} = `;
  const text = `${hdr}${pformat(r.value as PyValue)}`.split('\n');
  text.forEach((t, i) =>
    out.log(i === 0 ? t : `${' '.repeat(hdr.length)}${t}`, i === 0 ? { kind: 'dcpav-property', fields: { key: r.key, size: r.size, length: r.length, value: r.value } } : { kind: 'dcpav-value', fields: { key: r.key } }),
  );
  if (!r.lengthOk) out.log(`${indent}  DCPAV ${r.key} !! Start said ${r.length}, got ${r.size} bytes (expected length − 1)`, { kind: 'dcpav-length', fields: { key: r.key, size: r.size, length: r.length } });
}

async function onCall(e: E, out: DeviceContext<DcpState>, v: RegValue, ch: DcpChannelName, rendered: string): Promise<void> {
  const s = out.state;
  const d = d0(e);
  const { LEN, OFF } = v.fields as Record<string, number>;
  const stack = s.stacks[ch];
  const where = `${d}${ch}.${OFF!.toString(16)}`;
  const dup = stack.findIndex((c) => c.off === OFF);
  if (dup >= 0) {
    e.log(`${where} !!! Overlapping call (${rendered})`, { kind: 'dcp-overlap', fields: { channel: ch, off: OFF } });
    new CallTraceRenderer(s.nesting).abandon(stack.splice(dup, 1)[0]!);
  }
  const base = dcpChannel(ch).base;
  let call: PendingCall;
  try {
    if (s.shmem === undefined) throw new Error('no SET_SHMEM seen yet');
    // A corrupt LEN must not cost a huge read: a packet never exceeds its channel (§7.3).
    const len = Math.min(LEN!, dcpChannel(ch).size - OFF!);
    const bytes = await e.readBuffer(s.shmem + BigInt(base + OFF!), Math.max(len, PACKET_HEADER_SIZE));
    const hdr = decodePacketHeader(bytes);
    if (PACKET_HEADER_SIZE + hdr.inLen + hdr.outLen !== LEN) {
      e.log(`${where} !!! LEN ${hx(LEN!)} but 12 + in ${hx(hdr.inLen)} + out ${hx(hdr.outLen)}`, { kind: 'dcp-bad-length', fields: { channel: ch, off: OFF, len: LEN } });
    }
    const input = bytes.slice(PACKET_HEADER_SIZE, Math.min(bytes.length, PACKET_HEADER_SIZE + hdr.inLen));
    call = { dir: d, channel: ch, off: OFF!, tag: hdr.tag, inLen: hdr.inLen, outLen: Math.min(hdr.outLen, dcpChannel(ch).size), input, msg0: e.msg.msg0 };
  } catch (err) {
    e.log(`${where} !!! packet unreadable: ${err instanceof Error ? err.message : String(err)} (${rendered})`, { kind: 'dcp-unreadable', fields: { channel: ch, off: OFF } });
    call = { dir: d, channel: ch, off: OFF!, tag: '????', inLen: 0, outLen: 0, input: new Uint8Array(0), msg0: e.msg.msg0 };
  }
  stack.push(call);
  s.calls++;
  e.log(`${where} ${call.tag}:${longName(call.tag)} (${rendered})`, { kind: 'dcp-live-call', level: 1 });
  if (out.verbosity >= 2) out.log(`Message: ${call.tag} (${longName(call.tag)}): (in ${hx(call.inLen)}, out ${hx(call.outLen)})`, { kind: 'dcp-dump', level: 2 });
  hexdumpLines(out, `${d} Input (${hx(call.input.length)} bytes):`, call.input, 2);
  const dumpLine = `CALL ${d} 0x${e.msg.msg0.toString(16).padStart(16, '0')} ${ch} ${hx(call.off)} ${call.tag} ${hx(call.inLen)} ${hx(call.outLen)} ${hexBytes(call.input)}`;
  append(out, 'dumpFile', [dumpLine]);
  const lines = new CallTraceRenderer(s.nesting).call(call);
  emit(e, out, lines, { channel: ch, off: call.off, tag: call.tag, dir: d, inLen: call.inLen, outLen: call.outLen, depth: s.nesting[ch.includes('OOB') ? 'oob' : 'normal'] - 1, dump: dumpLine });
  if (call.tag === 'D122' || call.tag === 'D123' || call.tag === 'D124') dcpav(out, call, /^(\[OOB\] -+> )?\s*/.exec(lines[0]!.text)![0]);
}

async function onAck(e: E, out: DeviceContext<DcpState>, v: RegValue, ch: DcpChannelName, rendered: string): Promise<void> {
  const s = out.state;
  const d = d0(e);
  const OFF = (v.fields as Record<string, number>).OFF!;
  const call = s.stacks[ch].pop();
  if (!call) {
    e.log(`${d}ACK ${ch}.${OFF.toString(16)} !!! ACK without call (${rendered})`, { kind: 'dcp-orphan-ack', fields: { channel: ch, off: OFF } });
    return;
  }
  e.log(`${d}ACK ${ch}.${OFF.toString(16)} (${rendered})`, { kind: 'dcp-live-ack', level: 1 });
  let output: Uint8Array = new Uint8Array(0);
  if (call.outLen > 0 && s.shmem !== undefined && call.tag !== '????') {
    try {
      output = await e.readBuffer(s.shmem + BigInt(dcpChannel(ch).base + call.off + PACKET_HEADER_SIZE + call.inLen), call.outLen);
    } catch (err) {
      e.log(`${d}ACK ${ch}.${OFF.toString(16)} !!! output unreadable: ${err instanceof Error ? err.message : String(err)}`, { kind: 'dcp-unreadable', fields: { channel: ch, off: call.off } });
    }
  }
  s.replies++;
  if (output.length) hexdumpLines(out, `${d}${ch}.${OFF.toString(16)} Output buffer (${hx(output.length)} bytes):`, output, 3);
  const dumpLine = `ACK ${d} 0x${e.msg.msg0.toString(16).padStart(16, '0')} ${ch} ${hx(call.off)} ${hexBytes(output)}`;
  append(out, 'dumpFile', [dumpLine]);
  const lines = new CallTraceRenderer(s.nesting).reply(call, output);
  emit(e, out, lines, { channel: ch, off: call.off, tag: call.tag, dir: call.dir === '>' ? '<' : '>', depth: s.nesting[ch.includes('OOB') ? 'oob' : 'normal'], dump: dumpLine });
}

/** The EP 0x37 decoder; its lines go through `out` (the DCP plugin's context on /arm-io/dcp). */
export function dcpepDecoder(out: DeviceContext<DcpState>): EndpointDecoder {
  return {
    name: 'dcpep',
    base: DcpMessage,
    messages: [
      {
        dir: 'tx',
        type: 0,
        name: 'SetShmem',
        cls: Dcp_SetShmem,
        handle(v, e) {
          const dva = v.raw >> 16n;
          const s = out.state;
          Object.assign(s, { ...initialDcpState(), properties: s.properties, shmem: dva & 0xfffffffffn });
          e.log(`Shared memory DVA: ${hx(dva)}`, { kind: 'dcp-shmem', fields: { dva } });
        },
      },
      {
        dir: 'rx',
        type: 1,
        name: 'InitComplete',
        handle() {
          out.state.initialized = true;
        },
      },
      {
        type: 2,
        name: 'MSG',
        cls: Dcp_Msg,
        async handle(v, e) {
          const f = v.fields as Record<string, number>;
          const ack = f.ACK === 1;
          const rendered = renderValue(Dcp_Msg, v.raw);
          if (e.msg.dir === 'rx') e.log(rendered, { kind: 'dcp-msg', level: 1 });
          // §7.12: TX calls and RX acks use the AP's buffers; RX calls and TX acks the DCP's.
          const apSide = (e.msg.dir === 'tx') !== ack;
          const ch = (apSide ? apCallChannel(f.CTX!) : dcpCallChannel(f.CTX!))?.name;
          if (!ch) {
            e.log(`${d0(e)}${ack ? 'ACK ' : ''}?.${f.OFF!.toString(16)} !!! no channel for CTX ${f.CTX} (${rendered})`, { kind: 'dcp-no-channel', fields: { ctx: f.CTX } });
          } else if (ack) {
            await onAck(e, out, v, ch, rendered);
          } else {
            await onCall(e, out, v, ch, rendered);
          }
          return true;
        },
      },
    ],
  };
}

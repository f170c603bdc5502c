// Layer: sim/hv, the virtual M1's hypervisor model. Imports sim/firmware's frame builder and
// core/uartproxy constants.
//
// EVT_MMIOTRACE (§10.5, 32 bytes) and EVT_IRQTRACE (§10.8, 8 bytes) payloads, the emission rule
// of one aligned operation, and the queue that models how m1n1 buffers them (§4.6, §10.5):
// uartproxy_send_event queues header and payload into the proxy iodev's device→host ring and
// writes the checksum, which starts a bulk-IN transfer — the guest does not wait for the bytes
// to leave. Only a TRACE_UNBUF descriptor adds iodev_flush (the CPU waits until the ring has
// drained). A full ring (1 MiB on USB) stalls the writer until the host has read enough, and a
// closed pipe drops the event (usb_dwc3_queue returns 0). Everything goes through the same
// ring, so events always precede a later REQ_BOOT or reply.

import { EventType, MmioFlags } from '../../core/uartproxy/constants.ts';
import { eventFrame } from '../firmware/frames.ts';

/** MMIO_EVT_* (m1n1 src/hv.h): the `flags` word of trace events and HOOK_VM data. */
const MmioFlag = MmioFlags;
export { MmioFlag };

export const MMIO_TRACE_SIZE = 32;
export const IRQ_TRACE_SIZE = 8;
/** hv_evt_irqtrace.flags bit 0: IRQ delivered. */
export const IRQTRACE_IRQ = 1;

/** ATTR (PAR_EL1[63:56]) << 24 | SH (PAR_EL1[8:7]) << 14 — the part of `flags` the PAR gives (§10.4 step 7). */
export function parFlags(par: bigint): number {
  const attr = Number((par >> 56n) & 0xffn);
  const sh = Number((par >> 7n) & 3n);
  return ((attr << MmioFlag.ATTR_SHIFT) | (sh << MmioFlag.SH_SHIFT)) >>> 0;
}

export interface MmioTraceEvent {
  readonly flags: number;
  readonly pc: bigint;
  readonly addr: bigint;
  readonly data: bigint;
}

export function encodeMmioTrace(e: MmioTraceEvent): Uint8Array {
  const bytes = new Uint8Array(MMIO_TRACE_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0x00, e.flags >>> 0, true);
  view.setUint32(0x04, 0, true);
  view.setBigUint64(0x08, BigInt.asUintN(64, e.pc), true);
  view.setBigUint64(0x10, BigInt.asUintN(64, e.addr), true);
  view.setBigUint64(0x18, BigInt.asUintN(64, e.data), true);
  return bytes;
}

export function decodeMmioTrace(bytes: Uint8Array): MmioTraceEvent {
  if (bytes.length !== MMIO_TRACE_SIZE) throw new RangeError(`EVT_MMIOTRACE payload is ${MMIO_TRACE_SIZE} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { flags: view.getUint32(0, true), pc: view.getBigUint64(8, true), addr: view.getBigUint64(16, true), data: view.getBigUint64(24, true) };
}

export interface AlignedTrace {
  /** Guest ELR of the accessing instruction. */
  readonly pc: bigint;
  /** IPA of the aligned operation. */
  readonly ipa: bigint;
  /** log2 of its byte width, 0..6. */
  readonly width: number;
  /** Its data as u64 words, little-endian (widths ≤ 3 use word 0). */
  readonly words: readonly bigint[];
  readonly write: boolean;
  /** parFlags() of the access. */
  readonly accessFlags: number;
  /** m1n1 CPU index of the accessing CPU. */
  readonly cpu: number;
}

/** §10.5 emission rule: one event for w ≤ 3, else 2^(w−3) events of WIDTH 3 | MULTI with addr += 8. */
export function mmioTraceEvents(op: AlignedTrace): MmioTraceEvent[] {
  let flags = op.accessFlags | ((op.cpu & 0xff) << MmioFlag.CPU_SHIFT) | (op.write ? MmioFlag.WRITE : 0);
  flags |= op.width > 3 ? 3 | MmioFlag.MULTI : op.width;
  const count = op.width > 3 ? 1 << (op.width - 3) : 1;
  const events: MmioTraceEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push({ flags: flags >>> 0, pc: op.pc, addr: BigInt.asUintN(64, op.ipa + 8n * BigInt(i)), data: op.words[i] ?? 0n });
  }
  return events;
}

export interface IrqTraceEvent {
  readonly flags: number;
  readonly type: number;
  readonly num: number;
}

export function encodeIrqTrace(e: IrqTraceEvent): Uint8Array {
  const bytes = new Uint8Array(IRQ_TRACE_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, e.flags >>> 0, true);
  view.setUint16(4, e.type & 0xffff, true);
  view.setUint16(6, e.num & 0xffff, true);
  return bytes;
}

export function decodeIrqTrace(bytes: Uint8Array): IrqTraceEvent {
  if (bytes.length !== IRQ_TRACE_SIZE) throw new RangeError(`EVT_IRQTRACE payload is ${IRQ_TRACE_SIZE} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { flags: view.getUint32(0, true), type: view.getUint16(4, true), num: view.getUint16(6, true) };
}

// ---- buffering ---------------------------------------------------------------------------

/** The USB device→host ring per pipe (§1.2). */
export const USB_RING_CAPACITY = 1 << 20;

export interface TraceQueueOptions {
  /** Whether DISABLE_DATA_CSUMS is in effect (event trailer = CHECKSUM_SENTINEL, §2.6). */
  readonly dataChecksumsDisabled: () => boolean;
  /** Whether the proxy pipe is open (DTR); a closed pipe drops events. */
  readonly channelOpen: () => boolean;
  /** Ring capacity in bytes (default 1 MiB). */
  readonly capacity?: number;
  /**
   * Called when the guest must not go on until the queued bytes are on the wire: after an
   * unbuffered event, or when the ring is full. The machine ends the CPU slice, writes
   * `take()` and awaits the drain before resuming.
   */
  readonly onDrainRequired?: () => void;
}

/** Event frames waiting in the proxy iodev's ring, in emission order. */
export class TraceEventQueue {
  private frames: Uint8Array[] = [];
  private bytes = 0;
  private drain = false;
  /** Events dropped because the pipe was closed. */
  dropped = 0;
  private readonly capacity: number;

  constructor(private readonly options: TraceQueueOptions) {
    this.capacity = options.capacity ?? USB_RING_CAPACITY;
  }

  /** uartproxy_send_event (+ iodev_flush when `unbuffered`). */
  push(type: number, payload: Uint8Array, unbuffered: boolean): void {
    if (!this.options.channelOpen()) {
      this.dropped++;
      return;
    }
    const frame = eventFrame(type, payload, this.options.dataChecksumsDisabled());
    this.frames.push(frame);
    this.bytes += frame.length;
    if (unbuffered || this.bytes >= this.capacity) this.requireDrain();
  }

  pushMmio(events: readonly MmioTraceEvent[], unbuffered: boolean): void {
    // m1n1 flushes after every event of a multi-event operation; one drain after the batch is
    // indistinguishable on the wire and the guest still waits for all of them.
    for (const e of events) this.push(EventType.EVT_MMIOTRACE, encodeMmioTrace(e), false);
    if (unbuffered && events.length) this.requireDrain();
  }

  pushIrq(event: IrqTraceEvent): void {
    this.push(EventType.EVT_IRQTRACE, encodeIrqTrace(event), false);
  }

  /** Bytes waiting to be written. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** Whether the guest must wait for a drain before running on. */
  get drainRequired(): boolean {
    return this.drain;
  }

  /** Everything queued, as one buffer (empty if nothing), and clears the drain request. */
  take(): Uint8Array {
    const out = new Uint8Array(this.bytes);
    let at = 0;
    for (const f of this.frames) {
      out.set(f, at);
      at += f.length;
    }
    this.frames = [];
    this.bytes = 0;
    this.drain = false;
    return out;
  }

  private requireDrain(): void {
    if (this.drain) return;
    this.drain = true;
    this.options.onDrainRequired?.();
  }
}

// Layer: core/uartproxy. What the client keeps about requests on the wire: one `Pending` per
// request, a FIFO per session, and the session stack of §9.4. Imports this folder only.
//
// The target serves requests strictly in order, so replies are matched FIFO. Sessions nest:
// a REQ_BOOT opens a callback session on top of the one whose request started the guest, and
// the reply to P_EXIT (or P_VECTOR, or a successful P_KBOOT_BOOT) closes it.

import { FrameType } from './constants.ts';
import type { UartProxyError } from './errors.ts';

export const Kind = { Nop: 0, Proxy: 1, MemRead: 2, MemWrite: 3 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const KIND_FRAME: readonly number[] = [FrameType.REQ_NOP, FrameType.REQ_PROXY, FrameType.REQ_MEMREAD, FrameType.REQ_MEMWRITE];
const KIND_NAME: readonly string[] = ['REQ_NOP', 'REQ_PROXY', 'REQ_MEMREAD', 'REQ_MEMWRITE'];

/** Proxy opcodes whose success ends the current session (§4.2). */
export const P_EXIT = 0x001;
export const P_VECTOR = 0x00b;
export const P_KBOOT_BOOT = 0x700;

/** The part of a chunked transfer a chunk reports back to (see transfers.ts). */
export interface ChunkOwner {
  /** The chunk is in the FIFO and about to be written. */
  chunkQueued(chunk: Pending): void;
  chunkDone(chunk: Pending): void;
  chunkFailed(chunk: Pending, error: UartProxyError): void;
  chunkProgress(chunk: Pending, receivedBytes: number): void;
  /** "chunk 2/16 of a 0x1000000-byte read at 0x800000000", for messages. */
  describeChunk(chunk: Pending): string;
}

/**
 * One request on the wire. A single class with every field (rather than one type per kind)
 * keeps the reply path monomorphic; fields a kind does not use stay at their defaults.
 */
export class Pending {
  readonly frameType: number;
  opcode = 0;
  args: readonly bigint[] = [];
  label: string | undefined = undefined;
  addr = 0n;
  size = 0;
  /** MEMREAD: destination and offset of this chunk's bytes; null = discard. */
  into: Uint8Array | null = null;
  intoOffset = 0;
  /** MEMWRITE: the data checksum (or sentinel) we sent, echoed by the target (§4.4). */
  sentChecksum = 0;
  owner: ChunkOwner | null = null;
  runsGuest = false;
  /** REQ_PROXY: resolve with the raw reply instead of checking status and echo. */
  raw = false;
  /** Rejected already (timeout); kept in its FIFO only so a late reply is consumed in step. */
  abandoned = false;
  /** Settles the caller's promise; set from the promise executor (cast once there). */
  resolve: (value: unknown) => void = noop;
  reject: (error: UartProxyError) => void = noop;

  constructor(
    readonly kind: Kind,
    readonly timeoutMs: number | null,
  ) {
    this.frameType = KIND_FRAME[kind]!;
  }
}

function noop(): void {}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

/**
 * What a message calls a request: `REQ_PROXY op 0x105 (P_READ32 0x23b100000)`,
 * `REQ_MEMREAD [0x800000000, +0x10)`. Built only when a message needs it.
 */
export function describePending(p: Pending, labelOf?: (opcode: number) => string | undefined): string {
  switch (p.kind) {
    case Kind.Nop:
      return `REQ_NOP (features ${hex(p.args[0] ?? 0n)})`;
    case Kind.Proxy: {
      const name = p.label ?? labelOf?.(p.opcode);
      const shown = p.args.slice(0, 3).map(hex);
      if (p.args.length > 3) shown.push('…');
      const inside = [...(name ? [name] : []), ...shown].join(' ');
      return `REQ_PROXY op ${hex(p.opcode)}${inside ? ` (${inside})` : ''}`;
    }
    default: {
      const range = `${KIND_NAME[p.kind]} [${hex(p.addr)}, +${hex(p.size)})`;
      return p.owner ? `${range} (${p.owner.describeChunk(p)})` : range;
    }
  }
}

/** An array-backed queue; shift() is O(1) amortised. */
export class Fifo<T> {
  private list: T[] = [];
  private head = 0;

  get length(): number {
    return this.list.length - this.head;
  }

  push(item: T): void {
    this.list.push(item);
  }

  peek(): T | undefined {
    return this.list[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.list.length) return undefined;
    const item = this.list[this.head]!;
    this.list[this.head++] = undefined as T;
    if (this.head === this.list.length) {
      this.list.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes one item wherever it is (rare: O(n)). */
  remove(item: T): boolean {
    const i = this.list.indexOf(item, this.head);
    if (i < 0) return false;
    this.list.splice(i, 1);
    if (this.head === this.list.length) {
      this.list.length = 0;
      this.head = 0;
    }
    return true;
  }

  /** A copy of what the queue holds, oldest first. */
  items(): T[] {
    return this.list.slice(this.head);
  }

  /** Empties the queue and returns what it held, oldest first. */
  drain(): T[] {
    const rest = this.list.slice(this.head);
    this.list = [];
    this.head = 0;
    return rest;
  }
}

export class Session {
  readonly fifo = new Fifo<Pending>();
  /** The request that started the guest (P_HV_START…), while it awaits its reply. */
  running: Pending | null = null;
  /** A P_EXIT / P_VECTOR sent in this (nested) session: it ends when that reply arrives. */
  closing: Pending | null = null;

  constructor(readonly depth: number) {}
}

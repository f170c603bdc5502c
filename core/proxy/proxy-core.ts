// Layer: core/proxy. The base of M1n1Proxy: one generic request path that every per-family op
// module (core/proxy/ops/*) builds on. Imports core/proxy only (the transport is an interface).
//
// `request()` turns an op name and API-level arguments into one REQ_PROXY (spec §4.2) with the
// reply handling the opcode table prescribes (no reply, runs the guest, long, …), and does the
// marshalling of §7.1: strings and byte buffers are written into the host-managed heap (§7.5)
// and passed as pointers, freed once the reply is in.
//
// Issue order: an op without string/buffer arguments hands its request to the transport
// synchronously, before `request()` returns. So `p.read32(a); p.getExcCount()` issued without
// an await in between go on the wire in that order (pipelining, §7.2). Op methods keep this by
// never awaiting before they call `request()`.

import { ProxyArgumentError, ProxyNoHeapError } from './errors.ts';
import type { HostHeap } from './host-heap.ts';
import { encodeCString, toU64, type ArgValue } from './marshal.ts';
import { formatOpcode, opcodeInfo, type OpcodeInfo, type OpcodeName } from './opcodes.ts';
import type { ProxyCallOptions, ProxyTransport } from './transport.ts';

/** An argument of `request()`: a number-like value, or bytes/a string to be passed by pointer. */
export type RequestArg = ArgValue | string | Uint8Array;

export interface RequestOptions {
  /** Overrides the timeout the opcode table implies. */
  timeoutMs?: number | null;
  /** Send without waiting for a reply (P_CALL into code that reboots the target, §4.2). */
  noReply?: boolean;
}

export interface M1n1ProxyOptions {
  /**
   * Timeout for ops marked `long` (decompression, synchronous SMP calls, udelay, display
   * bring-up). Default null: wait as long as it takes, as the Python host does for P_GZDEC.
   */
  longTimeoutMs?: number | null;
}

/** Six u64 argument slots in a request (§2.2, §7.1). */
export const MAX_PROXY_ARGS = 6;

export class ProxyCore {
  #heap: HostHeap | null = null;
  readonly #longTimeoutMs: number | null;

  constructor(
    readonly transport: ProxyTransport,
    options: M1n1ProxyOptions = {},
  ) {
    this.#longTimeoutMs = options.longTimeoutMs ?? null;
  }

  /** Sets (or, with null, removes) the scratch heap used for string and buffer arguments. */
  useHeap(heap: HostHeap | null): void {
    this.#heap = heap;
  }

  get hostHeap(): HostHeap | null {
    return this.#heap;
  }

  /**
   * Sends one proxy op and resolves with its raw u64 return value. `op` is a spec name or a raw
   * opcode number (an unknown number is sent as is; the target answers S_BADCMD, which the
   * transport raises). Rejects without sending anything on a bad argument.
   */
  request(op: OpcodeName | number, args: readonly RequestArg[] = [], options: RequestOptions = {}): Promise<bigint> {
    try {
      const info = resolveOp(op);
      const name = info?.name ?? formatOpcode(op as number);
      const opcode = info?.opcode ?? (op as number);
      if (args.length > MAX_PROXY_ARGS) {
        throw new ProxyArgumentError(`${name}: ${args.length} arguments given, a request carries at most ${MAX_PROXY_ARGS}`);
      }
      const callOptions = this.#callOptions(name, info, options);
      if (args.some((a) => typeof a === 'string' || a instanceof Uint8Array)) {
        return this.#requestWithBuffers(name, opcode, args, callOptions);
      }
      const wire = args.map((a, i) => toU64(a as ArgValue, `${name} a${i}`));
      return this.transport.proxy(opcode, wire, callOptions);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  #callOptions(label: string, info: OpcodeInfo | undefined, options: RequestOptions): ProxyCallOptions {
    const out: ProxyCallOptions = { label };
    switch (info?.reply) {
      case 'none':
        out.noReply = true;
        break;
      case 'runs-guest':
        out.runsGuest = true;
        out.timeoutMs = null;
        break;
      case 'long':
        out.timeoutMs = this.#longTimeoutMs;
        break;
      default:
        break;
    }
    if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
    if (options.noReply) out.noReply = true;
    return out;
  }

  /** §7.1: bytes go to the host heap by REQ_MEMWRITE, the op gets pointers; freed after the reply. */
  async #requestWithBuffers(
    name: string,
    opcode: number,
    args: readonly RequestArg[],
    callOptions: ProxyCallOptions,
  ): Promise<bigint> {
    // Convert everything first, so a bad argument costs no allocation and no traffic.
    const prepared = args.map((a, i) =>
      typeof a === 'string' ? encodeCString(a, `${name} a${i}`) : a instanceof Uint8Array ? a : toU64(a, `${name} a${i}`),
    );
    const heap = this.#heap;
    if (!heap) throw new ProxyNoHeapError(name);
    const allocated: bigint[] = [];
    try {
      const wire: bigint[] = [];
      for (const p of prepared) {
        if (typeof p === 'bigint') {
          wire.push(p);
          continue;
        }
        const ptr = heap.malloc(p.length);
        allocated.push(ptr);
        wire.push(ptr);
      }
      // Sequential on purpose: the op must not run with a pointer whose bytes failed to arrive.
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[i]!;
        if (p instanceof Uint8Array && p.length > 0) await this.transport.memWrite(wire[i]!, p);
      }
      return await this.transport.proxy(opcode, wire, callOptions);
    } finally {
      for (const ptr of allocated) heap.free(ptr);
    }
  }
}

function resolveOp(op: OpcodeName | number): OpcodeInfo | undefined {
  if (typeof op === 'number') {
    if (!Number.isSafeInteger(op) || op < 0) throw new ProxyArgumentError(`opcode ${op} is not a non-negative integer`);
    return opcodeInfo(op);
  }
  const info = opcodeInfo(op);
  if (!info) throw new ProxyArgumentError(`unknown proxy op ${String(op)}`, 'use a name from core/proxy/opcodes.ts');
  return info;
}

/**
 * The constructor type the per-family op modules extend (TypeScript mixins, one module per
 * family of spec §6). TS2545 requires a mixin base constructor to take `...args: any[]`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ProxyCoreClass = new (...args: any[]) => ProxyCore;

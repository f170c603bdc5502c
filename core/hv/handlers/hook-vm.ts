// Layer: core/hv handlers. START_HV / HOOK_VM (spec §10.6): the guest touched a proxy-hooked
// page; the hook data (80 bytes at ctx.extra) says what. Numbered hooks (id ≠ 0, the host's own
// essential hooks: PMGR CPU start, …) go to their handler; id 0 goes to the MMIO dispatcher.
// Imports core/hv.
//
// Round trips: the hook data sits on the firmware's stack at a stable place per CPU, so its
// MEMREAD is sent speculatively with the context's (one round trip when the guess holds); read
// results are stored with P_WRITE64 in the final burst with P_EXIT. A HOOK_VM thus costs 2 round
// trips, where the Python host needs 3 plus one per result word. The target advances ELR itself.

import { HOOK_DATA_SIZE, HookDataOffset, MmioFlags } from '../constants.ts';
import { HvError, HvErrorCode, hex } from '../errors.ts';
import { hookMap } from '../maps.ts';
import type { MmioDispatch } from '../mmio-dispatch.ts';
import type { TrapSession } from '../trap-session.ts';
import { HANDLED, type TrapResult } from '../trap-types.ts';

export interface HookData {
  readonly flags: number;
  readonly id: number;
  readonly addr: bigint;
  readonly data: readonly bigint[];
  readonly widthLog2: number;
  readonly write: boolean;
}

export function parseHookData(bytes: Uint8Array): HookData {
  if (bytes.length < HOOK_DATA_SIZE) throw new HvError(HvErrorCode.BAD_CONTEXT, `hook data of ${bytes.length} bytes, expected ${HOOK_DATA_SIZE}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = v.getUint32(HookDataOffset.FLAGS, true);
  return {
    flags,
    id: v.getUint32(HookDataOffset.ID, true),
    addr: v.getBigUint64(HookDataOffset.ADDR, true),
    data: Array.from({ length: 8 }, (_, i) => v.getBigUint64(HookDataOffset.DATA + 8 * i, true)),
    widthLog2: flags & MmioFlags.WIDTH_MASK,
    write: (flags & MmioFlags.WRITE) !== 0,
  };
}

/** A numbered hook's handler: offsets are from the hooked range's base. */
export interface NumberedHook {
  read?(s: TrapSession, base: bigint, offset: bigint, widthBits: number): bigint | bigint[] | Promise<bigint | bigint[]>;
  write?(s: TrapSession, base: bigint, offset: bigint, value: bigint | bigint[], widthBits: number): void | Promise<void>;
}

export class HookVmHandler {
  readonly #hooks = new Map<number, { base: bigint; hook: NumberedHook }>();
  #nextId = 1;
  /** exc_info address → hook data address last seen with it (the speculative read's guess). */
  readonly #guess = new Map<bigint, bigint>();

  constructor(private readonly mmio: MmioDispatch) {}

  /**
   * Installs a numbered hook on [base, base+size) (§10.6 "numbered hooks"): returns the raw
   * P_HV_MAP request to queue (the caller marks the zone RESERVED) and the id.
   */
  addNumbered(base: bigint, size: bigint, hook: NumberedHook): { id: number; request: ReturnType<typeof hookMap> } {
    const id = this.#nextId++;
    this.#hooks.set(id, { base, hook });
    return { id, request: hookMap(base, size, id, hook.read !== undefined, hook.write !== undefined) };
  }

  /** Where to read hook data speculatively along with the context of `info`, if known. */
  guessFor(info: bigint): bigint | undefined {
    return this.#guess.get(info);
  }

  async handle(s: TrapSession, speculative?: { addr: bigint; bytes: Promise<Uint8Array> }): Promise<TrapResult> {
    const extra = s.ctx.extra;
    if (extra === 0n) throw new HvError(HvErrorCode.BAD_CONTEXT, 'HOOK_VM callback without hook data (exc_info.extra = 0)');
    let bytes: Uint8Array;
    if (speculative && speculative.addr === extra) bytes = await speculative.bytes;
    else {
      speculative?.bytes.catch(() => undefined);
      bytes = await s.host.proxy.transport.memRead(extra, HOOK_DATA_SIZE);
    }
    this.#guess.set(s.ctx.info, extra);
    const d = parseHookData(bytes);
    const words = Math.max(1, 1 << Math.max(0, d.widthLog2 - 3));
    let result: bigint[] | null;
    if (d.id !== 0) {
      const entry = this.#hooks.get(d.id);
      if (!entry) throw new HvError(HvErrorCode.MMIO, `HOOK_VM with unknown hook id ${d.id} at ${hex(d.addr)}`);
      const bits = 8 << d.widthLog2;
      const off = d.addr - entry.base;
      if (d.write) {
        // §15.13: a scalar up to and including 64 bits.
        await entry.hook.write?.(s, entry.base, off, d.widthLog2 <= 3 ? d.data[0]! : d.data.slice(0, words), bits);
        result = null;
      } else {
        const v = (await entry.hook.read?.(s, entry.base, off, bits)) ?? 0n;
        result = Array.from({ length: words }, (_, i) => BigInt.asUintN(64, (Array.isArray(v) ? v[i] : i === 0 ? v : 0n) ?? 0n));
      }
    } else {
      result = await this.mmio.onHook({ addr: d.addr, widthLog2: d.widthLog2, write: d.write, data: d.data, flags: d.flags, cpu: s.cpu, pc: s.ctx.elr });
    }
    if (result) for (const [i, w] of result.entries()) s.defer(s.host.proxy.write64(extra + BigInt(HookDataOffset.DATA + 8 * i), w));
    return HANDLED;
  }
}

// A minimal hypervisor host written from the spec (§9.1–§9.4, §7.3, §10.2), for the hv-*.test.ts
// files: it drives a VirtualM1 only through its pty with the host-side client. Everything here is
// what m1n1's own Python host does on the wire: HV init, stage-2 maps, sysreg exec by uploaded
// `mrs`/`msr` + `ret` stubs, exc_info read/written with MEMREAD/MEMWRITE, P_EXIT codes.
// Instruction words come from the spec's formula (§7.3) or GNU as (aarch64-linux-gnu-as).
import type { ExecutionContext } from 'ava';
import { ptyRig } from '../../link/helpers.ts';
import { VirtualM1, type VirtualM1Options } from '../../../sim/virtual-m1.ts';
import { createPty, type PtyEndpoint } from '../../../core/transport/pty.ts';
import { connect, type Link } from '../../../core/link/connect.ts';
import type { BootMessage } from '../../../core/uartproxy/client-types.ts';

export const RAM = 0x8_0000_0000n;
/** Where the tests put guest code: 256 MiB into RAM, clear of m1n1 (spec §7.5). */
export const CODE = 0x8_1000_0000n;
/** A RAM page the guests use for data. */
export const DATA = 0x8_1100_0000n;
/** Where the host uploads its sysreg stubs. */
export const STUB = 0x8_1200_0000n;
export const ARM_IO = 0x2_0000_0000n;
/** §10.2: the host's standard hardware stage-2 attributes (valid bit included). */
export const HW = 0x7fdn;
export const RET = 0xd65f03c0;
/** §10.2 software descriptor bits. */
export const TRACE_READ = 0x8000_0000_0000_0000n;
export const TRACE_WRITE = 0x4000_0000_0000_0000n;
export const TRACE_UNBUF = 0x2000_0000_0000_0000n;
export const TYPE_HOOK = 0x0004_0000_0000_0000n;
export const PROXY_HOOK_RW = 0x0010_0000_0000_0000n;
/** §10.5 flag bits. */
export const WRITE = 1 << 5;
export const MULTI = 1 << 6;
/** §9.3 reasons, HV codes, exit codes. */
export const Reason = { EXCEPTION_LOWER: 2, HV: 3 } as const;
export const HvCode = { HOOK_VM: 1, VTIMER: 2, USER_INTERRUPT: 3, CPU_SWITCH: 5 } as const;
export const Exit = { UNHANDLED: 1, HANDLED: 2, EXIT_GUEST: 3, STEP: 4 } as const;
/** ESR_EL2.EC values (§9.11, §9.12). */
export const EC = { BRK: 0x3c, STEP: 0x32, BREAKPOINT: 0x30, WATCHPOINT: 0x34, DATA_ABORT: 0x24 } as const;
/** §9.1: the HCR_EL2 value the Python host writes after P_HV_INIT. */
export const HCR_PYTHON = 0x0080_0324_8020_0029n;
/** `brk #0x4242`, the HV call of §9.12 (x0 = call id). */
export const HVCALL = 0xd4284840;

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];
/** §7.3: `mrs x0, <reg>` / `msr <reg>, x0`. */
export const mrsWord = (r: Enc): number => (0xd5200000 | (r[0] << 19) | (r[1] << 16) | (r[2] << 12) | (r[3] << 8) | (r[4] << 5)) >>> 0;
export const msrWord = (r: Enc): number => (0xd5000000 | (r[0] << 19) | (r[1] << 16) | (r[2] << 12) | (r[3] << 8) | (r[4] << 5)) >>> 0;
/** Register encodings (op0, op1, CRn, CRm, op2) from §9.11 and the architecture. */
export const Reg = {
  HCR_EL2: [3, 4, 1, 1, 0],
  MDCR_EL2: [3, 4, 1, 1, 1],
  MDSCR_EL1: [2, 0, 0, 2, 2],
  DBGBVR0_EL1: [2, 0, 0, 0, 4],
  DBGBCR0_EL1: [2, 0, 0, 0, 5],
  DBGWVR0_EL1: [2, 0, 0, 0, 6],
  DBGWCR0_EL1: [2, 0, 0, 0, 7],
  CNTV_TVAL_EL0: [3, 3, 14, 3, 0],
  CNTV_CTL_EL0: [3, 3, 14, 3, 1],
  CNTV_CVAL_EL0: [3, 3, 14, 3, 2],
} as const satisfies Record<string, Enc>;

export function words(ws: readonly number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const v = new DataView(b.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return b;
}

/** `struct exc_info` (§9.2), the fields the tests use; `raw` is what was read. */
export class ExcInfo {
  readonly view: DataView;
  private readonly original: Uint8Array;
  constructor(
    readonly info: bigint,
    readonly raw: Uint8Array,
  ) {
    this.view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    this.original = raw.slice();
  }
  reg(n: number): bigint {
    return this.view.getBigUint64(n * 8, true);
  }
  setReg(n: number, v: bigint): void {
    this.view.setBigUint64(n * 8, v, true);
  }
  private u64(off: number): bigint {
    return this.view.getBigUint64(off, true);
  }
  get spsr(): bigint {
    return this.u64(0x100);
  }
  set spsr(v: bigint) {
    this.view.setBigUint64(0x100, v, true);
  }
  get elr(): bigint {
    return this.u64(0x108);
  }
  set elr(v: bigint) {
    this.view.setBigUint64(0x108, v, true);
  }
  get esr(): bigint {
    return this.u64(0x110);
  }
  get ec(): number {
    return Number(this.esr >> 26n) & 0x3f;
  }
  get iss(): number {
    return Number(this.esr & 0x1ffffffn);
  }
  get far(): bigint {
    return this.u64(0x118);
  }
  get cpuId(): number {
    return Number(this.u64(0x140));
  }
  get extra(): bigint {
    return this.u64(0x168);
  }
  get changed(): boolean {
    return this.raw.some((b, i) => b !== this.original[i]);
  }
}

export interface HvHostOptions extends VirtualM1Options {
  /** Give the USB device its second function (the vuart pipe) on a pty of its own. */
  vuart?: boolean;
  /** Skip the RAM / ARM_IO pass-through maps. */
  noMaps?: boolean;
}

/** One callback session as a test sees it. Return the P_EXIT code. */
export type SessionHandler = (msg: BootMessage, ctx: ExcInfo | null) => Promise<number> | number;

export class HvHost {
  private stubSlot = 0;
  /** Errors thrown by onSession handlers (the session was ended with P_EXIT(3)). */
  readonly handlerErrors: unknown[] = [];
  constructor(
    readonly machine: VirtualM1,
    readonly link: Link,
    readonly pty: PtyEndpoint,
    readonly vuart: PtyEndpoint | null,
  ) {}

  get client(): Link['client'] {
    return this.link.client;
  }
  get proxy(): Link['proxy'] {
    return this.link.proxy;
  }

  /** A fresh machine on a pty, a host connected, P_HV_INIT and §9.11's MDCR_EL2 = 0xF00 done. */
  static async start(t: ExecutionContext, options: HvHostOptions = {}): Promise<HvHost> {
    // A hang guard, not a timing assertion: the machine is shared by several test processes.
    t.timeout(60_000);
    const machine = new VirtualM1(options);
    let vuart: PtyEndpoint | null = null;
    if (options.vuart) {
      const pty = await createPty();
      const vpty = await createPty();
      t.teardown(() => vpty.close());
      machine.addUsbChannel(pty, vpty);
      vuart = vpty;
      t.teardown(() => pty.close());
      const link = await connect(pty.slavePath, { reconnect: false });
      t.teardown(() => link.close());
      return HvHost.prepare(new HvHost(machine, link, pty, vuart), options);
    }
    const rig = await ptyRig(t, machine);
    const link = await rig.connect();
    return HvHost.prepare(new HvHost(machine, link, rig.pty, null), options);
  }

  private static async prepare(host: HvHost, options: HvHostOptions): Promise<HvHost> {
    await host.proxy.hvInit();
    if (!options.noMaps) {
      await host.proxy.hvMap(RAM, RAM | HW, 0x4000_0000n, 1n);
      await host.proxy.hvMap(ARM_IO, ARM_IO | HW, 0x8000_0000n, 1n);
    }
    // §9.1: what the Python host adjusts after P_HV_INIT — HCR_EL2 with FMO (FIQs, so the
    // hypervisor's timers, to EL2), IMO = 0 (IRQs straight to the guest), TACR, TTLBOS; debug
    // exceptions to EL2 (MDCR_EL2 = 0xF00, §9.11).
    await host.msr(Reg.HCR_EL2, HCR_PYTHON);
    await host.msr(Reg.MDCR_EL2, 0xf00n);
    return host;
  }

  /** Runs one instruction word at EL2 with x0 = value by an uploaded stub (§7.3); resolves with x0. */
  async exec(word: number, value = 0n): Promise<bigint> {
    // A fresh slot each time, so no stale decode of an earlier stub can be run.
    const at = STUB + BigInt(this.stubSlot++ % 1024) * 16n;
    await this.client.memWrite(at, words([word, RET]));
    return this.proxy.call(at, value);
  }
  msr(reg: Enc, value: bigint): Promise<bigint> {
    return this.exec(msrWord(reg), value);
  }
  mrs(reg: Enc): Promise<bigint> {
    return this.exec(mrsWord(reg));
  }
  /** TLBI VMALLS12E1IS after a batch of map changes (§10.2). */
  async tlbi(): Promise<void> {
    await this.exec(0xd50c83df);
  }

  async readCtx(msg: BootMessage): Promise<ExcInfo> {
    return new ExcInfo(msg.info, await this.client.memRead(msg.info, 368));
  }

  /** Writes the context back if changed (§9.4), then ends the session with `code`. */
  async finish(ctx: ExcInfo | null, code: number): Promise<void> {
    if (ctx?.changed) await this.client.memWrite(ctx.info, ctx.raw);
    await this.proxy.exit(code);
  }

  /** Every callback session goes to `handler`, which returns the exit code. */
  onSession(handler: SessionHandler): void {
    this.client.onCallback(async (msg) => {
      const ctx = msg.info === 0n ? null : await this.readCtx(msg);
      let code: number;
      try {
        code = await handler(msg, ctx);
      } catch (error) {
        // A failing handler must not hang the test: note it and leave the guest.
        this.handlerErrors.push(error);
        code = Exit.EXIT_GUEST;
      }
      await this.finish(ctx, code);
    });
  }

  async upload(addr: bigint, ws: readonly number[]): Promise<void> {
    await this.client.memWrite(addr, words(ws));
  }
}

/** Resolves when `predicate` holds, polling every few ms; rejects after `ms` (a hang guard, not a timing assertion). */
export async function until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

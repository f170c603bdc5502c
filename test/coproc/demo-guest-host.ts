// A minimal hypervisor host written from the spec (m1n1-protocol §9.1, §9.4, §9.11, §9.12,
// §10.2, §13), as test/sim/hypervisor-guest.test.ts has one: HV init, pass-through maps of RAM
// and /arm-io, the demo guest uploaded and started, its callbacks answered until its power-off
// hypercall. Only m1n1 proxy ops over the pty; nothing reaches into the machine. `beforeStart`
// lets a test add its own maps (a traced ASC range) before the guest runs.
import type { ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { ptyRig } from '../link/helpers.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';
import { detectGuestImage } from '../../core/formats/guest-image.ts';
import type { Link } from '../../core/link/connect.ts';

export const DEMO_ELF = readFileSync(new URL('../../examples/guest/build/demo.elf', import.meta.url));
const RAM = 0x8_0000_0000n;
const RAM_SIZE = 0x2_0000_0000n;
const ARM_IO = 0x2_0000_0000n;
/** §10.2 / App. A: hardware stage-2 attributes (valid bit included). */
export const HW = 0x7fdn;
const RET = 0xd65f03c0;
const MDCR_EL2_MSR = (0xd5000000 | (3 << 19) | (4 << 16) | (1 << 12) | (1 << 8) | (1 << 5)) >>> 0;
const EC_BRK = 0x3c;

/** Runs one instruction word (then `ret`) at `at` on the proxy's CPU with x0 = `x0` (§7). */
export async function execWord(link: Link, at: bigint, word: number, x0 = 0n): Promise<void> {
  const stub = new Uint8Array(8);
  new DataView(stub.buffer).setUint32(0, word >>> 0, true);
  new DataView(stub.buffer).setUint32(4, RET, true);
  await link.client.memWrite(at, stub);
  await link.proxy.call(at, x0);
}

/** §10.2: after stage-2 changes the host runs TLBI VMALLS12E1IS (0xd50c83df). */
export const TLBI_VMALLS12E1IS = 0xd50c83df;

export interface GuestRun {
  status?: bigint;
  uart: string;
  link: Link;
  machine: VirtualM1;
  /** Non-power-off callbacks the host saw (reason, ESR.EC). */
  others: Array<{ reason: number; ec: number }>;
}

export interface GuestHostOptions {
  cpus?: number;
  /** After the pass-through maps, before P_HV_START; `scratch` is free RAM for host stubs. */
  beforeStart?: (link: Link, scratch: bigint) => Promise<void>;
  /** A callback the test wants to answer itself (a HOOK, a traced access); return true if handled. */
  onCallback?: (link: Link, msg: { reason: number; code: number; info: bigint }) => Promise<boolean>;
}

/** A VirtualM1 on a fresh pty (ptyRig), its UART0 collected, and the demo guest hosted on it. */
export async function runDemoGuest(t: ExecutionContext, options: GuestHostOptions = {}): Promise<GuestRun> {
  let uart = '';
  const machine = new VirtualM1({ cpus: options.cpus ?? 1, onUart0: (b) => (uart += String.fromCharCode(b)) });
  const rig = await ptyRig(t, machine);
  const link = await rig.connect();
  const status = await hostDemoGuest(link, options);
  return { ...status, uart: uart.replace(/\r\n/g, '\n'), link, machine };
}

/** The host side only, on any link to an m1n1 (the virtual M1 in this process or another). */
export async function hostDemoGuest(link: Link, options: GuestHostOptions = {}): Promise<Pick<GuestRun, 'status' | 'others'>> {
  const { client, proxy } = link;
  const bootArgs = await proxy.getBootargs();
  const scratch = (await proxy.heapblockAlloc(0n)) + 0x800_0000n;
  await proxy.hvInit();
  await proxy.hvMap(RAM, RAM | HW, RAM_SIZE, 1n);
  await proxy.hvMap(ARM_IO, ARM_IO | HW, 0x8000_0000n, 1n);
  // Debug exceptions (BRK) from the guest go to EL2 (§9.11 prerequisites).
  await execWord(link, scratch, MDCR_EL2_MSR, 0xf00n);
  await options.beforeStart?.(link, scratch + 0x1000n);
  const image = detectGuestImage(DEMO_ELF, 'demo.elf');
  for (const seg of image.plan.segments) await client.memWrite(seg.addr, seg.bytes);
  const run: Pick<GuestRun, 'status' | 'others'> = { others: [] };
  client.onCallback(async (msg) => {
    if (await options.onCallback?.(link, msg)) return;
    const ctx = await client.memRead(msg.info, 368);
    const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
    const esr = Number(v.getBigUint64(0x110, true));
    const ec = esr >>> 26;
    // §9.12: BRK 0x4242 is the HV call, x0 = id; the demo guest's id 0 is power-off, x1 = status.
    if (msg.reason === 2 && ec === EC_BRK && (esr & 0x1ffffff) === 0x4242 && v.getBigUint64(0, true) === 0n) {
      run.status = v.getBigUint64(8, true);
      await proxy.exit(3);
      return;
    }
    run.others.push({ reason: msg.reason, ec });
    await proxy.exit(1);
  });
  await proxy.hvStart(image.plan.entry, bootArgs);
  return run;
}

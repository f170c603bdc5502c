// The virtual M1's hypervisor driven over a real pty by a minimal host written from the spec
// (§9.1, §9.4, §9.11, §9.12, §10.2, §13): HV init, pass-through maps, the demo guest uploaded
// and started, its callbacks answered until its power-off hypercall. Nothing reaches into the
// machine: the host uses only m1n1 proxy ops, MEMREAD/MEMWRITE and REQ_BOOT callbacks.
import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { ptyRig } from '../link/helpers.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';
import { detectGuestImage } from '../../core/formats/guest-image.ts';
import type { Link } from '../../core/link/connect.ts';

const DEMO = readFileSync(new URL('../../examples/guest/build/demo.elf', import.meta.url));
const RAM = 0x8_0000_0000n;
const RAM_SIZE = 0x2_0000_0000n;
const ARM_IO = 0x2_0000_0000n;
/** §10.2 / App. A: hardware stage-2 attributes the host uses (valid bit included). */
const HW = 0x7fdn;
const RET = 0xd65f03c0;
const msrStub = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (0xd5000000 | (op0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5)) >>> 0;
const MDCR_EL2 = [3, 4, 1, 1, 1] as const;
const EC_BRK = 0x3c;

interface Outcome {
  status?: bigint;
  callbacks: Array<{ reason: number; code: number; ec: number; iss: number }>;
}

async function exec(link: Link, code: bigint, word: number, value: bigint): Promise<void> {
  const stub = new Uint8Array(8);
  new DataView(stub.buffer).setUint32(0, word, true);
  new DataView(stub.buffer).setUint32(4, RET, true);
  await link.client.memWrite(code, stub);
  await link.proxy.call(code, value);
}

async function runDemo(t: ExecutionContext, cpus: number): Promise<{ outcome: Outcome; uart: string }> {
  let uart = '';
  const machine = new VirtualM1({ cpus, onUart0: (b) => (uart += String.fromCharCode(b)) });
  const rig = await ptyRig(t, machine);
  const link = await rig.connect();
  const { client, proxy } = link;
  const bootArgs = await proxy.getBootargs();
  const scratch = (await proxy.heapblockAlloc(0n)) + 0x800_0000n;
  await proxy.hvInit();
  await proxy.hvMap(RAM, RAM | HW, RAM_SIZE, 1n);
  await proxy.hvMap(ARM_IO, ARM_IO | HW, 0x8000_0000n, 1n);
  // Debug exceptions (BRK) from the guest go to EL2 (§9.11 prerequisites).
  await exec(link, scratch, msrStub(...MDCR_EL2), 0xf00n);
  const image = detectGuestImage(DEMO, 'demo.elf');
  for (const seg of image.plan.segments) await client.memWrite(seg.addr, seg.bytes);
  const outcome: Outcome = { callbacks: [] };
  client.onCallback(async (msg) => {
    const ctx = await client.memRead(msg.info, 368);
    const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
    const esr = Number(v.getBigUint64(0x110, true));
    const ec = esr >>> 26;
    const iss = esr & 0x1ffffff;
    outcome.callbacks.push({ reason: msg.reason, code: msg.code, ec, iss });
    // §9.12: BRK 0x4242 is the HV call, x0 = id; the demo guest's id 0 is power-off, x1 = status.
    if (msg.reason === 2 && ec === EC_BRK && iss === 0x4242 && v.getBigUint64(0, true) === 0n) {
      outcome.status = v.getBigUint64(8, true);
      await proxy.exit(3);
      return;
    }
    await proxy.exit(1);
  });
  await proxy.hvStart(image.plan.entry, bootArgs);
  return { outcome, uart };
}

test('the demo guest runs under the hypervisor on one CPU to its power-off hypercall', async (t) => {
  const { outcome, uart } = await runDemo(t, 1);
  t.is(outcome.status, 0n, `${JSON.stringify(outcome.callbacks)}\n${uart}`);
  t.true(uart.length > 0, 'the guest printed on UART0');
});

test('the demo guest runs on eight CPUs: secondaries started through PMGR say hello', async (t) => {
  const { outcome, uart } = await runDemo(t, 8);
  t.is(outcome.status, 0n, `${JSON.stringify(outcome.callbacks)}\n${uart}`);
  for (let cpu = 1; cpu < 8; cpu++) t.regex(uart, new RegExp(`cpu ?${cpu}`, 'i'), uart);
});

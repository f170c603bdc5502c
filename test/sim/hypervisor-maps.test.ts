// Stage-2 map kinds and trace modes of the virtual M1's hypervisor, seen from the host over a
// real pty (spec §10.2, §10.5, §10.6, §9.12). A five-instruction guest stores to and loads from
// one page, then powers off with the loaded value as status; the host maps that page each way
// and checks what arrives on the wire. Descriptor values, event and hook layouts come from the
// spec's tables; instruction words from llvm-mc.
import test, { type ExecutionContext } from 'ava';
import { ptyRig } from '../link/helpers.ts';
import type { Link } from '../../core/link/connect.ts';

const RAM = 0x8_0000_0000n;
const HW = 0x7fdn;
const CODE = 0x8_1000_0000n;
const PAGE = 0x8_2000_0000n;
const GUEST = [
  0xb9000001, // str w1, [x0]
  0xb9400402, // ldr w2, [x0, #4]
  0xaa0203e1, // mov x1, x2
  0xd2800000, // mov x0, #0
  0xd4284840, // brk #0x4242
];
const TRACE_READ = 0x8000_0000_0000_0000n;
const TRACE_WRITE = 0x4000_0000_0000_0000n;
const PROXY_HOOK_RW = 0x0010_0000_0000_0000n;
const EVT_MMIOTRACE = 1;
const WRITE = 1 << 5;

interface Seen {
  events: Array<{ flags: number; pc: bigint; addr: bigint; data: bigint }>;
  hooks: Array<{ flags: number; id: number; addr: bigint; data0: bigint }>;
  syncs: Array<{ ec: number; far: bigint; elr: bigint }>;
  status?: bigint;
}

function words(ws: readonly number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  ws.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w >>> 0, true));
  return b;
}

async function exec(link: Link, word: number, value: bigint): Promise<void> {
  const code = CODE + 0x100000n;
  await link.client.memWrite(code, words([word, 0xd65f03c0]));
  await link.proxy.call(code, value);
}

/** Boots the guest with the page mapped by `to` (incr 0 for hooks, 1 for MAP), answering hook reads with `hookValue`. */
async function run(t: ExecutionContext, to: bigint, incr: bigint, hookValue = 0n): Promise<Seen> {
  const rig = await ptyRig(t);
  const link = await rig.connect();
  const { client, proxy } = link;
  await proxy.hvInit();
  await proxy.hvMap(RAM, RAM | HW, 0x4000_0000n, 1n);
  if (to !== 0n) await proxy.hvMap(PAGE, to, 0x4000n, incr);
  else await proxy.hvMap(PAGE, 0n, 0x4000n, 0n);
  await exec(link, 0xd51c1120, 0xf00n); // msr MDCR_EL2, x0: BRK to EL2 (§9.11)
  await client.memWrite(CODE, words(GUEST));
  await proxy.write32(PAGE + 4n, 0x1234n);
  const seen: Seen = { events: [], hooks: [], syncs: [] };
  client.onEvent((type, p) => {
    if (type !== EVT_MMIOTRACE) return;
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    seen.events.push({ flags: v.getUint32(0, true), pc: v.getBigUint64(8, true), addr: v.getBigUint64(16, true), data: v.getBigUint64(24, true) });
  });
  client.onCallback(async (msg) => {
    const ctx = await client.memRead(msg.info, 368);
    const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
    if (msg.reason === 3 && msg.code === 1) {
      const e = v.getBigUint64(0x168, true);
      const hook = await client.memRead(e, 80);
      const h = new DataView(hook.buffer, hook.byteOffset, hook.byteLength);
      const flags = h.getUint32(0, true);
      seen.hooks.push({ flags, id: h.getUint32(4, true), addr: h.getBigUint64(8, true), data0: h.getBigUint64(16, true) });
      if ((flags & WRITE) === 0) await proxy.write64(e + 0x10n, hookValue);
      await proxy.exit(2);
      return;
    }
    const esr = Number(v.getBigUint64(0x110, true));
    if (esr >>> 26 === 0x3c) {
      seen.status = v.getBigUint64(8, true);
      await proxy.exit(3);
      return;
    }
    seen.syncs.push({ ec: esr >>> 26, far: v.getBigUint64(0x118, true), elr: v.getBigUint64(0x108, true) });
    await proxy.exit(3);
  });
  await proxy.hvStart(CODE, PAGE, 0xcafef00dn);
  return seen;
}

test('a traced MAP page: the guest sees memory; the host gets a write event before and a read event after (§10.5)', async (t) => {
  const seen = await run(t, PAGE | TRACE_READ | TRACE_WRITE, 1n);
  t.is(seen.status, 0x1234n, 'the load read RAM through the MAP');
  t.deepEqual(seen.events, [
    { flags: WRITE | 2, pc: CODE, addr: PAGE, data: 0xcafef00dn },
    { flags: 2, pc: CODE + 4n, addr: PAGE + 4n, data: 0x1234n },
  ]);
  t.deepEqual(seen.hooks, []);
});

test('an untraced MAP page emulates silently', async (t) => {
  const seen = await run(t, PAGE, 1n);
  t.is(seen.status, 0x1234n);
  t.deepEqual(seen.events, []);
});

test('a PROXY_HOOK_RW page: each access is a HOOK_VM session with the hook data of §10.6; the host answers the read', async (t) => {
  const seen = await run(t, PROXY_HOOK_RW | (7n << 2n), 0n, 0xbeefn);
  t.deepEqual(seen.hooks, [
    { flags: WRITE | 2, id: 7, addr: PAGE, data0: 0xcafef00dn },
    { flags: 2, id: 7, addr: PAGE + 4n, data0: 0n },
  ]);
  t.is(seen.status, 0xbeefn, 'the load returned what the host stored in data[0]; ELR advanced by the firmware');
});

test('an unmapped page: the data abort is forwarded as EXCEPTION_LOWER / SYNC with FAR and ELR of the store', async (t) => {
  const seen = await run(t, 0n, 0n);
  t.deepEqual(seen.syncs, [{ ec: 0x24, far: PAGE, elr: CODE }]);
  t.is(seen.status, undefined);
});

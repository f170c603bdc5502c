// The DCP's RTKit on the virtual M1, over the pty, driven by a host script written from the spec
// (apple-devices §4.3, §5.2–§5.5, §6, §7.2): the handshake as macOS's side of it goes (the
// Python client's order in §5.3), each reply checked; the host's own DART page tables (§6.2)
// deciding where the coprocessor's DMA lands; and bad IOVAs faulting as §6.1 says.
// Only m1n1 proxy ops: nothing reaches into the machine.
import test, { type ExecutionContext } from 'ava';
import { ptyRig, SCRATCH } from '../link/helpers.ts';
import { ASC_DRAM_MASK, DART_DCP, ProxyAp, ProxyDart, type Msg } from './proxy-ap.ts';

const mgmt = (type: number, payload: bigint): bigint => (BigInt(type) << 52n) | payload;
const typeOf = (m: Msg): number => Number((m.msg0 >> 52n) & 0xffn);
const TABLES = SCRATCH + 0x10_0000n;
const BUFFERS = SCRATCH + 0x20_0000n;
/** §5.4: m1n1 hands out DCP IOVAs from vm-base + 0x1000_0000. */
const IOVA_BASE = 0x1000_0000n;

interface Booted {
  ap: ProxyAp;
  dart: ProxyDart;
  /** Buffers the host mapped, by endpoint: PA, IOVA, bytes. */
  buffers: Map<number, { pa: bigint; iova: bigint; size: bigint }>;
  syslog: string[];
  replies: { hello: Msg; epmaps: Msg[]; iopPower?: Msg; apPower?: Msg; requests: Msg[] };
  map(size: bigint): Promise<{ pa: bigint; iova: bigint }>;
}

async function boot(t: ExecutionContext): Promise<Booted> {
  const rig = await ptyRig(t);
  const link = await rig.connect();
  const ap = await ProxyAp.create(link);
  const dart = new ProxyDart(link, DART_DCP, 0, TABLES);
  await dart.init();
  let nextPa = BUFFERS;
  let nextIova = IOVA_BASE;
  const map = async (size: bigint): Promise<{ pa: bigint; iova: bigint }> => {
    const bytes = (size + 0x3fffn) & ~0x3fffn;
    const r = { pa: nextPa, iova: nextIova };
    nextPa += bytes;
    nextIova += bytes;
    await link.client.memWrite(r.pa, new Uint8Array(Number(bytes)));
    await dart.map(r.iova, r.pa, bytes);
    return r;
  };
  const buffers: Booted['buffers'] = new Map();
  const syslog: string[] = [];
  let entrySize = 0;

  // §5.3 (Python client): RUN, SET_IOP_POWER(INIT), HELLO → HELLO_ACK with MIN = MAX = MAX_VER.
  await ap.run();
  await ap.send(0, mgmt(6, 0x220n));
  const hello = await ap.recv();
  const max = (hello.msg0 >> 16n) & 0xffffn;
  await ap.send(0, mgmt(2, (max << 16n) | max));
  // EPMAP until LAST; each acknowledged with the same BASE, LAST echoed or MORE = 1.
  const epmaps: Msg[] = [];
  const announced: number[] = [];
  for (;;) {
    const m = await ap.recv();
    epmaps.push(m);
    if (m.ep !== 0 || typeOf(m) !== 8) break;
    const base = Number((m.msg0 >> 32n) & 7n);
    for (let i = 0; i < 32; i++) if ((Number(m.msg0 & 0xffffffffn) >>> i) & 1) announced.push(32 * base + i);
    const last = (m.msg0 >> 51n) & 1n;
    await ap.send(0, mgmt(8, (BigInt(base) << 32n) | (last ? 1n << 51n : 1n)));
    if (last) break;
  }
  // Every announced endpoint below 0x10 except 0, in increasing order, then SET_AP_POWER(ON).
  for (const ep of announced.filter((e) => e > 0 && e < 0x10)) await ap.send(0, mgmt(5, (BigInt(ep) << 32n) | 2n));
  await ap.send(0, mgmt(0xb, 0x20n));
  const replies: Booted['replies'] = { hello, epmaps, requests: [] };
  // Serve the system endpoints until both power states are acknowledged (§5.3), then drain syslog.
  for (let quiet = 0; quiet < 3; ) {
    const m = await ap.tryRecv(25);
    if (!m) {
      if (replies.iopPower && replies.apPower) quiet++;
      continue;
    }
    const type = typeOf(m);
    if (m.ep === 0 && type === 7) replies.iopPower = m;
    else if (m.ep === 0 && type === 0xb) replies.apPower = m;
    else if (m.ep === 8 && m.msg0 >> 56n === 1n) {
      // §5.8 oslog: SIZE [55:48] pages, DVA [47:0] in 4 KiB units.
      replies.requests.push(m);
      const pages = (m.msg0 >> 48n) & 0xffn;
      const b = await map(pages * 4096n);
      buffers.set(8, { ...b, size: pages * 4096n });
      await ap.send(8, (1n << 56n) | (pages << 48n) | ((b.iova | ASC_DRAM_MASK) >> 12n));
    } else if (m.ep !== 0 && m.ep < 0x10 && type === 1 && (m.msg0 & 0xfffffffffffn) === 0n) {
      // §5.4: DVA 0 asks for a buffer: allocate, map, answer (1<<52) | SIZE<<44 | (IOVA | mask).
      replies.requests.push(m);
      const pages = (m.msg0 >> 44n) & 0xffn;
      const b = await map(pages * 4096n);
      buffers.set(m.ep, { ...b, size: pages * 4096n });
      await ap.send(m.ep, (1n << 52n) | (pages << 44n) | b.iova | ASC_DRAM_MASK);
    } else if (m.ep === 2 && type === 8) entrySize = Number((m.msg0 >> 24n) & 0xffffn);
    else if (m.ep === 2 && type === 5) {
      // §5.5 LOG: the entry at buf + INDEX·(0x20 + ENTRYSIZE): context at +8, message at +0x20; echo.
      const b = buffers.get(2)!;
      const entry = await link.client.memRead(b.pa + BigInt(Number(m.msg0 & 0xffn) * (0x20 + entrySize)), 0x20 + entrySize);
      const cstr = (from: number, max: number): string => {
        const bytes = entry.subarray(from, from + max);
        const end = bytes.indexOf(0);
        return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
      };
      syslog.push(`[${cstr(8, 24)}]${cstr(0x20, entrySize).replace(/\n+$/, '')}`);
      await ap.send(2, m.msg0);
    } else if (m.ep === 4 && (type === 8 || type === 0xc)) await ap.send(4, m.msg0);
  }
  return { ap, dart, buffers, syslog, replies, map };
}

test('the RTKit handshake over the pty, as macOS goes through it: every reply as §5.2–§5.5 says', async (t) => {
  const { ap, replies, buffers, syslog } = await boot(t);
  // HELLO min 11 max 12 (model choice of §5.3) — the example encoding of §5.2.
  t.deepEqual(replies.hello, { ep: 0, msg0: 0x0010_0000_000c_000bn });
  // EPMAP: base 0 with crashlog, syslog, ioreporting, oslog (+ EP 0), base 1 with 0x37, LAST on the final one.
  t.deepEqual(replies.epmaps, [
    { ep: 0, msg0: mgmt(8, 0x117n) },
    { ep: 0, msg0: mgmt(8, (1n << 51n) | (1n << 32n) | (1n << (0x37n - 32n))) },
  ]);
  t.deepEqual(replies.iopPower, { ep: 0, msg0: 0x0070_0000_0000_0020n });
  t.deepEqual(replies.apPower, { ep: 0, msg0: 0x00b0_0000_0000_0020n });
  // A buffer request on each of crashlog, syslog, ioreporting (DVA 0) and oslog, each answered.
  t.deepEqual([...buffers.keys()].sort(), [1, 2, 4, 8]);
  for (const m of replies.requests) t.true(m.ep === 8 ? ((m.msg0 >> 48n) & 0xffn) > 0n : ((m.msg0 >> 44n) & 0xffn) > 0n, `EP ${m.ep} asks for a non-empty buffer`);
  // The syslog lines landed in the buffer the host mapped, where the LOG index says.
  t.true(syslog.length >= 1, 'at least one syslog line');
  for (const line of syslog) t.regex(line, /^\[[\x20-\x7e]+\][\x20-\x7e]+$/);
  // PING → PONG (§5.2).
  await ap.send(0, mgmt(3, 0n));
  t.deepEqual(await ap.recv(), { ep: 0, msg0: mgmt(4, 0n) });
  // The order the AP used is the one §5.3 gives.
  const sent = ap.log.filter((m) => m.dir === '>' && m.ep === 0).map((m) => m.msg0);
  t.deepEqual(sent.slice(0, 2), [0x0060_0000_0000_0220n, 0x0020_0000_000c_000cn]);
  t.deepEqual(sent.slice(4, 9), [1n, 2n, 4n, 8n].map((ep) => mgmt(5, (ep << 32n) | 2n)).concat([0x00b0_0000_0000_0020n]));
});

test('EP 0x37 over the pty: SET_SHMEM → INITIALIZED, then a call whose packet the DCP reads through the host\'s DART tables', async (t) => {
  const { ap, map, dart } = await boot(t);
  await ap.send(0, 0x0050_0037_0000_0002n); // START_EP 0x37 (§5.2 example)
  const shmem = await map(0x10_0000n);
  const dva = shmem.iova | ASC_DRAM_MASK;
  await ap.send(0x37, (dva << 16n) | 0x40n); // §7.2 SET_SHMEM, FLAG 4
  t.deepEqual(await ap.recv(), { ep: 0x37, msg0: 1n });
  // A036 apt_supported: tag reversed, in_len 0, out_len 4 (§7.4, §7.8); MSG CMD, OFF 0, LEN 0x10.
  const pkt = new Uint8Array(16);
  pkt.set([0x36, 0x33, 0x30, 0x41], 0);
  new DataView(pkt.buffer).setUint32(8, 4, true);
  pkt.set([0xee, 0xee, 0xee, 0xee], 12); // the callee fills the output block
  await ap.link.client.memWrite(shmem.pa, pkt);
  await ap.send(0x37, 0x0000_0010_0000_0202n);
  t.deepEqual(await ap.recv(), { ep: 0x37, msg0: 0x0000_0000_0000_0242n }, 'ACK, CTX CMD, LEN 0, OFF 0 (§7.2)');
  t.deepEqual([...(await ap.link.client.memRead(shmem.pa + 12n, 4))], [0, 0, 0, 0], 'apt_supported = False (§7.14)');
  t.deepEqual(await dart.error(), { error: 0, addr: 0n }, 'no fault');
});

test('DART faults over the pty: NO_PTE, NO_PMD and NO_TTBR latch ERROR and ERROR_ADDR (§6.1, §6.2); writing 1s clears them', async (t) => {
  const { ap, dart } = await boot(t);
  await ap.send(0, 0x0050_0037_0000_0002n);
  // Each case: shared memory at an IOVA the tables do not map; the DCP's read of the CMD packet faults.
  const cases: Array<[string, bigint, number]> = [
    // L1 index 0x80 holds the L2 table of the buffers (IOVA 0x1000_0000…); a page past them has no PTE.
    ['NO_PTE', IOVA_BASE + 0x100_0000n, 1 << 2],
    // An L1 slot without an L2 table.
    ['NO_PMD', 0x4000_0000n, 1 << 1],
    // Bit 36 selects TTBR 1, which is not valid (asc-dram-mask strips only bits 35:32).
    ['NO_TTBR', 0x10_0000_0000n, 1 << 0],
  ];
  for (const [name, iova, code] of cases) {
    await dart.clearError();
    await ap.send(0x37, ((iova | ASC_DRAM_MASK) << 16n) | 0x40n);
    t.deepEqual(await ap.recv(), { ep: 0x37, msg0: 1n }, `${name}: INITIALIZED`);
    await ap.send(0x37, 0x0000_0010_0000_0202n);
    let { error, addr } = await dart.error();
    for (let i = 0; i < 200 && error >>> 31 === 0; i++) {
      await ap.idle(5);
      ({ error, addr } = await dart.error());
    }
    t.is(error >>> 31, 1, `${name}: ERROR.FLAG`);
    t.is((error >>> 24) & 0xf, 0, `${name}: STREAM 0`);
    t.is(error & code, code, `${name}: CODE 0x${(error & 0xffffff).toString(16)}`);
    t.is(addr, iova, `${name}: ERROR_ADDR`);
    // Whatever the firmware says about the failed call (§7 leaves it open) is drained before the next case.
    while (await ap.tryRecv(5));
  }
  await dart.clearError();
  t.is((await dart.error()).error, 0, 'cleared');
});

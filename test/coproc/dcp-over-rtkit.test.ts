// The virtual DCP endpoint plugged into the coprocessor stack of sim/coproc: RTKit booted over
// the AP-side mailbox registers (apple-devices §4.3, §5.3 as m1n1's C driver does it), START_EP
// 0x37, the 1 MiB shared memory mapped through dart-dcp stream 0 (§6.2, §7.3) and announced with
// SET_SHMEM, then the seed's A401 boot and a swap — all through MMIO and RAM, no back door.
import test from 'ava';
import { createDcpEndpoint } from '../../sim/coproc/dcp/dcp-endpoint.ts';
import { ApDart, ApMailbox, ASC_DRAM_MASK, makeRig, readBytes, type Msg } from './ap-side.ts';
import { ApSide, readU32 } from './dcp-ap-side.ts';
import { installMacos } from './dcp-macos.ts';

const type = (m: bigint): number => Number((m >> 52n) & 0xffn);
const SHMEM_IOVA = 0x2000_0000n;

function bootRtkit(mbox: ApMailbox, dart: ApDart): void {
  mbox.start();
  mbox.send(0, 0x0060_0000_0000_0220n); // SET_IOP_POWER(INIT)
  const hello = mbox.recv();
  if (!hello || type(hello.msg0) !== 1) throw new Error('no HELLO');
  const v = BigInt(Math.min(12, Number((hello.msg0 >> 16n) & 0xffffn)));
  mbox.send(0, (2n << 52n) | (v << 16n) | v);
  const eps: number[] = [];
  for (;;) {
    const m = mbox.recv()!;
    const base = Number((m.msg0 >> 32n) & 7n);
    for (let bit = 0; bit < 32; bit++) if (Number(m.msg0 & 0xffff_ffffn) & (1 << bit)) eps.push(32 * base + bit);
    const last = ((m.msg0 >> 51n) & 1n) === 1n;
    mbox.send(0, last ? (8n << 52n) | (1n << 51n) | (BigInt(base) << 32n) : (8n << 52n) | (BigInt(base) << 32n) | 1n);
    if (last) break;
  }
  if (!eps.includes(0x37)) throw new Error('EP 0x37 not announced');
  for (const ep of [3, 1, 2, 4, 8].filter((e) => eps.includes(e))) mbox.send(0, (5n << 52n) | (BigInt(ep) << 32n) | 2n);
  let iova = 0x1000_0000n;
  for (;;) {
    const m = mbox.recv();
    if (!m) throw new Error('IOP_POWER_ACK never came');
    if (m.ep === 0 && type(m.msg0) === 7) break;
    // §5.4 buffer requests (DVA 0) on 1/2/4, §5.8 on 8; everything else is only logged.
    if ([1, 2, 4].includes(m.ep) && type(m.msg0) === 1 && (m.msg0 & ((1n << 44n) - 1n)) === 0n) {
      const pages = (m.msg0 >> 44n) & 0xffn;
      dart.mapNew(0, iova, Number(pages) * 4096);
      mbox.send(m.ep, (1n << 52n) | (pages << 44n) | iova | ASC_DRAM_MASK);
      iova += 0x10_0000n;
    } else if (m.ep === 8 && m.msg0 >> 56n === 1n && (m.msg0 & ((1n << 48n) - 1n)) === 0n) {
      const pages = (m.msg0 >> 48n) & 0xffn;
      dart.mapNew(0, iova, Number(pages) * 4096);
      mbox.send(8, (1n << 56n) | (pages << 48n) | ((iova | ASC_DRAM_MASK) >> 12n));
      iova += 0x10_0000n;
    }
  }
  mbox.send(0, 0x00b0_0000_0000_0020n); // SET_AP_POWER(ON)
  mbox.send(0, 0x0050_0037_0000_0002n); // START_EP 0x37 (§5.2 example)
}

test('EP 0x37 through mailbox, RTKit and DART: SET_SHMEM, the A401 boot and a swap', (t) => {
  const dcp = createDcpEndpoint({ swapCompleteDelayTicks: 24_000n });
  const rig = makeRig([dcp]);
  const mbox = new ApMailbox(rig);
  const dart = new ApDart(rig);
  dart.enable(0);
  bootRtkit(mbox, dart);

  // 1 MiB of shared memory, physically contiguous: make the L2 table first (§6.2), then map.
  dart.map(0, SHMEM_IOVA + 0x10_0000n, dart.allocPage());
  const shmPa = dart.mapNew(0, SHMEM_IOVA, 0x10_0000);
  const other: Msg[] = [];
  /** One mailbox message: EP 0x37 goes to the AP side's queue, syslog is echoed (§5.5). */
  const wait = (): boolean => {
    const m = mbox.recv();
    if (!m) return false;
    if (m.ep === 0x37) ap.io.send(m.msg0);
    else if (m.ep === 2 && type(m.msg0) === 5) mbox.send(2, m.msg0);
    else other.push(m);
    return true;
  };
  const ap: ApSide = new ApSide(dcp, {
    shmemAddr: Number(shmPa),
    memory: {
      read: (addr, n) => readBytes(rig.as, BigInt(addr), n),
      write: (addr, bytes) => void rig.as.writeBlock(BigInt(addr), bytes, 0, bytes.length),
    },
    deliver: (msg0) => mbox.send(0x37, msg0),
    wait,
  });
  ap.shmemIova = SHMEM_IOVA;
  const rec = installMacos(ap);

  t.deepEqual(ap.boot(), [1n], 'INITIALIZED');
  const out = ap.call('A401', new Uint8Array(0), 4);
  t.is(readU32(out, 0), 0);
  t.is(ap.calls[0]!.ackMsg0, 0x242n);
  t.deepEqual(
    ap.callbacks.filter((c) => c.parent === 'A029').map((c) => c.tag),
    ['D107', 'D401', 'D107', 'D408', 'D300', 'D563', 'D563', 'D563'],
  );
  t.true(rec.properties.some((p) => p.key === 'IOMFBDisplayRefresh'));
  t.true(rec.dcpav.some((d) => d.key === 'TimingElements' && d.start === d.blob.length + 1));

  const start = ap.call('A407', new Uint8Array(0x18), 0x18);
  const swapId = readU32(start, 0);
  const submit = new Uint8Array(0xb64);
  new DataView(submit.buffer).setUint32(0x50, swapId, true);
  ap.call('A408', submit, 8);
  // D589 arrives one frame later on ASYNC; the AP handles it and acknowledges.
  while (ap.fromDcp.length === 0 && wait());
  ap.drain();
  t.deepEqual(rec.swapsCompleted, [swapId]);
  t.deepEqual(dcp.diagnostics, []);
  t.deepEqual(other, [{ ep: 0, msg0: 0x00b0_0000_0000_0020n }], 'only AP_POWER_ACK(0x20) besides EP 0x37 and syslog');
});

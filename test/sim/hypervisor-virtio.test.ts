// An emulated virtio-mmio device (spec §12) over the pty: the guest sets up queue 0 and
// notifies; the host gets one START_HV / VIRTIO callback per available entry with the info of
// §12, completes it with P_VIRTIO_PUT_BUFFER; the guest sees IRQ_STATUS bit 0 and the used ring
// entry. Register offsets and structure layouts from §12, split-ring layout from the virtio
// specification; instruction words from llvm-mc.
import test from 'ava';
import { ptyRig } from '../link/helpers.ts';

const RAM = 0x8_0000_0000n;
const HW = 0x7fdn;
const CODE = 0x8_1000_0000n;
const QUEUES = 0x8_2000_0000n;
const CONF = 0x8_2001_0000n;
const VIRTIO = 0x3_0000_0000n;
const IRQ = 700;
const AIC = 0x23b100000n;
// QSIZE=4, DESC/AVAIL/USED = QUEUES + 0/0x100/0x200, QREADY=1, QNOTIFY=0, status = IRQ_STATUS, brk #0x4242
const GUEST = [
  0x52800082, 0xb9003802, 0xb9008001, 0xd360fc23, 0xb9008403, 0x91040024, 0xb9009004, 0xd360fc83, 0xb9009403, 0x91080024, 0xb900a004, 0xd360fc83,
  0xb900a403, 0x52800022, 0xb9004402, 0xb900501f, 0xb9406005, 0xaa0503e1, 0xd2800000, 0xd4284840,
];

function words(ws: readonly number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  ws.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w >>> 0, true));
  return b;
}

test('virtio-mmio: a notification becomes a VIRTIO callback; P_VIRTIO_PUT_BUFFER fills the used ring and raises the IRQ', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  await proxy.hvInit();
  await proxy.hvMap(RAM, RAM | HW, 0x4000_0000n, 1n);
  await client.memWrite(CODE + 0x1000n, words([0xd51c1120, 0xd65f03c0])); // msr MDCR_EL2, x0; ret
  await proxy.call(CODE + 0x1000n, 0xf00n);
  await client.memWrite(CODE, words(GUEST));
  // Available ring: flags 0, idx 1, ring[0] = descriptor 2. Used ring zeroed.
  const avail = new Uint8Array(8);
  new DataView(avail.buffer).setUint16(2, 1, true);
  new DataView(avail.buffer).setUint16(4, 2, true);
  await client.memWrite(QUEUES + 0x100n, avail);
  await client.memWrite(QUEUES + 0x200n, new Uint8Array(16));
  // §12 configuration: irq, devid 9 (9P), feats 0, one queue, no config space, quiet.
  const conf = new Uint8Array(37);
  const cv = new DataView(conf.buffer);
  cv.setInt32(0, IRQ, true);
  cv.setUint32(4, 9, true);
  cv.setUint32(0x10, 1, true);
  await client.memWrite(CONF, conf);
  await proxy.hvMapVirtio(VIRTIO, CONF);
  const infos: Array<{ devbase: bigint; qu: number; idx: number; descbase: bigint }> = [];
  let status: bigint | undefined;
  client.onCallback(async (msg) => {
    const ctx = await client.memRead(msg.info, 368);
    const v = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
    if (msg.reason === 3 && msg.code === 6) {
      const extra = await client.memRead(v.getBigUint64(0x168, true), 0x18);
      const e = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
      infos.push({ devbase: e.getBigUint64(0, true), qu: e.getUint16(8, true), idx: e.getUint16(10, true), descbase: e.getBigUint64(0x10, true) });
      await proxy.virtioPutBuffer(VIRTIO, 0, e.getUint16(10, true), 0x10);
      await proxy.exit(2);
      return;
    }
    status = v.getBigUint64(8, true);
    await proxy.exit(3);
  });
  await proxy.hvStart(CODE, VIRTIO, QUEUES);
  t.deepEqual(infos, [{ devbase: VIRTIO, qu: 0, idx: 2, descbase: QUEUES }]);
  t.is(status, 1n, 'IRQ_STATUS bit 0 (used buffer) after the host completed the request');
  const used = new DataView((await client.memRead(QUEUES + 0x200n, 12)).buffer);
  t.is(used.getUint16(2, true), 1, 'used idx');
  t.is(used.getUint32(4, true), 2, 'used ring[0].id');
  t.is(used.getUint32(8, true), 0x10, 'used ring[0].len');
  t.is((await proxy.read32(AIC + 0x4200n + BigInt(IRQ >> 5) * 4n)) >> BigInt(IRQ & 31) & 1n, 1n, 'the AIC line is asserted');
});

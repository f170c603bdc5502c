// Framebuffer, display, PCIe, NVMe, MCC and cpufreq ops (§6.12) driven by the host's typed
// client over real frames. Pixel layouts are those of §6.12 (source formats) and of the Mac's
// framebuffer depths (32: x:8 R:8 G:8 B:8; 30: R, G, B in 10-bit fields).
import test from 'ava';
import { AdtNode } from '../../core/formats/adt/node.ts';
import type { FramebufferInfo } from '../../sim/firmware/ops/extra.ts';
import { adtRoot, device } from './helpers/extra-adt.ts';
import { DST, RAM_BASE, settle, signed, startClientTarget } from './helpers/firmware-client.ts';

const FB_BASE = RAM_BASE + 0x3800_0000n;
const FB32: FramebufferInfo = { base: FB_BASE, width: 320, height: 200, stride: 320 * 4, depth: 32 };
const FB30: FramebufferInfo = { base: FB_BASE, width: 600, height: 400, stride: 600 * 4, depth: 30 | 0x10000 };

async function pixelWord(target: ReturnType<typeof startClientTarget>, fb: FramebufferInfo, x: number, y: number): Promise<number> {
  const b = await target.client.memRead(fb.base + BigInt((x + y * (fb.stride / 4)) * 4), 4);
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
}

test('P_FB_BLIT: XRGB sources are bytes R,G,B,x and XBGR sources B,G,R,x; a 32-bit framebuffer stores 0x00RRGGBB', async (t) => {
  const target = startClientTarget({ framebuffer: FB32 });
  // 2×2 source, stride 2 pixels.
  const src = Uint8Array.of(0x11, 0x22, 0x33, 0, 0x44, 0x55, 0x66, 0, 0x77, 0x88, 0x99, 0, 0xaa, 0xbb, 0xcc, 0);
  await target.client.memWrite(DST, src);
  await target.proxy.fbBlit(2, 3, 2, 2, DST, 2);
  t.is(await pixelWord(target, FB32, 2, 3), 0x112233);
  t.is(await pixelWord(target, FB32, 3, 3), 0x445566);
  t.is(await pixelWord(target, FB32, 2, 4), 0x778899);
  t.is(await pixelWord(target, FB32, 3, 4), 0xaabbcc);
  await target.proxy.fbBlit(10, 10, 1, 1, DST, 2, 1);
  t.is(await pixelWord(target, FB32, 10, 10), 0x332211, 'XBGR: byte 0 is blue');
  t.is(await pixelWord(target, FB32, 4, 3), 0, 'nothing outside the rectangle');
  await target.close();
});

test('P_FB_BLIT on a 30-bit framebuffer puts each 8-bit component in the top of its 10-bit field', async (t) => {
  const target = startClientTarget({ framebuffer: FB30 });
  await target.client.memWrite(DST, Uint8Array.of(0xff, 0x80, 0x01, 0));
  await target.proxy.fbBlit(0, 0, 1, 1, DST, 1);
  t.is(await pixelWord(target, FB30, 0, 0), (0xff << 22) | (0x80 << 12) | (0x01 << 2));
  await target.close();
});

test('P_FB_UNBLIT reads a rectangle back as R,G,B,0xFF at the given stride', async (t) => {
  const target = startClientTarget({ framebuffer: FB32 });
  await target.client.memWrite(FB_BASE + BigInt((5 + 6 * 320) * 4), Uint8Array.of(0x33, 0x22, 0x11, 0x00, 0x66, 0x55, 0x44, 0x00));
  await target.client.memWrite(DST, new Uint8Array(32).fill(0xee));
  await target.proxy.request('P_FB_UNBLIT', [5, 6, 2, 1, DST, 3]);
  t.deepEqual([...(await target.client.memRead(DST, 12))], [0x11, 0x22, 0x33, 0xff, 0x44, 0x55, 0x66, 0xff, 0xee, 0xee, 0xee, 0xee]);
  await target.close();
});

test('P_FB_FILL and P_FB_CLEAR paint 0xRRGGBB in the framebuffer\'s format', async (t) => {
  const target = startClientTarget({ framebuffer: FB30 });
  await target.proxy.request('P_FB_CLEAR', [0x102030]);
  const px = (0x10 << 22) | (0x20 << 12) | (0x30 << 2);
  t.is(await pixelWord(target, FB30, 0, 0), px);
  t.is(await pixelWord(target, FB30, 599, 399), px);
  await target.proxy.request('P_FB_FILL', [100, 50, 3, 2, 0xff0000]);
  t.is(await pixelWord(target, FB30, 100, 50), 0xff << 22);
  t.is(await pixelWord(target, FB30, 102, 51), 0xff << 22);
  t.is(await pixelWord(target, FB30, 103, 51), px);
  t.is(await pixelWord(target, FB30, 100, 52), px);
  await target.close();
});

test('P_FB_SHUTDOWN stops drawing until P_FB_INIT; INIT(1) clears the buffer and prints the geometry', async (t) => {
  const target = startClientTarget({ framebuffer: FB32 });
  await target.proxy.request('P_FB_SHUTDOWN', [0]);
  await target.proxy.request('P_FB_FILL', [0, 0, 4, 4, 0xffffff]);
  t.is(await pixelWord(target, FB32, 1, 1), 0, 'console not initialized: nothing drawn');
  await target.client.memWrite(FB_BASE + 4000n, Uint8Array.of(1, 2, 3, 4));
  t.is(await target.proxy.request('P_FB_INIT', [1]), 0n);
  t.deepEqual([...(await target.client.memRead(FB_BASE + 4000n, 4))], [0, 0, 0, 0]);
  await target.proxy.request('P_FB_FILL', [0, 0, 4, 4, 0xffffff]);
  t.is(await pixelWord(target, FB32, 1, 1), 0xffffff);
  await settle();
  t.regex(target.hostText(), /fb init: 320x200 \(32\) \[s=320\] @0x838000000/);
  await target.close();
});

test('P_FB_INIT keeps the centre square iBoot drew; P_FB_RESTORE_LOGO puts it back', async (t) => {
  const target = startClientTarget({ framebuffer: FB32 });
  // A 128×128 "logo" (non-retina) at the centre: (320−128)/2 = 96, (200−128)/2 = 36.
  const row = new Uint8Array(128 * 4);
  for (let i = 0; i < 128; i++) row.set([0x40, 0x80, 0xc0, 0], i * 4);
  for (let y = 0; y < 128; y++) await target.client.memWrite(FB_BASE + BigInt((96 + (36 + y) * 320) * 4), row);
  await target.proxy.request('P_FB_INIT', [1]);
  t.is(await pixelWord(target, FB32, 96, 36), 0);
  await target.proxy.request('P_FB_RESTORE_LOGO');
  t.is(await pixelWord(target, FB32, 96, 36), 0x00c08040);
  t.is(await pixelWord(target, FB32, 223, 163), 0x00c08040);
  t.is(await pixelWord(target, FB32, 95, 36), 0);
  await target.close();
});

test('without a framebuffer every P_FB_* op replies 0 and touches nothing', async (t) => {
  const target = startClientTarget();
  for (const op of ['P_FB_INIT', 'P_FB_SHUTDOWN', 'P_FB_CLEAR', 'P_FB_DISPLAY_LOGO', 'P_FB_RESTORE_LOGO', 'P_FB_IMPROVE_LOGO'] as const) {
    t.is(await target.proxy.request(op, [0]), 0n, op);
  }
  t.is(await target.proxy.request('P_FB_FILL', [0, 0, 1, 1, 0xffffff]), 0n);
  t.is(await target.proxy.getExcCount(), 0);
  await target.close();
});

// ---- display ----

function displayAdt(external: boolean): AdtNode {
  const { root, armIo } = adtRoot();
  const disp = device(armIo, 'disp0', [[0x3000_0000n, 0x3e_8000n]]);
  if (external) disp.setProperty('external', new Uint8Array(4));
  return root;
}

test('display ops on a Mac mini (external disp0) fail as starting the DCP fails', async (t) => {
  const target = startClientTarget({ adt: displayAdt(true), framebuffer: FB30 });
  t.is(signed(await target.proxy.request('P_DISPLAY_INIT')), -1);
  t.is(await target.proxy.request('P_DISPLAY_IS_EXTERNAL'), 1n);
  t.is(signed(await target.proxy.request('P_DISPLAY_CONFIGURE', ['1920x1080'])), -1);
  t.is(await target.proxy.request('P_DISPLAY_START_DCP'), 0n);
  t.is(await target.proxy.request('P_DISPLAY_SHUTDOWN', [2]), 0n);
  await settle();
  t.regex(target.hostText(), /display: Display is external/);
  t.regex(target.hostText(), /display: failed to initialize DCP/);
  await target.close();
});

test('P_DISPLAY_INIT: an internal retina panel keeps iBoot\'s framebuffer (0); no disp0 is −1', async (t) => {
  const internal = startClientTarget({ adt: displayAdt(false), framebuffer: FB30 });
  t.is(await internal.proxy.request('P_DISPLAY_INIT'), 0n);
  t.is(await internal.proxy.request('P_DISPLAY_IS_EXTERNAL'), 0n);
  await internal.close();
  const none = startClientTarget();
  t.is(signed(await none.proxy.request('P_DISPLAY_INIT')), -1);
  await settle();
  t.regex(none.hostText(), /\/arm-io\/disp0 node not found!/);
  await none.close();
});

// ---- PCIe, NVMe, MCC, cpufreq ----

test('PCIe and NVMe answer as m1n1 without those blocks: 0 / false', async (t) => {
  const target = startClientTarget();
  for (const [op, args] of [
    ['P_PCIE_INIT', []],
    ['P_PCIE_SHUTDOWN', []],
    ['P_NVME_INIT', []],
    ['P_NVME_SHUTDOWN', []],
    ['P_NVME_READ', [1, 0, DST]],
    ['P_NVME_FLUSH', [1]],
  ] as const) {
    t.is(await target.proxy.request(op, [...args]), 0n, op);
  }
  await target.close();
});

test('P_MCC_GET_CARVEOUTS points at an empty {u64 base, u64 size} list: the first record has base 0', async (t) => {
  const target = startClientTarget();
  const ptr = await target.proxy.mccGetCarveouts();
  t.not(ptr, 0n);
  t.deepEqual(await target.client.memRead(ptr, 16), new Uint8Array(16));
  t.is(await target.proxy.mccGetCarveouts(), ptr);
  const features = await target.proxy.getCpuFeatures(20);
  t.true(features + 20n <= ptr || ptr + 80n <= features, 'separate statics');
  await target.close();
});

test('P_CPUFREQ_INIT fails (−1) after m1n1\'s first line', async (t) => {
  const target = startClientTarget();
  t.is(signed(await target.proxy.request('P_CPUFREQ_INIT')), -1);
  await settle();
  t.regex(target.hostText(), /cpufreq: Initializing clusters/);
  await target.close();
});

// Kernel boot preparation (§6.9 except P_KBOOT_BOOT) driven by the host's typed client over
// real frames: the state lands in the KbootState the machine's P_KBOOT_BOOT reads.
import test from 'ava';
import { DST, signed, startClientTarget } from './helpers/firmware-client.ts';

/**
 * A minimal flattened device tree, laid out by the devicetree specification (big-endian): the
 * 40-byte header, an empty memory reservation map, a root node with no properties, no strings.
 */
function minimalFdt(patch: Partial<Record<'magic' | 'version' | 'lastComp' | 'total', number>> = {}): Uint8Array {
  const struct = [0x1, 0, 0x2, 0x9]; // FDT_BEGIN_NODE "" (padded), FDT_END_NODE, FDT_END
  const offRsv = 40;
  const offStruct = offRsv + 16;
  const total = offStruct + struct.length * 4;
  const words = [
    patch.magic ?? 0xd00dfeed,
    patch.total ?? total,
    offStruct,
    total, // strings at the end, empty
    offRsv,
    patch.version ?? 17,
    patch.lastComp ?? 16,
    0,
    0,
    struct.length * 4,
    0, 0, 0, 0, // rsvmap terminator (2 × u64)
    ...struct,
  ];
  const out = new Uint8Array(words.length * 4);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => v.setUint32(i * 4, w >>> 0, false));
  return out;
}

test('P_KBOOT_SET_CHOSEN stores name/value pairs by slot: the slot index is returned, a known name reuses its slot', async (t) => {
  const target = startClientTarget();
  const set = (name: string, value: string) => target.proxy.request('P_KBOOT_SET_CHOSEN', [name, value]);
  t.is(await set('bootargs', 'console=ttySAC0'), 0n);
  t.is(await set('stdout-path', 'serial0'), 1n);
  t.is(await set('bootargs', 'quiet'), 0n);
  t.deepEqual(target.kboot.chosen, [
    { name: 'bootargs', value: 'quiet' },
    { name: 'stdout-path', value: 'serial0' },
  ]);
  await target.close();
});

test('P_KBOOT_SET_CHOSEN: a NULL name is −1, a NULL value clears the value, a 17th name does not fit (−1)', async (t) => {
  const target = startClientTarget();
  t.is(signed(await target.proxy.request('P_KBOOT_SET_CHOSEN', [0n, 'x'])), -1);
  await target.proxy.request('P_KBOOT_SET_CHOSEN', ['a', 'b']);
  t.is(await target.proxy.request('P_KBOOT_SET_CHOSEN', ['a', 0n]), 0n);
  t.deepEqual(target.kboot.chosen[0], { name: 'a', value: undefined });
  for (let i = 1; i < 16; i++) t.is(await target.proxy.request('P_KBOOT_SET_CHOSEN', [`n${i}`, 'v']), BigInt(i));
  t.is(signed(await target.proxy.request('P_KBOOT_SET_CHOSEN', ['one-too-many', 'v'])), -1);
  await target.close();
});

test('P_KBOOT_SET_UBOOT keeps four variables', async (t) => {
  const target = startClientTarget();
  for (let i = 0; i < 4; i++) t.is(await target.proxy.request('P_KBOOT_SET_UBOOT', [`v${i}`, `${i}`]), BigInt(i));
  t.is(signed(await target.proxy.request('P_KBOOT_SET_UBOOT', ['v4', '4'])), -1);
  t.is(target.kboot.uboot.length, 4);
  await target.close();
});

test('P_KBOOT_SET_INITRD records base and size', async (t) => {
  const target = startClientTarget();
  t.is(await target.proxy.request('P_KBOOT_SET_INITRD', [0x8_1000_0000n, 0x20_0000n]), 0n);
  t.deepEqual(target.kboot.initrd, { base: 0x8_1000_0000n, size: 0x20_0000n });
  await target.close();
});

test('P_KBOOT_PREPARE_DT takes a valid tree (0) and keeps a copy for P_KBOOT_BOOT', async (t) => {
  const target = startClientTarget();
  const fdt = minimalFdt();
  await target.client.memWrite(DST, fdt);
  t.is(await target.proxy.kbootPrepareDt(DST), 0);
  t.deepEqual(target.kboot.dt?.bytes, fdt);
  t.is(target.kboot.dt?.source, DST);
  await target.close();
});

test('P_KBOOT_PREPARE_DT: bad magic, unsupported versions, a truncated total size are −1 with m1n1\'s message', async (t) => {
  const target = startClientTarget();
  for (const [what, patch] of [
    ['magic', { magic: 0xfeedd00d }],
    ['version 1', { version: 1 }],
    ['last compatible version 18', { lastComp: 18 }],
    ['total size 0', { total: 0 }],
  ] as const) {
    await target.client.memWrite(DST, minimalFdt(patch));
    t.is(await target.proxy.kbootPrepareDt(DST), -1, what);
    t.is(target.kboot.dt, undefined, `${what}: no tree kept`);
  }
  t.regex(target.consoleText(), /FDT: fdt_open_into\(\) failed/);
  await target.close();
});

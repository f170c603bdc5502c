// PMGR, tunables, DART and DAPF ops (§6.10, §6.12) driven by the host's typed client over real
// frames, against ADTs shaped as apple-devices §9.4 describes j274's and register models that
// record what the firmware writes.
import test from 'ava';
import type { MmioDevice } from '../../sim/memory/index.ts';
import { AdtNode } from '../../core/formats/adt/node.ts';
import { adtRoot, ARM_IO_PHYS, device, encodeU32Array } from './helpers/extra-adt.ts';
import { DST, settle, signed, startClientTarget } from './helpers/firmware-client.ts';

/** Byte-addressed registers of every width; logs writes as [offset, width, value]. */
function regFile(size: number, options: { reflectPs?: boolean } = {}) {
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  const writes: Array<[number, number, bigint]> = [];
  const dev: MmioDevice = {
    read8: (o) => v.getUint8(o),
    read16: (o) => v.getUint16(o, true),
    read32: (o) => v.getUint32(o, true),
    read64: (o) => v.getBigUint64(o, true),
    write8: (o, x) => void (writes.push([o, 1, BigInt(x)]), v.setUint8(o, x)),
    write16: (o, x) => void (writes.push([o, 2, BigInt(x)]), v.setUint16(o, x, true)),
    write32: (o, x) => {
      writes.push([o, 4, BigInt(x)]);
      // A PMGR power-state register: "actual" (7:4) follows "target" (3:0) at once.
      v.setUint32(o, options.reflectPs ? (x & ~0xf0) | ((x & 0xf) << 4) : x, true);
    },
    write64: (o, x) => void (writes.push([o, 8, x]), v.setBigUint64(o, x, true)),
  };
  return { dev, writes, read32: (o: number) => v.getUint32(o, true), view: v };
}

const PMGR_BUS = 0x3b70_0000n;
const PS_OFFSET = 0x20000;

/** One 48-byte `devices` record (apple-devices §9.4 table), u16 ids. */
function pmgrDevice(id: number, name: string, parents: [number, number], addrOffset: number, flags = 0): number[] {
  const r = new Uint8Array(48);
  const v = new DataView(r.buffer);
  r[0] = flags;
  v.setUint16(4, parents[0], true);
  v.setUint16(6, parents[1], true);
  r[10] = addrOffset;
  r[11] = 0; // ps-regs index
  v.setUint16(26, id, true);
  r.set(new TextEncoder().encode(name), 32);
  return [...r];
}

function pmgrAdt(): AdtNode {
  const { root, armIo } = adtRoot();
  const pmgr = device(armIo, 'pmgr', [[PMGR_BUS, 0x80000n]]);
  pmgr.setProperty('ps-regs', encodeU32Array([0, PS_OFFSET, 0]));
  pmgr.setProperty(
    'devices',
    Uint8Array.from([...pmgrDevice(10, 'PARENT', [0, 0], 1), ...pmgrDevice(11, 'UART0', [10, 0], 2), ...pmgrDevice(12, 'VIRT', [11, 0], 3, 0x10)]),
  );
  device(armIo, 'uart0', [[0x3520_0000n, 0x4000n]]).setProperty('clock-gates', encodeU32Array([11]));
  device(armIo, 'nogates', [[0x3530_0000n, 0x4000n]]);
  return root;
}

function pmgrTarget(reflectPs = true) {
  const ps = regFile(0x1000, { reflectPs });
  const die1 = regFile(0x1000, { reflectPs });
  const base = ARM_IO_PHYS + PMGR_BUS + BigInt(PS_OFFSET);
  const target = startClientTarget({
    adt: pmgrAdt(),
    mmio: [
      [base, 0x1000, ps.dev],
      [base + 0x20_0000_0000n, 0x1000, die1.dev],
    ],
  });
  return { target, ps, die1 };
}

test('P_PMGR_POWER_ENABLE powers the parent first, then the device; each PS register ends active (0xFF)', async (t) => {
  const { target, ps } = pmgrTarget();
  t.is(await target.proxy.pmgrPowerEnable(11), 0);
  // addr_offset << 3: parent at +8, UART0 at +16.
  t.deepEqual(
    ps.writes.map(([o, , v]) => [o, v]),
    [
      [8, 0xfn],
      [16, 0xfn],
    ],
  );
  t.is(ps.read32(8) & 0xff, 0xff);
  t.is(ps.read32(16) & 0xff, 0xff);
  t.is(await target.proxy.pmgrPowerDisable(11), 0);
  t.is(ps.read32(16) & 0xff, 0x00, 'disable gates only the device');
  t.is(ps.read32(8) & 0xff, 0xff);
  await target.close();
});

test('P_PMGR_POWER_ENABLE: unknown or zero ids are −1; a virtual device has no register but its parents are powered', async (t) => {
  const { target, ps } = pmgrTarget();
  t.is(await target.proxy.pmgrPowerEnable(99), -1);
  t.is(await target.proxy.pmgrPowerEnable(0), -1);
  t.is(await target.proxy.pmgrPowerEnable(12), 0);
  t.deepEqual(
    ps.writes.map(([o]) => o),
    [8, 16],
    'VIRT (+24) untouched',
  );
  await target.close();
});

test('P_PMGR_POWER_ENABLE with die bits 31:28 = 1 uses the die-1 register block (+0x2000000000)', async (t) => {
  const { target, ps, die1 } = pmgrTarget();
  t.is(await target.proxy.pmgrPowerEnable((1 << 28) | 10), 0);
  t.is(ps.writes.length, 0);
  t.deepEqual(die1.writes[0]?.[0], 8);
  await target.close();
});

test('P_PMGR_ADT_POWER_ENABLE / DISABLE by ADT path use its clock-gates; a missing node or property is −1 with m1n1\'s message', async (t) => {
  const { target, ps } = pmgrTarget();
  t.is(await target.proxy.pmgrAdtPowerEnable('/arm-io/uart0'), 0);
  t.is(ps.read32(16) & 0xff, 0xff);
  t.is(await target.proxy.pmgrAdtPowerDisable('/arm-io/uart0'), 0);
  t.is(ps.read32(16) & 0xff, 0);
  t.is(await target.proxy.pmgrAdtPowerEnable('/arm-io/missing'), -1);
  t.is(await target.proxy.pmgrAdtPowerEnable('/arm-io/nogates'), -1);
  await settle();
  t.regex(target.hostText(), /pmgr: Error getting node \/arm-io\/missing/);
  t.regex(target.hostText(), /pmgr: Error getting \/arm-io\/nogates clock-gates\./);
  await target.close();
});

test('a PS register that never reaches the target state times out: −1 and m1n1\'s timeout line', async (t) => {
  const { target } = pmgrTarget(false);
  t.is(await target.proxy.pmgrPowerEnable(10), -1);
  await settle();
  t.regex(target.hostText(), /pmgr: timeout while trying to set mode f for device at 0x23b720008: f/);
  await target.close();
});

test('P_PMGR_RESET pulses DEV_DISABLE and RESET on an active device; a disabled one is refused', async (t) => {
  const { target, ps } = pmgrTarget();
  t.is(await target.proxy.pmgrReset(0, 'UART0'), -1, 'not active yet');
  await target.proxy.pmgrPowerEnable(11);
  ps.writes.length = 0;
  t.is(await target.proxy.pmgrReset(0, 'UART0'), 0);
  t.deepEqual(
    ps.writes.map(([, , v]) => v & 0x8000_0400n),
    [0x400n, 0x8000_0400n, 0x400n, 0n],
    'set DEV_DISABLE, set RESET, clear RESET, clear DEV_DISABLE',
  );
  t.is(await target.proxy.pmgrReset(0, 'NOSUCH'), -1);
  await settle();
  t.regex(target.hostText(), /pmgr: will not reset disabled device 0\.UART0/);
  t.regex(target.hostText(), /pmgr: resetting device 0\.UART0/);
  await target.close();
});

test('without a pmgr node in the ADT every power op fails as after a failed pmgr_init', async (t) => {
  const target = startClientTarget({ adt: adtRoot().root });
  t.is(await target.proxy.pmgrPowerEnable(11), -1);
  await settle();
  t.regex(target.hostText(), /called before successful pmgr_init\(\)/);
  await target.close();
});

// ---- tunables ----

function tunablesTarget() {
  const { root, armIo } = adtRoot();
  const node = device(armIo, 'tun', [[0x3b80_0000n, 0x1000n]]);
  // Global: {reg index, offset, mask, value}.
  node.setProperty('tunable-global', encodeU32Array([0, 0x10, 0xff00, 0x1200]));
  // Local: {u32 offset, u32 size, u64 mask, u64 value}.
  const local = new Uint8Array(48);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x20, true);
  lv.setUint32(4, 4, true);
  lv.setBigUint64(8, 0xffff_0000n, true);
  lv.setBigUint64(16, 0xabcd_0000n, true);
  lv.setUint32(24, 0x28, true);
  lv.setUint32(28, 8, true);
  lv.setBigUint64(32, 0xff00_0000_0000_0000n, true);
  lv.setBigUint64(40, 0x1200_0000_0000_0000n, true);
  node.setProperty('tunable-local', local);
  const badSize = local.slice(0, 24);
  new DataView(badSize.buffer).setUint32(4, 3, true);
  node.setProperty('tunable-bad-size', badSize);
  node.setProperty('tunable-odd-length', new Uint8Array(20));
  const regs = regFile(0x1000);
  regs.view.setUint32(0x10, 0x11223344, true);
  const target = startClientTarget({ adt: root, mmio: [[ARM_IO_PHYS + 0x3b80_0000n, 0x1000, regs.dev]] });
  return { target, regs };
}

test('P_TUNABLES_APPLY_GLOBAL masks each register named by the records', async (t) => {
  const { target, regs } = tunablesTarget();
  t.is(await target.proxy.tunablesApplyGlobal('/arm-io/tun', 'tunable-global'), 0);
  t.is(regs.read32(0x10), 0x11221244);
  await target.close();
});

test('P_TUNABLES_APPLY_LOCAL (reg index) and _LOCAL_ADDR (base address) apply records of each width', async (t) => {
  const { target, regs } = tunablesTarget();
  regs.view.setUint32(0x20, 0x1234_5678, true);
  t.is(signed(await target.proxy.request('P_TUNABLES_APPLY_LOCAL', ['/arm-io/tun', 'tunable-local', 0])), 0);
  t.is(regs.read32(0x20), 0xabcd_5678);
  t.is(regs.view.getBigUint64(0x28, true), 0x1200_0000_0000_0000n);
  t.is(signed(await target.proxy.request('P_TUNABLES_APPLY_LOCAL_ADDR', ['/arm-io/tun', 'tunable-local', DST])), 0);
  t.deepEqual([...(await target.client.memRead(DST + 0x20n, 4))], [0x00, 0x00, 0xcd, 0xab]);
  await target.close();
});

test('tunables that are absent or malformed are −1 (the j274 ADT has none)', async (t) => {
  const { target } = tunablesTarget();
  t.is(await target.proxy.tunablesApplyGlobal('/arm-io/none', 'x'), -1);
  t.is(await target.proxy.tunablesApplyGlobal('/arm-io/tun', 'no-such-prop'), -1);
  t.is(await target.proxy.tunablesApplyGlobal('/arm-io/tun', 'tunable-odd-length'), -1);
  t.is(signed(await target.proxy.request('P_TUNABLES_APPLY_LOCAL', ['/arm-io/tun', 'tunable-bad-size', 0])), -1);
  t.is(signed(await target.proxy.request('P_TUNABLES_APPLY_LOCAL', ['/arm-io/tun', 'tunable-local', 5])), -1, 'no reg[5]');
  await settle();
  t.regex(target.hostText(), /tunable: unable to find ADT node \/arm-io\/none\./);
  t.regex(target.hostText(), /tunable: unknown tunable size 0x00000003/);
  await target.close();
});

// ---- DART ----

test('P_DART_INIT fails as m1n1 does without a DART (NULL handle); using a NULL handle faults under the session guard', async (t) => {
  const target = startClientTarget();
  t.is(await target.proxy.request('P_DART_INIT', [ARM_IO_PHYS + 0x3130_c000n, 0, 0, 0]), 0n);
  await target.proxy.setExcGuard(1);
  t.is(await target.proxy.request('P_DART_SHUTDOWN', [0]), 0n);
  t.is(signed(await target.proxy.request('P_DART_MAP', [0, 0x4000, DST, 0x4000])), -1);
  t.is(await target.proxy.request('P_DART_UNMAP', [0, 0x4001, 0x4000]), 0n, 'unaligned: returns before touching the handle');
  t.is(await target.proxy.getExcCount(), 2);
  await target.close();
});

// ---- DAPF ----

function dapfAdt(): AdtNode {
  const { root, armIo } = adtRoot();
  const dart = device(armIo, 'dart-aop', [
    [0x3c00_0000n, 0x4000n],
    [0x3c00_4000n, 0x4000n],
  ], ['dart,t8020']);
  // Records {u64 start, u64 end, u8 unk, u8 r0_hi, u8 r0_lo, u8 unk, u32 r4}.
  const cfg = new Uint8Array(48);
  const v = new DataView(cfg.buffer);
  v.setBigUint64(0, 0x2_3b00_0000n, true);
  v.setBigUint64(8, 0x2_3bff_ffffn, true);
  cfg[17] = 0x3;
  cfg[18] = 0x1;
  v.setUint32(20, 0x55, true);
  v.setBigUint64(24, 0x2_0000_0000n, true);
  v.setBigUint64(32, 0x2_0fff_ffffn, true);
  cfg[41] = 0x0;
  cfg[42] = 0x2;
  v.setUint32(44, 0x66, true);
  dart.setProperty('filter-data-instance-0', cfg);
  armIo.addChild(new AdtNode('dart-pmp')); // present, without reg: its init fails
  return root;
}

test('P_DAPF_INIT writes each filter record of a t8020 DART to its 0x40-byte slot at reg[1]', async (t) => {
  const regs = regFile(0x4000);
  const target = startClientTarget({ adt: dapfAdt(), mmio: [[ARM_IO_PHYS + 0x3c00_4000n, 0x4000, regs.dev]] });
  t.is(signed(await target.proxy.request('P_DAPF_INIT', ['/arm-io/dart-aop'])), 0);
  t.deepEqual(regs.writes, [
    [0x04, 4, 0x55n],
    [0x08, 8, 0x2_3b00_0000n],
    [0x10, 8, 0x2_3bff_ffffn],
    [0x00, 4, 0x31n],
    [0x44, 4, 0x66n],
    [0x48, 8, 0x2_0000_0000n],
    [0x50, 8, 0x2_0fff_ffffn],
    [0x40, 4, 0x02n],
  ]);
  await settle();
  t.regex(target.hostText(), /dapf: Initialized \/arm-io\/dart-aop/);
  t.is(signed(await target.proxy.request('P_DAPF_INIT', ['/arm-io/none'])), -1);
  // dart-aop and dart-pmp are present; dart-pmp has no reg → −1 overall.
  t.is(signed(await target.proxy.request('P_DAPF_INIT_ALL')), -1);
  await target.close();
});

test('P_DAPF_INIT_ALL counts the DARTs it initialized; none in the ADT → 0', async (t) => {
  const target = startClientTarget({ adt: adtRoot().root });
  t.is(await target.proxy.request('P_DAPF_INIT_ALL'), 0n);
  await target.close();
});

// The virtual Mac mini's board description: the j274 ADT parsed back with the parser and checked
// node by node against spec apple-devices §9.2–9.5 (values typed in here from the spec), every
// consumer row of the §9.6 checklist, the layout's invariants, boot_args (m1n1-protocol §8.1)
// and installBoard into RAM.
import test from 'ava';
import {
  adtReg,
  adtRegPhys,
  adtRanges,
  findByPhandle,
  findCompatible,
  formatAdt,
  getNode,
  isCompatible,
  parseAdt,
  serializeAdt,
  type AdtNode,
} from '../../core/formats/adt/index.ts';
import { adtPhysAddress, parseBootArgs } from '../../core/formats/boot-args.ts';
import { HvdbgError } from '../../core/errors.ts';
import { buildJ274Adt, installBoard, j274AdtBytes, j274BootArgsBytes, j274Layout, VIRTUAL_M1_LAYOUT } from '../../sim/board/index.ts';
import { SparseRam } from '../../sim/memory/index.ts';

const BYTES = j274AdtBytes(VIRTUAL_M1_LAYOUT);
const ADT = parseAdt(BYTES);
const node = (path: string): AdtNode => getNode(ADT, path);
const aicPhandle = (): number => node('/arm-io/aic').u32('AAPL,phandle');

test('the serialised tree parses back and re-serialises byte for byte', (t) => {
  t.deepEqual(serializeAdt(ADT), BYTES);
  t.deepEqual(serializeAdt(buildJ274Adt(VIRTUAL_M1_LAYOUT)), BYTES);
  t.true(BYTES.length % 4 === 0);
});

test('§9.2 root', (t) => {
  t.is(ADT.name, 'device-tree');
  t.is(ADT.u32('#address-cells'), 2);
  t.is(ADT.u32('#size-cells'), 2);
  t.is(ADT.string('model'), 'Macmini9,1');
  t.is(ADT.string('target-type'), 'J274');
  t.deepEqual(ADT.strings('compatible'), ['J274AP', 'Macmini9,1', 'AppleARM']);
  t.is(ADT.string('manufacturer'), 'Apple Inc.');
  t.true(ADT.string('serial-number').length > 0);
});

test('§9.2 /chosen and /chosen/memory-map', (t) => {
  const chosen = node('/chosen');
  t.is(chosen.u32('chip-id'), 0x8103);
  t.is(chosen.u32('board-id'), 0x22);
  t.is(chosen.string('firmware-version'), 'iBoot-7429.61.2');
  t.is(chosen.string('system-firmware-version'), 'iBoot-7429.30.8.0.4');
  const mm = node('/chosen/memory-map');
  const L = VIRTUAL_M1_LAYOUT;
  t.deepEqual(mm.u64Array('DeviceTree'), [L.adtBase, BigInt(BYTES.length)]);
  t.deepEqual(mm.u64Array('BootArgs'), [L.bootArgsBase, 0x2e0n]);
  t.deepEqual(mm.u64Array('SEPFW'), [L.sepfw.base, L.sepfw.size]);
  t.deepEqual(mm.u64Array('TrustCache'), [L.trustCache.base, L.trustCache.size]);
});

test('§9.2 /product and /defaults serial-device = uart0 phandle', (t) => {
  const product = node('/product');
  t.is(product.string('product-name'), 'Mac mini (M1, 2020)');
  t.is(product.string('product-soc-name'), 'Apple M1');
  t.true(product.has('product-description'));
  const serial = node('/defaults').u32('serial-device');
  t.is(serial, node('/arm-io/uart0').u32('AAPL,phandle'));
  t.is(findByPhandle(ADT, serial)?.path, '/arm-io/uart0');
});

test('§9.3 /arm-io', (t) => {
  const armIo = node('/arm-io');
  t.deepEqual(armIo.strings('compatible'), ['arm-io,t8103']);
  t.true(isCompatible(armIo, 'arm-io,t8103', { prefix: true }));
  t.is(armIo.string('soc-generation'), 'H13');
  t.is(armIo.u32('#address-cells'), 2);
  t.is(armIo.u32('#size-cells'), 2);
  t.deepEqual(adtRanges(armIo)[0], { childAddr: 0x0n, parentAddr: 0x2_0000_0000n, size: 0x8000_0000n });
  t.false(armIo.has('die-count'));
});

/** §9.4, typed in from the table: path, compatible, bus address, bold physical address, size, interrupts. */
const DEVICES: readonly { path: string; compatible: string; bus: bigint; phys: bigint; size: bigint; irqs?: number[] }[] = [
  { path: '/arm-io/aic', compatible: 'aic,1', bus: 0x3b100000n, phys: 0x23b100000n, size: 0x8000n },
  { path: '/arm-io/gpio', compatible: 'gpio,t8103', bus: 0x3c100000n, phys: 0x23c100000n, size: 0x100000n, irqs: [190, 191, 192, 193, 194, 195, 196] },
  { path: '/arm-io/uart0', compatible: 'uart-1,samsung', bus: 0x35200000n, phys: 0x235200000n, size: 0x4000n, irqs: [605] },
  { path: '/arm-io/pmgr', compatible: 'pmgr1,t8103', bus: 0x3b700000n, phys: 0x23b700000n, size: 0x80000n },
  { path: '/arm-io/dcp', compatible: 'dcp,t8103', bus: 0x31c00000n, phys: 0x231c00000n, size: 0xc000n, irqs: [427, 428, 429, 430] },
  { path: '/arm-io/dart-dcp', compatible: 'dart,t8020', bus: 0x3130c000n, phys: 0x23130c000n, size: 0x4000n, irqs: [445] },
  { path: '/arm-io/dart-disp0', compatible: 'dart,t8020', bus: 0x31304000n, phys: 0x231304000n, size: 0x4000n, irqs: [445] },
];

for (const d of DEVICES) {
  test(`§9.4 ${d.path}: reg[0] bus 0x${d.bus.toString(16)} → phys 0x${d.phys.toString(16)}, interrupts, phandles`, (t) => {
    const n = node(d.path);
    t.true(n.strings('compatible').includes(d.compatible));
    t.deepEqual(adtReg(n)[0], { addr: d.bus, size: d.size });
    t.deepEqual(adtRegPhys(n, 0, { strict: true, checkSize: true }), { addr: d.phys, size: d.size });
    t.true(n.has('AAPL,phandle'));
    if (d.irqs) {
      t.deepEqual(n.u32Array('interrupts'), d.irqs);
      t.is(n.u32('interrupt-parent'), aicPhandle());
    } else {
      t.false(n.has('interrupts'));
    }
  });
}

test('§9.4 pmgr size covers the CPU-start block (≥ 0x54020)', (t) => {
  t.true(adtReg(node('/arm-io/pmgr'))[0]!.size >= 0x54020n);
});

test('§9.4 dcp covers its mailbox and has iop-dcp-nub first with asc-dram-mask 0xf00000000', (t) => {
  const dcp = node('/arm-io/dcp');
  t.true(adtReg(dcp)[0]!.size >= 0x8840n);
  const nub = dcp.children[0]!;
  t.is(nub.name, 'iop-dcp-nub');
  t.is(nub.u64('asc-dram-mask'), 0xf00000000n);
});

test('§9.4 DARTs: first child mapper-* with reg = u32 0 (the DCP SID)', (t) => {
  for (const [dart, mapper] of [
    ['/arm-io/dart-dcp', 'mapper-dcp'],
    ['/arm-io/dart-disp0', 'mapper-disp0'],
  ] as const) {
    const first = node(dart).children[0]!;
    t.is(first.name, mapper);
    t.is(first.u32('reg'), 0);
  }
  t.deepEqual(findCompatible(ADT, 'dart,t8020').map((n) => n.path), ['/arm-io/dart-dcp', '/arm-io/dart-disp0']);
});

test('§9.4 disp0 reg in the model-choice order; [5] = 0x23b738000 and [6] = 0x23bc3c000', (t) => {
  const disp0 = node('/arm-io/disp0');
  const expected: [bigint, bigint][] = [
    [0x230000000n, 0x3e8000n],
    [0x231320000n, 0x4000n],
    [0x231344000n, 0x4000n],
    [0x231800000n, 0x800000n],
    [0x23b3d0000n, 0x4000n],
    [0x23b738000n, 0x1000n],
    [0x23bc3c000n, 0x1000n],
  ];
  t.is(adtReg(disp0).length, 7);
  expected.forEach(([addr, size], i) => t.deepEqual(adtRegPhys(disp0, i, { strict: true }), { addr, size }));
  t.is(disp0.u32('interrupt-parent'), aicPhandle());
});

/** Decodes the §9.4 `devices` table in the test, field by field. */
function pmgrDevices(n: AdtNode): { name: string; flags: number; id1: number; psidx: number; psreg: number; id2: number }[] {
  const v = n.bytes('devices');
  const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const out = [];
  for (let at = 0; at < v.length; at += 48) {
    const nameBytes = v.subarray(at + 32, at + 48);
    const end = nameBytes.indexOf(0);
    out.push({
      flags: v[at]!,
      id1: v[at + 3]!,
      psidx: v[at + 10]!,
      psreg: v[at + 11]!,
      id2: view.getUint16(at + 26, true),
      name: String.fromCharCode(...nameBytes.subarray(0, end < 0 ? 16 : end)),
    });
  }
  return out;
}

test('§9.4 pmgr devices (≥ 2 records of 48 bytes, incl. UART0) and ps-regs put UART0\'s power state inside pmgr', (t) => {
  const pmgr = node('/arm-io/pmgr');
  t.is(pmgr.bytes('devices').length % 48, 0);
  const devices = pmgrDevices(pmgr);
  t.true(devices.length >= 2);
  const uart0 = devices.find((d) => d.name === 'UART0');
  t.truthy(uart0);
  const ps = pmgr.u32Array('ps-regs');
  t.is(ps.length % 3, 0);
  const [regIndex, offset] = [ps[uart0!.psreg * 3]!, ps[uart0!.psreg * 3 + 1]!];
  const window = adtRegPhys(pmgr, regIndex);
  const psAddr = window.addr + BigInt(offset) + BigInt(uart0!.psidx * 8);
  t.true(psAddr >= window.addr && psAddr + 4n <= window.addr + window.size);
  // Not inside the CPU-start block (§8.2: reg[0] + 0x54000, 0x20 bytes).
  t.false(psAddr >= 0x23b754000n && psAddr < 0x23b754020n);
});

/** §8.1 table: cpu-id, cluster, core, ADT reg, cpu-impl-reg base. */
const CPUS: readonly [number, number, number, number, bigint][] = [
  [0, 0, 0, 0x000, 0x210050000n],
  [1, 0, 1, 0x001, 0x210150000n],
  [2, 0, 2, 0x002, 0x210250000n],
  [3, 0, 3, 0x003, 0x210350000n],
  [4, 1, 0, 0x100, 0x211050000n],
  [5, 1, 1, 0x101, 0x211150000n],
  [6, 1, 2, 0x102, 0x211250000n],
  [7, 1, 3, 0x103, 0x211350000n],
];

test('§9.5 /cpus: cpu0–cpu7 with the §8.1 reg, ids and cpu-impl-reg; cpu0 running', (t) => {
  const cpus = node('/cpus');
  t.deepEqual(cpus.children.map((c) => c.name), ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4', 'cpu5', 'cpu6', 'cpu7']);
  for (const [id, cluster, core, reg, impl] of CPUS) {
    const cpu = node(`/cpus/cpu${id}`);
    t.is(cpu.string('device_type'), 'cpu');
    t.deepEqual(cpu.strings('compatible'), [cluster === 0 ? 'apple,icestorm' : 'apple,firestorm', 'ARM,v8']);
    t.is(cpu.u32('reg'), reg);
    t.is(cpu.u32('reg') & 0xff, core);
    t.is((cpu.u32('reg') >> 8) & 7, cluster);
    t.is(cpu.u32('cpu-id'), id);
    t.is(cpu.u32('cluster-id'), cluster);
    t.is(cpu.u32Or('die-id', 0), 0);
    t.deepEqual(cpu.u64Array('cpu-impl-reg'), [impl, 0x10000n]);
    t.is(cpu.string('state'), id === 0 ? 'running' : 'waiting');
    t.true(cpu.has('AAPL,phandle'));
  }
});

test('the human dump shows the pmgr tables decoded and every node', (t) => {
  const lines = formatAdt(ADT).split('\n').map((l) => l.trim());
  t.true(lines.some((l) => l.startsWith('devices = ') && l.includes('{UART0 id 3 flags 0x0 psreg 0 psidx 46}')));
  t.true(lines.includes('ps-regs = {reg 0, offset 0x100, mask 0x0}'));
  t.true(lines.includes('cpu-impl-reg = (0x211350000, 0x10000)'));
  t.is(lines.filter((l) => l.endsWith(' {')).length, [...ADT.walk()].length);
});

test('every node has a unique AAPL,phandle', (t) => {
  const seen = new Set<number>();
  for (const n of ADT.walk()) {
    const p = n.u32('AAPL,phandle');
    t.false(seen.has(p), n.path);
    seen.add(p);
  }
});

/** §9.6: each consumer row, as the reads it makes. */
const CHECKLIST: Record<string, (adt: AdtNode) => unknown[]> = {
  'GPIO tracer': (a) => [adtRegPhys(getNode(a, '/arm-io/gpio')).addr, getNode(a, '/arm-io/gpio').u32('interrupt-parent') === getNode(a, '/arm-io/aic').u32('AAPL,phandle') || undefined, getNode(a, '/arm-io/gpio').u32Array('interrupts')],
  'AIC IRQ trace': (a) => [adtRegPhys(getNode(a, '/arm-io/aic')).addr],
  'ASC / DCP tracer': (a) => [
    adtRegPhys(getNode(a, '/arm-io/dcp')).addr,
    adtRegPhys(getNode(a, '/arm-io/dart-dcp')).addr,
    getNode(a, '/arm-io/dart-dcp').strings('compatible')[0],
    getNode(a, '/arm-io/dart-dcp').children[0]!.u32('reg'),
    adtRegPhys(getNode(a, '/arm-io/dart-disp0')).addr,
    getNode(a, '/arm-io/dart-disp0').strings('compatible')[0],
  ],
  'DCP tracer version selection': (a) => [getNode(a, '/chosen').string('firmware-version'), getNode(a, '/arm-io').string('soc-generation'), getNode(a, '/chosen').u32('chip-id')],
  'RTKit and DCP (m1n1 C)': (a) => [getNode(a, '/arm-io/dcp').children[0]!.u64('asc-dram-mask')],
  'CPU start': (a) => [
    adtRegPhys(getNode(a, '/arm-io/pmgr')).addr,
    getNode(a, '/chosen').u32('chip-id'),
    ...getNode(a, '/cpus').children.flatMap((c) => [c.u32('reg'), c.u32('cpu-id'), c.u32('cluster-id'), c.u32Or('die-id', 0), c.u64Array('cpu-impl-reg')[0], c.string('state')]),
  ],
  'Hypervisor host': (a) => [
    adtRanges(getNode(a, '/arm-io'))[0],
    adtRegPhys(getNode(a, '/arm-io/uart0')).addr,
    getNode(a, '/arm-io/uart0').u32Array('interrupts')[0],
    getNode(a, '/arm-io/pmgr').bytes('devices').length,
    getNode(a, '/arm-io/pmgr').bytes('ps-regs').length,
    getNode(a, '/product').string('product-name'),
    getNode(a, '/defaults').u32('serial-device'),
    getNode(a, '/chosen/memory-map').u64Array('DeviceTree')[0],
  ],
};

for (const [consumer, reads] of Object.entries(CHECKLIST)) {
  test(`§9.6 checklist: ${consumer} finds everything it reads`, (t) => {
    const values = reads(ADT);
    t.true(values.length > 0);
    values.forEach((v, i) => t.not(v, undefined, `read ${i}`));
  });
}

test('layout: the hand-over sits in [phys_base, top_of_kernel_data), 16 KiB aligned, without overlaps', (t) => {
  const L = VIRTUAL_M1_LAYOUT;
  t.is(L.ramBase, 0x8_0000_0000n);
  t.is(L.ramSize, 0x2_0000_0000n);
  t.is(L.m1n1Base, 0x8_0380_0000n);
  t.is(L.topOfKernelData, 0x8_0600_0000n);
  const regions: [string, bigint, bigint][] = [
    ['SEPFW', L.sepfw.base, L.sepfw.size],
    ['TrustCache', L.trustCache.base, L.trustCache.size],
    ['ADT', L.adtBase, L.adtMaxSize],
    ['boot_args', L.bootArgsBase, L.bootArgsMaxSize],
    ['m1n1', L.m1n1Base, L.topOfKernelData - L.m1n1Base],
  ];
  for (const [name, base, size] of regions) {
    t.is(base % 0x4000n, 0n, name);
    t.true(base >= L.physBase && base + size <= L.topOfKernelData, name);
  }
  const sorted = [...regions].sort((a, b) => (a[1] < b[1] ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) t.true(sorted[i - 1]![1] + sorted[i - 1]![2] <= sorted[i]![1], `${sorted[i - 1]![0]} / ${sorted[i]![0]}`);
  const fb = L.framebuffer;
  t.true(BigInt(fb.stride * fb.height) <= fb.reservedBytes);
  t.is(fb.base + fb.reservedBytes, L.ramBase + L.ramSize);
  t.is(L.physBase + L.memSize, fb.base);
  t.is(L.memSizeActual, 0x2_0000_0000n);
});

test('boot_args: revision 2, devtree → the ADT through §8.1\'s formula, sizes and framebuffer from the layout', (t) => {
  const L = VIRTUAL_M1_LAYOUT;
  const ba = parseBootArgs(j274BootArgsBytes(L, { adtSize: BYTES.length }));
  t.is(ba.revision, 2);
  t.is(ba.physBase, 0x8_0000_0000n);
  t.is(ba.virtBase, 0xffff_fe00_1000_0000n);
  t.is(adtPhysAddress(ba), L.adtBase);
  t.is(ba.devtreeSize, BYTES.length);
  t.is(ba.topOfKernelData, 0x8_0600_0000n);
  t.is(ba.memSizeActual, 0x2_0000_0000n);
  t.is(ba.physBase + ba.memSize, L.framebuffer.base);
  t.is(ba.video.base, L.framebuffer.base);
  t.is(ba.video.width, 1920n);
  t.is(ba.video.stride, 7680n);
  t.is(ba.video.depth & 0xffn, 30n);
  t.is(ba.video.display, 1n);
  t.is(ba.cmdline, 'serial=3');
  t.is(parseBootArgs(j274BootArgsBytes(L, { adtSize: 1, cmdline: 'x -v' })).video.display, 0n);
});

test('installBoard writes boot_args and the ADT into RAM where the host finds them', (t) => {
  const ram = new SparseRam();
  const installed = installBoard(ram);
  t.is(installed.bootArgsAddr, VIRTUAL_M1_LAYOUT.bootArgsBase);
  t.is(installed.adtAddr, VIRTUAL_M1_LAYOUT.adtBase);
  // As the host does (§13.1): read the revision, then the whole structure, then the ADT.
  const rev = new Uint8Array(2);
  t.true(ram.readBlock(installed.bootArgsAddr, rev, 0, 2));
  t.is(rev[0]! | (rev[1]! << 8), 2);
  const baBytes = new Uint8Array(0x2e0);
  t.true(ram.readBlock(installed.bootArgsAddr, baBytes, 0, baBytes.length));
  const ba = parseBootArgs(baBytes);
  const adtBytes = new Uint8Array(ba.devtreeSize);
  t.true(ram.readBlock(adtPhysAddress(ba), adtBytes, 0, adtBytes.length));
  t.deepEqual(adtBytes, BYTES);
  t.is(installed.adtSize, BYTES.length);
  t.is(getNode(parseAdt(adtBytes), '/chosen').u32('chip-id'), 0x8103);
});

test('installBoard on RAM that does not hold the layout is BOARD_INSTALL_FAULT', (t) => {
  const small = new SparseRam({ base: 0x8_0000_0000n, sizeBytes: 0x100_0000n });
  const err = t.throws(() => installBoard(small, j274Layout()), { instanceOf: HvdbgError });
  t.is(err?.code, 'BOARD_INSTALL_FAULT');
});

// DART t8020 (apple-devices §6.1–§6.5): two-level 16 KiB translation from tables the test writes
// into RAM, bypass, the fault codes with ERROR / ERROR_ADDR / IRQ 445, invalidation, LOCK and
// sub-page protection. Register offsets and PTE bits are spelled out from the spec.

import test from 'ava';
import { DartFaultError } from '../../sim/coproc/index.ts';
import { ApDart, DART_DCP, DART_DISP0, makeRig, r32, r64, readBytes, w32, w64, type Rig } from './ap-side.ts';

const ERROR = DART_DCP + 0x40n;
const ERROR_LO = DART_DCP + 0x50n;
const ERROR_HI = DART_DCP + 0x54n;
const CONFIG = DART_DCP + 0x60n;
const STREAM_COMMAND = DART_DCP + 0x20n;
const STREAM_SELECT = DART_DCP + 0x34n;
const tcr = (sid: number): bigint => DART_DCP + 0x100n + BigInt(4 * sid);
const ttbr = (sid: number, n: number): bigint => DART_DCP + 0x200n + BigInt(16 * sid + 4 * n);
const NO_TTBR = 1 << 0;
const NO_PMD = 1 << 1;
const NO_PTE = 1 << 2;
const PTE_READ_FAULT = 1 << 6;
const SUBPAGE_PROT = 1 << 7;
const WRITE = 1 << 10;

function setup(): { rig: Rig; ap: ApDart } {
  const rig = makeRig();
  return { rig, ap: new ApDart(rig) };
}

function faultCode(t: import('ava').ExecutionContext, fn: () => unknown): number {
  const e = t.throws(fn, { instanceOf: DartFaultError });
  return e?.faultCode ?? -1;
}

test('translation at both levels, both TTBRs, page offset kept', (t) => {
  const { rig, ap } = setup();
  const l1 = ap.enable(0);
  t.is(r32(rig.as, ttbr(0, 0)), (0x8000_0000 | Number(l1 >> 12n)) >>> 0, 'TTBR = VALID | L1 >> 12');
  const p1 = ap.allocPage();
  const p2 = ap.allocPage();
  const p3 = ap.allocPage();
  const p4 = ap.allocPage();
  ap.map(0, 0x1000_0000n, p1); // L1 index 8, L2 index 0
  ap.map(0, 0x1000_4000n, p2); // same L2 table, index 1
  ap.map(0, 0x1200_0000n, p3); // L1 index 9: a second L2 table
  ap.map(0, (1n << 36n) | 0x4000n, p4); // TTBR[0][1]
  const e1 = r64(rig.as, l1 + 8n * 8n);
  t.is(e1 & 3n, 3n, 'L1 PTE valid');
  const dart = rig.dcp.dart;
  t.is(dart.translate(0, 0x1000_0123n), p1 | 0x123n);
  t.is(dart.translate(0, 0x1000_7ffen), p2 | 0x3ffen);
  t.is(dart.translate(0, 0x1200_0010n), p3 | 0x10n);
  t.is(dart.translate(0, (1n << 36n) | 0x4008n), p4 | 8n);
  t.is(r32(rig.as, ERROR), 0, 'no fault recorded');
});

test('DMA across a page boundary goes to two unrelated physical pages', (t) => {
  const { rig, ap } = setup();
  ap.enable(0);
  const a = ap.allocPage();
  ap.allocPage(); // a gap so the two pages are not contiguous
  const b = ap.allocPage();
  ap.map(0, 0x2000_0000n, a);
  ap.map(0, 0x2000_4000n, b);
  rig.dcp.dart.write(0, 0x2000_3ffen, Uint8Array.of(1, 2, 3, 4));
  t.deepEqual([...readBytes(rig.as, a + 0x3ffen, 2)], [1, 2]);
  t.deepEqual([...readBytes(rig.as, b, 2)], [3, 4]);
  t.deepEqual([...rig.dcp.dart.read(0, 0x2000_3ffen, 4)], [1, 2, 3, 4]);
});

test('bypass streams use IOVA = PA; a disabled stream refuses DMA', (t) => {
  const { rig } = setup();
  w32(rig.as, tcr(15), 0x100); // m1n1: TCR[15] = BYPASS_DART
  t.is(rig.dcp.dart.translate(15, 0x8_0000_1234n), 0x8_0000_1234n);
  t.is(faultCode(t, () => rig.dcp.dart.translate(3, 0x1000n)), NO_TTBR, 'TCR 0: no valid mode');
});

test('faults: NO_TTBR, NO_PMD, NO_PTE, PTE_READ_FAULT with ERROR, ERROR_ADDR and IRQ 445', (t) => {
  const { rig, ap } = setup();
  const dart = rig.dcp.dart;
  w32(rig.as, tcr(5), 0x80); // translate, TTBR invalid
  t.is(faultCode(t, () => dart.translate(5, 0x1_2345_6789n)), NO_TTBR);
  let e = r32(rig.as, ERROR);
  t.is(e >>> 31, 1, 'FLAG');
  t.is((e >> 24) & 0xf, 5, 'STREAM [27:24]');
  t.is(e & 0xff_ffff, NO_TTBR, 'CODE');
  t.is(r32(rig.as, ERROR_LO), 0x2345_6789);
  t.is(r32(rig.as, ERROR_HI), 0x1);
  t.is(rig.lines.get(445), true);

  ap.enable(0);
  ap.map(0, 0x1000_0000n, ap.allocPage());
  t.is(faultCode(t, () => dart.translate(0, 0x3000_0000n)), NO_PMD, 'no L2 table for that L1 index');
  t.is(faultCode(t, () => dart.translate(0, 0x1000_8000n, { write: true })), NO_PTE | WRITE, 'L2 present, entry empty');
  t.is(r32(rig.as, ERROR) & 0xff_ffff, NO_TTBR, 'the first fault stays latched');

  w32(rig.as, ERROR, 0xffff_ffff); // m1n1's clear
  t.is(r32(rig.as, ERROR), 0);
  t.is(rig.lines.get(445), false);
  t.is(faultCode(t, () => dart.write(0, 0x1000_8000n, Uint8Array.of(1))), NO_PTE | WRITE);
  e = r32(rig.as, ERROR);
  t.is(e & 0xff_ffff, NO_PTE | WRITE);
  t.is((e >> 24) & 0xf, 0);
  t.is(r32(rig.as, ERROR_LO), 0x1000_8000);
  w32(rig.as, ERROR, 0xffff_ffff);

  w32(rig.as, ttbr(2, 0), 0x8000_0000 | 0x1); // L1 at PA 0x1000: no memory there
  w32(rig.as, tcr(2), 0x80);
  t.is(faultCode(t, () => dart.translate(2, 0n)), PTE_READ_FAULT);
});

test('both DCP DARTs drive AIC 445 together', (t) => {
  const { rig } = setup();
  w32(rig.as, DART_DISP0 + 0x100n, 0x80);
  w32(rig.as, tcr(0), 0x80);
  t.throws(() => rig.dcp.dartDisp0.translate(0, 0n));
  t.throws(() => rig.dcp.dart.translate(0, 0n));
  t.is(rig.lines.get(445), true);
  w32(rig.as, DART_DISP0 + 0x40n, 0xffff_ffff);
  t.is(rig.lines.get(445), true, 'dart-dcp still has its error');
  w32(rig.as, ERROR, 0xffff_ffff);
  t.is(rig.lines.get(445), false);
});

test('invalidation completes at once and table edits are seen immediately', (t) => {
  const { rig, ap } = setup();
  ap.enable(0);
  const a = ap.allocPage();
  const b = ap.allocPage();
  ap.map(0, 0x1000_0000n, a);
  t.is(rig.dcp.dart.translate(0, 0x1000_0000n), a);
  ap.map(0, 0x1000_0000n, b);
  w32(rig.as, STREAM_SELECT, 1);
  w32(rig.as, STREAM_COMMAND, 1 << 20);
  t.is(r32(rig.as, STREAM_COMMAND) & (1 << 2), 0, 'BUSY reads 0 (§6.5)');
  t.is(rig.dcp.dart.translate(0, 0x1000_0000n), b);
  t.deepEqual(rig.dcp.dart.invalidations, [1]);
});

test('CONFIG.LOCK freezes TTBR and TCR; the tables in memory stay editable', (t) => {
  const { rig, ap } = setup();
  const l1 = ap.enable(0);
  w32(rig.as, CONFIG, r32(rig.as, CONFIG) | (1 << 15));
  w32(rig.as, ttbr(0, 0), 0);
  w32(rig.as, tcr(0), 0x100);
  t.is(r32(rig.as, ttbr(0, 0)), (0x8000_0000 | Number(l1 >> 12n)) >>> 0, 'TTBR write ignored');
  t.is(r32(rig.as, tcr(0)), 0x80, 'TCR write ignored');
  w32(rig.as, CONFIG, 0);
  t.not(r32(rig.as, CONFIG) & (1 << 15), 0, 'LOCK is sticky');
  const p = ap.allocPage();
  ap.map(0, 0x4000n, p); // m1n1 with a locked DART: find L1 from TTBR, edit in memory
  t.is(rig.dcp.dart.translate(0, 0x4010n), p | 0x10n);
});

test('sub-page protection: only [SP_START·4, SP_END·4+3] is reachable when SP_PROT_DIS = 0', (t) => {
  const { rig, ap } = setup();
  ap.enable(0);
  const p = ap.allocPage();
  ap.map(0, 0x8000n, p);
  const l1 = BigInt(r32(rig.as, ttbr(0, 0)) & 0x7fff_ffff) << 12n;
  const l2 = r64(rig.as, l1) & 0xff_ffff_c000n;
  // Leaf PTE: SP_START 0x100, SP_END 0x1ff, SP_PROT_DIS 0, VALID.
  w64(rig.as, l2 + 8n * 2n, p | (0x100n << 52n) | (0x1ffn << 40n) | 1n);
  t.is(rig.dcp.dart.translate(0, 0x8400n), p | 0x400n);
  t.is(rig.dcp.dart.translate(0, 0x87ffn), p | 0x7ffn);
  t.is(faultCode(t, () => rig.dcp.dart.translate(0, 0x83fcn)), SUBPAGE_PROT);
  t.is(faultCode(t, () => rig.dcp.dart.read(0, 0x87fen, 4)), SUBPAGE_PROT, 'an access running past SP_END');
});

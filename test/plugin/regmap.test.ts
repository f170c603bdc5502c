// Register classes, maps and their text rendering, against spec apple-devices §1.1–§1.3 and the
// bitfield tables of §2.3 (AIC EVENT) and §3.2 (GPIO pin). Expected strings are the spec's.

import test from 'ava';
import {
  array,
  arrayNd,
  compileRegMap,
  constant,
  decodeReg,
  encodeReg,
  enumOf,
  extendReg,
  irange,
  reg32,
  reg64,
  regmap,
  Register32,
  scalar,
} from '../../core/plugin/regmap.ts';
import { dumpName, mmioLine, renderValue } from '../../core/plugin/regmap-format.ts';
import { PluginErrorCode } from '../../core/plugin/errors.ts';
import { gpioRegs, R_PIN } from '../../plugins/gpio/regs.ts';
import { aicRegs, R_EVENT } from '../../plugins/aic/regs.ts';

test('§3.5: the GPIO pin value 0x20b renders field by field in declaration order', (t) => {
  t.is(
    renderValue(R_PIN, 0x20bn),
    '0x20b (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=0, PERIPH=0, MODE=5, DATA=1)',
  );
});

test('§3.2: every pin field decodes from its bits', (t) => {
  // DRIVE_STRENGTH1=2 [23:22], LOCK [21], GROUP=5 [18:16], SCHMITT [15], DS0=3 [11:10],
  // INPUT_ENABLE [9], PULL=2 [8:7], PERIPH=3 [6:5], MODE=7 [3:1], DATA [0]
  const raw = (2n << 22n) | (1n << 21n) | (5n << 16n) | (1n << 15n) | (3n << 10n) | (1n << 9n) | (2n << 7n) | (3n << 5n) | (7n << 1n) | 1n;
  t.deepEqual(
    { ...decodeReg(R_PIN, raw).fields },
    { DRIVE_STRENGTH1: 2, LOCK: 1, GROUP: 5, SCHMITT: 1, DRIVE_STRENGTH0: 3, INPUT_ENABLE: 1, PULL: 2, PERIPH: 3, MODE: 7, DATA: 1 },
  );
  t.deepEqual({ ...decodeReg(R_PIN, 0n).fields }, { DRIVE_STRENGTH1: 0, LOCK: 0, GROUP: 0, SCHMITT: 0, DRIVE_STRENGTH0: 0, INPUT_ENABLE: 0, PULL: 0, PERIPH: 0, MODE: 0, DATA: 0 });
});

test('§2.9: the AIC EVENT example renders as the spec prints it', (t) => {
  t.is(renderValue(R_EVENT, 0x1025dn), '0x1025d (DIE=0x0, TYPE=0x1(HW), NUM=0x25d)');
  t.is(renderValue(R_EVENT, 0x40002n), '0x40002 (DIE=0x0, TYPE=0x4(IPI), NUM=0x2)');
  t.is(renderValue(R_EVENT, 0n), '0x0 (DIE=0x0, TYPE=0x0(NONE), NUM=0x0)');
  // A TYPE the enum does not name prints as a plain value.
  t.is(renderValue(R_EVENT, 0x30007n), '0x30007 (DIE=0x0, TYPE=0x3, NUM=0x7)');
});

test('§1.1 rendering rules: single bit decimal, ≤3-bit decimal, wider hex, enums with their name', (t) => {
  const R = reg32({ BIT: 7, FLAG: [2, 1], MODE: [6, 4, enumOf({ 5: 'FIVE' })], CTX: [11, 8, enumOf({ 2: 'CMD' })], EP: [19, 12], WIDEBIT: [20, 20] });
  t.is(renderValue(R, (1n << 7n) | (2n << 1n) | (5n << 4n) | (2n << 8n) | (0x37n << 12n) | (1n << 20n)), '0x1372d4 (BIT=1, FLAG=2, MODE=5(FIVE), CTX=0x2(CMD), EP=0x37, WIDEBIT=1)');
  t.is(renderValue(Register32, 5n), '0x5 ()');
  // Values are masked to the register width and printed unpadded, lowercase.
  t.is(renderValue(Register32, 0x1_dead_beefn), '0xdeadbeef ()');
});

test('§1.1 field order: inherited fields first, a re-declared one keeps its place, new ones follow', (t) => {
  const Parent = reg32({ A: 0, B: [3, 1], C: 4 }, 'Parent');
  const Child = extendReg(Parent, { D: 8, B: [3, 2] }, 'Child');
  t.deepEqual(
    Child.fields.map((f) => `${f.name}[${f.msb}:${f.lsb}]`),
    ['A[0:0]', 'B[3:2]', 'C[4:4]', 'D[8:8]'],
  );
});

test('§1.1 encoding: fields cleared then ORed in; constants preset only when built from fields', (t) => {
  const R = reg32({ MAGIC: [31, 28, constant(0xa)], VAL: [7, 0] });
  t.is(encodeReg(R, { VAL: 0x1ff }), 0xa00000ffn);
  t.is(encodeReg(R, { VAL: 0x12 }, 0x0000ff00n), 0x0000ff12n);
});

test('64-bit registers: fields in either half and across bit 32', (t) => {
  const R = reg64({ HI: [63, 56], SPAN: [39, 24], LO: [7, 0], TOP: 63 });
  const raw = 0xab00_00c1_2300_0045n;
  const f = decodeReg(R, raw).fields;
  t.is(f.HI, Number((raw >> 56n) & 0xffn));
  t.is(f.SPAN, Number((raw >> 24n) & 0xffffn));
  t.is(f.LO, 0x45);
  t.is(f.TOP, 1);
});

test('bad field declarations are typed errors', (t) => {
  const cases: Array<() => unknown> = [
    () => reg32({ X: [32, 0] }),
    () => reg32({ X: [3, 5] }),
    () => reg32({ X: -1 }),
    () => reg64({ X: [63, 0] }), // wider than a JS number holds exactly
  ];
  for (const make of cases) {
    const err = t.throws(make);
    t.is((err as { code?: string }).code, PluginErrorCode.REGMAP_BAD_DEFINITION);
  }
});

test('§1.2 N-D array: GPIO IRQ_GROUP element (2, 3) is at 0x800 + 0x40·2 + 4·3 and named as a tuple', (t) => {
  const map = compileRegMap(gpioRegs);
  const hit = map.lookup(0x800 + 0x80 + 0xc);
  t.is(hit?.name, 'IRQ_GROUP');
  t.deepEqual(hit?.index, [2, 3]);
  t.is(hit?.display, 'IRQ_GROUP[(2, 3)]');
  t.is(dumpName(hit!), 'IRQ_GROUP[2, 3]');
  t.is(map.offsetOf('IRQ_GROUP', [6, 6]), 0x800 + 0x40 * 6 + 4 * 6);
  t.is(map.lookup(0x34c)?.display, 'PIN[211]');
  t.is(map.lookup(0x350), undefined, 'pin 212 does not exist');
});

test('§1.2: a component range of step 1 steps by the register width (DART TTBR)', (t) => {
  const map = compileRegMap(regmap({ TTBR: arrayNd([irange(0x200, 16, 16), irange(0, 4)], Register32) }));
  t.is(map.offsetOf('TTBR', [1, 2]), 0x200 + 16 + 8);
  t.deepEqual(map.lookup(0x218)?.index, [1, 2]);
});

test('§1.2 lookup: exact scalar first, then array elements only, nothing in between', (t) => {
  const map = compileRegMap(regmap({ ARR: array(0x10, 4, 8, Register32), S: scalar(0x18, Register32) }));
  t.is(map.lookup(0x18)?.name, 'S', 'a scalar wins over an array element at the same offset');
  t.is(map.lookup(0x10)?.display, 'ARR[0]');
  t.is(map.lookup(0x14), undefined, 'between two elements');
  t.is(map.lookup(0x30), undefined, 'past the end');
  const err = t.throws(() => map.offsetOf('NOPE'));
  t.is((err as { code?: string }).code, PluginErrorCode.REGMAP_NO_SUCH_REGISTER);
});

test('§2.2: the AIC map places TARGET_CPU, the per-IRQ words and the per-CPU views', (t) => {
  const map = compileRegMap(aicRegs);
  t.is(map.lookup(0x2004)?.name, 'EVENT');
  t.is(map.lookup(0x3000 + 4 * 605)?.display, 'TARGET_CPU[605]');
  t.is(map.lookup(0x4000 + 4 * (605 >> 5))?.display, 'SW_SET[18]');
  t.is(map.lookup(0x4080)?.name, 'SW_CLR');
  t.is(map.lookup(0x4100)?.name, 'MASK_SET');
  t.is(map.lookup(0x4180)?.name, 'MASK_CLR');
  t.is(map.lookup(0x4200)?.name, 'HW_STATE');
  t.is(map.lookup(0x5028 + (3 << 7))?.display, 'CPU_IPI_MASK_CLR[3]');
  t.is(map.lookup(0x5008 + (7 << 7))?.display, 'CPU_IPI_SEND[7]');
  t.is(map.lookup(0x500c)?.display, 'CPU_IPI_ACK[0]');
  t.is(map.lookup(0x5024 + (1 << 7))?.display, 'CPU_IPI_MASK_SET[1]');
});

test('§1.3 generic MMIO line: W.4 then three spaces, the MULTI column, unknown registers by address', (t) => {
  const map = compileRegMap(gpioRegs);
  t.is(
    mmioLine({ write: true, width: 4, addr: 0x23c100030n, value: 0x20bn }, map.lookup(0x30)),
    'MMIO: W.4   PIN[12] = 0x20b (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=0, PERIPH=0, MODE=5, DATA=1)',
  );
  t.is(mmioLine({ write: false, width: 4, addr: 0x23c100ffcn, value: 5n }, undefined), 'MMIO: R.4   0x23c100ffc = 0x5');
  t.is(mmioLine({ write: false, width: 8, multi: true, addr: 0x1000n, value: 0x10n }, undefined), 'MMIO: R.8 + 0x1000 = 0x10');
  t.is(mmioLine({ write: true, width: 16, addr: 0x1000n, value: 1n }, undefined), 'MMIO: W.16  0x1000 = 0x1');
});

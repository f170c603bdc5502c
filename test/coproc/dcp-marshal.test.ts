// Argument marshalling (apple-devices §7.6) over the method table (§7.7): the rules must give
// every table row's in/out sizes, and the byte layouts of §7.8 (the seed trace's calls).
import test from 'ava';
import { DCP_METHODS_2021, findDcpMethod, type DcpMethod } from '../../core/dcp/methods.ts';
import { blockSizes, decodeInput, decodeOutput, encodeInput, encodeOutput } from '../../core/dcp/marshal.ts';
import { DcpCodecError } from '../../core/dcp/errors.ts';
import { encodeDict1 } from '../../core/dcp/dict-format1.ts';

const method = (tag: string): DcpMethod => {
  const m = findDcpMethod(tag);
  if (!m) throw new Error(`no ${tag}`);
  return m;
};
const u32At = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u64At = (b: Uint8Array, at: number): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(at, true);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

test('§7.6 rules reproduce the in/out sizes of every row of the §7.7 table', (t) => {
  t.true(DCP_METHODS_2021.length >= 79);
  for (const m of DCP_METHODS_2021) {
    t.deepEqual(blockSizes(m), { inLen: m.inLen, outLen: m.outLen }, `${m.tag} ${m.name}`);
  }
});

test('table spot checks: names, classes and directions as §7.7 prints them', (t) => {
  t.is(method('A401').className, 'IOMobileFramebufferAP');
  t.is(method('A401').name, 'start_signal');
  t.is(method('A103').name, 'test_control');
  t.is(method('D561').name, 'setProperty_dict');
  t.is(method('D552').name, 'setProperty_dict');
  t.is(method('D300').className, 'PropRelay');
  t.is(method('D598').direction, 'dcp-callback');
  t.is(method('A029').direction, 'ap-call');
  t.is(findDcpMethod('A999'), undefined);
});

test('§7.8 D401 sr_get_uint_prop: fourcc, key, u64 value, null flag; output value + bool', (t) => {
  const m = method('D401');
  const input = encodeInput(m, { obj: 'PROV', key: 'minimum-frequency', value: 0n });
  t.is(input.length, 0x50);
  t.deepEqual([...input.subarray(0, 4)], [0x56, 0x4f, 0x52, 0x50]);
  t.deepEqual([...input.subarray(4, 4 + 17)], ascii('minimum-frequency'));
  t.true(input.subarray(4 + 17, 0x44).every((b) => b === 0));
  t.is(u64At(input, 0x44), 0n);
  t.is(input[0x4c], 0, 'value present');
  t.deepEqual([...input.subarray(0x4d)], [0, 0, 0]);
  t.deepEqual(decodeInput(m, input).values, { obj: 'PROV', key: 'minimum-frequency', value: 0n });
  const out = encodeOutput(m, { value: 0x1234n }, true);
  t.is(out.length, 0xc);
  t.is(u64At(out, 0), 0x1234n);
  t.is(out[8], 1);
  t.deepEqual(decodeOutput(m, out), { values: { value: 0x1234n }, ret: true });
});

test('§7.8 D563 setProperty_int and D561 setProperty_dict layouts', (t) => {
  const i563 = encodeInput(method('D563'), { key: 'VideoClock', value: 533333328n });
  t.is(i563.length, 0x4c);
  t.is(u64At(i563, 0x40), 533333328n);
  t.is(i563[0x48], 0);
  const dict = new Map([['displayMinRefreshInterval', 71582788n]]);
  const i561 = encodeInput(method('D561'), { key: 'IOMFBDisplayRefresh', value: dict });
  t.is(i561.length, 0x1044);
  t.deepEqual([...i561.subarray(0x40, 0x40 + encodeDict1(dict).length)], [...encodeDict1(dict)]);
  t.is(i561[0x1040], 0);
  t.deepEqual(decodeInput(method('D561'), i561).values['value'], dict);
  // NULL pointer: flag 1, bytes zero, decoded as null.
  const nul = encodeInput(method('D561'), { key: 'k', value: null });
  t.is(nul[0x1040], 1);
  t.true(nul.subarray(0x40, 0x1040).every((b) => b === 0));
  t.is(decodeInput(method('D561'), nul).values['value'], null);
});

test('§7.8 D003, D122–D124, A463, A103 layouts', (t) => {
  const d003 = encodeInput(method('D003'), {});
  t.deepEqual([...d003], [0, 0, 0, 0], 'config_null 0 + 3 padding bytes');
  t.deepEqual(decodeInput(method('D003'), Uint8Array.of(1, 0, 0, 0)).nulls, { config: true });
  const d123 = encodeInput(method('D123'), { data: Uint8Array.of(0xd3, 0, 0, 0), offset: 0x1000, length: 4 });
  t.is(d123.length, 0x1008);
  t.is(d123[0], 0xd3);
  t.is(u32At(d123, 0x1000), 0x1000);
  t.is(u32At(d123, 0x1004), 4);
  t.is(u32At(encodeInput(method('D122'), { length: 5821 }), 0), 5821);
  t.deepEqual([...encodeInput(method('A463'), { arg0: true })], [1, 0, 0, 0]);
  // The seed's A103 bytes (§7.7 notes): cmd = 0, arg = 0xaaaa0000; reply 1920 | 1080 << 32.
  const a103 = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xaa);
  t.deepEqual(decodeInput(method('A103'), a103).values, { cmd: 0n, arg: 2863267840 });
  t.is(decodeOutput(method('A103'), Uint8Array.of(0x80, 7, 0, 0, 0x38, 4, 0, 0)).ret, 4638564681600n);
});

test('pointer arrays and out-only pointers get one flag byte each (A408, A442)', (t) => {
  const m = method('A408');
  const input = encodeInput(m, { swap_rec: new Uint8Array(0x320), surfaces: [new Uint8Array(0x204), null, null, null], unkOutBool: null });
  const flags = 0x320 + 4 * 0x204 + 0x20 + 1 + 8 + 4;
  t.deepEqual([...input.subarray(flags, flags + 6)], [0, 0, 1, 1, 1, 1]);
  const decoded = decodeInput(m, input);
  t.deepEqual(decoded.nulls, { swap_rec: false, surfaces: [false, true, true, true], unkOutBool: true });
  t.is((decoded.values['surfaces'] as unknown[])[1], null);
  t.deepEqual([...encodeInput(method('A442'), { arg1: null })], [0, 1, 0, 0]);
});

test('bad values, unknown names and wrong block sizes are typed errors', (t) => {
  const code = (fn: () => unknown): string | undefined => t.throws(fn, { instanceOf: DcpCodecError })?.code;
  t.is(code(() => encodeInput(method('D401'), { obj: 'PROVX' })), 'DCP_MARSHAL_BAD_VALUE');
  t.is(code(() => encodeInput(method('D401'), { key: 'x'.repeat(0x40) })), 'DCP_MARSHAL_BAD_VALUE');
  t.is(code(() => encodeInput(method('D122'), { length: -1 })), 'DCP_MARSHAL_BAD_VALUE');
  t.is(code(() => encodeInput(method('D122'), { length: null })), 'DCP_MARSHAL_BAD_VALUE');
  t.is(code(() => encodeInput(method('D122'), { size: 1 })), 'DCP_MARSHAL_UNKNOWN_ARG');
  t.is(code(() => decodeInput(method('D401'), new Uint8Array(0x4c))), 'DCP_MARSHAL_SIZE_MISMATCH');
  t.is(code(() => decodeOutput(method('A401'), new Uint8Array(8))), 'DCP_MARSHAL_SIZE_MISMATCH');
  t.is(code(() => encodeOutput(method('A029'), {}, 1)), 'DCP_MARSHAL_BAD_VALUE');
  // A corrupt format-1 dict inside a present pointer.
  const bad = encodeInput(method('D561'), { key: 'k', value: new Map() });
  bad[0x40] = 0x7a;
  t.is(code(() => decodeInput(method('D561'), bad)), 'DCP_DICT1_UNKNOWN_TAG');
});

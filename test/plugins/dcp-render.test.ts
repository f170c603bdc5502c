// The Python-text pieces of the DCP trace renderer, against spec apple-devices §7.13 (repr rules;
// pformat is CPython's pprint.pformat(width=80, indent=1, sort_dicts=False), so the expected
// strings below are what CPython prints for the same values) and §7.12 (chexdump).

import test from 'ava';
import { chexdump } from '../../plugins/dcp/hexdump.ts';
import { pformat, PyFloat, repr, reprFloat, type PyValue } from '../../plugins/dcp/pyrepr.ts';

const dict = (entries: Array<[string, PyValue]>): Map<PyValue, PyValue> => new Map(entries);

test('§7.13 floats: shortest round-trip digits, positional for exponents −4 … 15, else d.ddde±XX', (t) => {
  const cases: Array<[number, string]> = [
    [1, '1.0'],
    [1e-5, '1e-05'],
    [3e-5, '3e-05'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [0.0001, '0.0001'],
    [0.1, '0.1'],
    [1.5e300, '1.5e+300'],
    [12345678901234568, '1.2345678901234568e+16'],
    [123456789012345.6, '123456789012345.6'],
    [-2.5, '-2.5'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ];
  for (const [x, s] of cases) t.is(reprFloat(x), s, String(x));
  t.is(repr(new PyFloat(2)), '2.0', 'a float-typed argument keeps its type');
  t.is(repr(2), '2');
});

test('§7.13 strings and bytes: quote choice, escapes, printable non-ASCII kept', (t) => {
  t.is(repr("it's"), `"it's"`);
  t.is(repr('a"b'), `'a"b'`);
  t.is(repr(`it's "x"`), `'it\\'s "x"'`);
  t.is(repr('a\\b\n\t\x01é\u200b\x85😀'), "'a\\\\b\\n\\t\\x01é\\u200b\\x85😀'");
  t.is(repr(new TextEncoder().encode("it's")), `b"it's"`);
  t.is(repr(Uint8Array.of(0, 0xff, 0x27, 0x22, 0x5c)), `b'\\x00\\xff\\'"\\\\'`);
  t.is(repr(true), 'True');
  t.is(repr(null), 'None');
  t.is(repr(-5n), '-5');
  t.is(repr([1, 'a', [false]]), "[1, 'a', [False]]");
  t.is(repr(dict([['a', 1n]])), "{'a': 1}");
});

test('pformat: nested dicts and lists split with CPython continuation indents, insertion order kept', (t) => {
  const v = dict([
    [
      'TimingElements',
      [
        dict([
          ['HorizontalAttributes', dict([['Active', 1920], ['Total', 2200], ['FrontPorch', 88]])],
          ['VerticalAttributes', dict([['Active', 1080], ['Total', 1125]])],
          ['ID', 1],
        ]),
      ],
    ],
    ['ColorModes', ['RGB', 'YCbCr444', 'YCbCr422']],
    ['Name', 'x'],
  ]);
  t.is(
    pformat(v),
    "{'TimingElements': [{'HorizontalAttributes': {'Active': 1920,\n" +
      "                                              'Total': 2200,\n" +
      "                                              'FrontPorch': 88},\n" +
      "                     'VerticalAttributes': {'Active': 1080, 'Total': 1125},\n" +
      "                     'ID': 1}],\n" +
      " 'ColorModes': ['RGB', 'YCbCr444', 'YCbCr422'],\n" +
      " 'Name': 'x'}",
  );
  t.is(pformat(['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)]), `['${'a'.repeat(30)}',\n '${'b'.repeat(30)}',\n '${'c'.repeat(30)}']`);
  t.is(pformat(dict([['short', 1]])), "{'short': 1}");
});

test('pformat: long strings split at whitespace (parenthesised at the top level), bytes in 4-byte steps', (t) => {
  t.is(
    pformat('The quick brown fox jumps over the lazy dog. '.repeat(3)),
    "('The quick brown fox jumps over the lazy dog. The quick brown fox jumps over '\n 'the lazy dog. The quick brown fox jumps over the lazy dog. ')",
  );
  t.is(
    pformat(dict([['description', 'A fairly long string value that will not fit on a single line of eighty columns at all']])),
    "{'description': 'A fairly long string value that will not fit on a single line '\n                'of eighty columns at all'}",
  );
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
  t.is(
    pformat(bytes),
    "(b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13'\n" + ` b'\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !"#$%&\\''` + ')',
  );
});

test('§7.12 chexdump: two 8-byte groups ljust 23, ASCII column, a repeated line shown once as *', (t) => {
  const b = new Uint8Array(0x50);
  b.set(new TextEncoder().encode('Hello, DCP!'), 0);
  b.fill(0x41, 0x40, 0x48);
  t.deepEqual(chexdump(b), [
    '00000000  48 65 6c 6c 6f 2c 20 44  43 50 21 00 00 00 00 00  |Hello, DCP!.....|',
    '00000010  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
    '00000020  *',
    '00000040  41 41 41 41 41 41 41 41  00 00 00 00 00 00 00 00  |AAAAAAAA........|',
  ]);
  t.deepEqual(chexdump(Uint8Array.of(1, 2, 3), 0x100), [`00000100  ${'01 02 03'.padEnd(23)}  ${''.padEnd(23)}  |${'...'.padEnd(16)}|`]);
  t.deepEqual(chexdump(new Uint8Array(0)), []);
});

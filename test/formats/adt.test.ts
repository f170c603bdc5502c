// The Apple Device Tree reader/writer against a tree assembled by hand here from the field
// tables of spec m1n1-protocol §8.4 / apple-devices §9.1 (not by serializeAdt), plus every
// truncation and byte flip of it, and hand-made damage of each kind the brief names.
import test from 'ava';
import {
  AdtError,
  AdtErrorCode,
  AdtNode,
  adtReg,
  adtRegPhys,
  adtRanges,
  buildAdt,
  encodeString,
  encodeStringList,
  encodeU32,
  encodeU32Array,
  encodeU64Array,
  findByPhandle,
  findCompatible,
  findNode,
  formatAdt,
  getNode,
  isCompatible,
  parseAdt,
  physToBusAddress,
  serializeAdt,
  translateAddress,
} from '../../core/formats/adt/index.ts';

// ---- a tiny hand assembler: raw little-endian words and 32-byte name fields ----
const le32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const name32 = (s: string): number[] => [...ascii(s), ...new Array<number>(32 - s.length).fill(0)];
const hex = (h: string): number[] => (h.replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16));
/** Property: name field, size word, value, zero padding to 4 (§8.4). */
const prop = (name: string, sizeWord: number, value: number[]): number[] => [...name32(name), ...le32(sizeWord), ...value, ...new Array<number>((4 - (value.length % 4)) % 4).fill(0)];
const node = (props: number, children: number): number[] => [...le32(props), ...le32(children)];

/**
 * /            @0    3 props, 1 child     name@8 #address-cells@56 #size-cells@96
 * /arm-io      @136  5 props, 1 child     name@144 #address-cells@188 #size-cells@228 ranges@268 tmpl@328
 * /arm-io/aic  @368  4 props, 0 children  name@376 compatible@416 reg@460 (value @496) AAPL,phandle@512
 * total 552 bytes
 */
const GOLDEN = Uint8Array.from([
  ...node(3, 1),
  ...prop('name', 12, [...ascii('device-tree'), 0]),
  ...prop('#address-cells', 4, hex('02000000')),
  ...prop('#size-cells', 4, hex('02000000')),
  ...node(5, 1),
  ...prop('name', 7, [...ascii('arm-io'), 0]),
  ...prop('#address-cells', 4, hex('02000000')),
  ...prop('#size-cells', 4, hex('02000000')),
  // one ranges record: child 0x0 (2 cells), parent 0x2_0000_0000 (root's 2 cells), size 0x8000_0000
  ...prop('ranges', 24, hex('00000000 00000000  00000000 02000000  00000080 00000000')),
  // bit 31 set: template placeholder of 2 bytes
  ...prop('tmpl', 0x8000_0002, [...ascii('x'), 0]),
  ...node(4, 0),
  ...prop('name', 4, [...ascii('aic'), 0]),
  ...prop('compatible', 6, [...ascii('aic,1'), 0]),
  ...prop('reg', 16, hex('0000103b 00000000  00800000 00000000')),
  ...prop('AAPL,phandle', 4, hex('07000000')),
]);

function expectAdtError(fn: () => unknown): AdtError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AdtError) return err;
    throw err;
  }
  throw new Error('expected an AdtError');
}

test('the hand-assembled golden tree has the size its offsets say', (t) => {
  t.is(GOLDEN.length, 552);
});

test('parseAdt reads the golden tree: names, paths, ordered properties, template flag, offsets', (t) => {
  const root = parseAdt(GOLDEN);
  t.is(root.name, 'device-tree');
  t.is(root.path, '/');
  t.deepEqual(root.properties.map((p) => p.name), ['name', '#address-cells', '#size-cells']);
  const armIo = root.children[0]!;
  t.is(armIo.path, '/arm-io');
  t.is(armIo.byteOffset, 136);
  t.deepEqual(armIo.properties.map((p) => p.name), ['name', '#address-cells', '#size-cells', 'ranges', 'tmpl']);
  const tmpl = armIo.property('tmpl')!;
  t.true(tmpl.template);
  t.deepEqual([...tmpl.value], [0x78, 0]);
  t.false(armIo.property('ranges')!.template);
  const aic = armIo.children[0]!;
  t.is(aic.path, '/arm-io/aic');
  t.is(aic.byteOffset, 368);
  t.is(aic.parent, armIo);
  t.deepEqual([...aic.bytes('reg')], hex('0000103b 00000000 00800000 00000000'));
});

test('serializeAdt reproduces the golden bytes from the parsed tree and from a built one', (t) => {
  t.deepEqual(serializeAdt(parseAdt(GOLDEN)), GOLDEN);
  const built = buildAdt({
    name: 'device-tree',
    props: { '#address-cells': encodeU32(2), '#size-cells': encodeU32(2) },
    children: [
      {
        name: 'arm-io',
        props: {
          '#address-cells': encodeU32(2),
          '#size-cells': encodeU32(2),
          ranges: encodeU64Array([0n, 0x2_0000_0000n, 0x8000_0000n]),
          tmpl: encodeString('x'),
        },
        templates: ['tmpl'],
        children: [{ name: 'aic', props: { compatible: encodeStringList(['aic,1']), reg: encodeU64Array([0x3b10_0000n, 0x8000n]), 'AAPL,phandle': encodeU32(7) } }],
      },
    ],
  });
  t.deepEqual(serializeAdt(built), GOLDEN);
});

test('non-canonical name-field and padding bytes survive a round trip', (t) => {
  const odd = GOLDEN.slice();
  odd[8 + 10] = 0x41; // garbage after the NUL of the root's "name" field
  odd[416 + 36 + 6] = 0x55; // a non-zero padding byte after "aic,1\0"
  const tree = parseAdt(odd);
  t.is(tree.properties[0]!.name, 'name');
  t.is(getNode(tree, '/arm-io/aic').string('compatible'), 'aic,1');
  t.deepEqual(serializeAdt(tree), odd);
});

test('typed readers: u32, u64, string, string list, u32 array; wrong size and missing property are typed errors', (t) => {
  const n = buildAdt({
    name: 'x',
    props: {
      a: encodeU32(0xdeadbeef),
      b: encodeU64Array([0x1_2345_6789n]),
      s: encodeString('hello'),
      l: encodeStringList(['one', 'two', 'three']),
      arr: encodeU32Array([190, 191, 605]),
    },
  });
  t.is(n.u32('a'), 0xdeadbeef);
  t.is(n.u64('b'), 0x1_2345_6789n);
  t.is(n.string('s'), 'hello');
  t.deepEqual(n.strings('l'), ['one', 'two', 'three']);
  t.deepEqual(n.u32Array('arr'), [190, 191, 605]);
  t.deepEqual(n.u64Array('b'), [0x1_2345_6789n]);
  t.is(n.u32Or('missing', 9), 9);
  t.is(expectAdtError(() => n.u32('b')).code, AdtErrorCode.BAD_VALUE);
  t.is(expectAdtError(() => n.u64('a')).code, AdtErrorCode.BAD_VALUE);
  t.is(expectAdtError(() => n.u32Array('s')).code, AdtErrorCode.BAD_VALUE);
  const missing = expectAdtError(() => n.u32('nope'));
  t.is(missing.code, AdtErrorCode.NO_SUCH_PROPERTY);
  t.regex(missing.message, /nope/);
});

test('reg uses the PARENT\'s cells and translates through /arm-io ranges (§9.1)', (t) => {
  const root = parseAdt(GOLDEN);
  const aic = getNode(root, '/arm-io/aic');
  t.deepEqual(adtReg(aic), [{ addr: 0x3b10_0000n, size: 0x8000n }]);
  t.deepEqual(adtRanges(getNode(root, '/arm-io')), [{ childAddr: 0n, parentAddr: 0x2_0000_0000n, size: 0x8000_0000n }]);
  t.deepEqual(adtRegPhys(aic, 0), { addr: 0x2_3b10_0000n, size: 0x8000n });
  t.is(physToBusAddress(aic, 0x2_3b10_0000n), 0x3b10_0000n);
  t.is(expectAdtError(() => adtRegPhys(aic, 1)).code, AdtErrorCode.NO_TRANSLATION);
});

/** A two-level bus: /soc (1 addr cell, 1 size cell, ranges into root 2-cell space) / bus (ranges) / dev. */
function nestedTree(): AdtNode {
  return buildAdt({
    name: 'device-tree',
    props: { '#address-cells': encodeU32(2), '#size-cells': encodeU32(2) },
    children: [
      {
        name: 'soc',
        props: {
          '#address-cells': encodeU32(1),
          '#size-cells': encodeU32(1),
          // child 0x1000_0000 (1 cell) → parent 0x5_0000_0000 (2 cells), size 0x1000_0000 (1 cell)
          ranges: encodeU32Array([0x1000_0000, 0x0, 0x5, 0x1000_0000]),
        },
        children: [
          {
            name: 'bus',
            props: { '#address-cells': encodeU32(1), '#size-cells': encodeU32(1), ranges: encodeU32Array([0x0, 0x1200_0000, 0x10_0000]) },
            children: [{ name: 'dev', props: { reg: encodeU32Array([0x4000, 0x100, 0x20_0000, 0x10]) } }],
          },
          { name: 'plain', props: { reg: encodeU32Array([0x0800_0000, 0x10]) } },
        ],
      },
    ],
  });
}

test('translation walks every ancestor with ranges; an uncovered address passes through unless strict', (t) => {
  const root = nestedTree();
  const dev = getNode(root, '/soc/bus/dev');
  t.deepEqual(adtReg(dev), [
    { addr: 0x4000n, size: 0x100n },
    { addr: 0x20_0000n, size: 0x10n },
  ]);
  // 0x4000 → bus: 0x1200_4000 → soc: 0x5_0200_4000
  t.is(adtRegPhys(dev, 0).addr, 0x5_0200_4000n);
  t.is(physToBusAddress(dev, 0x5_0200_4000n), 0x4000n);
  // reg[1] is outside bus's only range: unchanged there (§9.1), then soc has nothing at 0x20_0000 either.
  t.is(adtRegPhys(dev, 1).addr, 0x20_0000n);
  t.is(expectAdtError(() => adtRegPhys(dev, 1, { strict: true })).code, AdtErrorCode.NO_TRANSLATION);
  // The firmware's whole-window check (§8.4).
  t.is(translateAddress(dev, 0xf_ff00n), 0x5_020f_ff00n);
  t.is(expectAdtError(() => translateAddress(dev, 0xf_ff00n, { size: 0x200n })).code, AdtErrorCode.NO_TRANSLATION);
  t.is(adtRegPhys(getNode(root, '/soc/plain')).addr, 0x0800_0000n);
});

test('3-cell addresses follow the host\'s PCI special case c0<<64 | c2<<32 | c1', (t) => {
  const root = buildAdt({
    name: 'device-tree',
    props: { '#address-cells': encodeU32(3), '#size-cells': encodeU32(1) },
    children: [{ name: 'pci', props: { reg: encodeU32Array([0x1, 0x2, 0x3, 0x40]) } }],
  });
  t.deepEqual(adtReg(getNode(root, '/pci')), [{ addr: (1n << 64n) | (3n << 32n) | 2n, size: 0x40n }]);
});

test('reg without the parent\'s cells, or of a size that is not whole records, is a typed error', (t) => {
  const root = buildAdt({ name: 'device-tree', children: [{ name: 'a', props: { reg: encodeU32Array([1, 2]) } }] });
  t.is(expectAdtError(() => adtReg(getNode(root, '/a'))).code, AdtErrorCode.NO_SUCH_PROPERTY);
  const root2 = parseAdt(GOLDEN);
  getNode(root2, '/arm-io/aic').setProperty('reg', encodeU32Array([1, 2, 3]));
  t.is(expectAdtError(() => adtReg(getNode(root2, '/arm-io/aic'))).code, AdtErrorCode.BAD_VALUE);
});

test('lookups: path, compatible (exact and prefix), phandle', (t) => {
  const root = parseAdt(GOLDEN);
  t.is(findNode(root, '/')!, root);
  t.is(findNode(root, '/arm-io/aic')!.name, 'aic');
  t.is(findNode(root, 'arm-io/aic')!.name, 'aic');
  t.is(findNode(root, '/arm-io/aicx'), undefined);
  const err = expectAdtError(() => getNode(root, '/arm-io/gpio'));
  t.is(err.code, AdtErrorCode.NO_SUCH_NODE);
  t.is(err.nodePath, '/arm-io');
  t.regex(err.hint ?? '', /aic/);
  t.deepEqual(findCompatible(root, 'aic,1').map((n) => n.path), ['/arm-io/aic']);
  t.deepEqual(findCompatible(root, 'aic'), []);
  t.deepEqual(findCompatible(root, 'aic', { prefix: true }).map((n) => n.path), ['/arm-io/aic']);
  t.false(isCompatible(root, 'aic,1'));
  t.is(findByPhandle(root, 7)!.path, '/arm-io/aic');
  t.is(findByPhandle(root, 8), undefined);
});

test('formatAdt prints paths, decoded values, translated reg and templates', (t) => {
  const text = formatAdt(parseAdt(GOLDEN));
  const lines = text.split('\n').map((l) => l.trim());
  t.true(lines.includes('/ {'));
  t.true(lines.includes('/arm-io/aic {'));
  t.true(lines.includes('#address-cells = 0x2'));
  t.true(lines.includes('ranges = [0x0 → 0x200000000 +0x80000000]'));
  t.true(lines.includes('tmpl = << "x" >>'));
  t.true(lines.includes('compatible = "aic,1"'));
  t.true(lines.includes('reg = [0x3b100000 +0x8000 → 0x23b100000]'));
  t.true(lines.includes('AAPL,phandle = 0x7'));
});

// ---- damage ----

test('every truncation of the golden tree is a typed TRUNCATED / BAD_COUNT error with offset and path', (t) => {
  for (let len = 0; len < GOLDEN.length; len++) {
    const err = expectAdtError(() => parseAdt(GOLDEN.subarray(0, len)));
    t.true(err.code === AdtErrorCode.TRUNCATED || err.code === AdtErrorCode.BAD_COUNT, `len ${len}: ${err.code}`);
    t.true(typeof err.byteOffset === 'number' && err.byteOffset <= len, `len ${len}: offset ${err.byteOffset}`);
    t.true(typeof err.nodePath === 'string' && err.nodePath.startsWith('/'), `len ${len}: ${err.nodePath}`);
  }
  // Inside aic's last value (AAPL,phandle @512, value @548): the count check passed, the value is short.
  const inValue = expectAdtError(() => parseAdt(GOLDEN.subarray(0, 550)));
  t.is(inValue.code, AdtErrorCode.TRUNCATED);
  t.is(inValue.byteOffset, 548);
  t.is(inValue.nodePath, '/arm-io/aic');
  t.regex(inValue.message, /AAPL,phandle.*0x224.*\/arm-io\/aic/);
  // Inside aic's properties before they can all fit: the property count is caught first.
  const inCount = expectAdtError(() => parseAdt(GOLDEN.subarray(0, 500)));
  t.is(inCount.code, AdtErrorCode.BAD_COUNT);
  t.is(inCount.byteOffset, 368);
  t.is(inCount.nodePath, '/arm-io/[child 0]');
});

test('every byte of the golden tree set to 0x00 or 0xff parses or fails with an AdtError, never anything else', (t) => {
  let failures = 0;
  for (let i = 0; i < GOLDEN.length; i++) {
    for (const v of [0x00, 0xff]) {
      const bad = GOLDEN.slice();
      bad[i] = v;
      try {
        const root = parseAdt(bad);
        formatAdt(root);
        t.deepEqual(serializeAdt(root).length <= bad.length, true);
      } catch (err) {
        if (!(err instanceof AdtError)) throw err;
        t.is(typeof err.byteOffset, 'number');
        failures++;
      }
    }
  }
  t.true(failures > 0);
});

test('counts beyond the buffer are BAD_COUNT at the count\'s offset', (t) => {
  const props = GOLDEN.slice();
  props.set(le32(0xffff_ffff), 0);
  const e1 = expectAdtError(() => parseAdt(props));
  t.is(e1.code, AdtErrorCode.BAD_COUNT);
  t.is(e1.byteOffset, 0);
  const kids = GOLDEN.slice();
  kids.set(le32(1000), 136 + 4); // /arm-io child_count
  const e2 = expectAdtError(() => parseAdt(kids));
  t.is(e2.code, AdtErrorCode.BAD_COUNT);
  t.is(e2.byteOffset, 140);
  t.is(e2.nodePath, '/arm-io');
});

test('an absurd property size is TRUNCATED naming the property, with or without the template bit', (t) => {
  for (const size of [0x7fff_ffff, 0xffff_ffff, 0x8000_1000]) {
    const bad = GOLDEN.slice();
    bad.set(le32(size), 416 + 32); // aic "compatible" size word
    const err = expectAdtError(() => parseAdt(bad));
    t.is(err.code, AdtErrorCode.TRUNCATED);
    t.is(err.byteOffset, 452);
    t.is(err.nodePath, '/arm-io/aic');
    t.regex(err.message, /compatible/);
  }
});

test('a property name field without NUL and a name value without NUL are BAD_NAME', (t) => {
  const noNul = GOLDEN.slice();
  noNul.set(ascii('A'.repeat(32)), 416);
  const e1 = expectAdtError(() => parseAdt(noNul));
  t.is(e1.code, AdtErrorCode.BAD_NAME);
  t.is(e1.byteOffset, 416);
  t.is(e1.nodePath, '/arm-io/aic');
  const unterminated = Uint8Array.from([...node(1, 0), ...prop('name', 4, ascii('root'))]);
  const e2 = expectAdtError(() => parseAdt(unterminated));
  t.is(e2.code, AdtErrorCode.BAD_NAME);
  t.is(e2.nodePath, '/');
});

test('a node without a name property is NO_NAME', (t) => {
  const bytes = Uint8Array.from([...node(1, 1), ...prop('name', 2, [0x72, 0]), ...node(1, 0), ...prop('nom', 4, hex('01000000'))]);
  const err = expectAdtError(() => parseAdt(bytes));
  t.is(err.code, AdtErrorCode.NO_NAME);
  t.is(err.nodePath, '/[child 0]');
  t.is(err.byteOffset, 48);
});

test('nesting deeper than any real tree is TOO_DEEP, not a stack overflow', (t) => {
  const parts: number[] = [];
  for (let i = 0; i < 5000; i++) parts.push(...node(1, 1), ...prop('name', 2, [0x6e, 0]));
  parts.push(...node(1, 0), ...prop('name', 2, [0x6e, 0]));
  const err = expectAdtError(() => parseAdt(Uint8Array.from(parts)));
  t.is(err.code, AdtErrorCode.TOO_DEEP);
});

test('zero padding after the root is accepted; other trailing bytes are TRAILING_DATA', (t) => {
  const padded = new Uint8Array(GOLDEN.length + 64);
  padded.set(GOLDEN);
  t.deepEqual(serializeAdt(parseAdt(padded)), GOLDEN);
  t.is(expectAdtError(() => parseAdt(padded, { allowZeroPadding: false })).code, AdtErrorCode.TRAILING_DATA);
  padded[GOLDEN.length + 10] = 1;
  const err = expectAdtError(() => parseAdt(padded));
  t.is(err.code, AdtErrorCode.TRAILING_DATA);
  t.is(err.byteOffset, GOLDEN.length + 10);
});

test('serializeAdt refuses names that do not fit the 32-byte field', (t) => {
  const n = new AdtNode('x');
  n.setProperty('a'.repeat(32), encodeU32(1));
  t.is(expectAdtError(() => serializeAdt(n)).code, AdtErrorCode.UNENCODABLE);
  const ok = new AdtNode('x');
  ok.setProperty('a'.repeat(31), encodeU32(1));
  t.is(parseAdt(serializeAdt(ok)).properties[1]!.name, 'a'.repeat(31));
});

test('edits: setProperty replaces in place, keeps order and flags; renamed raw names are not reused', (t) => {
  const root = parseAdt(GOLDEN);
  const armIo = getNode(root, '/arm-io');
  armIo.setProperty('tmpl', encodeString('longer value'));
  t.true(armIo.property('tmpl')!.template);
  t.deepEqual(armIo.properties.map((p) => p.name), ['name', '#address-cells', '#size-cells', 'ranges', 'tmpl']);
  const odd = GOLDEN.slice();
  odd[416 + 20] = 0x41; // garbage after the NUL of aic's "compatible" name field
  const tree = parseAdt(odd);
  getNode(tree, '/arm-io/aic').property('compatible')!.name = 'compat';
  const again = parseAdt(serializeAdt(tree));
  t.deepEqual(getNode(again, '/arm-io/aic').strings('compat'), ['aic,1']);
  t.true(armIo.deleteProperty('tmpl'));
  t.false(armIo.has('tmpl'));
});

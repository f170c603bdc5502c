// Damaged ELF images: every truncation and byte flip must give either a clean parse or a typed
// ElfError (code ELF_*) naming the field and its file offset — never another exception, never a
// hang. Runs on a hand-laid minimal image everywhere, and on a gcc-built one where gcc exists.
import { readFileSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import { ElfError, ElfErrorCode, ElfFile } from '../../core/formats/elf/index.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { buildFixture, GCC } from './cross-compile.ts';
import { TINY, tinyElf } from './tiny-elf.ts';

/** Parses and, if that works, uses every lookup; returns the ElfError or undefined. */
function tryParse(bytes: Uint8Array): ElfError | undefined {
  try {
    const elf = ElfFile.parse(bytes);
    for (const s of elf.symbols) {
      elf.symbolize(s.value);
      elf.findSymbol(s.name);
    }
    try {
      elf.read(elf.entry, 8);
    } catch (err) {
      if (!(err instanceof ElfError) || err.code !== ElfErrorCode.ADDRESS_NOT_MAPPED) throw err;
    }
    return undefined;
  } catch (err) {
    if (err instanceof ElfError) return err;
    throw err;
  }
}

function checkTyped(t: ExecutionContext, err: ElfError | undefined, what: string): void {
  if (!err) return;
  t.regex(err.code, /^ELF_/, what);
  if (err.code !== ElfErrorCode.BAD_MAGIC && err.code !== ElfErrorCode.ADDRESS_NOT_MAPPED) t.regex(err.message, /at file offset 0x[0-9a-f]+/, `${what}: ${err.message}`);
}

const patch = (edit: (v: DataView, b: Uint8Array) => void) => {
  const b = tinyElf();
  edit(new DataView(b.buffer), b);
  return b;
};

test('the hand-laid image parses: segment, symbols, zero fill', (t) => {
  const elf = ElfFile.parse(tinyElf());
  t.is(elf.loadSegments.length, 1);
  t.is(elf.findSymbol('_start')?.value, TINY.base + BigInt(TINY.text));
  t.is(elf.symbolize(TINY.base + BigInt(TINY.text) + 4n), '_start+0x4');
  t.is(elf.symbolize(elf.findSymbol('value')!.value + 2n), 'value+0x2');
  t.deepEqual([...elf.read(elf.entry, 8)], [0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4]);
  t.deepEqual([...elf.read(elf.findSymbol('value')!.value, 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
  t.is(t.throws(() => elf.read(0x1000n, 4), { instanceOf: ElfError })!.code, ElfErrorCode.ADDRESS_NOT_MAPPED);
  t.is(t.throws(() => elf.requireSymbol('main'), { instanceOf: ElfError })!.code, ElfErrorCode.NO_SUCH_SYMBOL);
});

test('each kind of damage gets its own code, naming the field and its offset', (t) => {
  const cases: Array<[string, Uint8Array, string, RegExp]> = [
    ['empty file', new Uint8Array(0), ElfErrorCode.BAD_MAGIC, /not an ELF file/],
    ['truncated header', tinyElf().subarray(0, 40), ElfErrorCode.TRUNCATED, /ELF file header at file offset 0x0: needs 64 bytes but the file is 40/],
    ['bad magic', patch((_v, b) => (b[1] = 0x45 ^ 0x20)), ElfErrorCode.BAD_MAGIC, /7f 45 4c 46/],
    ['32-bit', patch((_v, b) => (b[4] = 1)), ElfErrorCode.UNSUPPORTED, /EI_CLASS\] at file offset 0x4: class 1 is not ELFCLASS64/],
    ['big-endian', patch((_v, b) => (b[5] = 2)), ElfErrorCode.UNSUPPORTED, /EI_DATA\] at file offset 0x5/],
    ['x86-64', patch((v) => v.setUint16(18, 62, true)), ElfErrorCode.UNSUPPORTED, /e_machine at file offset 0x12: machine 62/],
    ['phoff past the end', patch((v) => v.setBigUint64(32, 0xfffffff0n, true)), ElfErrorCode.OUT_OF_RANGE, /program header table .* at file offset 0x20/],
    ['phoff wrapping', patch((v) => v.setBigUint64(32, 0xffffffffffffffffn, true)), ElfErrorCode.OUT_OF_RANGE, /at file offset 0x20/],
    ['absurd section count', patch((v) => v.setUint16(60, 0xfff0, true)), ElfErrorCode.TOO_MANY, /65520 entries/],
    ['phentsize', patch((v) => v.setUint16(54, 32, true)), ElfErrorCode.BAD_ENTRY_SIZE, /e_phentsize at file offset 0x36/],
    ['shstrndx beyond the sections', patch((v) => v.setUint16(62, 9, true)), ElfErrorCode.BAD_INDEX, /e_shstrndx .*index 9/],
    ['shstrndx not a string table', patch((v) => v.setUint16(62, 1, true)), ElfErrorCode.BAD_INDEX, /not a string table/],
    ['section name out of its table', patch((v) => v.setUint32(TINY.shoff + 64, 0x7fff, true)), ElfErrorCode.BAD_STRING, new RegExp(`section header 1 sh_name at file offset 0x${(TINY.shoff + 64).toString(16)}`)],
    ['section past the end', patch((v) => v.setBigUint64(TINY.shoff + 64 + 32, 0x100000n, true)), ElfErrorCode.OUT_OF_RANGE, /section header 1 sh_offset \+ sh_size/],
    ['segment past the end', patch((v) => v.setBigUint64(TINY.phoff + 32, 0x100000n, true)), ElfErrorCode.OUT_OF_RANGE, /program header 0 p_offset \+ p_filesz/],
    ['symbol name out of .strtab', patch((v) => v.setUint32(TINY.symtab + 24, 0x1000, true)), ElfErrorCode.BAD_STRING, /\.symtab symbol 1 st_name/],
    ['unterminated string table', patch((_v, b) => b.fill(0x41, TINY.strtab, TINY.strtab + 14)), ElfErrorCode.BAD_STRING, /no terminating NUL/],
    ['symtab linked to a non-string table', patch((v) => v.setUint32(TINY.shoff + 2 * 64 + 40, 1, true)), ElfErrorCode.BAD_INDEX, /sh_link/],
    ['symbol entry size', patch((v) => v.setBigUint64(TINY.shoff + 2 * 64 + 56, 16n, true)), ElfErrorCode.BAD_ENTRY_SIZE, /sh_entsize/],
  ];
  for (const [what, bytes, expected, message] of cases) {
    const err = tryParse(bytes);
    t.is(err?.code, expected, what);
    t.regex(err?.message ?? '', message, what);
    t.truthy(err?.hint, what);
  }
});

test('extended numbering (e_shnum 0, e_shstrndx SHN_XINDEX: the counts in section 0) reads the same', (t) => {
  const plain = ElfFile.parse(tinyElf());
  const extended = ElfFile.parse(
    patch((v) => {
      v.setUint16(60, 0, true);
      v.setUint16(62, 0xffff, true);
      v.setBigUint64(TINY.shoff + 32, BigInt(TINY.shnum), true); // section 0 sh_size
      v.setUint32(TINY.shoff + 40, 4, true); // section 0 sh_link
    }),
  );
  t.deepEqual(
    extended.sections.slice(1).map((s) => s.name),
    plain.sections.slice(1).map((s) => s.name),
  );
  t.is(extended.findSymbol('_start')?.value, plain.findSymbol('_start')?.value);
});

function truncateEverywhere(t: ExecutionContext, bytes: Uint8Array, upTo: number): void {
  for (let n = 0; n < Math.min(upTo, bytes.length); n++) {
    const err = tryParse(bytes.subarray(0, n));
    // The section headers sit at the end, so every cut inside the image loses something.
    t.truthy(err, `cut at ${n} parsed`);
    checkTyped(t, err, `cut at ${n}`);
  }
}

function flipEverywhere(t: ExecutionContext, bytes: Uint8Array, offsets: Iterable<number>): number {
  let errors = 0;
  for (const at of offsets) {
    for (const value of [bytes[at]! ^ 0xff, 0, 0xff, bytes[at]! ^ 0x80, bytes[at]! ^ 0x01]) {
      const copy = Uint8Array.from(bytes);
      copy[at] = value;
      const err = tryParse(copy);
      checkTyped(t, err, `byte 0x${at.toString(16)} = 0x${value.toString(16)}`);
      if (err) errors++;
    }
  }
  return errors;
}

test('the hand-laid image cut at every offset: always a typed error', (t) => {
  truncateEverywhere(t, tinyElf(), Infinity);
});

test('every byte of the hand-laid image flipped five ways: a typed error or a valid parse', (t) => {
  const bytes = tinyElf();
  const errors = flipEverywhere(t, bytes, bytes.keys());
  t.true(errors > 100, `only ${errors} of the flips were caught`);
});

const withGcc = testWithTool([GCC]);

withGcc('a gcc-built image cut at each of its first and last 256 offsets: always a typed error', (t) => {
  const bytes = readFileSync(buildFixture('symbols', ['-O2']));
  truncateEverywhere(t, bytes, 256);
  for (let n = bytes.length - 256; n < bytes.length; n++) {
    const err = tryParse(bytes.subarray(0, n));
    t.truthy(err, `cut at ${n} parsed`);
    checkTyped(t, err, `cut at ${n}`);
  }
});

withGcc('a gcc-built image with every header byte flipped five ways: a typed error or a valid parse', (t) => {
  const bytes = readFileSync(buildFixture('symbols', ['-O2']));
  const elf = ElfFile.parse(bytes);
  const headers = new Set<number>();
  for (let i = 0; i < 64 + elf.header.phnum * 56; i++) headers.add(i);
  const shoff = Number(elf.header.shoff);
  for (let i = shoff; i < shoff + elf.header.shnum * 64; i++) headers.add(i);
  const symtab = elf.section('.symtab')!;
  for (let i = 0; i < 10 * 24; i++) headers.add(Number(symtab.offset) + i);
  const errors = flipEverywhere(t, bytes, headers);
  t.true(errors > 500, `only ${errors} of the flips were caught`);
});

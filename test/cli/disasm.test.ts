// `hvdbg disasm` as a user runs it, on an image gcc builds here. What is checked is the layout
// and that the words shown are the file's bytes; whether the text equals llvm-objdump's is
// test/a64/disasm-vs-llvm.test.ts's job.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { testWithTool } from '../helpers/external-tool.ts';
import { buildFixture, FIXTURES, GCC, OBJDUMP, READELF, runTool } from '../formats/cross-compile.ts';
import { readelfGolden, type Golden } from '../formats/readelf-golden.ts';
import { hvdbg, transcript } from './helpers.ts';

const withTools = testWithTool([GCC, READELF]);
const withObjdump = testWithTool([GCC, OBJDUMP]);

const INSN = /^ {0,8}([0-9a-f]+): ([0-9a-f]{8}) {5}\t(.+)$/;

function fileWord(golden: Golden, bytes: Uint8Array, address: bigint, sectionIndex?: number): number {
  const s = golden.sections.find((x) => (sectionIndex === undefined ? address >= x.address && address < x.address + x.size && x.name === '.text' : x.index === sectionIndex))!;
  const at = Number(address - s.address + s.offset);
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

withTools('disasm --symbol main: a header, then one line per word of main, each the word in the file', async (t) => {
  const path = buildFixture('symbols', ['-O2']);
  const golden = readelfGolden(path);
  const main = golden.symbols.find((s) => s.table === '.symtab' && s.name === 'main')!;
  const bytes = readFileSync(path);
  const r = await hvdbg(['disasm', path, '--symbol', 'main']);
  t.is(r.code, 0, transcript(r));
  const lines = r.stdout.trimEnd().split('\n');
  t.is(lines[0], `${main.value.toString(16).padStart(16, '0')} <main>:`);
  const insns = lines.slice(1).map((l) => INSN.exec(l));
  t.is(insns.length, Number(main.size / 4n), transcript(r));
  insns.forEach((m, i) => {
    t.truthy(m, `line ${i + 1} is not 'ADDR: WORD     \\tTEXT': ${lines[i + 1]}`);
    const address = main.value + BigInt(i * 4);
    t.is(BigInt(`0x${m![1]}`), address);
    t.is(parseInt(m![2]!, 16), fileWord(golden, bytes, address));
    // Any branch target named must be named after a symbol the image has, a PLT entry
    // (`puts@plt`) or a section (llvm-objdump's names for code without a symbol).
    for (const label of m![3]!.matchAll(/<([^>+]+)(\+0x[0-9a-f]+)?>/g)) {
      const name = label[1]!.replace(/@plt$/, '');
      t.true(golden.symbols.some((s) => s.name === name) || golden.sections.some((s) => s.name === name), `unknown symbol in ${m![3]}`);
    }
  });
});

withTools('disasm --symbol main in a relocatable object: the words of main from its own section', async (t) => {
  const path = buildFixture('symbols', ['-O2', '-c']);
  const golden = readelfGolden(path);
  const main = golden.symbols.find((s) => s.name === 'main')!;
  const bytes = readFileSync(path);
  const r = await hvdbg(['disasm', path, '--symbol', 'main']);
  t.is(r.code, 0, transcript(r));
  const lines = r.stdout.trimEnd().split('\n');
  t.is(lines[0], `${main.value.toString(16).padStart(16, '0')} <main>:`);
  const words = lines.slice(1).map((l) => parseInt(INSN.exec(l)![2]!, 16));
  t.is(words.length, Number(main.size / 4n));
  t.deepEqual(
    words,
    words.map((_, i) => fileWord(golden, bytes, main.value + BigInt(i * 4), Number(main.ndx))),
  );
});

withTools('disasm --start ADDR --count N: N lines from ADDR, headed by where ADDR falls', async (t) => {
  const path = buildFixture('symbols', ['-O2']);
  const main = readelfGolden(path).symbols.find((s) => s.table === '.symtab' && s.name === 'main')!;
  const r = await hvdbg(['disasm', path, '--start', `0x${(main.value + 4n).toString(16)}`, '--count', '3']);
  t.is(r.code, 0, transcript(r));
  const lines = r.stdout.trimEnd().split('\n');
  t.is(lines[0], `${(main.value + 4n).toString(16).padStart(16, '0')} <main+0x4>:`);
  t.is(lines.length, 4, transcript(r));
});

withObjdump('disasm of a whole image: every instruction line as llvm-objdump -d prints it, branch and ADRP targets named alike', async (t) => {
  // -s: stripped, so targets are named through .dynsym, the PLT and section names only.
  for (const flags of [['-O2'], ['-O2', '-s']]) {
    const path = buildFixture('symbols', flags);
    const theirs = runTool(OBJDUMP, ['-d', '--mcpu=apple-m1', path])
      .split('\n')
      .filter((l) => INSN.test(l));
    const r = await hvdbg(['disasm', path]);
    t.is(r.code, 0, transcript(r));
    const ours = new Set(r.stdout.split('\n'));
    t.true(theirs.length > 100);
    t.deepEqual(
      theirs.filter((l) => !ours.has(l)),
      [],
      `${flags.join(' ')}: lines llvm-objdump prints that hvdbg disasm does not`,
    );
  }
});

withTools('disasm refuses bad requests with a usage error (2) or a clear error (1)', async (t) => {
  const path = buildFixture('symbols', ['-O2']);
  const cases: Array<[string[], number, RegExp]> = [
    [['disasm'], 2, /expected one FILE\.elf/],
    [['disasm', path, '--symbol', 'main', '--start', '0x600'], 2, /cannot be combined/],
    [['disasm', path, '--start', '0x600'], 2, /--start and --count go together/],
    [['disasm', path, '--start', 'main', '--count', '2'], 2, /--start must be an address/],
    [['disasm', path, '--start', '0x600', '--count', '0'], 2, /--count must be a whole number/],
    [['disasm', path, '--bogus'], 2, /bogus/],
    [['disasm', path, '--symbol', 'no_such_function'], 1, /defines no symbol 'no_such_function'/],
    [['disasm', path, '--start', '0x7f0000000000', '--count', '4'], 1, /not inside one loadable segment/],
    [['disasm', `${FIXTURES}symbols.c`, '--symbol', 'main'], 1, /not an ELF file/],
    [['disasm', `${FIXTURES}no-such-file.elf`], 1, /cannot read/],
  ];
  const results = await Promise.all(cases.map(([args]) => hvdbg(args)));
  cases.forEach(([args, code, message], i) => {
    t.is(results[i]!.code, code, `${args.slice(1).join(' ')}\n${transcript(results[i]!)}`);
    t.regex(results[i]!.stderr, message, args.slice(1).join(' '));
  });
});

test('disasm --help prints its usage and exits 0', async (t) => {
  const r = await hvdbg(['disasm', '--help']);
  t.is(r.code, 0, transcript(r));
  t.regex(r.stdout, /usage: hvdbg disasm FILE\.elf \[--symbol NAME \| --start ADDR --count N\]/);
});

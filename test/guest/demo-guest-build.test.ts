// The committed demo guest (examples/guest/build/demo.elf): it rebuilds byte for byte from its
// source anywhere, it carries the symbols and DWARF a debugger needs, and every word of its code
// is an instruction hvdbg's disassembler knows. Golden words come from the specs: the fast-IPI
// MSR words of apple-devices §2.5 and `brk #0x4242` (m1n1-protocol §9.12, A64 BRK encoding).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElfFile, SymbolType } from '../../core/formats/elf/index.ts';
import { disassemble, UNKNOWN } from '../../core/arch/a64/disassembler.ts';
import { testWithTool, which } from '../helpers/external-tool.ts';

const GUEST = fileURLToPath(new URL('../../examples/guest/', import.meta.url));
const ELF_PATH = join(GUEST, 'build', 'demo.elf');
const GCC = { names: ['aarch64-linux-gnu-gcc'], debianPackage: 'gcc-aarch64-linux-gnu' } as const;
const MAKE = { names: ['make'], debianPackage: 'make' } as const;
const DWARFDUMP = { names: ['llvm-dwarfdump-16', 'llvm-dwarfdump'], debianPackage: 'llvm-16' } as const;
const LOAD_ADDRESS = 0x8_1000_0000n;

const elfBytes = (): Uint8Array => new Uint8Array(readFileSync(ELF_PATH));

testWithTool([GCC, MAKE])('rebuilding the guest from source in another folder gives the committed demo.elf byte for byte', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-guest-'));
  try {
    const copy = join(dir, 'some', 'other', 'guest');
    for (const part of ['Makefile', 'link.ld', 'src', 'include']) cpSync(join(GUEST, part), join(copy, part), { recursive: true });
    execFileSync(which(MAKE.names)!, ['-s', '-C', copy], { stdio: ['ignore', 'ignore', 'pipe'] });
    const rebuilt = new Uint8Array(readFileSync(join(copy, 'build', 'demo.elf')));
    const committed = elfBytes();
    t.is(rebuilt.length, committed.length, 'size differs: run `make -C examples/guest` and commit build/demo.elf');
    const firstDiff = rebuilt.findIndex((b, i) => b !== committed[i]);
    t.is(firstDiff, -1, `first differing byte at file offset 0x${firstDiff.toString(16)}: run \`make -C examples/guest\` and commit build/demo.elf`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the ELF is linked at the documented load address with _start as its entry', (t) => {
  const elf = ElfFile.parse(elfBytes());
  t.is(elf.entry, LOAD_ADDRESS);
  t.is(elf.requireSymbol('_start').value, LOAD_ADDRESS);
  for (const seg of elf.loadSegments) {
    t.is(seg.paddr, seg.vaddr, 'physical = virtual: the MMU stays off');
    t.true(seg.vaddr >= LOAD_ADDRESS && seg.vaddr + seg.memsz < 0x10_0000_0000n, 'inside j274 DRAM');
  }
});

test('the debugging targets and the vector table are named symbols of the right kind', (t) => {
  const elf = ElfFile.parse(elfBytes());
  for (const name of ['main', 'secondary_main', 'fib', 'tree_walk', 'count_up', 'check_demo_flag', 'newton_sqrt', 'guest_exit', 'exception_vectors']) {
    t.is(elf.requireSymbol(name).type, SymbolType.FUNC, name);
  }
  for (const name of ['demo_flag', 'demo_counter', 'demo_stats', 'demo_message', 'demo_sqrt2', 'percpu']) {
    t.is(elf.requireSymbol(name).type, SymbolType.OBJECT, name);
  }
  t.is(elf.requireSymbol('demo_flag').size, 4n, 'volatile int');
  t.is(elf.requireSymbol('exception_vectors').value % 0x800n, 0n, 'VBAR_EL1 needs 2 KiB alignment');
  t.truthy(elf.section('.debug_info'));
  t.truthy(elf.section('.debug_line'));
  t.false(Buffer.from(elf.bytes).includes(GUEST.replace(/\/$/, '')), 'no trace of the folder it was built in');
});

testWithTool([DWARFDUMP])('DWARF line info covers the C sources and the start-up assembly under the fixed prefix', (t) => {
  const out = execFileSync(which(DWARFDUMP.names)!, ['--debug-line', ELF_PATH], { encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const file of ['start.S', 'vectors.S', 'main.c', 'aic.c', 'gpio.c', 'smp.c', 'debug-demo.c', 'float-demo.c']) {
    t.true(out.includes(`name: "${file}"`), file);
  }
  t.true(out.includes('"/hvdbg/examples/guest"'), 'compilation directory mapped to the fixed prefix');
  const main = ElfFile.parse(elfBytes()).requireSymbol('main').value;
  t.regex(out, new RegExp(`^0x0*${main.toString(16)} `, 'm'), 'a line-table row starts at main');
});

/** [start, end) ranges of code in .text, from the AArch64 mapping symbols ($x code, $d data). */
function codeRanges(elf: ElfFile): Array<[bigint, bigint]> {
  const text = elf.section('.text')!;
  const end = text.addr + text.size;
  const marks = elf.symbols
    .filter((s) => (s.name === '$x' || s.name.startsWith('$x.') || s.name === '$d' || s.name.startsWith('$d.')) && s.value >= text.addr && s.value < end)
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const ranges: Array<[bigint, bigint]> = [];
  marks.forEach((m, i) => {
    if (m.name.startsWith('$x')) ranges.push([m.value, marks[i + 1]?.value ?? end]);
  });
  return ranges;
}

test('every instruction word of .text disassembles with hvdbg\'s disassembler', (t) => {
  const elf = ElfFile.parse(elfBytes());
  const ranges = codeRanges(elf);
  t.true(ranges.length > 0, 'mapping symbols present');
  let words = 0;
  const unknown: string[] = [];
  for (const [start, end] of ranges) {
    for (const line of disassemble(elf.read(start, Number(end - start)), start)) {
      words++;
      if (line.text === UNKNOWN) unknown.push(`0x${line.address.toString(16)}: ${line.word.toString(16).padStart(8, '0')}`);
    }
  }
  t.deepEqual(unknown, []);
  t.true(words > 1000, `${words} words checked`);
});

test('the code holds the spec\'s fast-IPI words and the power-off hypercall', (t) => {
  const elf = ElfFile.parse(elfBytes());
  const text = elf.section('.text')!;
  const view = new DataView(elf.read(text.addr, Number(text.size)).buffer);
  const seen = new Set<number>();
  for (let off = 0; off + 4 <= text.size; off += 4) seen.add(view.getUint32(off, true));
  const hasWith = (base: number): boolean => Array.from({ length: 31 }, (_, rt) => (base | rt) >>> 0).some((w) => seen.has(w));
  t.true(hasWith(0xd51df000), 'MSR IPI_RR_LOCAL_EL1 (§2.5)');
  t.true(hasWith(0xd51df020), 'MSR IPI_RR_GLOBAL_EL1 (§2.5)');
  t.true(hasWith(0xd53df120), 'MRS IPI_SR_EL1 (§2.5)');
  t.true(hasWith(0xd51df120), 'MSR IPI_SR_EL1 (§2.5)');
  t.true(seen.has(0xd4284840), 'brk #0x4242: 0xd4200000 | 0x4242 << 5');
});

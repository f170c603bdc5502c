// objdumpSymbolizer: the `<symbol+0xoff>` llvm-objdump-16 -d prints after branch and ADRP
// targets, one rule per test, on small images built here from the assembly below (a linker
// script fixes every address). The expected lines were printed by llvm-objdump-16 -d
// --no-show-raw-insn --mcpu=apple-m1 on these images; each run checks them against the installed
// llvm-objdump again, so a toolchain that lays the images out differently fails loudly instead
// of testing nothing. Every image is also compared target by target with llvm-objdump.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { findPltEntries, objdumpSymbolizer } from '../../core/formats/elf/objdump-symbolizer.ts';
import { testWithTool, which } from '../helpers/external-tool.ts';
import { buildFixture, GCC, OBJDUMP } from './cross-compile.ts';

const withTools = testWithTool([GCC, OBJDUMP]);

// ---- images -------------------------------------------------------------------------------

/** Sections .text, beta, gamma (code), .rodata; absolute symbols from the linker script. */
const RULES_S = `
	.file	"rules.s"
	.section .text.first,"ax",%progbits
	.global	_start
	.type	_start, %function
_start:
	bl	.Lbeta_body         // a later section, before its first named symbol
	adrp	x0, abs_low         // page 0x1000: below every section
	adrp	x1, abs_high        // page 0x5000
	adrp	x3, gap_after       // past the end of .rodata, before any other section
	adrp	x4, _start          // page 0x10000: .note.gnu.build-id, which has no symbols
	b	.Lafter_pool
	.word	0x12345678          // a literal pool: $d here, $x after it
.Lafter_pool:
	b	.Lafter_pool + 4
	nop
	.global	same_a
	.global	same_z
	.type	same_a, %function
	.type	same_z, %function
same_a:
same_z:
	ret
	bl	same_a

	.section beta,"ax",%progbits
	.skip	8
.Lbeta_body:
	nop
	b	.Lbeta_body
	.global	beta_fn
	.type	beta_fn, %function
beta_fn:
	b	.Lbeta_body
	ret

	.section gamma,"ax",%progbits
	.global	gamma_fn
	.type	gamma_fn, %function
gamma_fn:
	b	.Lbeta_body
	ret

	.section .rodata.x,"a",%progbits
	.global	ro_obj
	.type	ro_obj, %object
ro_obj:
	.quad	1
	.size	ro_obj, 8
`;
const RULES_LD = `
abs_low = 0x1234;
abs_high = 0x5000;
SECTIONS {
  . = 0x10000;
  .note.gnu.build-id : { *(.note.gnu.build-id) }
  .text : { *(.text.first) }
  beta : { *(beta) }
  gamma : { *(gamma) }
  . = 0x20000;
  .rodata : { *(.rodata.x) }
  gap_after = 0x23000;
}
`;

/** A relocatable object: .text starts with code but no named symbol. */
const OBJ_S = `
	.file	"obj.s"
	.text
	nop
.Lback:
	nop
	.global	foo
	.type	foo, %function
foo:
	b	.Lback
	ret

	.section .text.other,"ax",%progbits
	.global	bar
	.type	bar, %function
bar:
	b	.Lfwd
	nop
.Lfwd:
	ret
`;

/** A common symbol (SHN_COMMON: absolute, at its size, 0x100) above the FILE symbol at 0. */
const COMMON_S = `
	.file	"comm.s"
	.comm	big, 0x100, 8
	.text
	.skip	0x104
.Lhere:
	nop
	.global	foo
	.type	foo, %function
foo:
	b	.Lhere
	b	.Lhere - 0xf0
`;

/** .tbss (64 bytes, TLS offsets as values) and .data (`dataBytes`) at one address, 0x20000. */
const tlsSource = (dataBytes: number) => `
	.text
	.global	_start
	.type	_start, %function
_start:
	adrp	x0, data_first
	ret
	.section .tbss,"awT",%nobits
	.balign	4096
	.global	tls_big
	.type	tls_big, %tls_object
tls_big:
	.zero	64
	.size	tls_big, 64
	.data
	.balign	4096
	.global	data_first
	.type	data_first, %object
data_first:
	.zero	${dataBytes}
	.size	data_first, ${dataBytes}
`;
const TLS_LD = `
SECTIONS {
  . = 0x10000;
  .note.gnu.build-id : { *(.note.gnu.build-id) }
  .text : { *(.text) }
  . = 0x20000;
  .tbss : { *(.tbss) }
  .data : { *(.data) }
}
`;

let dir: string | undefined;
function workDir(): string {
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'hvdbg-objdump-sym-'));
    dir = made;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

const assembled = new Map<string, string>();

/** Assembles (and, with a linker script, links without libc) one image, once; returns its path. */
function assemble(name: string, source: string, script?: string): string {
  const done = assembled.get(name);
  if (done) return done;
  const d = workDir();
  writeFileSync(join(d, `${name}.s`), source);
  const out = join(d, script ? name : `${name}.o`);
  const link = script ? (writeFileSync(join(d, `${name}.ld`), script), ['-nostdlib', '-static', '-no-pie', '-Wl,--build-id', `-Wl,-T,${join(d, `${name}.ld`)}`]) : ['-c'];
  execFileSync(which(GCC.names)!, [...link, '-o', out, join(d, `${name}.s`)], { stdio: ['ignore', 'ignore', 'pipe'] });
  assembled.set(name, out);
  return out;
}

/** A copy of `path` with `patch` applied to its bytes. */
function patched(path: string, name: string, patch: (bytes: Uint8Array, elf: ElfFile) => void): string {
  const bytes = new Uint8Array(readFileSync(path));
  patch(bytes, ElfFile.parse(bytes));
  const out = join(workDir(), name);
  writeFileSync(out, bytes);
  return out;
}

// ---- llvm-objdump's lines and ours ------------------------------------------------------------

interface TargetLine {
  section: string;
  address: bigint;
  text: string;
  target: bigint;
  /** What llvm printed inside <…>, or undefined where it printed nothing. */
  name: string | undefined;
}

// The instructions whose target llvm-objdump evaluates: branches and ADRP.
const TARGET = /^(?:b|bl|b\.\w+|cbn?z|tbn?z|adrp)\t.*?\b(0x[0-9a-f]+)(?: <([^>]+)>)?$/;

function llvmTargets(path: string): TargetLine[] {
  // stderr kept from the test's output: llvm-objdump warns about the damaged .rela.plt below.
  const out = execFileSync(which(OBJDUMP.names)!, ['-d', '--no-show-raw-insn', '--mcpu=apple-m1', path], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: TargetLine[] = [];
  let section = '';
  for (const line of out.split('\n')) {
    const s = /^Disassembly of section (.*):$/.exec(line);
    if (s) section = s[1]!;
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    const t = m && TARGET.exec(m[2]!.trim());
    if (m && t) lines.push({ section, address: BigInt(`0x${m[1]}`), text: m[2]!.trim(), target: BigInt(t[1]!), name: t[2] });
  }
  return lines;
}

function ours(elf: ElfFile, section: string, target: bigint): string | undefined {
  const from = elf.sections.find((s) => s.name === section);
  if (!from) throw new Error(`no section ${section}`);
  return objdumpSymbolizer(elf, from)(target);
}

/** Each golden line is what llvm-objdump prints today, and its <…> is what we answer. */
function expectGoldens(t: ExecutionContext, path: string, goldens: ReadonlyArray<readonly [section: string, address: number, text: string]>) {
  const elf = ElfFile.parse(readFileSync(path));
  const llvm = llvmTargets(path);
  for (const [section, address, text] of goldens) {
    const theirs = llvm.find((l) => l.section === section && l.address === BigInt(address));
    t.is(theirs?.text, text, `llvm-objdump no longer prints this at ${section} 0x${address.toString(16)}: the image's layout changed`);
    const m = TARGET.exec(text)!;
    t.is(ours(elf, section, BigInt(m[1]!)), m[2], `${section} 0x${address.toString(16)}: ${text}`);
  }
}

/** Every target llvm-objdump prints in `path`, named (or not) as llvm-objdump names it. */
function agreesEverywhere(t: ExecutionContext, path: string): TargetLine[] {
  const elf = ElfFile.parse(readFileSync(path));
  const llvm = llvmTargets(path);
  const differ = llvm
    .filter((l) => ours(elf, l.section, l.target) !== l.name)
    .map((l) => `${l.section} 0x${l.address.toString(16)}: llvm ${JSON.stringify(l.text)} ours <${ours(elf, l.section, l.target)}>`);
  t.deepEqual(differ.slice(0, 20), [], `${differ.length} of ${llvm.length} targets differ`);
  return llvm;
}

// ---- the rules ----------------------------------------------------------------------------------

withTools('a target is named after the nearest symbol below it in the nearest section below it, however far past its end', (t) => {
  const path = assemble('rules', RULES_S, RULES_LD);
  expectGoldens(t, path, [
    ['.text', 0x10030, 'adrp\tx3, 0x23000 <ro_obj+0x3000>'],
    ['.text', 0x1004c, 'bl\t0x10048 <same_z>'], // same_a and same_z at one address: the greater name
    ['.text', 0x10038, 'b\t0x10040 <_start+0x1c>'], // the $d and $x between are passed over
  ]);
  agreesEverywhere(t, path);
});

withTools('a nearest section without symbols there hands over to the absolute symbols, STT_FILE ones included', (t) => {
  const path = assemble('rules', RULES_S, RULES_LD);
  expectGoldens(t, path, [
    ['.text', 0x10034, 'adrp\tx4, 0x10000 <abs_high+0xb000>'], // .note.gnu.build-id starts at 0x10000
    ['.text', 0x10028, 'adrp\tx0, 0x1000 <rules.s+0x1000>'], // below every section: `.file` at 0
    ['.text', 0x1002c, 'adrp\tx1, 0x5000 <abs_high>'],
  ]);
});

withTools('a code section is named after itself at its start once llvm-objdump has reached it, not before', (t) => {
  const path = assemble('rules', RULES_S, RULES_LD);
  expectGoldens(t, path, [
    ['.text', 0x10024, 'bl\t0x10058 <abs_high+0xb058>'], // from .text: beta not reached yet
    ['beta', 0x1005c, 'b\t0x10058 <beta+0x8>'],
    ['beta', 0x10060, 'b\t0x10058 <beta+0x8>'],
    ['gamma', 0x10068, 'b\t0x10058 <beta+0x8>'],
  ]);
  // Without a section to come from: as after the last one.
  t.is(objdumpSymbolizer(ElfFile.parse(readFileSync(path)))(0x10058n), 'beta+0x8');
});

withTools('of sections starting at one address the largest is searched first (.tbss holds TLS offsets, not addresses)', (t) => {
  const tbssLarger = assemble('tls-small-data', tlsSource(8), TLS_LD);
  expectGoldens(t, tbssLarger, [['.text', 0x10024, 'adrp\tx0, 0x20000 <tls_big+0x20000>']]);
  const dataLarger = assemble('tls-large-data', tlsSource(128), TLS_LD);
  expectGoldens(t, dataLarger, [['.text', 0x10024, 'adrp\tx0, 0x20000 <data_first>']]);
});

withTools('in a relocatable object only the section being disassembled counts, then the absolute symbols', (t) => {
  const path = assemble('obj', OBJ_S);
  expectGoldens(t, path, [
    ['.text', 0x8, 'b\t0x4 <obj.s+0x4>'], // $x at 0 counts as a symbol there: no `.text` symbol
    ['.text.other', 0x0, 'b\t0x8 <bar+0x8>'], // not foo+0x0, though foo is at 8 in .text
  ]);
  agreesEverywhere(t, path);
  // With the $x moved to 4, nothing is at 0: llvm-objdump adds `.text` there.
  const moved = patched(path, 'obj-moved.o', (bytes, elf) => {
    const symtab = elf.section('.symtab')!;
    const i = elf.symbols.filter((s) => s.table === '.symtab').findIndex((s) => s.name === '$x' && s.sectionIndex === elf.section('.text')!.index);
    new DataView(bytes.buffer).setBigUint64(Number(symtab.offset) + (i + 1) * 24 + 8, 4n, true);
  });
  expectGoldens(t, moved, [['.text', 0x8, 'b\t0x4 <.text+0x4>']]);
  expectGoldens(t, assemble('comm', COMMON_S), [
    ['.text', 0x108, 'b\t0x104 <big+0x4>'],
    ['.text', 0x10c, 'b\t0x14 <comm.s+0x14>'],
  ]);
});

withTools('PLT entries are named name@plt from .rela.plt, in PIE, non-PIE with BTI entries, stripped, and shared images', (t) => {
  for (const flags of [['-O2'], ['-O2', '-no-pie', '-mbranch-protection=standard', '-Wl,-z,force-bti'], ['-O2', '-s'], ['-O2', '-fPIC', '-shared']]) {
    const llvm = agreesEverywhere(t, buildFixture('symbols', flags));
    const plt = llvm.filter((l) => l.name?.endsWith('@plt'));
    if (!flags.includes('-shared')) t.true(plt.some((l) => l.name === '__libc_start_main@plt'), `${flags.join(' ')}: no call through the PLT named`);
  }
});

withTools('a .rela.plt entry without a symbol names nothing: the call shows as .plt+0xN, as llvm-objdump (which warns) prints it', (t) => {
  const path = patched(buildFixture('symbols', ['-O2']), 'symbols-no-plt-symbol', (bytes, elf) => {
    const rela = elf.section('.rela.plt')!;
    new DataView(bytes.buffer).setUint32(Number(rela.offset) + 12, 0, true); // r_info's symbol index
  });
  const llvm = agreesEverywhere(t, path);
  t.true(llvm.some((l) => /^\.plt\+0x[0-9a-f]+$/.test(l.name ?? '')), 'the entry left without a symbol is never a target');
});

withTools('every branch and ADRP target of a static glibc program at -O0 is named as llvm-objdump names it', (t) => {
  agreesEverywhere(t, buildFixture('symbols', ['-O0', '-static']));
});

// ---- the PLT scan, on words llvm-objdump-16 printed for gcc-built .plt sections ----------------

// symbols -O2 (PIE): PLT0 at 0x5a0, then __libc_start_main@plt at 0x5c0 (GOT slot 0x20000, the
// R_AARCH64_JUMP_SLOT offset llvm-readelf -r shows).
const PLT = [0xa9bf7bf0, 0xf00000f0, 0xf947fe11, 0x913fe210, 0xd61f0220, 0xd503201f, 0xd503201f, 0xd503201f, 0x90000110, 0xf9400211, 0x91000210, 0xd61f0220];
// symbols -O2 -no-pie with BTI: every entry starts with bti c (hint #0x22); the entry is the bti.
const PLT_BTI = [0xd503245f, 0xa9bf7bf0, 0xf00000f0, 0xf947fe11, 0x913fe210, 0xd61f0220, 0xd503201f, 0xd503201f, 0xd503245f, 0x90000110, 0xf9400211, 0x91000210, 0xd61f0220, 0xd503201f];
const le = (words: number[]) => new Uint8Array(new Uint32Array(words).buffer);

test('findPltEntries pairs each adrp+ldr of .plt with the GOT slot it loads', (t) => {
  // PLT0's own pair (adrp 0x1f000 + ldr #0xff8) is found too; no JUMP_SLOT points there.
  t.deepEqual(findPltEntries(le(PLT), 0x5a0n), [
    [0x5a4n, 0x1fff8n],
    [0x5c0n, 0x20000n],
  ]);
  t.deepEqual(findPltEntries(le(PLT_BTI), 0x400550n), [
    [0x400558n, 0x41fff8n],
    [0x400570n, 0x420000n],
  ]);
});

test('findPltEntries on a .plt cut at every byte finds exactly the entries wholly inside', (t) => {
  // [entry, GOT slot, bytes from the start of .plt to the end of its ldr]
  for (const [words, base, entries] of [
    [PLT, 0x5a0n, [[0x5a4n, 0x1fff8n, 12], [0x5c0n, 0x20000n, 40]]],
    [PLT_BTI, 0x400550n, [[0x400558n, 0x41fff8n, 16], [0x400570n, 0x420000n, 44]]],
  ] as const) {
    const code = le([...words]);
    for (let n = 0; n <= code.length; n++) {
      const want = entries.filter(([, , end]) => end <= n).map(([entry, got]) => [entry, got]);
      t.deepEqual(findPltEntries(code.subarray(0, n), base), want, `cut at ${n}`);
    }
  }
});

test('findPltEntries on bytes that are no PLT finds nothing and does not throw', (t) => {
  t.deepEqual(findPltEntries(new Uint8Array(64).fill(0xff), 0x1000n), []);
  t.deepEqual(findPltEntries(new Uint8Array(0), 0n), []);
  t.deepEqual(findPltEntries(new Uint8Array([0x10, 0x01, 0x00]), 0n), []);
});

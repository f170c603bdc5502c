// `hvdbg run` as a user runs it: the real CLI starting its own virtual M1 (`--target sim`), the
// demo guest to its power-off hypercall (console lines from examples/guest/README.md), tracer
// lines on stderr, --timeout on a guest that never powers off, and the answers to mistakes
// (exit 2 for usage, 1 with a hint for a bad guest file).
//
// The never-ending guest is a tiny ELF built here, byte by byte from the ELF64 layout: one
// PT_LOAD at the demo guest's load address (0x8_1000_0000, README "Contract with the host")
// holding `spin: nop; b spin`, and a symbol table naming `spin`, so the timeout report can name it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { hvdbg, transcript } from './helpers.ts';

const DEMO = 'examples/guest/build/demo.elf';
const LOAD = 0x8_1000_0000n;

/** ELF64 LE AArch64 executable: PT_LOAD [code] at LOAD, sections .text .symtab .strtab .shstrtab. */
function spinElf(): Uint8Array {
  const code = [0xd503201f, 0x17ffffff]; // nop; b -4 (back to the nop)
  const CODE = 0x4000; // p_offset ≡ p_vaddr mod p_align (16 KiB)
  const SYMTAB = CODE + 8;
  const STRTAB = SYMTAB + 48;
  const strtab = '\0spin\0';
  const SHSTR = STRTAB + 8;
  const shstr = '\0.text\0.symtab\0.strtab\0.shstrtab\0';
  const SHDRS = (SHSTR + shstr.length + 7) & ~7;
  const buf = new Uint8Array(SHDRS + 5 * 64);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // \x7fELF, 64-bit, LE, version 1
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 183, true); // EM_AARCH64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, LOAD, true); // e_entry
  v.setBigUint64(32, 64n, true); // e_phoff
  v.setBigUint64(40, BigInt(SHDRS), true); // e_shoff
  v.setUint16(52, 64, true); // e_ehsize
  v.setUint16(54, 56, true); // e_phentsize
  v.setUint16(56, 1, true); // e_phnum
  v.setUint16(58, 64, true); // e_shentsize
  v.setUint16(60, 5, true); // e_shnum
  v.setUint16(62, 4, true); // e_shstrndx
  // PT_LOAD, R X
  v.setUint32(64, 1, true);
  v.setUint32(68, 5, true);
  v.setBigUint64(72, BigInt(CODE), true);
  v.setBigUint64(80, LOAD, true);
  v.setBigUint64(88, LOAD, true);
  v.setBigUint64(96, 8n, true);
  v.setBigUint64(104, 8n, true);
  v.setBigUint64(112, 0x4000n, true);
  code.forEach((w, i) => v.setUint32(CODE + 4 * i, w, true));
  // symbol 1: spin, STB_GLOBAL|STT_FUNC, section 1, value LOAD, size 8
  v.setUint32(SYMTAB + 24, 1, true);
  buf[SYMTAB + 24 + 4] = 0x12;
  v.setUint16(SYMTAB + 24 + 6, 1, true);
  v.setBigUint64(SYMTAB + 24 + 8, LOAD, true);
  v.setBigUint64(SYMTAB + 24 + 16, 8n, true);
  buf.set(new TextEncoder().encode(strtab), STRTAB);
  buf.set(new TextEncoder().encode(shstr), SHSTR);
  const sh = (i: number, name: number, type: number, flags: bigint, addr: bigint, off: number, size: number, link = 0, info = 0, align = 1n, entsize = 0n): void => {
    const o = SHDRS + 64 * i;
    v.setUint32(o, name, true);
    v.setUint32(o + 4, type, true);
    v.setBigUint64(o + 8, flags, true);
    v.setBigUint64(o + 16, addr, true);
    v.setBigUint64(o + 24, BigInt(off), true);
    v.setBigUint64(o + 32, BigInt(size), true);
    v.setUint32(o + 40, link, true);
    v.setUint32(o + 44, info, true);
    v.setBigUint64(o + 48, align, true);
    v.setBigUint64(o + 56, entsize, true);
  };
  sh(1, 1, 1, 6n, LOAD, CODE, 8, 0, 0, 4n); // .text PROGBITS ALLOC|EXEC
  sh(2, 7, 2, 0n, 0n, SYMTAB, 48, 3, 1, 8n, 24n); // .symtab → .strtab, first global 1
  sh(3, 15, 3, 0n, 0n, STRTAB, strtab.length); // .strtab
  sh(4, 23, 3, 0n, 0n, SHSTR, shstr.length); // .shstrtab
  return buf;
}

test.serial('run --target sim: the demo guest to power-off, exit 0; console on stdout, tracer lines on stderr', async (t) => {
  t.timeout(120_000);
  const r = await hvdbg(['run', '--target', 'sim', '--guest', DEMO, '--tracer', 'gpio=2', '--tracer', 'aic'], 90_000);
  t.is(r.code, 0, transcript(r));
  // examples/guest/README.md "Console output (8 CPUs)".
  t.regex(r.stdout, /^hvdbg demo guest: cpu0 at EL1, MPIDR 80000000, boot_args 0x[0-9a-f]+\r?$/m, transcript(r));
  t.regex(r.stdout, /^cpu0: took software IRQ 848 \(EVENT 0x10350\)\r?$/m);
  t.regex(r.stdout, /^cpu7: hello from MPIDR 80010103 \(P-core 3 of cluster 1\)\r?$/m);
  t.regex(r.stdout, /^smp: 7 secondary CPU\(s\) running\r?$/m);
  t.regex(r.stdout, /^gpio: toggled pins 11 and 12 4 times \(read back: pin 11 config 3\)\r?$/m);
  t.regex(r.stdout, /^demo: done\r?$/m);
  t.false(r.stdout.includes('[aic]') || r.stdout.includes('run: '), 'stdout is the guest console only');
  t.regex(r.stderr, /^\[gpio\] Pin-11 +W 0x3 \(.*MODE=1, DATA=1\) $/m);
  t.regex(r.stderr, /^\[aic\] cpu0 took IRQ 848$/m);
  t.regex(r.stderr, /^\[aic\] cpu3 took IPI OTHER$/m);
  t.regex(r.stderr, /^run: upload PT_LOAD 0: \d+\/\d+ bytes \(100%\)$/m, 'upload progress');
  t.regex(r.stderr, /^run: the guest powered off with status 0$/m);
});

test.serial('run --timeout 1 on a guest that never powers off: stopped, exit 3, each CPU named with its PC and symbol', async (t) => {
  t.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-run-'));
  const elf = join(dir, 'spin.elf');
  writeFileSync(elf, spinElf());
  const r = await hvdbg(['run', '--target', 'sim', '--guest', elf, '--timeout', '1', '--quiet'], 60_000);
  t.is(r.code, 3, transcript(r));
  t.regex(r.stderr, /--timeout 1 s passed; the guest was stopped/, transcript(r));
  t.regex(r.stderr, /^run: {3}cpu0 at PC 0x81000000[04] <spin(\+0x4)?>$/m, transcript(r));
});

test.serial('run: tracer commands on stdin while the guest runs (plugins, verbosity, an unknown one)', async (t) => {
  t.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-run-'));
  const elf = join(dir, 'spin.elf');
  writeFileSync(elf, spinElf());
  const r = await hvdbg(['run', '--target', 'sim', '--guest', elf, '--timeout', '3', '--quiet', '--tracer', 'gpio'], 60_000, 'plugins\nverbosity gpio 2\nbogus\n');
  t.is(r.code, 3, transcript(r));
  t.regex(r.stderr, /gpio/, transcript(r));
  t.regex(r.stderr, /gpio verbosity 2/, transcript(r));
  t.regex(r.stderr, /unknown plugin command 'bogus'/, transcript(r));
});

test('run with a guest path that does not exist: exit 1 with a hint, nothing started', async (t) => {
  const r = await hvdbg(['run', '--target', 'sim', '--guest', 'no/such/guest.elf']);
  t.is(r.code, 1, transcript(r));
  t.regex(r.stderr, /cannot read the guest no\/such\/guest\.elf: no such file/);
  t.regex(r.stderr, /hint: .*examples\/guest\/build\/demo\.elf/);
  t.false(r.stderr.includes('starting the virtual M1'), 'the file is checked before any target is touched');
});

test('run with a file that is not a guest image: exit 1 naming what it is not', async (t) => {
  const r = await hvdbg(['run', '--target', 'sim', '--guest', 'package.json']);
  t.is(r.code, 1, transcript(r));
  t.regex(r.stderr, /package\.json is not a guest hvdbg can load/);
  t.regex(r.stderr, /hint: /);
});

test('run without --guest, or with a bad --timeout: usage, exit 2', async (t) => {
  const noGuest = await hvdbg(['run', '--target', 'sim']);
  t.is(noGuest.code, 2, transcript(noGuest));
  t.regex(noGuest.stderr, /--guest is required/);
  t.regex(noGuest.stderr, /usage: hvdbg run/);
  const badTimeout = await hvdbg(['run', '--target', 'sim', '--guest', DEMO, '--timeout', 'soon']);
  t.is(badTimeout.code, 2, transcript(badTimeout));
  t.regex(badTimeout.stderr, /--timeout must be a positive number of seconds/);
});

test('run with an unreachable target: exit 1 with a hint', async (t) => {
  const r = await hvdbg(['run', '--target', 'tcp:127.0.0.1:1', '--guest', DEMO, '--quiet']);
  t.is(r.code, 1, transcript(r));
  t.regex(r.stderr, /cannot connect to tcp 127\.0\.0\.1:1/);
  t.regex(r.stderr, /hint: /);
});

test.serial('start: the demo guest on a virtual M1 with the GPIO and AIC tracers, saying where the machine listens', async (t) => {
  t.timeout(120_000);
  const r = await hvdbg(['start', '--quiet'], 90_000);
  t.is(r.code, 0, transcript(r));
  t.regex(r.stderr, /^hvdbg start: the virtual M1 listens on \/dev\/pts\/\d+ .*tcp:127\.0\.0\.1:\d+.*guest console \(vuart\) on \/dev\/pts\/\d+$/m, transcript(r));
  t.regex(r.stdout, /^demo: done\r?$/m);
  t.regex(r.stderr, /^\[gpio\] Pin-12 +W 0x2 \(.*MODE=1, DATA=0\) $/m);
  t.regex(r.stderr, /^\[aic\] cpu0 took IPI SELF$/m);
});

// `hvdbg run` as a user runs it: the real CLI starting its own virtual M1 (`--target sim`), the
// demo guest to its power-off hypercall (console lines from examples/guest/README.md), tracer
// lines on stderr, --timeout on a guest that never powers off, and the answers to mistakes
// (exit 2 for usage, 1 with a hint for a bad guest file).
//
// The never-ending guest is spin-elf.ts's `spin: nop; b spin`, with a symbol so the timeout
// report can name it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { hvdbg, transcript } from './helpers.ts';
import { spinElf } from '../helpers/tiny-elf.ts';

const DEMO = 'examples/guest/build/demo.elf';

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
  t.regex(r.stderr, /^run: {3}cpu0 at PC 0x81000000[04] <spin\+[04]>$/m, transcript(r));
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
  t.regex(r.stderr, /^error: unknown command 'bogus' \('help' lists the commands\)$/m, transcript(r));
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

test.serial('start --once: the demo guest on a virtual M1 with the GPIO and AIC tracers, saying where the machine listens, to its power-off', async (t) => {
  t.timeout(120_000);
  const r = await hvdbg(['start', '--once', '--quiet'], 90_000);
  t.is(r.code, 0, transcript(r));
  t.regex(r.stderr, /^hvdbg start: the virtual M1 listens on \/dev\/pts\/\d+ .*tcp:127\.0\.0\.1:\d+.*guest console \(vuart\) on \/dev\/pts\/\d+$/m, transcript(r));
  t.regex(r.stdout, /^demo: done\r?$/m);
  t.regex(r.stderr, /^\[gpio\] Pin-12 +W 0x2 \(.*MODE=1, DATA=0\) $/m);
  t.regex(r.stderr, /^\[aic\] cpu0 took IPI SELF$/m);
});

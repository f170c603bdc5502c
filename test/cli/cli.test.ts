// The `hvdbg` command as a user runs it: a real `hvdbg sim` process in the background, real
// `hvdbg linktest` processes against its pty and its TCP port, and the command's answers to
// mistakes (exit 2 for usage errors, exit 1 with a message and a hint for failures).
import test from 'ava';
import { MiB } from '../helpers/bytes.ts';
import { hvdbg, startSim, transcript } from './helpers.ts';

/** The numbers in `… ×COUNT:   12,345/s` lines; undefined if the line is missing. */
function rate(stdout: string, label: RegExp): number | undefined {
  const m = new RegExp(`^round trips\\s+${label.source}:\\s+([\\d,.]+)/s`, 'm').exec(stdout);
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
}

test.serial('cli: hvdbg sim, then hvdbg linktest over its pty (text) and its TCP port (--json)', async (t) => {
  const sim = await startSim(t, ['--pty', '--listen', 'tcp:127.0.0.1:0', '--quiet']);
  t.regex(sim.pty, /^\/dev\/pts\/\d+$/);
  t.regex(sim.tcp, /^tcp:127\.0\.0\.1:\d+$/);
  // The second CDC-ACM function of each USB device carries the virtual UART (spec §1.2, §11).
  t.regex(sim.vuartPty, /^\/dev\/pts\/\d+$/);
  t.not(sim.vuartPty, sim.pty);
  t.regex(sim.vuartTcp, /^tcp:127\.0\.0\.1:\d+$/);
  t.not(sim.vuartTcp, sim.tcp);
  const common = ['--size', '1M', '--round-trips', '200', '--pipelined', '2000'];

  const overPty = await hvdbg(['linktest', '--target', sim.pty, ...common]);
  const out = overPty.stdout;
  t.is(overPty.code, 0, transcript(overPty));
  t.true(out.includes(`link: serial ${sim.pty}`), transcript(overPty));
  t.regex(out, /chip id 0x8103, proxy on iodev 4\b/, 'the pty is the machine\'s first USB channel');
  for (const [what, label] of [
    ['P_NOP one at a time', /P_NOP\s+one at a time ×200/],
    ['P_READ32 one at a time', /P_READ32\s+one at a time ×200/],
    ['P_READ32 pipelined', /P_READ32\s+\d+ in flight ×2000/],
  ] as const) {
    const perSecond = rate(out, label);
    t.true(perSecond !== undefined && perSecond > 0, `${what}: a positive rate (${perSecond})\n${transcript(overPty)}`);
  }
  t.regex(out, /^bulk 1 MiB, data checksums on :.*data verified$/m);
  t.regex(out, /^bulk 1 MiB, data checksums off:.*data verified$/m);
  t.is(out.match(/data verified/g)?.length, 2);
  t.false(out.includes('MISMATCH'));

  const overTcp = await hvdbg(['linktest', '--target', sim.tcp, ...common, '--json']);
  t.is(overTcp.code, 0, transcript(overTcp));
  const report = JSON.parse(overTcp.stdout) as {
    target: string;
    chipId: number;
    iodev: number;
    checksumsCanBeDisabled: boolean;
    scratchAddress: string;
    roundTrips: Array<{ op: string; count: number; perSecond: number }>;
    pipelined: { count: number; perSecond: number };
    bulk: Array<{ dataChecksums: boolean; sizeBytes: number; uploadMiBps: number; downloadMiBps: number; verified: boolean }>;
  };
  t.regex(report.target, /^tcp 127\.0\.0\.1:\d+$/);
  t.is(report.chipId, 0x8103);
  t.is(report.iodev, 5, 'TCP is the machine\'s second USB channel');
  t.true(report.checksumsCanBeDisabled);
  t.regex(report.scratchAddress, /^0x[0-9a-f]+$/, 'addresses are printed as hex strings');
  t.deepEqual(
    report.roundTrips.map((r) => [r.op, r.count]),
    [
      ['P_NOP', 200],
      ['P_READ32', 200],
    ],
  );
  t.true(report.roundTrips.every((r) => r.perSecond > 0));
  t.is(report.pipelined.count, 2000);
  t.true(report.pipelined.perSecond > 0);
  t.deepEqual(
    report.bulk.map((b) => [b.dataChecksums, b.sizeBytes, b.verified]),
    [
      [true, MiB, true],
      [false, MiB, true],
    ],
  );
  t.true(report.bulk.every((b) => b.uploadMiBps > 0 && b.downloadMiBps > 0));

  // Ctrl-C stops the simulator cleanly.
  const stopped = await sim.stop('SIGINT');
  t.deepEqual(stopped, { code: 0, signal: null }, sim.stderr());
});

test('cli: hvdbg with no command exits 2 and prints the usage', async (t) => {
  const r = await hvdbg([]);
  t.is(r.code, 2, transcript(r));
  t.regex(r.stdout, /^usage: hvdbg <command>/m);
  for (const command of ['linktest', 'sim']) t.regex(r.stdout, new RegExp(`^\\s+${command}\\s`, 'm'));
});

test('cli: an unknown command exits 2 naming it', async (t) => {
  const r = await hvdbg(['nosuch']);
  t.is(r.code, 2, transcript(r));
  t.regex(r.stderr, /unknown command 'nosuch'/);
  t.regex(r.stderr, /usage: hvdbg/);
});

test('cli: linktest without --target exits 2 saying so', async (t) => {
  const r = await hvdbg(['linktest']);
  t.is(r.code, 2, transcript(r));
  t.regex(r.stderr, /--target is required/);
  t.regex(r.stderr, /usage: hvdbg linktest --target TARGET/);
});

test('cli: sim with neither --pty nor --listen exits 2 saying so', async (t) => {
  const r = await hvdbg(['sim']);
  t.is(r.code, 2, transcript(r));
  t.regex(r.stderr, /--pty/);
  t.regex(r.stderr, /--listen/);
});

test('cli: linktest to a TCP port nobody listens on exits 1: refused, with a hint', async (t) => {
  const r = await hvdbg(['linktest', '--target', 'tcp:127.0.0.1:1']);
  t.is(r.code, 1, transcript(r));
  t.regex(r.stderr, /tcp 127\.0\.0\.1:1/);
  t.regex(r.stderr, /refused/i);
  t.regex(r.stderr, /hint: .*hvdbg sim --listen/);
  t.false(r.stderr.includes('internal error'), transcript(r));
  t.false(/^\s+at /m.test(r.stderr), 'no stack trace');
});

test('cli: linktest on a device path that does not exist exits 1 naming it, with a hint', async (t) => {
  const r = await hvdbg(['linktest', '--target', '/dev/does-not-exist']);
  t.is(r.code, 1, transcript(r));
  t.regex(r.stderr, /\/dev\/does-not-exist/);
  t.regex(r.stderr, /no such file/i);
  t.regex(r.stderr, /hint: /);
  t.false(r.stderr.includes('internal error'), transcript(r));
});

test('cli: a TCP address without tcp: is refused with the corrected spelling', async (t) => {
  const r = await hvdbg(['linktest', '--target', '127.0.0.1:9000']);
  t.is(r.code, 1, transcript(r));
  t.regex(r.stderr, /hint: write tcp:127\.0\.0\.1:9000/);
});

test('cli: an unknown option is a usage error: exit 2 naming it, no "internal error"', async (t) => {
  for (const args of [
    ['linktest', '--sizee', '1M', '--target', 'tcp:127.0.0.1:1'],
    ['sim', '--pty', '--bogus'],
  ]) {
    const r = await hvdbg(args);
    t.is(r.code, 2, transcript(r));
    t.regex(r.stderr, /--(sizee|bogus)/);
    t.false(r.stderr.includes('internal error'), transcript(r));
  }
});

// A target nobody listens on shows the values are checked before connecting.
test('cli: bad linktest option values are refused before connecting: exit 2 naming the option', async (t) => {
  for (const [option, value] of [
    ['--size', '12Q'],
    ['--round-trips', 'abc'],
    ['--pipelined', '-5'],
    ['--in-flight', '0'],
  ] as const) {
    const r = await hvdbg(['linktest', '--target', 'tcp:127.0.0.1:1', `${option}=${value}`]);
    t.is(r.code, 2, `${option} ${value}\n${transcript(r)}`);
    t.true(r.stderr.includes(option), `${option} ${value}: the message names the option\n${transcript(r)}`);
    t.false(r.stderr.includes('internal error'), transcript(r));
  }
});

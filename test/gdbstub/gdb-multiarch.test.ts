// Real gdb-multiarch, in batch mode, against the stub serving the fixture target over TCP.
// `set debug remote 1` makes gdb log every packet it sends on stderr, so the tests check both
// what gdb shows the user and what it asked the stub for.
//
// The same tests against the demo guest on the virtual M1 come with core/session: swap
// FixtureTarget for the session adapter (a GdbTarget over core/session) and keep the commands.
import { execFile, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { testWithTool, which } from '../helpers/external-tool.ts';
import { GdbServer } from '../../gdbstub/server.ts';
import { FixtureTarget, MEM_BASE, type FixtureOptions } from './fixture-target.ts';

const gdbTest = testWithTool([{ names: ['gdb-multiarch'], debianPackage: 'gdb-multiarch' }]);

interface GdbRun {
  stdout: string;
  stderr: string;
  /** Packets gdb sent, bodies only, in order. */
  sent: string[];
}

/** Runs gdb in batch mode; `meanwhile` gets the process (e.g. to press Ctrl-C: SIGINT). */
function runGdb(port: number, commands: readonly string[], meanwhile?: (gdb: ChildProcess) => void): Promise<GdbRun> {
  const gdb = which(['gdb-multiarch'])!;
  const args = ['-batch', '-nx', '-ex', 'set debug remote 1', '-ex', 'set architecture aarch64', '-ex', `target remote 127.0.0.1:${port}`];
  for (const c of commands) args.push('-ex', c);
  return new Promise((resolve, reject) => {
    const child = execFile(gdb, args, { timeout: 40_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err !== null && err.killed) return reject(new Error(`gdb timed out\n${stdout}\n${stderr.slice(-3000)}`));
      const sent = [...stderr.matchAll(/Sending packet: \$(.*)#[0-9a-f]{2}/g)].map((m) => m[1]!);
      resolve({ stdout, stderr, sent });
    });
    meanwhile?.(child);
  });
}

async function serve(options: FixtureOptions = {}): Promise<{ target: FixtureTarget; server: GdbServer; port: number }> {
  const target = new FixtureTarget(options);
  for (let i = 0; i < 0x100; i++) target.memory[i] = i;
  const server = new GdbServer(target);
  const { port } = await server.listen('127.0.0.1', 0);
  return { target, server, port };
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

gdbTest('gdb: registers (core, FP, system), memory, threads, monitor, detach', async (t) => {
  const { target, server, port } = await serve();
  const run = await runGdb(port, [
    'info registers',
    'p $x0',
    'set $x1 = 5',
    'p $x1',
    'p $v0',
    `x/4xw ${hex(MEM_BASE)}`,
    `set {int}${hex(MEM_BASE + 0x10n)} = 0x11223344`,
    `x/1xw ${hex(MEM_BASE + 0x10n)}`,
    'info threads',
    'thread 2',
    'p/x $x0',
    'p/x $sctlr_el1',
    'p $cpsr',
    'monitor help',
    'detach',
  ]);
  t.log(run.stdout);
  const out = run.stdout;
  t.regex(out, /^x0 +0x100 +256$/m);
  t.regex(out, /^pc +0x40000100 +0x40000100$/m);
  t.regex(out, /^cpsr +0x3c5 +\[ SP EL=1 F I A D BTYPE=0 \]$/m);
  t.regex(out, /^sctlr_el1 +0x30d00800 /m, 'system registers are in info registers');
  t.regex(out, /^mpidr_el1 +0x80000000 /m);
  t.regex(out, /^\$1 = 256$/m);
  t.regex(out, /^\$2 = 5$/m);
  t.is(target.regs.get(1)!.get('x1'), 5n);
  t.regex(out, /^\$3 = \{d = \{f = \{0, 0\}/m, 'v0 has the aarch64 vector union');
  t.regex(out, /0x40000000:\s+0x03020100\s+0x07060504\s+0x0b0a0908\s+0x0f0e0d0c/);
  t.deepEqual([...target.memory.subarray(0x10, 0x14)], [0x44, 0x33, 0x22, 0x11]);
  t.regex(out, /0x40000010:\s+0x11223344/);
  t.regex(out, /\* 1 +Thread 1 "cpu0" \(MPIDR 0x80000000, cluster 0 \(e\)\)/);
  t.regex(out, / {2}4 +Thread 4 "cpu3" \(MPIDR 0x80000101, cluster 1 \(p\)\)/);
  t.regex(out, /\[Switching to thread 2 \(Thread 2\)\]/);
  t.regex(out, /^\$4 = 0x200$/m, 'x0 of CPU 2');
  t.regex(out, /^\$5 = 0x30d00800$/m);
  t.regex(out, /^\$6 = \[ SP EL=1 F I A D BTYPE=0 \]$/m);
  t.regex(run.stdout + run.stderr, /fixture monitor commands:\n {2}help/, 'gdb prints monitor output on its stderr');
  t.regex(out, /\[Inferior 1 \(Remote target\) detached\]/);
  t.true(run.sent.includes('QStartNoAckMode'));
  t.true(run.sent.includes('qXfer:features:read:hvdbg-sysregs.xml:0,1000'));
  t.true(run.sent.includes(`P1=${'05'.padEnd(16, '0')}`));
  t.true(run.sent.includes('Hg2'));
  t.true(run.sent.includes('D'));
  t.true(target.calls.includes('detach'));
  await server.close();
});

gdbTest('gdb: break / hbreak / watch insert and remove packets, stops, stepi', async (t) => {
  const { target, server, port } = await serve();
  const bp = MEM_BASE + 0x200n;
  const hb = MEM_BASE + 0x300n;
  const wp = MEM_BASE + 0x400n;
  const run = await runGdb(port, [
    `break *${hex(bp)}`,
    `hbreak *${hex(hb)}`,
    `watch *(int*)${hex(wp)}`,
    'continue',
    'continue',
    'continue',
    'stepi',
    'p/x $pc',
    'delete',
    'detach',
  ]);
  t.log(run.stdout);
  const out = run.stdout;
  const h = (n: bigint) => n.toString(16);
  for (const p of [`Z0,${h(bp)},4`, `Z1,${h(hb)},4`, `Z2,${h(wp)},4`, `z0,${h(bp)},4`, `z1,${h(hb)},4`, `z2,${h(wp)},4`]) t.true(run.sent.includes(p), p);
  t.regex(out, /Thread 1 "cpu0" hit Breakpoint 1, 0x0000000040000200 in \?\? \(\)/);
  t.regex(out, /Thread 1 "cpu0" hit Breakpoint 2, 0x0000000040000300 in \?\? \(\)/);
  t.regex(out, /Hardware watchpoint 3: \*\(int\*\)0x40000400\s+Old value = 0\s+New value = 1/);
  t.true(run.sent.some((p) => p.startsWith('vCont;s:1')), 'stepi and stepping over a breakpoint use vCont;s');
  // Past the hbreak gdb steps over it (0x304); an AArch64 watchpoint fires before the write
  // completes, so gdb steps once more to see the new value (0x308); then our stepi (0x30c).
  t.regex(out, /^\$1 = 0x4000030c$/m);
  // The stop reply's expedited pc/sp/fp/lr/cpsr are all gdb needs after a stepi: no g, no p.
  const afterStepi = run.sent.slice(run.sent.lastIndexOf('vCont;s:1') + 1, run.sent.indexOf('D'));
  t.false(afterStepi.some((p) => p === 'g' || p.startsWith('p')), afterStepi.join(' '));
  t.deepEqual(target.breakpoints, []);
  t.deepEqual(target.watchpoints, []);
  await server.close();
});

gdbTest('gdb: no free hardware breakpoint slot is an error gdb reports', async (t) => {
  const { server, port } = await serve({ capacity: { hardwareBreakpoints: 1, watchpoints: 1 } });
  const run = await runGdb(port, [`hbreak *${hex(MEM_BASE + 0x300n)}`, `hbreak *${hex(MEM_BASE + 0x304n)}`, 'continue', 'detach']);
  t.log(run.stdout, run.stderr.split('\n').filter((l) => !l.includes('[remote]')).join('\n'));
  t.true(run.sent.includes('Z1,40000304,4'));
  t.regex(run.stdout + run.stderr, /Cannot insert hardware breakpoint 2\.\s+Could not insert hardware breakpoints:/);
  await server.close();
});

gdbTest('gdb: Ctrl-C (interrupt) stops a running guest', async (t) => {
  const { target, server, port } = await serve();
  // Ctrl-C at gdb's terminal is a SIGINT to gdb, which sends 0x03 to the stub.
  const pressCtrlC = async (gdb: ChildProcess) => {
    while (target.threadState(1).state !== 'running') await new Promise((r) => setTimeout(r, 10));
    gdb.kill('SIGINT');
  };
  const run = await runGdb(port, ['continue', 'p/x $pc', 'detach'], (gdb) => void pressCtrlC(gdb));
  t.log(run.stdout);
  t.true(target.calls.includes('interrupt'));
  t.regex(run.stdout, /Thread 1 "cpu0" received signal SIGINT, Interrupt\./);
  await server.close();
});

gdbTest('gdb: a second gdb is refused with a clear message while one is attached', async (t) => {
  const { server, port } = await serve();
  const first = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => first.once('connect', () => resolve()));
  while (server.connection === undefined) await new Promise((r) => setImmediate(r));
  const run = await runGdb(port, ['info registers']);
  t.regex(run.stdout + run.stderr, /another gdb is already attached to this stub/);
  first.destroy();
  await server.close();
});

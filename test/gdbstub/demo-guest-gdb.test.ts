// Real gdb-multiarch, in batch mode, debugging the demo guest on the virtual M1 (8 CPUs, over a
// real pty) through the product adapter: core/hv Hypervisor → DebugSession → sessionTarget →
// GdbServer on a free port, all in this process, as `hvdbg run --gdb … --gdb-wait` wires them.
// The guest is held at its entry (startHeld) so gdb attaches before any of it has run; then a
// watchpoint on demo_counter, a breakpoint on visit_leaf with a backtrace and source lines, an
// instruction step, registers, disassembly, threads (CPUs), a monitor command, a variable written
// so the guest takes its detour, and a detach after which the guest runs on to power-off.
// Then the same wiring as a user meets it: `hvdbg run --target sim … --gdb 0 --gdb-wait`, gdb
// attached with the command line it printed.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { hvdbg, REPO_ROOT, transcript } from '../cli/helpers.ts';
import { testWithTool, which } from '../helpers/external-tool.ts';
import { GdbServer } from '../../gdbstub/server.ts';
import { guestEntryAddress, sessionTarget, startHeld } from '../../gdbstub/session-target.ts';
import { consoleShows, DEMO_GUEST, demoSession } from '../session/helpers.ts';

const gdbTest = testWithTool([{ names: ['gdb-multiarch'], debianPackage: 'gdb-multiarch' }]);

/** Runs gdb in batch mode on the demo ELF (for symbols and DWARF) against the stub. */
function runGdb(port: number, commands: readonly string[], elf = DEMO_GUEST): Promise<{ stdout: string; stderr: string }> {
  const gdb = which(['gdb-multiarch'])!;
  // The virtual M1 shares a busy machine: a packet may take seconds to answer (a CPU switch,
  // §9.6), so gdb's 2 s remote timeout is raised.
  const args = ['-batch', '-nx', '-ex', 'set remotetimeout 120', '-ex', 'set pagination off', '-ex', 'set confirm off', '-ex', `target remote 127.0.0.1:${port}`];
  for (const c of commands) args.push('-ex', c);
  args.push(elf);
  return new Promise((resolve, reject) => {
    execFile(gdb, args, { cwd: REPO_ROOT, timeout: 600_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err !== null && err.killed) return reject(new Error(`gdb timed out\n${stdout}\n${stderr.slice(-3000)}`));
      resolve({ stdout, stderr });
    });
  });
}

gdbTest('gdb on the demo guest: watch, break + bt with source lines, stepi, registers, x/i, threads, monitor, set var, detach to power-off', async (t) => {
  t.timeout(900_000);
  const rig = await demoSession(t);
  const { session, hv } = rig;
  const logLines: string[] = [];
  const server = new GdbServer(sessionTarget(session, { log: (l) => logLines.push(l) }), { stopTimeoutMs: 180_000, log: (l) => logLines.push(l) });
  t.teardown(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  t.is(server.gdbCommand(DEMO_GUEST), `gdb-multiarch -q -ex 'target remote 127.0.0.1:${port}' ${DEMO_GUEST}`);

  const entry = guestEntryAddress(hv);
  const { stop, exited } = await startHeld(session, entry);
  t.like(stop, { cpu: 0, pc: entry });
  t.is(session.breakpoints().breakpoints.length, 0, 'the entry breakpoint is out again');
  const sym = (n: string) => session.symbols.resolve(n);
  const hex = (v: bigint) => `0x${v.toString(16)}`;

  const run = await runGdb(port, [
    'p/x $pc',
    'watch demo_counter',
    'continue',
    'delete',
    'break visit_leaf',
    'continue',
    'bt',
    'p/x $pc',
    'stepi',
    'p/x $pc',
    'info registers',
    'x/8i $pc',
    'info threads',
    'thread 2',
    'p/x $mpidr_el1',
    'thread 1',
    'monitor cpus',
    'set var demo_flag = 5',
    'delete',
    'break take_detour',
    'continue',
    'delete',
    'detach',
  ]);
  const out = run.stdout;
  const all = `${run.stdout}\n${run.stderr}`;
  t.log(out);
  t.log(run.stderr.slice(-4000));
  if (logLines.length > 0) t.log(`stub log:\n${logLines.join('\n')}`);

  // Attached at the entry: nothing of the guest has run yet.
  t.regex(out, new RegExp(`^\\$1 = ${hex(entry)}$`, 'm'), 'gdb attached with CPU 0 at the entry');

  // watch demo_counter: a hardware watchpoint stops on count_up's first write.
  t.regex(out, /Hardware watchpoint 1: demo_counter/);
  t.regex(out, /Hardware watchpoint 1: demo_counter\s+Old value = 0\s+New value = 1/, 'stopped on the write, old and new value');
  t.regex(out, /count_up \(times=(?:times@entry=)?\d+\) at [^\n]*debug-demo\.c:\d+/, 'in count_up, with its source line');

  // break visit_leaf + bt: four tree_walk frames with source lines.
  t.regex(out, /Breakpoint 2 at 0x[0-9a-f]+: file [^\n]*debug-demo\.c, line \d+\./);
  t.regex(out, /Thread 1 "cpu0" hit Breakpoint 2, visit_leaf \(n=(?:n@entry=)?0x[0-9a-f]+ <leaf_\w+>, depth=\d\) at [^\n]*debug-demo\.c:\d+/);
  const frames = [...out.matchAll(/^#(\d+) +(?:0x[0-9a-f]+ in )?(\w+) \(.*\) at ([^\n]*):(\d+)$/gm)].map((m) => ({ n: Number(m[1]), fn: m[2]!, file: m[3]!, line: Number(m[4]) }));
  t.deepEqual(
    frames.slice(0, 7).map((f) => f.fn),
    ['visit_leaf', 'tree_walk', 'tree_walk', 'tree_walk', 'tree_walk', 'run_debug_demo', 'main'],
  );
  t.true(frames.filter((f) => f.fn === 'tree_walk').every((f) => f.file.endsWith('debug-demo.c') && f.line > 0), 'tree_walk frames carry debug-demo.c:line');

  // stepi advances by one instruction (visit_leaf starts with `stp x29, x30, [sp, #-32]!`).
  const leaf = sym('visit_leaf');
  t.regex(out, new RegExp(`^\\$2 = ${hex(leaf)}$`, 'm'));
  t.regex(out, new RegExp(`^\\$3 = ${hex(leaf + 4n)}$`, 'm'), 'stepi moved the PC to the next instruction');

  // info registers, with the EL1 system registers.
  t.regex(out, /^x0 +0x[0-9a-f]+ +\d+$/m);
  t.regex(out, new RegExp(`^pc +${hex(leaf + 4n)} +${hex(leaf + 4n)} <visit_leaf\\+4>$`, 'm'));
  t.regex(out, /^cpsr +0x[0-9a-f]+ +\[ .*EL=1.* \]$/m, 'the guest runs at EL1');
  t.regex(out, /^sctlr_el1 +0x[0-9a-f]+ /m);

  // x/8i $pc: eight instructions, the first at the PC.
  const insns = [...out.matchAll(/^(?:=> )? *0x[0-9a-f]+ <visit_leaf\+\d+>:\t\S/gm)];
  t.true(insns.length >= 8, `x/8i shows 8 instructions (saw ${insns.length})`);
  t.regex(out, new RegExp(`^=> ${hex(leaf + 4n)} <visit_leaf\\+4>:`, 'm'));

  // info threads: the 8 CPUs; thread 2 is CPU 1 (MPIDR Aff0 = 1).
  for (let cpu = 0; cpu < 8; cpu++) t.regex(out, new RegExp(`^[* ] +${cpu + 1} +Thread ${cpu + 1} "cpu${cpu}" \\(MPIDR 0x[0-9a-f]+`, 'm'), `thread ${cpu + 1} is cpu${cpu}`);
  t.regex(out, /\[Switching to thread 2 \(Thread 2\)\]/);
  t.regex(out, /^\$4 = 0x80000001$/m, 'CPU 1 reads its own MPIDR');

  // monitor cpus (gdb prints monitor output on stderr or stdout depending on version).
  t.regex(all, /^[* ] cpu0 +thread 1 +MPIDR 0x80000000 +cluster 0 +core 0 +stopped \(\w+\)$/m);
  t.regex(all, /^[* ] cpu7 +thread 8 +MPIDR 0x80000103 +cluster 1 +core 3 +stopped \(held\)$/m);

  // set var demo_flag = 5: the guest takes the detour with it.
  t.regex(out, /Breakpoint 3, take_detour \(flag=5\) at [^\n]*debug-demo\.c:\d+/);
  t.regex(out, /\[Inferior 1 \(Remote target\) detached\]/);

  // After detach the guest runs on, to power-off, on its own.
  t.true(await consoleShows(rig, /demo_flag = 5: a debugger changed my path/), 'the guest console shows the detour');
  const exit = await exited;
  t.is(exit.status, 0n, 'the guest powered off with status 0');
  t.regex(rig.console(), /demo: summary: .* 1 detour\(s\), 0 failure\(s\)/);
  t.is(session.breakpoints().breakpoints.length + session.breakpoints().watchpoints.length, 0, 'gdb left nothing behind');
});

test('hvdbg run: --gdb takes [HOST:]PORT; --gdb-wait needs --gdb (usage errors, exit 2)', async (t) => {
  const bad = await hvdbg(['run', '--target', 'sim', '--guest', DEMO_GUEST, '--gdb', 'localhost:port']);
  t.is(bad.code, 2, transcript(bad));
  t.regex(bad.stderr, /--gdb takes \[HOST:\]PORT/);
  const lonely = await hvdbg(['run', '--target', 'sim', '--guest', DEMO_GUEST, '--gdb-wait']);
  t.is(lonely.code, 2, transcript(lonely));
  t.regex(lonely.stderr, /--gdb-wait needs --gdb/);
});

gdbTest('hvdbg run --target sim --gdb 0 --gdb-wait: gdb attaches with the printed command, breaks on fib, detaches; the guest powers off (exit 0)', async (t) => {
  t.timeout(600_000);
  const guest = 'examples/guest/build/demo.elf';
  const child = spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'run', '--target', 'sim', '--guest', guest, '--tracer', 'gpio=0', '--gdb', '0', '--gdb-wait'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const attachLine = new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // The command is printed first; the guest is held once the --gdb-wait line comes.
      const m = /^ {2}(gdb-multiarch .*)$/m.exec(stderr);
      if (m && /--gdb-wait: the guest is held at its entry/.test(stderr)) resolve(m[1]!);
    });
    child.once('close', (code) => reject(new Error(`hvdbg run ended (exit ${code}) before the stub was ready\n${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const command = await attachLine;
  const m = /^gdb-multiarch -q -ex 'directory (\S+)' -ex 'target remote 127\.0\.0\.1:(\d+)' (\S+)$/.exec(command);
  t.truthy(m, command);
  t.is(m![3], guest, 'the command names the guest ELF for symbols');
  // The guest's DWARF names /hvdbg/examples/guest (a reproducible build): the sources are here.
  t.is(m![1], join(REPO_ROOT, 'examples/guest'), 'and where its sources are');
  const run = await runGdb(Number(m![2]), [`directory ${m![1]}`, 'p/x $pc', 'break fib', 'continue', 'p $x0', 'monitor tracers', 'monitor verbosity gpio 1', 'monitor tracers', 'delete', 'detach'], m![3]);
  t.log(run.stdout);
  t.regex(run.stdout, /^\$1 = 0x810000000$/m, 'held at the entry');
  t.regex(run.stdout, /Thread 1 "cpu0" hit Breakpoint 1, fib \(n=(?:n@entry=)?12\) at src\/debug-demo\.c:(\d+)\n\1\t\S/, 'the stop shows its source line');
  t.regex(run.stdout, /^\$2 = 12$/m);
  t.regex(`${run.stdout}${run.stderr}`, /^gpio \(verbosity 0\)$/m, 'monitor tracers lists the loaded tracer');
  t.regex(`${run.stdout}${run.stderr}`, /^gpio \(verbosity 1\)$/m, 'monitor verbosity changed it (issue 8: tracer commands from gdb)');
  t.regex(run.stdout, /\[Inferior 1 \(Remote target\) detached\]/);
  t.is(await exited, 0, stderr);
  t.regex(stderr, /run: gdb connected/);
  t.regex(stdout, /demo: summary: .* 0 failure\(s\)/);
});

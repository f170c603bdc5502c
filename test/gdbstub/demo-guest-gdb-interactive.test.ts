// Real gdb-multiarch driven as at a terminal (commands on its stdin, Ctrl-C as a SIGINT to gdb)
// against the demo guest on the virtual M1 (8 CPUs, over a real pty) through the product adapter,
// wired as `hvdbg run --gdb … --gdb-wait` does: what demo-guest-gdb.test.ts cannot do in -batch.
//  - Ctrl-C on a running guest: count_up's loop bound is written (4e9) so the guest is certainly
//    still running when Ctrl-C comes; gdb reports the SIGINT stop inside count_up, `info threads`
//    and `bt` work; `continue &` + `interrupt` stops it again; the bound written back to 0,
//    `finish` returns to run_debug_demo.
//  - `next` over the calls of run_debug_demo stays in it; over check_demo_flag() (demo_flag set)
//    it stops on the next source line as the DWARF line table has it (read with gdb's own
//    `info line`, not hvdbg's), and the callee's effect is there: demo_stats.detours is 1.
//  - then the guest runs to power-off: gdb sees it exit normally.
import { REPO_ROOT } from '../cli/helpers.ts';
import { testWithTool } from '../helpers/external-tool.ts';
import { GdbServer } from '../../gdbstub/server.ts';
import { guestEntryAddress, sessionTarget, startHeld } from '../../gdbstub/session-target.ts';
import type { GdbTarget } from '../../gdbstub/target.ts';
import { consoleShows, DEMO_GUEST, demoSession } from '../session/helpers.ts';
import { InteractiveGdb } from './interactive-gdb.ts';

const gdbTest = testWithTool([{ names: ['gdb-multiarch'], debianPackage: 'gdb-multiarch' }]);

/** `info line` as gdb prints it: `Line 86 of "src/debug-demo.c" starts at address 0x… <f+12> and ends at 0x… <f+20>.` */
const INFO_LINE = /Line (\d+) of "([^"]+)"\s+(?:starts at address|is at address) (0x[0-9a-f]+) <[^>]*>(?: and ends at (0x[0-9a-f]+))?/;

/** gdb's `info line WHERE`: the line and where its range of the line table ends. */
async function lineOf(gdb: InteractiveGdb, where: string): Promise<{ line: number; end: string | undefined }> {
  const out = await gdb.run(`info line ${where}`);
  const m = INFO_LINE.exec(out);
  if (m === null) throw new Error(`gdb's info line ${where} said: ${out}`);
  return { line: Number(m[1]), end: m[4] };
}

/** Waits (bounded) until `pred` holds. */
async function until(pred: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !pred(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The function names of a `bt`, innermost first. */
const backtrace = (out: string): string[] => [...out.matchAll(/^#\d+ +(?:0x[0-9a-f]+ in )?(\w+) \(/gm)].map((m) => m[1]!);

gdbTest('gdb at a terminal on the demo guest: next steps over a call to the next source line; Ctrl-C and interrupt stop the running guest', async (t) => {
  t.timeout(900_000);
  const rig = await demoSession(t);
  const { session, hv } = rig;
  const logLines: string[] = [];
  const inner = sessionTarget(session, { log: (l) => logLines.push(l) });
  let interrupts = 0;
  const target: GdbTarget = {
    ...inner,
    interrupt: () => {
      interrupts++;
      return inner.interrupt();
    },
  };
  const server = new GdbServer(target, { stopTimeoutMs: 180_000, log: (l) => logLines.push(l) });
  t.teardown(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  const { exited } = await startHeld(session, guestEntryAddress(hv));

  // The DWARF names the sources relative to the guest's build directory.
  const gdb = new InteractiveGdb(port, DEMO_GUEST, REPO_ROOT, [`directory ${REPO_ROOT}examples/guest`]);
  t.teardown(() => gdb.kill());
  /** count_up has the 4e9 bound: after a failure the guest must not be left to spin through it. */
  let spinning = false;
  try {
    // ---- make count_up run (almost) forever: write its loop bound ----
    const inCountUp = await gdb.run('break count_up', 'continue', 'p times', 'set var times = 4000000000', 'p times', 'delete');
    t.regex(inCountUp, /Breakpoint 1, count_up \(times=(?:times@entry=)?100\) at [^\n]*debug-demo\.c:\d+/);
    t.regex(inCountUp, /^\$1 = 100$/m);
    t.regex(inCountUp, /^\$2 = 4000000000$/m);
    spinning = true;

    // ---- Ctrl-C: SIGINT to gdb while it waits on `continue` ----
    const from = gdb.stdout.length;
    gdb.type('continue');
    await gdb.waitFor(/Continuing\.\n/, from, '"Continuing."');
    // gdb prints "Continuing." before it sends the resume, and forwards a SIGINT as 0x03 only once
    // it has (before that, Ctrl-C quits the command). A second Ctrl-C would make gdb offer to
    // disconnect, so there is exactly one, once the stub has the guest running.
    await until(() => target.threadState(1).state === 'running', 'the guest running after continue');
    gdb.pressCtrlC();
    await gdb.waitFor(/received signal SIGINT, Interrupt\./, from, 'the SIGINT stop after Ctrl-C');
    const afterCtrlC = await gdb.run('info threads', 'thread 1', 'p demo_counter > 100');
    const bt = await gdb.run('bt');
    t.log(gdb.since(from));
    t.regex(gdb.since(from), /Thread \d+ "cpu\d" received signal SIGINT, Interrupt\./);
    for (let cpu = 0; cpu < 8; cpu++) t.regex(afterCtrlC, new RegExp(`^[* ] +${cpu + 1} +Thread ${cpu + 1} "cpu${cpu}"`, 'm'), `info threads lists cpu${cpu}`);
    t.deepEqual(backtrace(bt).slice(0, 3), ['count_up', 'run_debug_demo', 'main'], 'bt: interrupted inside the loop count_up runs');
    t.regex(afterCtrlC, /^\$3 = 1$/m, 'the guest ran the loop past its old bound before the interrupt');
    t.true(interrupts >= 1, 'the stub passed the interrupt to the target');

    // ---- continue & + interrupt (gdb's background execution) ----
    const bgFrom = gdb.stdout.length;
    gdb.type('continue &');
    await gdb.waitFor(/Continuing\.\n/, bgFrom, '"Continuing." after continue &');
    await until(() => target.threadState(1).state === 'running', 'the guest running after continue &');
    const before = interrupts;
    gdb.type('interrupt');
    await gdb.waitFor(/received signal SIGINT, Interrupt\./, bgFrom, 'the stop after interrupt');
    await gdb.run('thread 1');
    const afterInterrupt = await gdb.run('bt 1');
    t.log(gdb.since(bgFrom));
    t.deepEqual(backtrace(afterInterrupt).slice(0, 1), ['count_up'], '`interrupt` stopped the guest in count_up again');
    t.is(interrupts, before + 1, '`interrupt` reached the target once');

    // ---- end the loop; finish back into run_debug_demo ----
    const finished = await gdb.run('set var times = 0', 'finish');
    spinning = false;
    t.log(finished);
    t.regex(finished, /Run till exit from #0 +(?:0x[0-9a-f]+ in )?count_up /);
    t.regex(finished, /^(?:0x[0-9a-f]+ in )?run_debug_demo \(\) at [^\n]*debug-demo\.c:\d+$/m, 'finish returned to run_debug_demo');

    // ---- next over the calls of run_debug_demo, up to check_demo_flag() ----
    let line = '';
    for (let i = 0; i < 12 && !/check_demo_flag\(\);/.test(line); i++) {
      const out = await gdb.run('next');
      const m = /^(\d+)\t(.*)$/m.exec(out);
      t.truthy(m, `next printed a source line of run_debug_demo (no new frame): ${out}`);
      t.notRegex(out, / at [^\n]*:\d+\n/, 'next stayed in run_debug_demo');
      line = m?.[2] ?? '';
    }
    t.regex(line, /check_demo_flag\(\);/, 'next reached the call to check_demo_flag');

    // ---- next over check_demo_flag(): the callee takes the detour demo_flag asks for ----
    const callLine = await lineOf(gdb, '*$pc');
    // The next line per the DWARF line table: follow its ranges from the call's line on.
    let nextLine = callLine;
    for (let i = 0, at = callLine.end; i < 16 && nextLine.line === callLine.line && at !== undefined; i++) {
      nextLine = await lineOf(gdb, `*${at}`);
      at = nextLine.end;
    }
    t.not(nextLine.line, callLine.line, 'the line table has a line after the call');
    t.regex(await gdb.run('set var demo_flag = 7', 'p demo_stats.detours'), /^\$\d+ = 0$/m, 'no detour taken yet');
    const stepped = await gdb.run('next', 'p demo_stats.detours', 'frame');
    t.log(stepped);
    t.regex(stepped, new RegExp(`^${nextLine.line}\t`, 'm'), `next stopped at line ${nextLine.line}, the next line per the DWARF`);
    t.regex(stepped, /^\$\d+ = 1$/m, 'check_demo_flag ran: take_detour counted a detour');
    t.regex(stepped, new RegExp(`^#0 +run_debug_demo \\(\\) at [^\\n]*debug-demo\\.c:${nextLine.line}$`, 'm'), 'still in run_debug_demo');
    t.true(await consoleShows(rig, /demo_flag = 7: a debugger changed my path/), 'the guest console shows the detour');

    // ---- let the guest run to power-off ----
    const endFrom = gdb.stdout.length;
    gdb.type('continue');
    await gdb.waitFor(/\[Inferior 1 \(Remote target\) exited (?:normally|with code \d+)\]/, endFrom, 'the guest exiting');
    t.regex(gdb.since(endFrom), /\[Inferior 1 \(Remote target\) exited normally\]/, 'power-off with status 0');
    await gdb.quit();
  } catch (err) {
    t.log(gdb.transcript());
    if (logLines.length > 0) t.log(`stub log:\n${logLines.join('\n')}`);
    if (spinning) {
      // The virtual M1 runs in this worker: 4e9 iterations would keep it busy for minutes after
      // the failure. gdb goes (the stub cleans up), then count_up's bound (w0) is set to 0.
      gdb.kill();
      await server.close();
      await session
        .interrupt(0)
        .then(() => session.writeRegisters(0, new Map([['x0', 0n]])))
        .catch(() => undefined);
    }
    throw err;
  }
  const exit = await exited;
  t.is(exit.status, 0n, 'the guest powered off with status 0');
  t.true(await consoleShows(rig, /demo: summary: .* 0 failure\(s\)/), 'the guest finished its demo');
});

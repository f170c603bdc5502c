// `hvdbg run`'s stdin commands as a user meets them: the real CLI (`--target sim`, its own
// virtual M1) with a piped stdin, one command at a time, each reply or stop line awaited before
// the next. The demo guest held at its entry (--wait): a watchpoint on demo_counter, a breakpoint
// on visit_leaf with its stop line, backtrace, registers, an instruction step, disassembly, a
// hardware breakpoint on fib, then delete and cont to power-off (exit 0). A guest that never
// ends (spin-elf.ts): commands refused while it runs, stop, cont, quit (exit 3, where each CPU
// was); one that faults (exit 1 once nobody can resume it). Bad input gets one error line and
// the next command still works.
//
// Golden facts come from the demo guest's ELF (symbols and sizes through core/formats/elf), its C
// source (where visit_leaf is) and the spin ELF's own layout — never from the console's code.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ElfFile } from '../../core/formats/elf/index.ts';
import { interactiveHvdbg, REPO_ROOT, transcript } from './helpers.ts';
import { FAULT_CODE, SPIN_LOAD, spinElfFile } from '../helpers/tiny-elf.ts';

const DEMO = 'examples/guest/build/demo.elf';
const elf = ElfFile.parse(readFileSync(new URL(DEMO, `file://${REPO_ROOT}`)));
const sym = (name: string) => elf.requireSymbol(name);
const hex = (v: bigint) => `0x${v.toString(16)}`;

/** The line of `{` that opens visit_leaf in the demo source: where its first instruction's line is. */
function visitLeafLines(): number[] {
  const src = readFileSync(new URL('examples/guest/src/debug-demo.c', `file://${REPO_ROOT}`), 'utf8').split('\n');
  const decl = src.findIndex((l) => /\bvisit_leaf\(const struct tree_node/.test(l)) + 1;
  return [decl, decl + 1];
}

/** The little-endian value of the first row of a `mem` dump of `address`. */
function dumpedValue(reply: string, address: bigint, bytes: number): bigint {
  const row = new RegExp(`^${address.toString(16).padStart(16, '0')}  ((?:[0-9a-f]{2} ?){${bytes}})`, 'm').exec(reply);
  if (!row) throw new Error(`no dump row for ${hex(address)} in:\n${reply}`);
  const b = row[1]!.trim().split(' ').map((x) => BigInt(`0x${x}`));
  return b.reduce((v, byte, i) => v | (byte << BigInt(8 * i)), 0n);
}

test.serial('run --wait on the demo guest: watch, break, bt, regs, step, dis, bad input, delete + cont to power-off (exit 0)', async (t) => {
  t.timeout(600_000);
  const r = interactiveHvdbg(t, ['run', '--target', 'sim', '--guest', DEMO, '--wait', '--quiet']);
  const held = await r.waitFor(/^run: --wait: the guest is held at its entry \(cpu0, PC (0x[0-9a-f]+)\) until 'cont' on stdin$/m);
  t.regex(held, new RegExp(`PC ${hex(elf.header.entry)}\\)`), 'held at the ELF entry');

  // Bad input: one error line each, and the session goes on.
  t.regex(await r.ask('frobnicate', /^error: .*$/m), /^error: unknown command 'frobnicate' \('help' lists the commands\)$/m);
  t.regex(await r.ask('mem no_such_symbol', /^error: .*$/m), /^error: no symbol 'no_such_symbol'/m);
  t.regex(await r.ask('step 0xzz', /^error: .*$/m), /^error: step N: '0xzz' is not a number/m);
  t.regex(await r.ask('break visit_leaf+', /^error: .*$/m), /^error: 'visit_leaf\+' is not an address/m);
  t.regex(await r.ask('delete 9', /^error: .*$/m), /^error: no breakpoint or watchpoint 9/m);
  const help = await r.ask('help', /^ADDR: .*\n/m);
  for (const cmd of ['status', 'stop', 'cont', 'step', 'cpu', 'regs', 'bt', 'mem', 'dis', 'break', 'watch', 'delete', 'info', 'quit', 'plugins', 'verbosity']) {
    t.regex(help, new RegExp(`^ {2}${cmd}\\b`, 'm'), `help lists ${cmd}`);
  }
  const status = await r.ask('status', /^\* cpu0 .*\n/m);
  t.regex(status, /^guest: stopped \(cpu0 breakpoint\)$/m);
  t.regex(status, new RegExp(`^\\* cpu0 +stopped \\(breakpoint\\) +pc ${hex(elf.header.entry)} <_start\\+0>`, 'm'));

  // demo_counter (.bss: zero before the guest runs); a write watchpoint on all of it.
  const counter = sym('demo_counter');
  t.is(counter.size, 8n);
  t.is(dumpedValue(await r.ask('mem demo_counter', /^[0-9a-f]{16} .*\n/m), counter.value, 8), 0n);
  t.regex(await r.ask('watch demo_counter', /^watchpoint .*$/m), new RegExp(`^watchpoint 1 \\(write, 8 bytes\\) at ${hex(counter.value)} <demo_counter>$`, 'm'));
  // The first writes may be start-up's .bss clearing; then count_up's increments.
  const countUp = sym('count_up');
  let hit = '';
  for (let i = 0; i < 5 && !hit.includes('<count_up+'); i++) {
    hit = await r.ask('cont', /^stopped: .*$/m);
    t.regex(hit, new RegExp(`^stopped: cpu0 watchpoint \\(write ${hex(counter.value)} <demo_counter>\\) at 0x[0-9a-f]+ <\\w+\\+\\d+>`, 'm'), hit);
  }
  t.regex(hit, /<count_up\+\d+> src\/debug-demo\.c:\d+$/m, 'stopped in count_up, with its source line');
  const at = BigInt(/at (0x[0-9a-f]+) <count_up/.exec(hit)![1]!);
  t.true(at >= countUp.value && at < countUp.value + countUp.size, 'the PC is inside count_up');
  // One more cont: the increment under the first hit has completed.
  t.regex(await r.ask('cont', /^stopped: .*$/m), /<count_up\+\d+>/);
  const value = dumpedValue(await r.ask('mem demo_counter', /^[0-9a-f]{16} .*\n/m), counter.value, 8);
  t.true(value >= 1n && value < 100n, `demo_counter changed (now ${value})`);
  t.regex(await r.ask('delete', /^deleted .*$/m), /^deleted 1 breakpoint\(s\)\/watchpoint\(s\)$/m);

  // break visit_leaf → cont → the stop line with symbol and source line.
  const leaf = sym('visit_leaf');
  const lineRe = `src/debug-demo\\.c:(${visitLeafLines().join('|')})`;
  t.regex(await r.ask('break visit_leaf', /^breakpoint .*$/m), new RegExp(`^breakpoint 2 at ${hex(leaf.value)} <visit_leaf\\+0> ${lineRe}$`, 'm'));
  t.regex(await r.ask('info', /^breakpoint .*$/m), new RegExp(`^breakpoint 2 at ${hex(leaf.value)} <visit_leaf\\+0>`, 'm'));
  t.regex(await r.ask('cont', /^stopped: .*$/m), new RegExp(`^stopped: cpu0 breakpoint at ${hex(leaf.value)} <visit_leaf\\+0> ${lineRe}$`, 'm'));

  // bt: visit_leaf ← tree_walk ×4 ← run_debug_demo ← main.
  const bt = await r.ask('bt', /^#\d+ +0x[0-9a-f]+ <main\+\d+>.*\n/m);
  const frames = [...bt.matchAll(/^#(\d+) +(0x[0-9a-f]+) <(\w+)\+\d+>/gm)].map((m) => ({ n: Number(m[1]), pc: BigInt(m[2]!), fn: m[3]! }));
  t.deepEqual(frames.slice(0, 7).map((f) => f.fn), ['visit_leaf', 'tree_walk', 'tree_walk', 'tree_walk', 'tree_walk', 'run_debug_demo', 'main'], bt);
  const walk = sym('tree_walk');
  t.true(frames.slice(1, 5).every((f) => f.pc > walk.value && f.pc < walk.value + walk.size), 'tree_walk frames return into tree_walk');

  // regs: pc at visit_leaf, the guest at EL1 (SP_EL1).
  const regs = await r.ask('regs', /^cpsr .*$/m);
  t.regex(regs, /^x0 +[0-9a-f]{16} +x1 +[0-9a-f]{16}/m);
  t.regex(regs, new RegExp(`^pc +${hex(leaf.value)} <visit_leaf\\+0>`, 'm'));
  t.regex(regs, /^cpsr 0x[0-9a-f]+ \[EL1h [nzcvNZCV]{4} [daifDAIF]{4}\]$/m);
  const named = await r.ask('regs sctlr_el1 x0 pc', /^pc = .*$/m);
  t.regex(named, /^sctlr_el1 = 0x[0-9a-f]+$/m);
  t.regex(named, /^x0 = 0x[0-9a-f]+$/m);
  t.regex(await r.ask('regs nosuchreg', /^error: .*$/m), /^error: unknown register 'nosuchreg'/m);

  // step: one instruction, the PC moves by 4; dis marks it.
  t.regex(await r.ask('step', /^stopped: .*$/m), new RegExp(`^stopped: cpu0 step at ${hex(leaf.value + 4n)} <visit_leaf\\+4>`, 'm'));
  t.regex(await r.ask('regs pc', /^pc = .*$/m), new RegExp(`^pc = ${hex(leaf.value + 4n)} <visit_leaf\\+4>`, 'm'));
  const dis = await r.ask('dis', /^=> .*\n(?:.*\n){7}/m);
  t.regex(dis, new RegExp(`^=> ${hex(leaf.value + 4n)} <visit_leaf\\+4>:\\t\\S`, 'm'));
  t.is([...dis.matchAll(/^(?:=>| {2}) 0x[0-9a-f]+ <\w+\+\d+>:\t/gm)].length, 8, dis);

  // A hardware breakpoint on fib (debug-demo.c calls fib(FIB_N), FIB_N = 12): x0 is its argument.
  const fib = sym('fib');
  t.regex(await r.ask('delete 2', /^deleted .*$/m), new RegExp(`^deleted breakpoint 2 at ${hex(leaf.value)} <visit_leaf\\+0>`, 'm'));
  t.regex(await r.ask('break fib hw', /^hw breakpoint .*$/m), new RegExp(`^hw breakpoint 3 at ${hex(fib.value)} <fib\\+0> src/debug-demo\\.c:\\d+$`, 'm'));
  t.regex(await r.ask('cont', /^stopped: .*$/m), new RegExp(`^stopped: cpu0 hw breakpoint at ${hex(fib.value)} <fib\\+0>`, 'm'));
  t.regex(await r.ask('regs x0', /^x0 = .*$/m), /^x0 = 0xc$/m);

  // delete + cont: the guest runs on to power-off.
  t.regex(await r.ask('delete all', /^deleted .*$/m), /^deleted 1 /m);
  await r.ask('cont', /^continuing$/m);
  const done = await r.exit();
  t.is(done.code, 0, transcript(done));
  t.regex(done.stdout, /^demo: done\r?$/m, 'the console went on to stdout');
  t.false(done.stdout.includes('stopped:'), 'replies and stop lines are not on stdout');
});

test.serial('run on a guest that never ends: commands need a stopped guest, stop, cont, quit → exit 3 naming each CPU', async (t) => {
  t.timeout(300_000);
  const r = interactiveHvdbg(t, ['run', '--target', 'sim', '--guest', spinElfFile(), '--quiet']);
  t.regex(await r.ask('status', /^guest: .*$/m), /^guest: running$/m);
  for (const cmd of ['regs', 'bt', 'step', 'mem spin', 'dis', 'watch spin']) {
    t.regex(await r.ask(cmd, /^error: .*$/m), /^error: the guest is running — 'stop' first$/m, cmd);
  }
  const spin = new RegExp(`${hex(SPIN_LOAD)}|${hex(SPIN_LOAD + 4n)}`);
  const stop = await r.ask('stop', /^stopped: .*$/m);
  t.regex(stop, /^stopped: cpu0 interrupt at 0x81000000[04] <spin\+[04]>$/m);
  t.regex(stop, spin);
  t.regex(await r.ask('stop', /^the guest .*$/m), /^the guest is already stopped \(cpu0\)$/m);
  t.regex(await r.ask('mem spin', /^[0-9a-f]{16} .*\n/m), /^0000000810000000 {2}1f 20 03 d5 ff ff ff 17 /m, 'the spin loop, as the ELF holds it');
  await r.ask('cont', /^continuing$/m);
  t.regex(await r.ask('cont', /^error: .*$/m), /^error: the guest is already running$/m);
  t.regex(await r.ask('regs', /^error: .*$/m), /^error: the guest is running — 'stop' first$/m);
  await r.ask('quit', /^quit: ending the guest$/m);
  const done = await r.exit();
  t.is(done.code, 3, transcript(done));
  t.regex(done.stderr, /^run: quit; the guest was stopped\. Where each CPU was:$/m, transcript(done));
  t.regex(done.stderr, /^run: {3}cpu0 at PC 0x81000000[04] <spin\+[04]>$/m, transcript(done));
});

test.serial('run --wait with stdin closed and no gdb: nothing can resume the guest, so it is ended (exit 3); --timeout reports through the session', async (t) => {
  t.timeout(300_000);
  const held = interactiveHvdbg(t, ['run', '--target', 'sim', '--guest', spinElfFile(), '--wait', '--quiet']);
  await held.waitFor(/held at its entry/);
  held.closeStdin();
  const ended = await held.exit();
  t.is(ended.code, 3, transcript(ended));
  t.regex(ended.stderr, /^run: stdin is closed and the guest is stopped with no gdb to resume it; the guest was stopped\. Where each CPU was:$/m, transcript(ended));
  t.regex(ended.stderr, /^run: {3}cpu0 at PC 0x810000000 <spin\+0>$/m, transcript(ended));

  // stdin closed on a running guest: it runs on until --timeout stops it.
  const running = interactiveHvdbg(t, ['run', '--target', 'sim', '--guest', spinElfFile(), '--timeout', '2', '--quiet']);
  running.closeStdin();
  const timedOut = await running.exit();
  t.is(timedOut.code, 3, transcript(timedOut));
  t.regex(timedOut.stderr, /^run: --timeout 2 s passed; the guest was stopped\. Where each CPU was:$/m, transcript(timedOut));
  t.regex(timedOut.stderr, /^stopped: cpu0 interrupt at 0x81000000[04] <spin\+[04]>$/m, `the interrupt is a stop line like any other\n${transcript(timedOut)}`);
});

test.serial('a guest that faults stops with an exception line, is inspected, and with stdin closed ends with exit 1', async (t) => {
  t.timeout(300_000);
  // `mov x0, #0; ldr x1, [x0]`: the load at spin+4 reads address 0, which nothing maps.
  const r = interactiveHvdbg(t, ['run', '--target', 'sim', '--guest', spinElfFile(FAULT_CODE), '--quiet']);
  const stop = await r.waitFor(/^stopped: .*$/m);
  t.regex(stop, new RegExp(`^stopped: cpu0 exception at ${hex(SPIN_LOAD + 4n)} <spin\\+4> — .+$`, 'm'));
  t.regex(await r.ask('regs pc x0', /^x0 = .*$/m), new RegExp(`^pc = ${hex(SPIN_LOAD + 4n)} <spin\\+4>\\nx0 = 0x0$`, 'm'));
  r.closeStdin();
  const done = await r.exit();
  t.is(done.code, 1, transcript(done));
  t.regex(done.stderr, /^run: stdin is closed and the guest is stopped on an exception with no gdb to resume it; the guest was stopped\. Where each CPU was:$/m);
});

test.serial('start: after its demo the guest runs on (demo.stay, a heartbeat a second); stop interrupts it, even inside its sleep hypercall; quit ends it', async (t) => {
  t.timeout(300_000);
  const r = interactiveHvdbg(t, ['start', '--quiet']);
  for (const until = Date.now() + 120_000; !/^demo: demo\.stay: running on/m.test(r.stdout()); ) {
    if (Date.now() > until) t.fail(`no demo.stay line on stdout\n--- stdout\n${r.stdout()}\n--- stderr\n${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.notRegex(r.stdout(), /powering off/, 'the guest did not power off');
  // Most of each second the guest waits in its SLEEP hypercall: the stop must not wait it out.
  const stop = await r.ask('stop', /^stopped: .*$/m, 30_000);
  t.regex(stop, /^stopped: cpu0 interrupt at 0x[0-9a-f]+ <\w+\+\d+>/m);
  t.regex(await r.ask('bt', /^#\d+ .*main.*$/m), /main/, 'the heartbeat loop runs in main');
  await r.ask('cont', /^continuing$/m);
  await r.ask('quit', /^quit: ending the guest$/m);
  const done = await r.exit();
  t.is(done.code, 3, transcript(done));
  t.regex(done.stderr, /^run: quit; the guest was stopped\. Where each CPU was:$/m, transcript(done));
});

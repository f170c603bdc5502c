// Hot reload end to end while a guest runs (issue 8 "How it is shown"): a guest on the virtual M1
// under core/hv writes a counter to a GPIO pin register in an endless loop; a user plugin in a
// temporary --plugin-dir (PluginHost pluginDirs + hotReload, as `hvdbg run` sets it up) counts the
// writes in its host-owned state. The plugin's file is rewritten mid-session: the output changes
// from the next event on, the counter continues, and the sequence numbers and the guest's own
// counter show no event lost or handled twice. A syntax error keeps the old version running with a
// report; a handler that throws is reported with its plugin and event while the guest runs on.
//
// The guest is a tiny ELF (test/helpers/tiny-elf.ts) holding A64 code encoded by hand:
//   x0 = pin 20's register; w1 = 0
//   loop: w3 = w1 << 24; str w3, [x0]; w1 += 1; x2 = DELAY; 1: subs x2, x2, #1; b.ne 1b; b loop
// The counter sits in bits [31:24], which no pin field uses (apple-devices §3.2): MODE stays 0
// (disabled), so the writes change nothing the machine acts on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { adtRegPhys, findNode } from '../../core/formats/adt/index.ts';
import type { TraceOutputEvent } from '../../core/plugin/backend.ts';
import { PluginHost, type LifecycleEvent } from '../../core/plugin/host.ts';
import { tracedHypervisor } from '../core-hv/helpers.ts';
import { spinElf } from '../helpers/tiny-elf.ts';

const DELAY = 200;

const movz = (rd: number, imm: number, hw: number, x = true): number => ((x ? 0xd2800000 : 0x52800000) | (hw << 21) | (imm << 5) | rd) >>> 0;
const movk = (rd: number, imm: number, hw: number): number => (0xf2800000 | (hw << 21) | (imm << 5) | rd) >>> 0;

/** The loop above as A64 words (encodings from the Arm ARM: MOVZ/MOVK, UBFM, STR imm, ADD imm, SUBS imm, B.cond, B). */
function loopCode(addr: bigint): number[] {
  const part = (i: number): number => Number((addr >> BigInt(16 * i)) & 0xffffn);
  return [
    movz(0, part(0), 0),
    movk(0, part(1), 1),
    movk(0, part(2), 2),
    movz(1, 0, 0, false), // movz w1, #0
    0x53081c23, // loop: lsl w3, w1, #24 (ubfm w3, w1, #8, #7)
    0xb9000003, // str w3, [x0]
    0x11000421, // add w1, w1, #1
    movz(2, DELAY, 0), // movz x2, #DELAY
    0xf1000442, // subs x2, x2, #1
    0x54ffffe1, // b.ne -4
    0x17fffffa, // b loop (-6 instructions)
  ];
}

/** The user plugin's source: `tag` names the version; `throwOnce` makes its first event throw. */
function counterPlugin(tag: string, throwOnce = false): string {
  return `// A user tracer: counts the writes to the GPIO block; the host keeps its state across reloads.
export default {
  name: 'counter',
  attach: { path: '/arm-io/gpio' },
  mode: 'async',
  ranges: [{ reg: 0, regmap: false, read: false, write: true }],
  state: () => ({ count: 0, thrown: false }),
  onAccess(ev, ctx) {
    ${throwOnce ? "if (!ctx.state.thrown) { ctx.state.thrown = true; throw new Error('deliberate failure in ' + '" + tag + "'); }" : ''}
    ctx.state.count += 1;
    const guest = Number(ev.value >> 24n);
    ctx.log('${tag} #' + ctx.state.count + ' guest ' + guest, { kind: 'count', fields: { version: '${tag}', count: ctx.state.count, guest } });
  },
};
`;
}

test.serial('a user plugin edited while the guest runs: new output from the next event, counter kept, nothing lost; a syntax error and a throwing handler leave the guest running', async (t) => {
  t.timeout(240_000);
  const { hv, backend, events, errors } = await tracedHypervisor(t);
  const dir = mkdtempSync(join(tmpdir(), 'hvdbg-live-reload-'));
  const file = join(dir, 'counter.ts');
  writeFileSync(file, counterPlugin('v1'));
  const host = new PluginHost(backend, { pluginDirs: [dir], hotReload: true });
  const lifecycle: LifecycleEvent[] = [];
  host.onLifecycle((e) => lifecycle.push(e));
  const loaded = await host.load('counter');
  t.is(loaded.file, file, 'found by name in the --plugin-dir');

  const pin20 = adtRegPhys(findNode(backend.adt, '/arm-io/gpio')!, 0).addr + 4n * 20n;
  await hv.loadGuest(spinElf(loopCode(pin20)), { name: 'loop.elf' });
  await backend.sync();
  // The guest never powers off: the test interrupts it at the end and leaves the hypervisor.
  hv.loop.setStopHandler(async (stop) => (stop.reason === 'vtimer' ? 'continue' : 'exit-guest'));
  const running = hv.start();
  running.catch(() => undefined);

  const counts = (): TraceOutputEvent[] => events.filter((e) => e.kind === 'count');
  const until = async (what: string, ok: () => boolean, ms = 60_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const moreCounts = async (n: number, version: string): Promise<void> => {
    const want = counts().filter((e) => e.fields.version === version).length + n;
    await until(`${n} more events from ${version}`, () => counts().filter((e) => e.fields.version === version).length >= want);
  };
  const lifecycleKind = async (kind: LifecycleEvent['kind'], after: number): Promise<LifecycleEvent> => {
    await until(`lifecycle ${kind}`, () => lifecycle.slice(after).some((e) => e.kind === kind));
    return lifecycle.slice(after).find((e) => e.kind === kind)!;
  };

  await moreCounts(20, 'v1');
  // 1. An edit: v2 takes over between two events.
  let mark = lifecycle.length;
  writeFileSync(file, counterPlugin('v2'));
  await lifecycleKind('reloaded', mark);
  await moreCounts(20, 'v2');
  t.is(hv.state, 'running');

  // 2. A syntax error: reported, v2 keeps handling events.
  mark = lifecycle.length;
  const beforeBad = events.length;
  writeFileSync(file, counterPlugin('v3').replace('onAccess(ev, ctx) {', 'onAccess(ev, ctx) {{'));
  const failed = await lifecycleKind('reload-failed', mark);
  t.is(failed.error?.code, 'PLUGIN_TRANSPILE_FAILED');
  t.regex(failed.error?.message ?? '', /cannot transpile .*counter\.ts/);
  await moreCounts(20, 'v2');
  const badLine = events.slice(beforeBad).find((e) => e.severity === 'error');
  t.regex(badLine?.line ?? '', /^\[counter\] reload failed, the previous version keeps running: cannot transpile .*counter\.ts/);
  t.is(hv.state, 'running', 'the guest runs on');

  // 3. A handler that throws (once): reported with the plugin and the event; the next events are counted.
  mark = lifecycle.length;
  writeFileSync(file, counterPlugin('v3', true));
  await lifecycleKind('reloaded', mark);
  await until('the handler error', () => events.some((e) => e.kind === 'plugin-error'));
  await moreCounts(20, 'v3');
  t.is(hv.state, 'running', 'the guest runs on');

  hv.interrupt();
  const exit = await running;
  t.is(exit.status, undefined, 'stopped by the test, not powered off');
  await host.idle('counter');
  t.deepEqual(errors, []);

  // Versions follow one another: every v1 line, then every v2 line, then every v3 line.
  const seen = counts();
  const versions = seen.map((e) => e.fields.version as string);
  t.deepEqual([...versions].sort(), versions, 'no old-version line after a new one');
  t.deepEqual([...new Set(versions)], ['v1', 'v2', 'v3']);
  t.true(seen.every((e) => e.line === `[counter] ${e.fields.version} #${e.fields.count} guest ${e.fields.guest}`));
  // The host-owned counter continues across both reloads: 1, 2, 3, … with no gap or repeat.
  t.deepEqual(seen.map((e) => e.fields.count), seen.map((_, i) => i + 1));
  // The handler error names the plugin, the handler, the access and its seq; it is v3's first event.
  const failures = events.filter((e) => e.kind === 'plugin-error');
  t.is(failures.length, 1);
  const failure = failures[0]!;
  t.regex(failure.line, new RegExp(`^\\[counter\\] onAccess threw on W\\.4 0x${pin20.toString(16)} = 0x[0-9a-f]+ \\(seq \\d+, cpu0\\): Error: deliberate failure in v3$`));
  const firstV3 = seen.find((e) => e.fields.version === 'v3')!;
  t.is(firstV3.seq, failure.seq! + 1);
  // Every traced write has one seq, in order, none missing between the first and the last: the
  // counted events plus the one that threw. The guest's own counter (bits 31:24) steps by one
  // from each to the next, so no write escaped the trace or was handled twice.
  const handled = [...seen.map((e) => ({ seq: e.seq!, guest: e.fields.guest as number })), { seq: failure.seq!, guest: -1 }].sort((a, b) => a.seq - b.seq);
  t.deepEqual(handled.map((h) => h.seq), handled.map((_, i) => handled[0]!.seq + i));
  const guest = handled.map((h, i) => (h.guest >= 0 ? h.guest : (handled[i - 1]!.guest + 1) & 0xff));
  t.deepEqual(guest.slice(1), guest.slice(1).map((_, i) => (guest[0]! + i + 1) & 0xff));
  t.is(guest[0], 0, 'the first write the guest made (counter 0) was the first event');
  await host.close();
  backend.dispose();
});

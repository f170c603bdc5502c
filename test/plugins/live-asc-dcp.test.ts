// The ASC/RTKit and DCP tracers live: the demo guest (examples/guest/README.md: it boots the DCP as
// m1n1 and Linux do — RTKit handshake, syslog, the seed's A401 boot sequence, 3 blank swaps) under
// core/hv on the virtual M1, with `asc` and `dcp` loaded through PluginHost over HvTraceBackend —
// the same path `hvdbg run --tracers asc,dcp` takes. Expected lines are written from the spec
// (apple-devices §5.2 encodings, §5.11 line formats, §7.7 method table, §7.13 seed format) and the
// guest's documented behaviour, never from the tracers' code.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { PluginHost } from '../../core/plugin/host.ts';
import { consoleRecorder, DEMO_GUEST, tracedHypervisor } from '../core-hv/helpers.ts';

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');
/** §5.2: management messages, TYPE in [59:52]. */
const mgmt = (type: number, low: bigint): bigint => (BigInt(type) << 52n) | low;

test.serial('demo guest under core/hv: RTKit handshake, syslog lines and the DCP boot sequence in the seed format, swaps', async (t) => {
  t.timeout(240_000);
  const { hv, backend, events, errors } = await tracedHypervisor(t);
  const con = consoleRecorder(hv);
  const traceFile = join(mkdtempSync(join(tmpdir(), 'hvdbg-live-dcp-')), 'dcp-trace.txt');
  const host = new PluginHost(backend, { config: { dcp: { traceFile } } });
  await host.load('asc');
  await host.load('dcp');
  await hv.loadGuest(DEMO_GUEST);
  await backend.sync();
  const exit = await hv.start();
  await host.idle('asc');
  await host.idle('dcp');
  t.is(exit.status, 0n, con.vuart());
  t.deepEqual(errors, []);
  const lines = events.map((e) => e.line);
  t.deepEqual(events.filter((e) => e.severity === 'error').map((e) => e.line), []);
  t.false(lines.some((l) => l.includes('!!')), lines.filter((l) => l.includes('!!')).join('\n'));

  /** `want` appear in `lines`, in this order (other lines may come between). */
  const order = (want: readonly string[]): void => {
    let from = 0;
    for (const w of want) {
      const at = lines.indexOf(w, from);
      t.true(at >= 0, `missing (or out of order): ${w}`);
      if (at >= 0) from = at + 1;
    }
  };

  // --- ASC / RTKit (§5.3 as m1n1's rtkit_boot; README: version 12, endpoints 0 1 2 4 8 37) ---
  const m = (dir: '>' | '<', ep: string, type: number, name: string, msg: bigint, fields: string): string =>
    `[asc] [${ep}] ${dir}0x${type.toString(16)}(${name}) ${hex16(msg)} (${fields})`;
  const names: Record<number, string> = { 0x0: 'management', 0x1: 'crashlog', 0x2: 'syslog', 0x4: 'ioreporting', 0x8: 'oslog', 0x37: 'dcpep' };
  const adding = (ep: number): string => `[asc] [management]   Adding endpoint #0x${ep.toString(16)} (${names[ep]})`;
  const starting = (ep: number): string[] => [
    `[asc] [management]   Starting endpoint #0x${ep.toString(16)} (${names[ep]})`,
    m('>', 'management', 5, 'StartEP', mgmt(5, (BigInt(ep) << 32n) | 2n), `TYPE=0x5, EP=0x${ep.toString(16)}, FLAG=2`),
  ];
  t.is(lines.find((l) => l.startsWith('[asc] ') && !l.includes(' loaded ')), '[asc] CPU_CONTROL = 0x10 (RUN=1)', 'first: the RUN bit set (§5.3 step 1)');
  order([
    '[asc] CPU_CONTROL = 0x10 (RUN=1)',
    // §5.2 example encodings: SET_IOP_POWER 0x220, HELLO min 11 max 12, HELLO_ACK v12.
    m('>', 'management', 6, 'SetIOPPower', 0x0060000000000220n, 'TYPE=0x6, STATE=0x220'),
    m('<', 'management', 1, 'HELLO', 0x00100000000c000bn, 'TYPE=0x1'),
    m('>', 'management', 2, 'HELLO_ACK', 0x00200000000c000cn, 'TYPE=0x2'),
    // EPMAP base 0 (endpoints 0, 1, 2, 4, 8 → bitmap 0x117), acked with MORE; base 1 (0x37 = 32 + 23), LAST.
    ...[0x0, 0x1, 0x2, 0x4, 0x8].map(adding),
    m('<', 'management', 8, 'EPMap', mgmt(8, 0x117n), 'TYPE=0x8, LAST=0, BASE=0, BITMAP=0x117'),
    m('>', 'management', 8, 'EPMap_Ack', 0x0080000000000001n, 'TYPE=0x8, LAST=0, BASE=0, MORE=1'),
    adding(0x37),
    m('<', 'management', 8, 'EPMap', mgmt(8, (1n << 51n) | (1n << 32n) | (1n << 23n)), 'TYPE=0x8, LAST=1, BASE=1, BITMAP=0x800000'),
    m('>', 'management', 8, 'EPMap_Ack', mgmt(8, (1n << 51n) | (1n << 32n)), 'TYPE=0x8, LAST=1, BASE=1, MORE=0'),
    // START_EP for the system endpoints announced (§5.3), then the power handshake.
    ...[0x1, 0x2, 0x4, 0x8].flatMap(starting),
    m('<', 'management', 7, 'SetIOPPowerAck', 0x0070000000000020n, 'TYPE=0x7, STATE=0x20'),
    m('>', 'management', 0xb, 'SetAPPower', 0x00b0000000000020n, 'TYPE=0xb, STATE=0x20'),
    m('<', 'management', 0xb, 'SetAPPowerAck', 0x00b0000000000020n, 'TYPE=0xb, STATE=0x20'),
    // README: START_EP 0x37 (§5.2 example encoding) after the power handshake.
    ...starting(0x37),
  ]);
  // Buffer requests with DVA 0 (§5.4), answered with an IOVA | asc-dram-mask (README: f00000000).
  for (const ep of ['crashlog', 'syslog', 'ioreporting']) {
    t.true(lines.some((l) => new RegExp(`^\\[asc\\] \\[${ep}\\] <0x1\\(GetBuf\\) [0-9a-f]{16} \\(TYPE=0x1, SIZE=0x[0-9a-f]+, DVA=0x0\\)$`).test(l)), `${ep} GetBuf`);
    t.true(lines.some((l) => new RegExp(`^\\[asc\\] \\[${ep}\\] >0x1\\(GetBuf_Ack\\) [0-9a-f]{16} \\(TYPE=0x1, SIZE=0x[0-9a-f]+, DVA=0xf[0-9a-f]{8}\\)$`).test(l)), `${ep} GetBuf_Ack`);
  }
  t.true(lines.some((l) => /^\[asc\] \[syslog\] <0x8\(INIT\) [0-9a-f]{16} \(TYPE=0x8, ENTRYSIZE=0x[0-9a-f]+, COUNT=0x[0-9a-f]+\)$/.test(l)));
  // §5.11 LOG: `* [<context>]<message>` — the same two lines the guest printed (README console).
  t.deepEqual(lines.filter((l) => l.startsWith('[asc] [syslog] * ')), [
    '[asc] [syslog] * [RTKit]RTKit virtual firmware for dcp (t8103)',
    '[asc] [syslog] * [dcp]iomfb: waiting for the AP (EP 0x37)',
  ]);
  t.regex(con.vuart(), /^syslog: \[RTKit\]RTKit virtual firmware for dcp \(t8103\)\r?$/m);

  // --- DCP EP 0x37 (§7.2) and the call trace (§7.13) ---
  order(['[dcp] [dcpep] Shared memory DVA: 0xf10014000', '[dcp] [dcpep] <0x1(InitComplete) 0000000000000001 (TYPE=0x1)']);
  t.regex(con.vuart(), /^dcp: shared memory at [0-9a-f]+, DVA f10014000\r?$/m, 'the DVA the guest chose');
  const trace = events.filter((e) => e.plugin === 'dcp' && e.line.startsWith('[dcp] ') && /^\[dcp\] +[<>][CdaOoA]\[/.test(e.line)).map((e) => e.line.slice(6));
  // §7.13 "Reading the seed lines".
  t.is(trace[0], '>C[0x0] A401 IOMobileFramebufferAP::start_signal()');
  t.is(trace[1], '  <d[0x0] D598 IOMobileFramebufferAP::find_swap_function_gated()');
  t.is(trace[2], '  >d[0x0] D598 IOMobileFramebufferAP::find_swap_function_gated()');
  const tl = (l: string): void => void t.true(trace.includes(l), `missing: ${l}`);
  tl('  >d[0x0] D107 UnifiedPipeline2::create_provider_service() = True');
  // README: D116 start_hardware_boot answered with A357, A443, A103, A029, A463(True), A036, A000, A460 (§7.14), depth 2 at 0x40.
  const d116 = trace.indexOf('  <d[0x0] D116 UnifiedPipeline2::start_hardware_boot()');
  t.true(d116 > 0, 'D116 one level deep');
  const nested = trace.slice(d116).filter((l) => /^ {4}>C\[0x40\] /.test(l)).map((l) => l.slice(13, 17));
  t.deepEqual(nested, ['A357', 'A443', 'A103', 'A029', 'A463', 'A036', 'A000', 'A460']);
  tl('    >C[0x40] A103 UPPipe2::test_control(cmd=0, arg=2863267840)');
  tl('    <C[0x40] A103 UPPipe2::test_control(cmd=0, arg=2863267840) = 4638564681600');
  tl('    >C[0x40] A463 IOMobileFramebufferAP::flush_supportsPower(arg0=True)');
  tl("      <d[0x40] D401 ServiceRelay::sr_get_uint_prop(obj='PROV', key='minimum-frequency', value=0)");
  tl("      >d[0x40] D401 ServiceRelay::sr_get_uint_prop(obj='PROV', key='minimum-frequency', value=0) = False");
  t.true(trace.some((l) => l.startsWith('  >d[0x0] D116 UnifiedPipeline2::start_hardware_boot() = ')));
  // The long-argument block of D561 (§7.13 "Check against the seed").
  const all = lines.map((l) => l.slice(6));
  const d561 = all.indexOf("      <d[0x40] D561 IOMobileFramebufferAP::setProperty_dict(key='IOMFBDisplayRefresh', value=...)");
  t.true(d561 > 0);
  t.is(all[d561 + 1], "        value = {'displayMinRefreshInterval': 71582788,");
  t.is(all[d561 + 2], "                 'displayMinRefreshIntervalMachTime': 399984,");
  tl("      >d[0x40] D561 IOMobileFramebufferAP::setProperty_dict(key='IOMFBDisplayRefresh', value=...) = True");
  // §7.11 DCPAV: start (length), chunks, end with the key; README: 5929 / 'TimingElements'.
  tl('  <d[0x0] D122 UnifiedPipeline2::setDCPAVPropStart(length=5929)');
  tl("  <d[0x0] D124 UnifiedPipeline2::setDCPAVPropEnd(key='TimingElements')");
  t.true(all.some((l) => l.startsWith('    DCPAV TimingElements = ')));

  // The depth-0 skeleton: the boot call, then 3 blank swaps (README), each completed by an ASYNC D589.
  const top = trace.filter((l) => /^[<>]/.test(l));
  const swap = (n: number): RegExp[] => [
    // §7.7: A407 swap_id inout* u32 (0 in, the new id out), client an IOUserClient struct (long, §7.13).
    /^>C\[0x0\] A407 IOMobileFramebufferAP::swap_start\(swap_id=0, client=\.\.\.\)$/,
    new RegExp(`^<C\\[0x0\\] A407 IOMobileFramebufferAP::swap_start\\(swap_id=${n}, client=\\.\\.\\.\\) = 0$`),
    // A408: a struct (long), no surfaces (4 null pointers), out-only unkOutBool.
    /^>C\[0x0\] A408 IOMobileFramebufferAP::swap_submit_dcp\(swap_rec=\.\.\., surfaces=\[None, None, None, None\], surfAddr=\[0, 0, 0, 0\], unkBool=False, unkFloat=0\.0, unkInt=0, unkOutBool=<out>\)$/,
    /^<C\[0x0\] A408 IOMobileFramebufferAP::swap_submit_dcp\(swap_rec=\.\.\., surfaces=\[None, None, None, None\], surfAddr=\[0, 0, 0, 0\], unkBool=False, unkFloat=0\.0, unkInt=0, unkOutBool=(True|False)\) = 0$/,
    // D589 on the ASYNC channel (letter a); arg2 / arg3 are bytes of more than 4 (long).
    new RegExp(`^<a\\[0x0\\] D589 IOMobileFramebufferAP::swap_complete_ap_gated\\(arg0=${n}, arg1=(True|False), arg2=\\.\\.\\., arg3=\\.\\.\\., arg4=\\d+\\)$`),
    new RegExp(`^>a\\[0x0\\] D589 IOMobileFramebufferAP::swap_complete_ap_gated\\(arg0=${n}, arg1=(True|False), arg2=\\.\\.\\., arg3=\\.\\.\\., arg4=\\d+\\)$`),
  ];
  const want: Array<string | RegExp> = ['>C[0x0] A401 IOMobileFramebufferAP::start_signal()', '<C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0', ...swap(1), ...swap(2), ...swap(3)];
  t.is(top.length, want.length, top.join('\n'));
  want.forEach((w, i) => (typeof w === 'string' ? t.is(top[i], w) : t.regex(top[i] ?? '', w)));
  // Every call returned: the trace ends back at depth 0 (the boot's reply before the first swap).
  t.is(trace.indexOf('<C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0'), trace.findIndex((l) => l.startsWith('>C[0x0] A407')) - 1);

  // The full trace also went to the traceFile (issue 8: for offline analysis), in the same lines.
  const file = readFileSync(traceFile, 'utf8').split('\n').filter((l) => l !== '');
  t.is(file[0], '>C[0x0] A401 IOMobileFramebufferAP::start_signal()');
  t.true(file.includes('<C[0x0] A401 IOMobileFramebufferAP::start_signal() = 0'));
  t.true(file.includes("      <d[0x40] D401 ServiceRelay::sr_get_uint_prop(obj='PROV', key='minimum-frequency', value=0)"));

  // One seq counter: each plugin's events in increasing order, no seq shared between the two.
  const seqs = (p: string): number[] => events.filter((e) => e.plugin === p && e.seq !== undefined).map((e) => e.seq!);
  for (const p of ['asc', 'dcp']) t.deepEqual([...seqs(p)].sort((a, b) => a - b), seqs(p), `${p} in seq order`);
  await host.close();
  backend.dispose();
});

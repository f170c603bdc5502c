// Stage-2 descriptors (spec §10.2) and the zone → mapping policy of §10.7. Golden values are the
// spec's: HW = PA | 0x7FD, PROXY_HOOK_R/W/RW = 0x0008…/0x000C…/0x0010… (bits 52:50), trace bits
// 63/62/61, hooks with incr 0, linear maps with incr 1.
import test from 'ava';
import { Stage2Maps, hookMap, hwMap, planRange, swMap, TraceMode, type ZoneEntry } from '../../core/hv/index.ts';
import type { M1n1Proxy } from '../../core/proxy/index.ts';
import type { SysregExec } from '../../core/hv/index.ts';

const entry = (start: bigint, end: bigint, mode: number, read = false, write = false, ident = 'x'): ZoneEntry => ({ start, end, ident, mode: mode as ZoneEntry['mode'], read, write });

test('hwMap: the 16 KiB-aligned middle is PA | 0x7FD with incr 1; unaligned head and tail are software MAPs', (t) => {
  t.deepEqual(hwMap(0x2_0000_0000n, 0x2_0000_0000n, 0x8000n), [[0x2_0000_0000n, 0x2_0000_07fdn, 0x8000n, 1]]);
  t.deepEqual(hwMap(0x1000n, 0x1000n, 0x8000n), [
    [0x1000n, 0x1000n, 0x3000n, 1],
    [0x4000n, 0x4000n | 0x7fdn, 0x4000n, 1],
    [0x8000n, 0x8000n, 0x1000n, 1],
  ]);
  t.deepEqual(hwMap(0x4000n, 0x5000n, 0x4000n), [[0x4000n, 0x5000n, 0x4000n, 1]], 'IPA and PA disagree in the low 14 bits: all software');
});

test('swMap carries the trace bits; hookMap puts the id at bits 49:2 with the R/W/RW type and incr 0', (t) => {
  t.deepEqual(swMap(0x1000n, 0x1000n, 0x100n, 0x8000_0000_0000_0000n | 0x2000_0000_0000_0000n), [[0x1000n, 0xa000_0000_0000_1000n, 0x100n, 1]]);
  t.deepEqual(hookMap(0x1000n, 4n, 3, true, false), [[0x1000n, 0x0008_0000_0000_000cn, 4n, 0]]);
  t.deepEqual(hookMap(0x1000n, 4n, 3, false, true), [[0x1000n, 0x000c_0000_0000_000cn, 4n, 0]]);
  t.deepEqual(hookMap(0x1000n, 4n, 0, true, true), [[0x1000n, 0x0010_0000_0000_0000n, 4n, 0]]);
  t.throws(() => hookMap(0x1000n, 4n, 1, false, false), { message: /neither/ });
});

test('planRange follows the §10.7 table by the highest mode on the range', (t) => {
  const r = [0x4000n, 0x8000n] as const;
  t.deepEqual(planRange(...r, []), [[0x4000n, 0n, 0x4000n, 0]], 'no tracer: unmapped');
  t.deepEqual(planRange(...r, [entry(...r, TraceMode.OFF)]), [[0x4000n, 0x47fdn, 0x4000n, 1]], 'OFF: HW identity');
  t.deepEqual(planRange(...r, [entry(...r, TraceMode.ASYNC, true, true)]), [[0x4000n, 0xc000_0000_0000_4000n, 0x4000n, 1]], 'ASYNC: MAP + TRACE_READ|TRACE_WRITE');
  t.deepEqual(planRange(...r, [entry(...r, TraceMode.UNBUF, false, true)]), [[0x4000n, 0x6000_0000_0000_4000n, 0x4000n, 1]], 'UNBUF: + TRACE_UNBUF');
  t.deepEqual(planRange(...r, [entry(...r, TraceMode.WSYNC, true, true)]), [[0x4000n, 0x800c_0000_0000_0000n, 0x4000n, 0]], 'WSYNC: PROXY_HOOK_W + TRACE_READ');
  t.deepEqual(planRange(...r, [entry(...r, TraceMode.SYNC, true, false), entry(...r, TraceMode.ASYNC, false, true)]), [[0x4000n, 0x0010_0000_0000_0000n, 0x4000n, 0]], 'SYNC with a reader and a writer in the set: RW hook');
  t.is(planRange(...r, [entry(...r, TraceMode.RESERVED), entry(...r, TraceMode.OFF)]), null, 'RESERVED: left alone');
});

test('Stage2Maps: only dirty ranges are planned, cut at every registration edge, neighbours with one plan merged', (t) => {
  const maps = new Stage2Maps({} as M1n1Proxy, {} as SysregExec);
  maps.add(0x2_0000_0000n, 0x10_0000n, 'HW', TraceMode.OFF);
  maps.add(0x2_0000_4000n, 0x4000n, 'trace', TraceMode.ASYNC, { write: true });
  maps.add(0x2_0000_8000n, 0x4000n, 'vuart', TraceMode.RESERVED);
  t.deepEqual(maps.plan(), [
    [0x2_0000_0000n, 0x2_0000_07fdn, 0x4000n, 1],
    [0x2_0000_4000n, 0x4000_0000_0000_0000n | 0x2_0000_4000n, 0x4000n, 1],
    [0x2_0000_c000n, 0x2_0000_c7fdn, 0xf_4000n, 1],
  ]);
  t.deepEqual(maps.at(0x2_0000_4010n).map((e) => e.ident), ['trace', 'HW'], 'highest mode first');
  // Removing the tracer re-plans just its range, which falls back to HW.
  const fresh = new Stage2Maps({} as M1n1Proxy, {} as SysregExec);
  fresh.add(0x1000_0000n, 0x8000n, 'HW', TraceMode.OFF);
  fresh.add(0x1000_4000n, 0x4000n, 't', TraceMode.SYNC, { read: true });
  t.deepEqual(fresh.plan().at(-1), [0x1000_4000n, 0x0008_0000_0000_0000n, 0x4000n, 0]);
});

test('Stage2Maps refuses ranges P_HV_MAP would silently ignore (§15.40)', (t) => {
  const maps = new Stage2Maps({} as M1n1Proxy, {} as SysregExec);
  t.throws(() => maps.add(0x1001n, 0x10n, 'x', TraceMode.OFF), { message: /4-byte granular/ });
  t.throws(() => maps.add(0x1000n, 0n, 'x', TraceMode.OFF), { message: /non-empty/ });
});

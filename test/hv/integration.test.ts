// The pieces together as the machine will use them: P_HV_MAP a proxy hook and a traced MAP page,
// a guest store/load aborts, the emulation walks the real tables, and each aligned operation's
// plan yields the HOOK_VM data (§10.6) or the trace events (§10.5).
import test from 'ava';
import { SparseRam } from '../../sim/memory/index.ts';
import { Stage2Map } from '../../sim/hv/stage2-map.ts';
import { emulateDataAbortSync, type AlignedOp, type GuestRegisters } from '../../sim/hv/mmio-emulation.ts';
import { planAlignedOp, traceEventsFor } from '../../sim/hv/aligned-op.ts';

const RAM = 0x8_0000_0000n;
const DEV = 0x2_3b10_0000n;

function machine() {
  const ram = new SparseRam({ base: RAM, sizeBytes: 0x400_0000n });
  const s2 = new Stage2Map({ memory: ram, arena: { base: RAM + 0x100_0000n, size: 0x10_0000n }, paRange: 1 });
  const xs = new Array<bigint>(31).fill(0n);
  const regs: GuestRegisters = { x: (n) => xs[n]!, setX: (n, v) => (xs[n] = v), q: () => 0n, setQ: () => {} };
  const abort = (word: number, write: boolean, far: bigint, run: (op: AlignedOp) => boolean) =>
    emulateDataAbortSync(
      {
        esr: (0x24n << 26n) | (write ? 0x40n : 0n),
        far,
        elr: 0x1000n,
        regs,
        ipaBits: s2.ipaBits,
        translate: (va) => ({ ipa: va, par: 0n }),
        walk: (ipa) => s2.walk(ipa),
        fetch: () => word,
      },
      run,
    );
  return { ram, s2, xs, abort };
}

test('str x1, [x2] on a PROXY_HOOK_RW id 9 (L4, 8 bytes): one HOOK_VM with WIDTH 3 | WRITE, id 9, the data', (t) => {
  const m = machine();
  m.s2.map(DEV + 0x10n, 0x0010_0000_0000_0000n | (9n << 2n), 8n, 0n);
  m.xs[1] = 0x1122_3344_5566_7788n;
  m.xs[2] = DEV + 0x10n;
  const plans: ReturnType<typeof planAlignedOp>[] = [];
  const out = m.abort(0xf9000041, true, DEV + 0x10n, (op) => (plans.push(planAlignedOp(op)), true));
  t.like(out, { kind: 'emulated' });
  t.deepEqual(plans.map((p) => p.action), [
    { kind: 'proxy-hook', hookData: { flags: 0x23, id: 9, addr: DEV + 0x10n, data: [0x1122_3344_5566_7788n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] } },
  ]);
});

test('ldp x1, x2, [x3] on an ASYNC-traced MAP page (TRACE_READ): a 16-byte read at the target, then two MULTI events', (t) => {
  const m = machine();
  m.s2.map(DEV, 0x8_0000_8000n | 0x8000_0000_0000_0000n, 0x4000n, 1n);
  m.ram.write(0x8_0000_8020n, 8, 0xaaaan);
  m.ram.write(0x8_0000_8028n, 8, 0xbbbbn);
  m.xs[3] = DEV + 0x20n;
  const events: ReturnType<typeof traceEventsFor> = [];
  const out = m.abort(0xa9400861, false, DEV + 0x20n, (op) => {
    const plan = planAlignedOp(op);
    t.deepEqual(plan.action, { kind: 'memory', addr: 0x8_0000_8020n, atIpa: false });
    for (let i = 0; i < op.data.length; i++) op.data[i] = Number(m.ram.read(0x8_0000_8020n + BigInt(i), 1) as bigint);
    if (plan.traceRead) events.push(...traceEventsFor(op, plan, 0x1000n, 2));
    return true;
  });
  t.like(out, { kind: 'emulated' });
  t.deepEqual([m.xs[1], m.xs[2]], [0xaaaan, 0xbbbbn]);
  t.deepEqual(events, [
    { flags: 0x0002_0043, pc: 0x1000n, addr: DEV + 0x20n, data: 0xaaaan },
    { flags: 0x0002_0043, pc: 0x1000n, addr: DEV + 0x28n, data: 0xbbbbn },
  ]);
});

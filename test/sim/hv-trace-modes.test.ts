// Trace modes of the virtual M1's hypervisor seen from the host over a real pty (spec §10.5,
// §10.7, §10.8): wide accesses split into MULTI events, unbuffered events delivered while the
// guest still runs, and IRQ tracing of a guest that takes an AIC interrupt. Guest code from GNU as;
// AIC offsets from apple-devices §2.2/§2.3; payload layouts from the spec's tables.
import test, { type ExecutionContext } from 'ava';
import { CODE, EC, HvCode, HvHost, MULTI, Reason, TRACE_READ, TRACE_UNBUF, TRACE_WRITE, WRITE, until } from './helpers/hv-host.ts';

const PAGE = 0x8_2000_0000n;
const EVT_MMIOTRACE = 1;
const EVT_IRQTRACE = 2;
/** §10.5 fields the tests check: CPU (23:16), MULTI, WRITE, WIDTH. ATTR and SH depend on the guest's stage 1. */
const FLAG_MASK = 0x00ff007f;

interface Evt {
  flags: number;
  pc: bigint;
  addr: bigint;
  data: bigint;
}

function mmioEvents(host: HvHost): { events: Evt[]; duringSession: boolean[] } {
  const events: Evt[] = [];
  const duringSession: boolean[] = [];
  host.client.onEvent((type, p) => {
    if (type !== EVT_MMIOTRACE) return;
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    events.push({ flags: v.getUint32(0, true) & FLAG_MASK, pc: v.getBigUint64(8, true), addr: v.getBigUint64(16, true), data: v.getBigUint64(24, true) });
    duringSession.push(!host.client.guestRunning);
  });
  return { events, duringSession };
}

// fmov d0, x1; mov v0.d[1], x2 (q0 = x2:x1); stp x1, x2, [x0]; str q0, [x0, #16];
// ldp x3, x4, [x0]; ldr q1, [x0, #16]; fmov x5, d1; mov x6, v1.d[1]; mov x0, #0; brk #0x4242
const WIDE = [0x9e670020, 0x4e181c40, 0xa9000801, 0x3d800400, 0xa9401003, 0x3dc00401, 0x9e660025, 0x4e183c26, 0xd2800000, 0xd4284840];
const X1 = 0x1111_2222_3333_4444n;
const X2 = 0x5555_6666_7777_8888n;

test('16-byte accesses (stp/ldp of two x registers, str/ldr q) become two MULTI events each, 8 bytes apart (§10.5)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  await host.proxy.hvMap(PAGE, PAGE | TRACE_READ | TRACE_WRITE, 0x4000n, 1n);
  await host.tlbi();
  await host.upload(CODE, WIDE);
  const { events } = mmioEvents(host);
  const regs: bigint[] = [];
  host.onSession((_msg, ctx) => {
    if (ctx?.ec === EC.BRK) regs.push(ctx.reg(3), ctx.reg(4), ctx.reg(5), ctx.reg(6));
    return 3;
  });
  await host.proxy.hvStart(CODE, PAGE, X1, X2);
  t.deepEqual(regs, [X1, X2, X1, X2], 'the loads read back what the stores wrote, through the emulation');
  const w = WRITE | MULTI | 3;
  const r = MULTI | 3;
  t.deepEqual(events, [
    { flags: w, pc: CODE + 8n, addr: PAGE, data: X1 },
    { flags: w, pc: CODE + 8n, addr: PAGE + 8n, data: X2 },
    { flags: w, pc: CODE + 12n, addr: PAGE + 16n, data: X1 },
    { flags: w, pc: CODE + 12n, addr: PAGE + 24n, data: X2 },
    { flags: r, pc: CODE + 16n, addr: PAGE, data: X1 },
    { flags: r, pc: CODE + 16n, addr: PAGE + 8n, data: X2 },
    { flags: r, pc: CODE + 20n, addr: PAGE + 16n, data: X1 },
    { flags: r, pc: CODE + 20n, addr: PAGE + 24n, data: X2 },
  ]);
  t.deepEqual(await host.client.memRead(PAGE, 32), new Uint8Array(32).map((_, i) => Number(((i & 8 ? X2 : X1) >> BigInt((i & 7) * 8)) & 0xffn)));
});

// str w1, [x0]; b .
const STORE_THEN_SPIN = [0xb9000001, 0x14000000];

test('TRACE_UNBUF: the event reaches the host while the guest is still running, before any session (§10.5, §10.7)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  await host.proxy.hvMap(PAGE, PAGE | TRACE_WRITE | TRACE_UNBUF, 0x4000n, 1n);
  await host.tlbi();
  await host.upload(CODE, STORE_THEN_SPIN);
  const { events, duringSession } = mmioEvents(host);
  const sessions: Array<[number, number]> = [];
  host.onSession((msg) => {
    sessions.push([msg.reason, msg.code]);
    return 3;
  });
  const run = host.proxy.hvStart(CODE, PAGE, 0xabcdn);
  await until(() => events.length > 0, 'the unbuffered trace event');
  t.deepEqual(sessions, [], 'no callback has been opened: the guest spins');
  t.deepEqual(duringSession, [false]);
  // The guest spins forever: stop it with a user interrupt (§9.8) and exit.
  host.client.sendInterrupt();
  await run;
  t.deepEqual(events, [{ flags: WRITE | 2, pc: CODE, addr: PAGE, data: 0xabcdn }]);
  t.deepEqual(sessions, [[Reason.HV, HvCode.USER_INTERRUPT]]);
});

const AIC = 0x2_3b10_0000n;
const IRQ = 300;
// CODE: adr x9, vectors (+0x800); msr vbar_el1, x9; isb; add x11, x2, #0x3000; mov w10, #1;
// str w10, [x11, #0x4b0] (TARGET_CPU[300] = CPU 0); add x11, x2, #0x4000; mov w10, #0x1000;
// str w10, [x11, #0x1a4] (MASK_CLR word 9, bit 12); str w10, [x11, #0x24] (SW_SET); msr daifclr, #2; b .
const IRQ_GUEST = [0x10004009, 0xd518c009, 0xd5033fdf, 0x91400c4b, 0x5280002a, 0xb904b16a, 0x9140104b, 0x5282000a, 0xb901a56a, 0xb900256a, 0xd50342ff, 0x14000000];
// vectors + 0x280 (IRQ, current EL with SP_ELx): add x11, x2, #0x2000; ldr w1, [x11, #4] (EVENT); mov x0, #0; brk #0x4242
const IRQ_HANDLER = [0x9140084b, 0xb9400561, 0xd2800000, 0xd4284840];

async function irqRun(t: ExecutionContext, traced: { num: number; count: number }): Promise<{ status?: bigint; irqEvents: Array<{ flags: number; type: number; num: number }>; accepted: boolean }> {
  const host = await HvHost.start(t, { cpus: 1 });
  const accepted = await host.proxy.hvTraceIrq(1, traced.num, traced.count, true);
  await host.tlbi();
  await host.upload(CODE, IRQ_GUEST);
  await host.upload(CODE + 0xa80n, IRQ_HANDLER);
  const irqEvents: Array<{ flags: number; type: number; num: number }> = [];
  host.client.onEvent((type, p) => {
    if (type !== EVT_IRQTRACE) return;
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    irqEvents.push({ flags: v.getUint32(0, true), type: v.getUint16(4, true), num: v.getUint16(6, true) });
  });
  let status: bigint | undefined;
  host.onSession((_msg, ctx) => {
    if (ctx?.ec === EC.BRK) status = ctx.reg(1);
    return 3;
  });
  await host.proxy.hvStart(CODE, 0n, 0n, AIC);
  return { status, irqEvents, accepted };
}

test('P_HV_TRACE_IRQ: a guest taking a traced AIC IRQ produces EVT_IRQTRACE {flags 1, type 1, num} (§10.8)', async (t) => {
  const { status, irqEvents, accepted } = await irqRun(t, { num: IRQ - 2, count: 4 });
  t.true(accepted);
  t.is(status, 0x0001_0000n | BigInt(IRQ), 'the guest read the EVENT register through the firmware hook unchanged (apple-devices §2.3)');
  t.deepEqual(irqEvents, [{ flags: 1, type: 1, num: IRQ }]);
});

test('P_HV_TRACE_IRQ: an IRQ outside the traced range passes silently', async (t) => {
  const { status, irqEvents, accepted } = await irqRun(t, { num: IRQ + 1, count: 2 });
  t.true(accepted);
  t.is(status, 0x0001_0000n | BigInt(IRQ));
  t.deepEqual(irqEvents, []);
});

test('P_HV_TRACE_IRQ refuses an event type other than 1 (§10.8)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  t.false(await host.proxy.hvTraceIrq(4, IRQ, 1, true));
  t.false(await host.proxy.hvTraceIrq(0, IRQ, 1, true));
  t.true(await host.proxy.hvTraceIrq(1, IRQ, 1, true));
});

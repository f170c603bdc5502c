// The firmware's own hooks: the virtual UART (§11) and AIC IRQ tracing (§10.8); and the §10.4
// step-7 plan for one aligned operation on each descriptor type.
import test from 'ava';
import { Vuart, VuartReg, type VuartPipe } from '../../sim/hv/vuart.ts';
import { IrqTraceState } from '../../sim/hv/irq-trace.ts';
import { encodeIrqTrace } from '../../sim/hv/trace-events.ts';
import { bytesToWords, hookResultBytes, planAlignedOp } from '../../sim/hv/aligned-op.ts';
import type { AlignedOp } from '../../sim/hv/mmio-emulation.ts';

const BASE = 0x2_3520_0000n;

function vuart(opts: { open?: boolean; irq?: number; noPipe?: boolean } = {}) {
  const rx: number[] = [];
  const tx: number[] = [];
  const irqs: Array<[number, boolean]> = [];
  const consoleText: string[] = [];
  const pipe: VuartPipe = {
    canRead: () => (opts.open === false ? 0 : rx.length),
    readByte: () => rx.shift()!,
    canWrite: () => opts.open !== false,
    writeByte: (b) => tx.push(b),
  };
  const v = new Vuart(opts.noPipe ? undefined : pipe, { setSoftwareIrq: (n, l) => irqs.push([n, l]), console: (s) => consoleText.push(s) }, opts.irq ?? 605);
  const rd = (off: number) => v.access(BASE + BigInt(off), false, 0n);
  const wr = (off: number, val: number) => v.access(BASE + BigInt(off), true, BigInt(val));
  return { v, rx, tx, irqs, consoleText, rd, wr };
}

test('vuart idle: UTRSTAT = TXBE | TXE (0x6), UFSTAT 0, URXH 0, unknown registers 0', (t) => {
  const { rd } = vuart();
  t.is(rd(VuartReg.UTRSTAT), 0x6n);
  t.is(rd(VuartReg.UFSTAT), 0n);
  t.is(rd(VuartReg.URXH), 0n);
  t.is(rd(VuartReg.ULCON), 0n);
  t.is(rd(VuartReg.UBRDIV), 0n);
});

test('vuart receive: RXD and RXCNT from the queued bytes, URXH pops them in order; > 15 bytes sets RXFULL', (t) => {
  const u = vuart();
  u.rx.push(0x41, 0x42, 0x43);
  t.is(u.rd(VuartReg.UTRSTAT), 0x7n);
  t.is(u.rd(VuartReg.UFSTAT), 3n);
  t.deepEqual([u.rd(VuartReg.URXH), u.rd(VuartReg.URXH), u.rd(VuartReg.URXH), u.rd(VuartReg.URXH)], [0x41n, 0x42n, 0x43n, 0n]);
  t.is(u.rd(VuartReg.UTRSTAT), 0x6n);
  u.rx.push(...new Array<number>(20).fill(0x30));
  t.is(u.rd(VuartReg.UFSTAT), 0x10fn);
  // Address bits above 0xFFF are ignored.
  t.is(u.v.access(BASE + 0x1018n, false, 0n), 0x10fn);
});

test('vuart IRQ: RX timeout with UCON.RXMODE = IRQ and RXTO_ENA; cleared by a UTRSTAT write once drained', (t) => {
  const u = vuart({ irq: 605 });
  u.wr(VuartReg.UCON, 0x201);
  t.is(u.rd(VuartReg.UCON), 0x201n);
  u.rx.push(0x61);
  u.v.poll();
  t.deepEqual(u.irqs.at(-1), [605, true]);
  t.is(u.rd(VuartReg.UTRSTAT) & 0x200n, 0x200n);
  t.is(u.rd(VuartReg.URXH), 0x61n);
  u.wr(VuartReg.UTRSTAT, 0x200);
  u.v.poll();
  t.is(u.v.state.utrstat & 0x200, 0);
  t.deepEqual(u.irqs.at(-1), [605, false]);
});

test('vuart TX threshold: UCON.TXMODE = IRQ and TXTHRESH_ENA set TXTHRESH (bit 5) and the IRQ', (t) => {
  const u = vuart();
  u.wr(VuartReg.UCON, 0x2004);
  t.is(u.rd(VuartReg.UTRSTAT) & 0x20n, 0x20n);
  t.deepEqual(u.irqs.at(-1), [605, true]);
});

test('vuart transmit: UTXH low byte to the open pipe; dropped when closed or without a pipe; irq 0 never touches the AIC', (t) => {
  const u = vuart();
  u.wr(VuartReg.UTXH, 0x1241);
  t.deepEqual(u.tx, [0x41]);
  const closed = vuart({ open: false });
  closed.wr(VuartReg.UTXH, 0x41);
  t.deepEqual(closed.tx, []);
  const none = vuart({ noPipe: true, irq: 0 });
  none.wr(VuartReg.UTXH, 0x41);
  t.is(none.rd(VuartReg.UTRSTAT), 0x6n);
  t.deepEqual(none.irqs, []);
});

test('vuart HVLOG pass-through: "HVLOG: " lines go to the console up to CR/LF; a broken prefix does not match', (t) => {
  const u = vuart();
  for (const c of 'xHVLOG: hi\nHHVLOG: no\n') u.wr(VuartReg.UTXH, c.charCodeAt(0));
  t.deepEqual(u.consoleText, ['HVLOG: ', 'h', 'i', '\n']);
});

const AIC = { base: 0x2_3b10_0000n, size: 0xc000n, eventOffset: 0x2004n, maxIrq: 896 };

test('P_HV_TRACE_IRQ: type must be 1, the hook is installed on the first success only, a traced event read yields EVT_IRQTRACE', (t) => {
  const s = new IrqTraceState(AIC);
  t.like(s.configure(4, 0, 1, 1), { retval: 0n, installHook: false });
  t.deepEqual(s.configure(1, 0x2a, 1, 1), { retval: 1n, installHook: true });
  t.deepEqual(s.configure(1, 0x30, 2, 1), { retval: 1n, installHook: false });
  t.true(s.hookInstalled);
  const evt = s.onAccess(AIC.base + 0x2004n, false, 2, (1n << 16n) | 0x2an);
  t.deepEqual(evt, { flags: 1, type: 1, num: 0x2a });
  // The §2.5 example payload.
  t.deepEqual(Array.from(encodeIrqTrace(evt!)), [1, 0, 0, 0, 1, 0, 0x2a, 0]);
});

test('irq trace: only 32-bit reads of the event register, type HW, traced numbers', (t) => {
  const s = new IrqTraceState(AIC);
  s.configure(1, 0x2a, 1, 1);
  const ev = AIC.base + 0x2004n;
  t.is(s.onAccess(ev, true, 2, (1n << 16n) | 0x2an), undefined, 'write');
  t.is(s.onAccess(ev, false, 3, (1n << 16n) | 0x2an), undefined, '64-bit');
  t.is(s.onAccess(ev + 4n, false, 2, (1n << 16n) | 0x2an), undefined, 'other register');
  t.is(s.onAccess(ev, false, 2, (4n << 16n) | 0x2an), undefined, 'IPI event type');
  t.is(s.onAccess(ev, false, 2, (1n << 16n) | 0x2bn), undefined, 'untraced IRQ');
});

test('irq trace: flags other than 1 untrace; bad ranges and a missing AIC fail', (t) => {
  const s = new IrqTraceState(AIC);
  s.configure(1, 10, 4, 1);
  t.true(s.isTraced(0, 13));
  s.configure(1, 12, 4, 2);
  t.deepEqual([s.isTraced(0, 11), s.isTraced(0, 12), s.isTraced(0, 13)], [true, false, false]);
  t.like(s.configure(1, 4000, 200, 1), { retval: 0n });
  t.like(new IrqTraceState(undefined).configure(1, 0, 1, 1), { retval: 0n, installHook: false });
  // die = num / max_irq; the number is reduced modulo AIC_MAX_HW_NUM (4096) as m1n1 does.
  s.configure(1, 896 + 5, 1, 1);
  t.true(s.isTraced(1, 901));
});

const op = (pte: bigint, write: boolean, width = 2, data = new Uint8Array(1 << width)): AlignedOp => ({
  pte,
  ipa: 0x2_3b10_0008n,
  va: 0xffff_0000_0000_0008n,
  width,
  write,
  par: 0xff00_0000_0000_0180n,
  data,
});

test('step 7: MAP → memory at target | VA[1:0] with trace flags; HW treated as MAP', (t) => {
  const p = planAlignedOp(op(0xc000_0009_0000_0008n, true));
  t.deepEqual(p, { action: { kind: 'memory', addr: 0x9_0000_0008n, atIpa: false }, traceWrite: true, traceRead: false, unbuffered: false, flags: 0xff00_c000 });
  t.like(planAlignedOp(op(0x9_0000_4003n, false)), { action: { kind: 'memory', addr: 0x9_0000_4000n }, traceRead: false });
});

test('step 7: proxy hooks — the hooked direction opens HOOK_VM with the §10.6 data, the other goes to the IPA', (t) => {
  const R = 0x0008_0000_0000_0000n | (5n << 2n) | 2n;
  const W = 0x000c_0000_0000_0000n | (5n << 2n) | 2n;
  t.like(planAlignedOp(op(R, true)), { action: { kind: 'memory', addr: 0x2_3b10_0008n, atIpa: true } });
  t.like(planAlignedOp(op(W, false)), { action: { kind: 'memory', addr: 0x2_3b10_0008n, atIpa: true } });
  const data = Uint8Array.from([0x78, 0x56, 0x34, 0x12]);
  const w = planAlignedOp(op(W | 0x4000_0000_0000_0000n, true, 2, data));
  t.deepEqual(w.action, { kind: 'proxy-hook', hookData: { flags: 0xff00_c022, id: 5, addr: 0x2_3b10_0008n, data: [0x1234_5678n, 0n, 0n, 0n, 0n, 0n, 0n, 0n] } });
  t.true(w.traceWrite);
  const r = planAlignedOp(op(R | 0x8000_0000_0000_0000n, false, 6));
  t.like(r, { action: { kind: 'proxy-hook', hookData: { flags: 0xff00_c006, id: 5 } }, traceRead: true });
});

test('step 7: firmware HOOK → handler; an unknown type is invalid', (t) => {
  t.deepEqual(planAlignedOp(op(0x0004_0008_0001_0000n, false)).action, { kind: 'hook', handler: 0x8_0001_0000n });
  t.like(planAlignedOp(op(0x0014_0000_0000_0000n, false)).action, { kind: 'invalid' });
});

test('hook result: the first 2^WIDTH bytes of data[] little-endian; bytesToWords pads the last word', (t) => {
  const h = { flags: 2, id: 1, addr: 0n, data: [0x1122_3344_5566_7788n, 0x99n, 0n, 0n, 0n, 0n, 0n, 0n] };
  t.deepEqual(Array.from(hookResultBytes(h, 2)), [0x88, 0x77, 0x66, 0x55]);
  t.deepEqual(Array.from(hookResultBytes(h, 4)).slice(8, 10), [0x99, 0]);
  t.deepEqual(bytesToWords(Uint8Array.from([1, 2, 3])), [0x030201n]);
});

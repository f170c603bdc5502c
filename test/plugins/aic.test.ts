// The AIC tracer fed the register traffic of spec apple-devices §2.6 (Linux initialisation, the
// IRQ take/ack loop, MMIO IPIs, corellium's per-CPU views) and §2.5 fast IPIs, checked against
// §2.9 (IRQ numbers decoded from the bits as 32·w + bit, the EVENT line) and the plugin's
// documented line formats.

import test from 'ava';
import { PluginHost } from '../../core/plugin/host.ts';
import aic from '../../plugins/aic/index.ts';
import { FastIpiReg } from '../../plugins/aic/regs.ts';
import { AIC_BASE, j274Adt, TestBackend } from '../plugin/helpers.ts';

const A = {
  INFO: AIC_BASE + 0x4n,
  WHOAMI: AIC_BASE + 0x2000n,
  EVENT: AIC_BASE + 0x2004n,
  IPI_SEND: AIC_BASE + 0x2008n,
  IPI_ACK: AIC_BASE + 0x200cn,
  IPI_MASK_SET: AIC_BASE + 0x2024n,
  IPI_MASK_CLR: AIC_BASE + 0x2028n,
  target: (n: number): bigint => AIC_BASE + 0x3000n + BigInt(4 * n),
  swSet: (w: number): bigint => AIC_BASE + 0x4000n + BigInt(4 * w),
  swClr: (w: number): bigint => AIC_BASE + 0x4080n + BigInt(4 * w),
  maskSet: (w: number): bigint => AIC_BASE + 0x4100n + BigInt(4 * w),
  maskClr: (w: number): bigint => AIC_BASE + 0x4180n + BigInt(4 * w),
  hwState: (w: number): bigint => AIC_BASE + 0x4200n + BigInt(4 * w),
  cpuEvent: (c: number): bigint => AIC_BASE + 0x5004n + BigInt(c << 7),
  cpuIpiAck: (c: number): bigint => AIC_BASE + 0x500cn + BigInt(c << 7),
  cpuIpiMaskClr: (c: number): bigint => AIC_BASE + 0x5028n + BigInt(c << 7),
};
const OTHER = 1n;
const SELF = 1n << 31n;
const UART0 = 605; // §2.3: 0x0001025d is UART0's event
const bit = (irq: number): bigint => 1n << BigInt(irq & 31);

async function setup(options: { verbosity?: number; sysregs?: boolean; adt?: ReturnType<typeof j274Adt> } = {}): Promise<{ backend: TestBackend; host: PluginHost }> {
  const backend = new TestBackend(options.adt ?? j274Adt(), { sysregs: options.sysregs });
  const host = new PluginHost(backend);
  await host.add(aic);
  if (options.verbosity !== undefined) host.setVerbosity('aic', options.verbosity);
  backend.take();
  return { backend, host };
}

test('attaches by compatible aic,1 (not by path): the range is reg[0] translated, 0x8000 long', async (t) => {
  const { backend } = await setup({ adt: j274Adt({ aicName: 'interrupt-controller' }) });
  const [r] = backend.active();
  t.is(r!.base, 0x23b100000n);
  t.is(r!.size, 0x8000n);
  t.is(r!.owner, 'aic@/arm-io/interrupt-controller');
});

test('§2.6 Linux init: INFO, all-ones MASK_SET/SW_CLR words decoded to IRQ numbers 32·w + bit, TARGET_CPU per IRQ', async (t) => {
  const { backend, host } = await setup({ verbosity: 1 });
  backend.read(A.INFO, 896n);
  backend.write(A.maskSet(0), 0xffffffffn);
  backend.write(A.swClr(0), 0xffffffffn);
  backend.write(A.maskSet(UART0 >> 5), 0xffffffffn); // word 18: IRQs 576..607
  backend.write(A.maskSet(13), 0xffffffffn); // word 13: IRQs 416..447, 445 is the two DARTs'
  backend.write(A.target(UART0), 1n);
  backend.write(A.target(7), 1n);
  t.deepEqual(backend.take(), [
    '[aic] cpu0 INFO: 896 IRQs',
    '[aic] cpu0 mask 0-31',
    '[aic] cpu0 sw clear 0-31',
    '[aic] cpu0 mask 576-604, 605 (uart0), 606, 607',
    '[aic] cpu0 mask 416-444, 445 (dart-dcp,dart-disp0), 446, 447',
    '[aic] cpu0 target IRQ 605 (uart0) → cpu0',
    '[aic] cpu0 target IRQ 7 → cpu0',
  ]);
  const s = host.state<{ nrIrq: number; masked: Record<number, boolean>; targets: Record<number, number> }>('aic')!;
  t.is(s.nrIrq, 896);
  t.true(s.masked[UART0]);
  t.is(s.targets[UART0], 1);
});

test('§2.6 per-CPU init: IPI_ACK = SELF|OTHER, IPI_MASK_SET = SELF|OTHER, affinity to one CPU', async (t) => {
  const { backend } = await setup();
  backend.write(A.IPI_ACK, SELF | OTHER, { cpu: 1 });
  backend.write(A.IPI_MASK_SET, SELF | OTHER, { cpu: 1 });
  backend.write(A.IPI_MASK_SET, SELF, { cpu: 2 });
  backend.write(A.IPI_MASK_CLR, OTHER, { cpu: 2 });
  backend.write(A.target(UART0), 1n << 5n, { cpu: 0 });
  t.deepEqual(backend.take(), [
    '[aic] cpu1 IPI ack OTHER, SELF',
    '[aic] cpu1 IPI mask OTHER, SELF',
    '[aic] cpu2 IPI mask SELF',
    '[aic] cpu2 IPI unmask OTHER',
    '[aic] cpu0 target IRQ 605 (uart0) → cpu5',
  ]);
});

test('§2.6 IRQ handler loop: EVENT read names the device, the loop ends on 0, end-of-interrupt unmasks', async (t) => {
  const { backend, host } = await setup();
  backend.write(A.maskClr(UART0 >> 5), bit(UART0), { cpu: 0 });
  // The loop on cpu0: one IRQ, then an empty EVENT.
  backend.read(A.EVENT, 0x0001025dn, { cpu: 0, pc: 0xfffffe0007004000n });
  backend.read(A.EVENT, 0n, { cpu: 0 });
  backend.write(A.maskClr(UART0 >> 5), bit(UART0), { cpu: 0 });
  // Another CPU takes an unnamed IRQ.
  backend.read(A.EVENT, 0x00010007n, { cpu: 3 });
  const lines = backend.take();
  t.deepEqual(lines, ['[aic] cpu0 unmask 605 (uart0)', '[aic] cpu0 took IRQ 605 (uart0)', '[aic] cpu0 unmask 605 (uart0)', '[aic] cpu3 took IRQ 7']);
  const s = host.state<{ irqsTaken: Record<number, number>; lastIrq: Record<number, number>; masked: Record<number, boolean> }>('aic')!;
  t.deepEqual(s.irqsTaken, { 0: 1, 3: 1 });
  t.deepEqual(s.lastIrq, { 0: 605, 3: 7 });
  t.false(s.masked[UART0], 'EVENT auto-masked it (§2.7), the EOI write unmasked it');
});

test('§2.9: the IRQ-taken event is structured per CPU with irq, die and device', async (t) => {
  const { backend } = await setup();
  backend.read(A.EVENT, 0x0001025dn, { cpu: 6, pc: 0x4242n });
  const ev = backend.outputs.find((o) => o.kind === 'irq-taken')!;
  t.is(ev.plugin, 'aic');
  t.is(ev.device, '/arm-io/aic');
  t.is(ev.cpu, 6);
  t.is(ev.pc, 0x4242n);
  t.is(ev.seq, 1);
  t.like(ev.fields, { cpu: 6, irq: 605, die: 0, device: 'uart0', count: 1 });
});

test('§2.9: at verbosity 1 an EVENT read also prints the spec MMIO line; at 2 empty reads show', async (t) => {
  const { backend, host } = await setup({ verbosity: 1 });
  backend.read(A.EVENT, 0x0001025dn);
  backend.read(A.EVENT, 0n);
  t.deepEqual(backend.take(), ['[aic] MMIO: R.4   EVENT = 0x1025d (DIE=0x0, TYPE=0x1(HW), NUM=0x25d)', '[aic] cpu0 took IRQ 605 (uart0)']);
  host.setVerbosity('aic', 2);
  backend.read(A.EVENT, 0n, { cpu: 2 });
  backend.read(A.hwState(18), bit(UART0));
  t.deepEqual(backend.take(), ['[aic] cpu2 EVENT none', '[aic] cpu0 HW_STATE[18]: 605 (uart0)']);
  host.setVerbosity('aic', 3);
  backend.read(A.EVENT, 0x0001025dn);
  t.deepEqual(backend.take(), ['[aic] MMIO: R.4   EVENT = 0x1025d (DIE=0x0, TYPE=0x1(HW), NUM=0x25d)', '[aic] cpu0 took IRQ 605 (uart0)'], 'the MMIO line is printed once');
});

test('§2.4/§2.6 MMIO IPIs: send OTHER to CPUs by bit, SELF by bit 31, take, ack and unmask on the target', async (t) => {
  const { backend } = await setup();
  backend.write(A.IPI_SEND, (1n << 2n) | (1n << 5n), { cpu: 0 });
  backend.read(A.EVENT, 0x00040001n, { cpu: 2 });
  backend.write(A.IPI_ACK, OTHER, { cpu: 2 });
  backend.write(A.IPI_MASK_CLR, OTHER, { cpu: 2 });
  backend.write(A.IPI_SEND, SELF, { cpu: 4 });
  backend.read(A.EVENT, 0x00040002n, { cpu: 4 });
  t.deepEqual(backend.take(), [
    '[aic] cpu0 IPI send OTHER → cpu2, cpu5',
    '[aic] cpu2 took IPI OTHER',
    '[aic] cpu2 IPI ack OTHER',
    '[aic] cpu2 IPI unmask OTHER',
    '[aic] cpu4 IPI send SELF',
    '[aic] cpu4 took IPI SELF',
  ]);
});

test('§2.6 corellium handler: per-CPU views act for the CPU their offset selects', async (t) => {
  const { backend } = await setup();
  backend.read(A.cpuEvent(3), 0x00040002n, { cpu: 3 });
  backend.write(A.cpuIpiAck(3), SELF, { cpu: 3 });
  backend.write(A.cpuIpiMaskClr(3), SELF, { cpu: 3 });
  backend.write(A.cpuIpiMaskClr(1), OTHER, { cpu: 0 });
  t.deepEqual(backend.take(), ['[aic] cpu3 took IPI SELF', '[aic] cpu3 IPI ack SELF', '[aic] cpu3 IPI unmask SELF', '[aic] cpu1 IPI unmask OTHER (from cpu0)']);
});

test('software set/clear of an IRQ (§2.2 SW_SET/SW_CLR)', async (t) => {
  const { backend } = await setup();
  backend.write(A.swSet(UART0 >> 5), bit(UART0) | bit(UART0 + 1), { cpu: 1 });
  backend.write(A.swClr(UART0 >> 5), bit(UART0), { cpu: 1 });
  backend.write(A.swClr(0), 0n, { cpu: 1 }); // zero bits change nothing: no line
  t.deepEqual(backend.take(), ['[aic] cpu1 sw set 605 (uart0), 606', '[aic] cpu1 sw clear 605 (uart0)']);
});

test('§2.5 fast IPIs from MSR traps: m1n1 RR_GLOBAL, corellium RR_LOCAL, IPI_SR write-1-to-clear', async (t) => {
  const { backend, host } = await setup();
  // m1n1: (mpidr & 0xff) | ((mpidr & 0xff00) << 8) for cpu5 = cluster 1, core 1
  backend.msr(FastIpiReg.IPI_RR_GLOBAL_EL1, true, 0x10001n, 0);
  // corellium, same cluster: cpu & 3 written to LOCAL (cpu0 → cpu3)
  backend.msr(FastIpiReg.IPI_RR_LOCAL_EL1, true, 3n, 0);
  // from cpu6 (cluster 1), LOCAL core 0 is cpu4; a deferred request
  backend.msr(FastIpiReg.IPI_RR_LOCAL_EL1, true, (2n << 28n) | 0n, 6);
  backend.msr(FastIpiReg.IPI_SR_EL1, true, 1n, 5);
  backend.msr(FastIpiReg.IPI_SR_EL1, false, 1n, 5); // a status read: verbosity 2 only
  t.deepEqual(backend.take(), [
    '[aic] cpu0 fast IPI → cpu5 (cluster 1, core 1)',
    '[aic] cpu0 fast IPI → cpu3 (cluster 0, core 3)',
    '[aic] cpu6 fast IPI → cpu4 (cluster 1, core 0) DEFERRED',
    '[aic] cpu5 fast IPI ack',
  ]);
  t.is(host.state<{ fastIpisSent: number }>('aic')!.fastIpisSent, 3);
});

test('§2.5 fast-IPI structured event names register, target, cluster and core', async (t) => {
  const { backend } = await setup();
  backend.msr(FastIpiReg.IPI_RR_GLOBAL_EL1, true, 0x10003n, 2);
  const ev = backend.outputs.at(-1)!;
  t.is(ev.kind, 'fast-ipi-send');
  t.is(ev.cpu, 2);
  t.like(ev.fields, { target: 7, cluster: 1, core: 3, type: 'IMMEDIATE', register: 'IPI_RR_GLOBAL_EL1' });
});

test('a backend without sysreg traps: reported once, MMIO tracing unaffected', async (t) => {
  const backend = new TestBackend(j274Adt(), { sysregs: false });
  const host = new PluginHost(backend);
  await host.add(aic);
  t.true(backend.lines({ plugin: 'aic' }).some((l) => l.includes('system register traps')));
  backend.take();
  backend.read(A.EVENT, 0x0001025dn);
  t.deepEqual(backend.take(), ['[aic] cpu0 took IRQ 605 (uart0)']);
});

test('without /cpus a fast IPI still prints its cluster and core', async (t) => {
  const { backend } = await setup({ adt: j274Adt({ noCpus: true }) });
  backend.msr(FastIpiReg.IPI_RR_GLOBAL_EL1, true, 0x10001n, 0);
  t.deepEqual(backend.take(), ['[aic] cpu0 fast IPI → (cluster 1, core 1)']);
});

test('WHOAMI at verbosity 1; unknown AIC offsets as generic lines', async (t) => {
  const { backend } = await setup({ verbosity: 1 });
  backend.read(A.WHOAMI, 3n, { cpu: 3 });
  backend.read(AIC_BASE + 0x6000n, 0x1n, { cpu: 3 });
  t.deepEqual(backend.take(), ['[aic] cpu3 WHOAMI = 3', '[aic] MMIO: R.4   0x23b106000 = 0x1']);
});

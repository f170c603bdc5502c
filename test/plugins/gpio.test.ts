// The GPIO tracer fed the accesses a guest makes (spec apple-devices §3.2 Linux pin writes, §3.3
// IRQ group reads and acknowledges), checked against the lines §3.5 says the tracer prints (after
// the `[gpio] ` prefix) and the structured fields.

import test from 'ava';
import { encodeString, encodeU32, encodeU32Array } from '../../core/formats/adt/index.ts';
import { PluginHost } from '../../core/plugin/host.ts';
import gpio from '../../plugins/gpio/index.ts';
import { GPIO_BASE, GPIO_PHANDLE, j274Adt, TestBackend } from '../plugin/helpers.ts';

const pinAddr = (p: number): bigint => GPIO_BASE + BigInt(4 * p);
const groupAddr = (g: number, w: number): bigint => GPIO_BASE + BigInt(0x800 + 0x40 * g + 4 * w);

async function setup(options: { adt?: ReturnType<typeof j274Adt>; config?: Record<string, unknown>; verbosity?: number } = {}): Promise<{ backend: TestBackend; host: PluginHost }> {
  const backend = new TestBackend(options.adt ?? j274Adt());
  const host = new PluginHost(backend);
  await host.add(gpio, { config: options.config });
  if (options.verbosity !== undefined) host.setVerbosity('gpio', options.verbosity);
  backend.take();
  return { backend, host };
}

const SPEC_LINE_0x20B = 'DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=0, PERIPH=0, MODE=5, DATA=1';

test('§3.5: attaches to /arm-io/gpio from the ADT, whole reg[0] range, UNBUF mode', async (t) => {
  const { backend } = await setup();
  const [r] = backend.active();
  t.is(backend.active().length, 1);
  t.is(r!.base, 0x23c100000n, 'bus 0x3c100000 translated through /arm-io ranges (§9.1)');
  t.is(r!.size, 0x100000n);
  t.is(r!.mode, 'unbuffered');
  t.is(r!.owner, 'gpio@/arm-io/gpio');
});

test('§3.5: a write to a named pin prints the spec line exactly, trailing space included', async (t) => {
  const { backend } = await setup();
  backend.write(pinAddr(192), 0x20bn, { cpu: 0, pc: 0xfffffe0007123450n });
  t.deepEqual(backend.take(), [`[gpio] i2c0:scl       W 0x20b (${SPEC_LINE_0x20B}) `]);
});

test('§3.5: pin access structured event carries pin, name, decoded fields and their meanings, cpu, pc, seq', async (t) => {
  const { backend } = await setup();
  backend.write(pinAddr(196), 0x20bn, { cpu: 4, pc: 0x1234n });
  const ev = backend.outputs.at(-1)!;
  t.is(ev.plugin, 'gpio');
  t.is(ev.device, '/arm-io/gpio');
  t.is(ev.kind, 'pin-config');
  t.is(ev.cpu, 4);
  t.is(ev.pc, 0x1234n);
  t.is(ev.seq, backend.seq);
  t.like(ev.fields, { pin: 196, name: 'wlan:irq', access: 'W', MODE: 5, DATA: 1, INPUT_ENABLE: 1, PULL: 0, PERIPH: 0, GROUP: 0, mode: 'input, IRQ on falling edge', pull: 'off', periph: 'GPIO', inputEnable: true });
});

test('§3.2 Linux writes: input, output, mux to a function, IRQ enable then mask, decoded per field', async (t) => {
  const { backend } = await setup();
  const p = 162; // i2c2:sda
  // input: MODE=7 and INPUT_ENABLE
  backend.write(pinAddr(p), (7n << 1n) | (1n << 9n));
  // output high: MODE=1, DATA=1
  backend.write(pinAddr(p), (1n << 1n) | 1n);
  // mux to function 2: PERIPH=2, INPUT_ENABLE=1
  backend.write(pinAddr(p), (2n << 5n) | (1n << 9n));
  // IRQ on rising edge in group 0, then masked (MODE=7), with a pull-up
  backend.write(pinAddr(p), (4n << 1n) | (1n << 9n) | (3n << 7n));
  backend.write(pinAddr(p), (7n << 1n) | (1n << 9n) | (3n << 7n));
  // a read back of the sampled input level
  backend.read(pinAddr(p), (7n << 1n) | (1n << 9n) | (3n << 7n) | 1n);
  const f = (v: string): string => `[gpio] i2c2:sda       ${v} `;
  t.deepEqual(backend.take(), [
    f('W 0x20e (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=0, PERIPH=0, MODE=7, DATA=0)'),
    f('W 0x3 (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=0, PULL=0, PERIPH=0, MODE=1, DATA=1)'),
    f('W 0x240 (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=0, PERIPH=2, MODE=0, DATA=0)'),
    f('W 0x388 (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=3, PERIPH=0, MODE=4, DATA=0)'),
    f('W 0x38e (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=3, PERIPH=0, MODE=7, DATA=0)'),
    f('R 0x38f (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=1, PULL=3, PERIPH=0, MODE=7, DATA=1)'),
  ]);
});

test('§3.5: unnamed pins print only at verbosity ≥ 2, as Pin-<n>', async (t) => {
  const { backend, host } = await setup();
  backend.write(pinAddr(3), 0x3n);
  t.deepEqual(backend.take(), []);
  host.setVerbosity('gpio', 2);
  backend.write(pinAddr(3), 0x3n);
  t.deepEqual(backend.take(), ['[gpio] Pin-3          W 0x3 (DRIVE_STRENGTH1=0, LOCK=0, GROUP=0, SCHMITT=0, DRIVE_STRENGTH0=0, INPUT_ENABLE=0, PULL=0, PERIPH=0, MODE=1, DATA=1) ']);
});

test('§3.3/§3.5: IRQ group read lists active named pins (ACT), write acknowledges (ACK), zero prints nothing', async (t) => {
  const { backend } = await setup();
  // wlan:irq is pin 196 = 32·6 + 4: group 0, word 6, bit 4; plus unnamed pin 197 (bit 5).
  backend.read(groupAddr(0, 6), (1n << 4n) | (1n << 5n));
  backend.write(groupAddr(0, 6), 1n << 4n);
  backend.read(groupAddr(0, 6), 0n);
  // bluetooth:irq (136 = 32·4 + 8) and hpm:irq (106 = 32·3 + 10) in group 2
  backend.read(groupAddr(2, 4), 1n << 8n);
  backend.read(groupAddr(2, 3), 1n << 10n);
  t.deepEqual(backend.take(), ["[gpio] IRQ[0] ACT ['wlan:irq']", "[gpio] IRQ[0] ACK ['wlan:irq']", "[gpio] IRQ[2] ACT ['bluetooth:irq']", "[gpio] IRQ[2] ACT ['hpm:irq']"]);
});

test('§3.5: IRQ group bits of unnamed pins show at verbosity 2, several per line', async (t) => {
  const { backend } = await setup({ verbosity: 2 });
  backend.read(groupAddr(1, 0), 0b1001n);
  backend.read(groupAddr(0, 6), (1n << 4n) | (1n << 5n));
  t.deepEqual(backend.take(), ["[gpio] IRQ[1] ACT ['Pin-0', 'Pin-3']", "[gpio] IRQ[0] ACT ['wlan:irq', 'Pin-197']"]);
});

test('§3.5: unnamed-only IRQ bits at verbosity 0 print nothing; structured fields list the pins', async (t) => {
  const { backend } = await setup();
  backend.read(groupAddr(1, 0), 0b1001n);
  t.deepEqual(backend.take(), []);
  backend.write(groupAddr(0, 6), 1n << 4n, { cpu: 1 });
  const ev = backend.outputs.at(-1)!;
  t.is(ev.kind, 'irq-ack');
  t.is(ev.cpu, 1);
  t.like(ev.fields, { group: 0, word: 6, pins: [196], names: ['wlan:irq'] });
});

test('§3.5/§1.7: the parent IRQs 190–196 are registered for IRQ trace under the node name and print `IRQ: gpio: 19x`', async (t) => {
  const { backend } = await setup();
  const regs = backend.irqs.filter((r) => !r.disposed).map((r) => `${r.req.name}:${r.req.first}+${r.req.count}`);
  t.deepEqual(regs, ['gpio:190+1', 'gpio:191+1', 'gpio:192+1', 'gpio:193+1', 'gpio:194+1', 'gpio:195+1', 'gpio:196+1']);
  backend.irq(190);
  backend.irq(196);
  t.deepEqual(backend.take(), ['[gpio] IRQ: gpio: 190', '[gpio] IRQ: gpio: 196']);
});

test('§3.5: no IRQ trace when interrupt-parent is not the AIC', async (t) => {
  const adt = j274Adt();
  adt.child('arm-io')!.child('gpio')!.setProperty('interrupt-parent', encodeU32(999));
  const { backend } = await setup({ adt });
  t.is(backend.irqs.length, 0);
});

test('pin names: from ADT devices routed to this GPIO (`<node>:irq`), overridden by config; none from the j274 table off-j274', async (t) => {
  const adt = j274Adt({
    compatible: ['J999AP'],
    extra: [
      { name: 'hpm0', props: { 'interrupt-parent': encodeU32(GPIO_PHANDLE), interrupts: encodeU32Array([106, 8]), name: encodeString('hpm0') } },
      { name: 'touchbar', props: { 'interrupt-parent': encodeU32(GPIO_PHANDLE), interrupts: encodeU32Array([20]) } },
    ],
  });
  const { backend } = await setup({ adt, config: { pinNames: { 20: 'tb:irq', 7: 'custom' } } });
  backend.write(pinAddr(106), 0x3n);
  backend.write(pinAddr(20), 0x3n);
  backend.write(pinAddr(7), 0x3n);
  backend.write(pinAddr(192), 0x3n); // i2c0:scl only on j274
  const names = backend.take().map((l) => l.slice('[gpio] '.length, '[gpio] '.length + 14).trimEnd());
  t.deepEqual(names, ['hpm0:irq', 'tb:irq', 'custom']);
});

test('§1.3: verbosity 3 adds the generic MMIO line before the handler line; verbosity 1 shows unknown registers', async (t) => {
  const { backend, host } = await setup({ verbosity: 3 });
  backend.write(pinAddr(192), 0x20bn);
  t.deepEqual(backend.take(), [`[gpio] MMIO: W.4   PIN[192] = 0x20b (${SPEC_LINE_0x20B})`, `[gpio] i2c0:scl       W 0x20b (${SPEC_LINE_0x20B}) `]);
  host.setVerbosity('gpio', 1);
  backend.read(GPIO_BASE + 0xc00n, 0x42n);
  backend.read(GPIO_BASE + 0xc00n, 0x42n, { width: 8, multi: true });
  t.deepEqual(backend.take(), ['[gpio] MMIO: R.4   0x23c100c00 = 0x42', '[gpio] MMIO: R.8 + 0x23c100c00 = 0x42']);
  host.setVerbosity('gpio', 0);
  backend.read(GPIO_BASE + 0xc00n, 0x42n);
  t.deepEqual(backend.take(), []);
});

test('state: the host keeps per-pin values and counters for the device', async (t) => {
  const { backend, host } = await setup();
  backend.write(pinAddr(5), 0x3n);
  backend.read(pinAddr(5), 0x2n);
  backend.read(groupAddr(0, 6), 1n << 4n);
  const s = host.state<{ pinAccesses: number; pins: Record<number, number>; irqActive: number }>('gpio', '/arm-io/gpio')!;
  t.is(s.pinAccesses, 2);
  t.is(s.pins[5], 2);
  t.is(s.irqActive, 1);
});

test('the built-in is found by name under plugins/ and loaded through esbuild', async (t) => {
  const backend = new TestBackend();
  const host = new PluginHost(backend);
  const summary = await host.load('gpio');
  t.true(summary.file?.endsWith('plugins/gpio/index.ts'));
  t.deepEqual(summary.devices, ['/arm-io/gpio']);
  backend.take();
  backend.write(pinAddr(192), 0x20bn);
  t.deepEqual(backend.take(), [`[gpio] i2c0:scl       W 0x20b (${SPEC_LINE_0x20B}) `]);
  await host.close();
  t.is(backend.active().length, 0);
});

// UART0 (apple-devices §9.4; Apple s5l bits as m1n1's uart_regs.h and Linux samsung_tty use
// them): TX to the sink, RX FIFO with RXD, the IRQ 605 flow of Linux's apple_serial_handle_irq.

import test from 'ava';
import { createJ274Devices } from '../../../sim/devices/index.ts';
import { Uart } from '../../../sim/devices/uart.ts';
import { AddressSpace } from '../../../sim/memory/address-space.ts';
import { FAULT } from '../../../sim/memory/physical-memory.ts';
import { FakeContext } from './fake-context.ts';

const UCON = 0x04;
const UFCON = 0x08;
const UTRSTAT = 0x10;
const UFSTAT = 0x18;
const UTXH = 0x20;
const URXH = 0x24;
const TXBE = 1 << 1;
const RXD = 1 << 0;
const RXTHRESH = 1 << 4;
const TXTHRESH = 1 << 5;
const RXTO = 1 << 9;
const UCON_RXTO_ENA = 1 << 9;
const UCON_RXTHRESH_ENA = 1 << 12;
const UCON_TXTHRESH_ENA = 1 << 13;

function setup(): { uart: Uart; tx: number[]; irq: boolean[] } {
  const tx: number[] = [];
  const irq = [false];
  const uart = new Uart(new FakeContext(), { onTx: (b) => tx.push(b), irq: (l) => void (irq[0] = l) });
  return { uart, tx, irq };
}

test('TX: UTXH bytes reach the sink; TXBE always reads ready (m1n1 putchar loop)', (t) => {
  const { uart, tx } = setup();
  for (const ch of Buffer.from('hi\n')) {
    while (!((uart.read32(UTRSTAT) as number) & TXBE));
    uart.write32(UTXH, ch);
  }
  t.is(Buffer.from(tx).toString(), 'hi\n');
  uart.write8(UTXH, 0x41);
  t.is(tx.at(-1), 0x41);
  t.is((uart.read32(UFSTAT) as number) & 0xf0, 0, 'TX FIFO count 0');
});

test('RX: pushRx fills the FIFO; RXD and UFSTAT count follow; URXH pops in order', (t) => {
  const { uart } = setup();
  t.is((uart.read32(UTRSTAT) as number) & RXD, 0);
  uart.pushRx(Buffer.from('ab'));
  t.is((uart.read32(UTRSTAT) as number) & RXD, RXD);
  t.is((uart.read32(UFSTAT) as number) & 0xf, 2);
  t.is(uart.read32(URXH), 0x61);
  t.is(uart.read32(URXH), 0x62);
  t.is((uart.read32(UTRSTAT) as number) & RXD, 0);
  t.is(uart.read32(URXH), 0, 'empty FIFO reads 0');
});

test('RX: 16 bytes show RXFULL; more wait instead of being lost', (t) => {
  const { uart } = setup();
  const data = Array.from({ length: 20 }, (_, i) => i + 1);
  uart.pushRx(data);
  t.is((uart.read32(UFSTAT) as number) & (1 << 8), 1 << 8);
  const got: number[] = [];
  while ((uart.read32(UTRSTAT) as number) & RXD) got.push(uart.read32(URXH) as number);
  t.deepEqual(got, data);
});

test('no interrupt unless UCON enables it; Linux startup + RX IRQ handler flow', (t) => {
  const { uart, irq } = setup();
  uart.pushRx([1]);
  t.false(irq[0]);
  // apple_s5l_serial_startup: clear all flags, reset RX FIFO, enable RXTHRESH and RXTO.
  uart.write32(UTRSTAT, RXTHRESH | TXTHRESH | RXTO);
  uart.write32(UFCON, (uart.read32(UFCON) as number) | (1 << 1));
  t.is((uart.read32(UTRSTAT) as number) & RXD, 0, 'RESETRX emptied the FIFO');
  uart.write32(UCON, (uart.read32(UCON) as number) | UCON_RXTHRESH_ENA | UCON_RXTO_ENA);
  t.false(irq[0]);
  uart.pushRx(Buffer.from('x'));
  t.true(irq[0]);
  // apple_serial_handle_irq: read UTRSTAT, clear RX flags, drain.
  const pend = uart.read32(UTRSTAT) as number;
  t.truthy(pend & (RXTHRESH | RXTO));
  uart.write32(UTRSTAT, RXTHRESH | RXTO);
  t.false(irq[0]);
  t.is(uart.read32(URXH), 0x78);
  // Eight bytes reach the threshold too.
  uart.pushRx(Array.from({ length: 8 }, () => 0x20));
  t.is((uart.read32(UTRSTAT) as number) & RXTHRESH, RXTHRESH);
});

test('TX interrupt: TXTHRESH_ENA raises it, the handler clears and refills, stop_tx ends it', (t) => {
  const { uart, irq, tx } = setup();
  uart.write32(UTRSTAT, RXTHRESH | TXTHRESH | RXTO);
  uart.write32(UCON, UCON_TXTHRESH_ENA);
  t.true(irq[0]);
  uart.write32(UTRSTAT, TXTHRESH);
  t.false(irq[0]);
  uart.write32(UTXH, 0x31);
  t.true(irq[0], 'FIFO drained below threshold again');
  uart.write32(UTRSTAT, TXTHRESH);
  uart.write32(UCON, 0);
  t.false(irq[0]);
  t.deepEqual(tx, [0x31]);
});

test('through the AIC: UART0 is IRQ 605 and EVENT reads 0x0001025d', (t) => {
  const ctx = new FakeContext();
  const dev = createJ274Devices(ctx);
  dev.aic.write32(0x4180 + 4 * (605 >> 5), 1 << (605 & 31));
  dev.uart.write32(UCON, UCON_RXTO_ENA);
  dev.uart.pushRx([0x0d]);
  t.deepEqual(ctx.irqCpus(), [0]);
  t.is(dev.aic.read32(0x2004), 0x0001025d);
});

test('bad accesses: 16/64-bit and unaligned fault; unknown offsets RAZ/WI', (t) => {
  const { uart, tx } = setup();
  const bus = new AddressSpace().addMmio(uart.base, uart.size, uart, 'uart0');
  t.is(bus.read(0x235200000n + 0x10n, 2), FAULT);
  t.is(bus.read(0x235200000n + 0x10n, 8), FAULT);
  t.is(uart.read32(0x11), FAULT);
  t.is(uart.read8(0x21), FAULT);
  t.is(uart.read32(0x100), 0);
  uart.write32(0x100, 0xff);
  t.is(bus.read(0x235200000n + 0x3ffcn, 4), 0n);
  t.deepEqual(tx, []);
});

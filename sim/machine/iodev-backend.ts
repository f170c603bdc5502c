// Layer: sim/machine. The virtual Mac mini's iodevs as m1n1's P_IODEV_* ops see them (spec §1.1,
// §6.10): the USB channels' proxy pipes, the virtual UART pipe once bound, the physical UART0.
// Imports sim/firmware (the interface) and this folder.
//
// Model limits (documented): a proxy pipe (USB0..7 pipe 0) is written as console text is, but
// not read by P_IODEV_READ — the proxy loop owns its input, as it does in m1n1 while serving.

import type { IodevBackend } from '../firmware/ops/iodev-backend.ts';
import type { UsbPipe } from './usb-pipe.ts';

const UART = 0;
const USB_VUART = 3;
const USB0 = 4;
const USB7 = 11;

export interface IodevChannels {
  /** The proxy channel of a USB iodev (4..11): bytes waiting and raw output. */
  proxy(iodev: number): { canRead(): number; writeRaw(bytes: Uint8Array): void } | undefined;
  vuartPipe(iodev: number): UsbPipe | undefined;
  uart0Tx(byte: number): void;
}

export function machineIodevBackend(channels: IodevChannels): IodevBackend & { vuartIodev(): number | undefined } {
  let vuartBoundTo: number | undefined;
  const usage = new Map<number, number>([[UART, 3]]);
  const bound = (): UsbPipe | undefined => (vuartBoundTo === undefined ? undefined : channels.vuartPipe(vuartBoundTo));
  return {
    vuartIodev: () => vuartBoundTo,
    has: (iodev) => iodev === UART || iodev === USB_VUART || (iodev >= USB0 && iodev <= USB7 && channels.proxy(iodev) !== undefined),
    canRead: (iodev) => (iodev === USB_VUART ? (bound()?.available ?? 0) : (channels.proxy(iodev)?.canRead() ?? 0)),
    canWrite: (iodev) => (iodev === USB_VUART ? (bound()?.open ?? false) : iodev === UART || channels.proxy(iodev) !== undefined),
    read: (iodev, length) => {
      if (iodev === USB_VUART) {
        const pipe = bound();
        return pipe ? pipe.read(length) : new Uint8Array(0);
      }
      return undefined;
    },
    write: (iodev, data) => {
      if (iodev === USB_VUART) return bound()?.write(data) ?? -1;
      if (iodev === UART) {
        for (const b of data) channels.uart0Tx(b);
        return data.length;
      }
      const proxy = channels.proxy(iodev);
      if (!proxy) return undefined;
      proxy.writeRaw(data);
      return data.length;
    },
    setUsage: (iodev, bits) => void usage.set(iodev, bits),
    bindVuart: (usbIodev) => {
      if (usbIodev >= USB0 && usbIodev <= USB7) vuartBoundTo = usbIodev;
    },
  };
}

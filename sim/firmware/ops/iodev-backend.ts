// Layer: sim/firmware/ops. The I/O devices behind m1n1's iodev ops (spec §1.1, §6.10, §11), as
// the op family needs them, and an in-memory implementation for tests. Imports nothing from
// hvdbg; the machine implements IodevBackend over its USB channels, UART and vuart.
//
// What m1n1's devices do, which an implementation should reproduce (usb.c, usb_dwc3.c):
// - USB0..USB7 (4..11): pipe 0 of each CDC-ACM device. can_read = bytes received; can_write =
//   the host has the pipe open; read blocks until `length` bytes arrived when the pipe is open
//   and returns 0 when it is closed; write queues everything (0 when closed).
// - USB_VUART (3): pipe 1 of the USB device chosen by P_USB_IODEV_VUART_SETUP / P_HV_MAP_VUART;
//   before that it has no device: can_read 0, can_write false, read 0, write −1.
// - UART (0): the physical UART; FB (2) writes console text only; DOCKCHANNEL_UART (1) is
//   absent on an M1 Mac mini.

/** IODEV_NUM in m1n1: USB0..USB7, then the hidden kboot log iodev (12). */
export const IODEV_COUNT = 13;

export interface IodevBackend {
  /** Whether m1n1 has a device registered under this number (0 ≤ iodev < IODEV_COUNT). */
  has(iodev: number): boolean;
  /** Bytes waiting to be read (0 when the device cannot read). */
  canRead(iodev: number): number;
  canWrite(iodev: number): boolean;
  /**
   * Up to `length` bytes; a blocking device resolves when it has them all. Undefined: the device
   * has no read operation (m1n1 answers −1).
   */
  read(iodev: number, length: number): Uint8Array | Promise<Uint8Array> | undefined;
  /** Bytes accepted (may be fewer, or negative as m1n1's drivers return); undefined: no write operation (−1). */
  write(iodev: number, data: Uint8Array): number | Promise<number> | undefined;
  /** P_IODEV_SET_USAGE: IodevUsage bits (CONSOLE 1, UARTPROXY 2) of a registered device. */
  setUsage(iodev: number, usage: number): void;
  /** P_USB_IODEV_VUART_SETUP for a USB iodev (4..11): USB_VUART now uses pipe 1 of that device. */
  bindVuart(usbIodev: number): void;
}

interface MemoryDevice {
  rx: number[];
  tx: number[];
  usage: number;
  open: boolean;
  /** Reads wait for the full length while open (USB pipes). */
  blocking: boolean;
  /** Set for USB_VUART once bound; reads and writes go to the bound device's pipe-1 buffers. */
  unbound?: boolean;
}

/**
 * An in-memory IodevBackend: each device has a receive queue (`feed()`), a transmit log
 * (`written()`), usage bits and an open flag. Blocking reads resolve as bytes are fed.
 */
export class MemoryIodevBackend implements IodevBackend {
  private readonly devices = new Map<number, MemoryDevice>();
  private waiters: Array<() => void> = [];
  /** The USB iodev USB_VUART is bound to, or undefined. */
  vuartBoundTo: number | undefined;

  /** Registers a device. `blocking` defaults to true for USB (4..11) and the vuart (3). */
  add(iodev: number, options: { usage?: number; open?: boolean; blocking?: boolean } = {}): this {
    this.devices.set(iodev, {
      rx: [],
      tx: [],
      usage: options.usage ?? 0,
      open: options.open ?? true,
      blocking: options.blocking ?? (iodev >= 3 && iodev <= 11),
      unbound: iodev === 3 ? true : undefined,
    });
    return this;
  }

  /** Bytes arriving from the outside on a device. */
  feed(iodev: number, bytes: Uint8Array | string): void {
    const d = this.device(iodev);
    const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    d.rx.push(...data);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Everything written to a device so far. */
  written(iodev: number): Uint8Array {
    return Uint8Array.from(this.device(iodev).tx);
  }

  usage(iodev: number): number | undefined {
    return this.devices.get(iodev)?.usage;
  }

  setOpen(iodev: number, open: boolean): void {
    this.device(iodev).open = open;
  }

  has(iodev: number): boolean {
    return this.devices.has(iodev);
  }

  canRead(iodev: number): number {
    const d = this.live(iodev);
    return d && d.open ? d.rx.length : 0;
  }

  canWrite(iodev: number): boolean {
    const d = this.live(iodev);
    return !!d && d.open;
  }

  read(iodev: number, length: number): Uint8Array | Promise<Uint8Array> | undefined {
    const d = this.live(iodev);
    if (!d || !d.open) return new Uint8Array(0);
    if (!d.blocking || d.rx.length >= length) return Uint8Array.from(d.rx.splice(0, Math.min(length, d.rx.length)));
    return new Promise((resolve) => {
      const check = () => {
        if (d.rx.length >= length || !d.open) resolve(Uint8Array.from(d.rx.splice(0, Math.min(length, d.rx.length))));
        else this.waiters.push(check);
      };
      check();
    });
  }

  write(iodev: number, data: Uint8Array): number | undefined {
    const d = this.devices.get(iodev);
    if (!d) return undefined;
    if (iodev === 3 && this.vuartBoundTo === undefined) return -1;
    if (!d.open) return 0;
    d.tx.push(...data);
    return data.length;
  }

  setUsage(iodev: number, usage: number): void {
    const d = this.devices.get(iodev);
    if (d) d.usage = usage;
  }

  bindVuart(usbIodev: number): void {
    this.vuartBoundTo = usbIodev;
    const v = this.devices.get(3);
    if (v) v.unbound = false;
  }

  /** The device, unless it is the vuart before it was bound (it has no device then). */
  private live(iodev: number): MemoryDevice | undefined {
    const d = this.devices.get(iodev);
    return d?.unbound ? undefined : d;
  }

  private device(iodev: number): MemoryDevice {
    const d = this.devices.get(iodev);
    if (!d) throw new RangeError(`MemoryIodevBackend: iodev ${iodev} was not added`);
    return d;
  }
}

// Layer: core/proxy. I/O device ops, 0x900 (spec §6.10, iodev numbers §1.1). Imports core/proxy only.

import { ProxyArgumentError } from '../errors.ts';
import { ret, uintArg, type Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

const iodevArg = (iodev: number, what: string): bigint => uintArg(iodev, 32, `${what} iodev`);

export function withIodevOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class IodevOps extends Base {
    /** P_IODEV_SET_USAGE(iodev, usage): IodevUsage bits (CONSOLE 1, UARTPROXY 2). */
    async iodevSetUsage(iodev: number, usage: number): Promise<void> {
      await this.request('P_IODEV_SET_USAGE', [iodevArg(iodev, 'P_IODEV_SET_USAGE'), usage]);
    }
    /** P_IODEV_CAN_READ(iodev): bytes available. */
    async iodevCanRead(iodev: number): Promise<number> {
      return ret.count(await this.request('P_IODEV_CAN_READ', [iodevArg(iodev, 'P_IODEV_CAN_READ')]));
    }
    /** P_IODEV_CAN_WRITE(iodev). */
    async iodevCanWrite(iodev: number): Promise<boolean> {
      return ret.bool(await this.request('P_IODEV_CAN_WRITE', [iodevArg(iodev, 'P_IODEV_CAN_WRITE')]));
    }
    /** P_IODEV_READ(iodev, buffer, size): bytes read into the target buffer (USB blocks until size bytes). */
    async iodevRead(iodev: number, buffer: bigint, sizeBytes: Size): Promise<number> {
      return ret.count(await this.request('P_IODEV_READ', [iodevArg(iodev, 'P_IODEV_READ'), buffer, sizeBytes]));
    }
    /**
     * P_IODEV_WRITE(iodev, buffer, size): bytes written. `data` is a target buffer (then `sizeBytes`
     * is required) or bytes, copied through the host heap with their length as the size (§7.1).
     */
    async iodevWrite(iodev: number, data: bigint | Uint8Array, sizeBytes?: Size): Promise<number> {
      const size = data instanceof Uint8Array ? (sizeBytes ?? data.length) : sizeBytes;
      if (size === undefined) throw new ProxyArgumentError('P_IODEV_WRITE: a target buffer needs its size');
      return ret.count(await this.request('P_IODEV_WRITE', [iodevArg(iodev, 'P_IODEV_WRITE'), data, size]));
    }
    /** P_IODEV_WHOAMI: the iodev the proxy runs on (Iodev.*). */
    async iodevWhoami(): Promise<number> {
      return ret.count(await this.request('P_IODEV_WHOAMI'));
    }
    /** P_USB_IODEV_VUART_SETUP(iodev): binds USB_VUART to pipe 1 of that USB iodev (4..11). */
    async usbIodevVuartSetup(iodev: number): Promise<void> {
      await this.request('P_USB_IODEV_VUART_SETUP', [iodevArg(iodev, 'P_USB_IODEV_VUART_SETUP')]);
    }
  };
}

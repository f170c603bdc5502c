// Layer: core/proxy. Kernel boot ops, 0x700 (spec §6.9). Imports core/proxy only.
//
// Names and values are strings, marshalled through the host heap (§7.1). Unlike the Python
// host, the set-chosen / set-u-boot statuses are returned, not dropped (§15.4).

import { ret, type Size } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withKbootOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class KbootOps extends Base {
    /**
     * P_KBOOT_BOOT(entry). On success the target replies and then leaves the proxy session to
     * start the kernel (the link goes away); on failure it replies and the session goes on.
     */
    async kbootBoot(entry: bigint): Promise<void> {
      await this.request('P_KBOOT_BOOT', [entry]);
    }
    /** P_KBOOT_SET_CHOSEN(name, value): a /chosen property; 0 ok, negative error. */
    async kbootSetChosen(name: string, value: string): Promise<number> {
      return ret.status(await this.request('P_KBOOT_SET_CHOSEN', [name, value]));
    }
    /** P_KBOOT_SET_INITRD(base, size). */
    async kbootSetInitrd(base: bigint, sizeBytes: Size): Promise<void> {
      await this.request('P_KBOOT_SET_INITRD', [base, sizeBytes]);
    }
    /** P_KBOOT_PREPARE_DT(fdt): a target pointer, or the FDT bytes (copied via the host heap); 0 ok, negative error. */
    async kbootPrepareDt(fdt: bigint | Uint8Array): Promise<number> {
      return ret.status(await this.request('P_KBOOT_PREPARE_DT', [fdt]));
    }
    /** P_KBOOT_SET_UBOOT(name, value): a u-boot environment variable; 0 ok, negative error. */
    async kbootSetUboot(name: string, value: string): Promise<number> {
      return ret.status(await this.request('P_KBOOT_SET_UBOOT', [name, value]));
    }
  };
}

// Layer: core/proxy. PCIe (0xE00), NVMe (0xF00), MCC (0x1000), DAPF (0x1200) and cpufreq (0x1300)
// ops (spec §6.12). Imports core/proxy only.

import { ret, uintArg } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export function withPeripheralOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class PeripheralOps extends Base {
    /** P_PCIE_INIT. */
    async pcieInit(): Promise<void> {
      await this.request('P_PCIE_INIT');
    }
    /** P_PCIE_SHUTDOWN. */
    async pcieShutdown(): Promise<void> {
      await this.request('P_PCIE_SHUTDOWN');
    }

    /** P_NVME_INIT: whether NVMe came up. */
    async nvmeInit(): Promise<boolean> {
      return ret.bool(await this.request('P_NVME_INIT'));
    }
    /** P_NVME_SHUTDOWN. */
    async nvmeShutdown(): Promise<void> {
      await this.request('P_NVME_SHUTDOWN');
    }
    /** P_NVME_READ(namespace, lba, buffer): one block into the target buffer; success. */
    async nvmeRead(namespace: number, lba: bigint, buffer: bigint): Promise<boolean> {
      return ret.bool(await this.request('P_NVME_READ', [uintArg(namespace, 32, 'P_NVME_READ namespace'), lba, buffer]));
    }
    /** P_NVME_FLUSH(namespace): success. */
    async nvmeFlush(namespace: number): Promise<boolean> {
      return ret.bool(await this.request('P_NVME_FLUSH', [uintArg(namespace, 32, 'P_NVME_FLUSH namespace')]));
    }

    /** P_MCC_GET_CARVEOUTS: pointer to `{u64 base, u64 size}[]`, ended by base 0. */
    async mccGetCarveouts(): Promise<bigint> {
      return this.request('P_MCC_GET_CARVEOUTS');
    }

    /** P_DAPF_INIT_ALL: int status. */
    async dapfInitAll(): Promise<number> {
      return ret.status(await this.request('P_DAPF_INIT_ALL'));
    }
    /** P_DAPF_INIT(adtPath): path through the host heap; int status. */
    async dapfInit(adtPath: string): Promise<number> {
      return ret.status(await this.request('P_DAPF_INIT', [adtPath]));
    }

    /** P_CPUFREQ_INIT: int status. */
    async cpufreqInit(): Promise<number> {
      return ret.status(await this.request('P_CPUFREQ_INIT'));
    }
  };
}

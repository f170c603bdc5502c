// Layer: core/proxy. System ops, 0x000 (spec §6.2). Imports core/proxy only.

import { CPU_FEATURES_SIZE, SET_BAUD_PATTERN, SET_BAUD_REPEAT } from '../constants.ts';
import { regsArg, ret, type Regs4, type Regs5 } from '../marshal.ts';
import type { ProxyCoreClass } from '../proxy-core.ts';

export interface SetBaudOptions {
  /** Times the 4-byte pattern is sent at the new rate before the reply (default 16). */
  repeat?: number;
  /** 32-bit pattern, sent little-endian (default 0x005AA5F0, bytes F0 A5 5A 00). */
  pattern?: number;
  /**
   * Switches the host's port to the new rate. Called once the request has been handed to the
   * transport and before the reply is awaited — the reply comes at the new rate. The Python host
   * means to do this but never does (§15.1); here it is done. It should drain the port first.
   */
  switchHost?: (baud: number) => void | Promise<void>;
}

export function withSystemOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class SystemOps extends Base {
    /** P_NOP. */
    async nop(): Promise<void> {
      await this.request('P_NOP');
    }

    /**
     * P_EXIT: ends the current proxy session after the reply; 0 is turned into 1 by the target.
     * Inside a hypervisor callback the code is the callback's result (§9.4).
     */
    async exit(code: number | bigint = 0): Promise<void> {
      await this.request('P_EXIT', [code]);
    }

    /** P_CALL: runs `func(x0..x4)` at EL2 under the session guard; resolves with its x0. */
    async call(func: bigint, ...regs: Regs5): Promise<bigint> {
      return this.request('P_CALL', [func, ...regsArg(regs, 5, 'P_CALL')]);
    }

    /**
     * P_CALL into code that resets or reloads the target: sends without waiting for a reply
     * (the Python "reboot" mode, §4.2). Resolves once sent; wait for the target's REQ_BOOT or
     * USB re-enumeration through core/uartproxy. Unlike Python (§15.9) there is no ambiguous
     * "maybe a reply, maybe None" result.
     */
    async callNoReply(func: bigint, ...regs: Regs5): Promise<void> {
      await this.request('P_CALL', [func, ...regsArg(regs, 5, 'P_CALL')], { noReply: true });
    }

    /** P_GET_BOOTARGS: physical address of iBoot's boot_args (§8.1). */
    async getBootargs(): Promise<bigint> {
      return this.request('P_GET_BOOTARGS');
    }

    /** P_GET_BASE: load address of the m1n1 image. */
    async getBase(): Promise<bigint> {
      return this.request('P_GET_BASE');
    }

    /** P_SET_BAUD(baud, repeat, pattern) on the physical UART; see SetBaudOptions.switchHost. */
    async setBaud(baud: number, options: SetBaudOptions = {}): Promise<void> {
      const reply = this.request('P_SET_BAUD', [baud, options.repeat ?? SET_BAUD_REPEAT, options.pattern ?? SET_BAUD_PATTERN]);
      if (options.switchHost) {
        try {
          await options.switchHost(baud);
        } catch (err) {
          reply.catch(() => undefined);
          throw err;
        }
      }
      await reply;
    }

    /** P_UDELAY: busy-waits on the target (a long op: no timeout by default). */
    async udelay(microseconds: number): Promise<void> {
      await this.request('P_UDELAY', [microseconds]);
    }

    /** P_SET_EXC_GUARD: session guard (Guard.*, optionally | Guard.SILENT); zeroes the counter (§5). */
    async setExcGuard(guard: number): Promise<void> {
      await this.request('P_SET_EXC_GUARD', [guard]);
    }

    /** P_GET_EXC_COUNT: exceptions since the last read; the target zeroes it (§5). */
    async getExcCount(): Promise<number> {
      return ret.count(await this.request('P_GET_EXC_COUNT'));
    }

    /** P_EL0_CALL: runs `func(x0..x3)` at EL0 (address normally ORed with REGION_RWX_EL0). */
    async el0Call(func: bigint, ...regs: Regs4): Promise<bigint> {
      return this.request('P_EL0_CALL', [func, ...regsArg(regs, 4, 'P_EL0_CALL')]);
    }

    /** P_EL1_CALL: runs `func(x0..x3)` at EL1. */
    async el1Call(func: bigint, ...regs: Regs4): Promise<bigint> {
      return this.request('P_EL1_CALL', [func, ...regsArg(regs, 4, 'P_EL1_CALL')]);
    }

    /** P_VECTOR: the target tears down and jumps to `entry(x0..x4)`; the session ends after the reply. */
    async vector(entry: bigint, ...regs: Regs5): Promise<void> {
      await this.request('P_VECTOR', [entry, ...regsArg(regs, 5, 'P_VECTOR')]);
    }

    /** P_GL1_CALL: runs `func(x0..x3)` in GL1 (SPRR/GXF machines). */
    async gl1Call(func: bigint, ...regs: Regs4): Promise<bigint> {
      return this.request('P_GL1_CALL', [func, ...regsArg(regs, 4, 'P_GL1_CALL')]);
    }

    /** P_GL2_CALL: runs `func(x0..x3)` in GL2 (address normally ORed with REGION_RX_EL1). */
    async gl2Call(func: bigint, ...regs: Regs4): Promise<bigint> {
      return this.request('P_GL2_CALL', [func, ...regsArg(regs, 4, 'P_GL2_CALL')]);
    }

    /** P_GET_SIMD_STATE: q0..q31 into the 512-byte target buffer (the guest's, in a callback, §7.4). */
    async getSimdState(buffer: bigint): Promise<void> {
      await this.request('P_GET_SIMD_STATE', [buffer]);
    }

    /** P_PUT_SIMD_STATE: loads q0..q31 from the 512-byte target buffer. */
    async putSimdState(buffer: bigint): Promise<void> {
      await this.request('P_PUT_SIMD_STATE', [buffer]);
    }

    /** P_REBOOT: resets the machine. No reply: resolves once sent. */
    async reboot(): Promise<void> {
      await this.request('P_REBOOT');
    }

    /** P_SLEEP: the CPU sleeps forever. No reply: resolves once sent. */
    async sleep(deep = false): Promise<void> {
      await this.request('P_SLEEP', [deep]);
    }

    /** P_EL3_CALL: runs `func(x0..x3)` at EL3 (only where m1n1 booted at EL3). */
    async el3Call(func: bigint, ...regs: Regs4): Promise<bigint> {
      return this.request('P_EL3_CALL', [func, ...regsArg(regs, 4, 'P_EL3_CALL')]);
    }

    /** P_GET_CHIPID: e.g. 0x8103 on M1 (T8103). */
    async getChipid(): Promise<number> {
      return ret.count(await this.request('P_GET_CHIPID'));
    }

    /** P_GET_CPU_FEATURES: pointer to the 20-byte struct of §8.3, or 0n if the size is not the target's. */
    async getCpuFeatures(sizeBytes: number = CPU_FEATURES_SIZE): Promise<bigint> {
      return this.request('P_GET_CPU_FEATURES', [sizeBytes]);
    }
  };
}

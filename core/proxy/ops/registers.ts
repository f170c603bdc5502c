// Layer: core/proxy. Register access ops, 0x100 (spec §6.3). Imports core/proxy only.
//
// One method per op and width. The address must be aligned to the access width; a misaligned
// one is refused locally with PROXY_MISALIGNED and nothing is sent. (Python skips the check for
// P_WRITEREAD*; it is applied here too, for consistency — an unaligned device access faults.)
// The target truncates values to the width. Faults do not reject: they show in the exception
// counter (§5) — use WidthAccess for checked accesses.

import { alignedArg } from '../marshal.ts';
import type { OpcodeName } from '../opcodes.ts';
import type { ProxyCore, ProxyCoreClass } from '../proxy-core.ts';

function access(p: ProxyCore, op: OpcodeName, bytes: number, addr: bigint, values: readonly bigint[] = []): Promise<bigint> {
  try {
    return p.request(op, [alignedArg(addr, bytes, op), ...values]);
  } catch (err) {
    return Promise.reject(err);
  }
}

export function withRegisterOps<TBase extends ProxyCoreClass>(Base: TBase) {
  return class RegisterOps extends Base {
    /** P_WRITE64: one 64-bit store (guard SKIP). */
    async write64(addr: bigint, value: bigint): Promise<void> {
      await access(this, 'P_WRITE64', 8, addr, [value]);
    }
    /** P_WRITE32: one 32-bit store. */
    async write32(addr: bigint, value: bigint): Promise<void> {
      await access(this, 'P_WRITE32', 4, addr, [value]);
    }
    /** P_WRITE16: one 16-bit store. */
    async write16(addr: bigint, value: bigint): Promise<void> {
      await access(this, 'P_WRITE16', 2, addr, [value]);
    }
    /** P_WRITE8: one 8-bit store. */
    async write8(addr: bigint, value: bigint): Promise<void> {
      await access(this, 'P_WRITE8', 1, addr, [value]);
    }

    /** P_READ64: one 64-bit load (guard MARK: a fault reads 0xACCE5515ABAD1DEA). */
    read64(addr: bigint): Promise<bigint> {
      return access(this, 'P_READ64', 8, addr);
    }
    /** P_READ32: one 32-bit load, zero-extended. */
    read32(addr: bigint): Promise<bigint> {
      return access(this, 'P_READ32', 4, addr);
    }
    /** P_READ16: one 16-bit load, zero-extended. */
    read16(addr: bigint): Promise<bigint> {
      return access(this, 'P_READ16', 2, addr);
    }
    /** P_READ8: one 8-bit load, zero-extended. */
    read8(addr: bigint): Promise<bigint> {
      return access(this, 'P_READ8', 1, addr);
    }

    /** P_SET64: `*addr |= bits`; resolves with the new value. */
    set64(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_SET64', 8, addr, [bits]);
    }
    /** P_SET32: `*addr |= bits`; resolves with the new value. */
    set32(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_SET32', 4, addr, [bits]);
    }
    /** P_SET16: `*addr |= bits`; resolves with the new value. */
    set16(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_SET16', 2, addr, [bits]);
    }
    /** P_SET8: `*addr |= bits`; resolves with the new value. */
    set8(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_SET8', 1, addr, [bits]);
    }

    /** P_CLEAR64: `*addr &= ~bits`; resolves with the new value. */
    clear64(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_CLEAR64', 8, addr, [bits]);
    }
    /** P_CLEAR32: `*addr &= ~bits`; resolves with the new value. */
    clear32(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_CLEAR32', 4, addr, [bits]);
    }
    /** P_CLEAR16: `*addr &= ~bits`; resolves with the new value. */
    clear16(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_CLEAR16', 2, addr, [bits]);
    }
    /** P_CLEAR8: `*addr &= ~bits`; resolves with the new value. */
    clear8(addr: bigint, bits: bigint): Promise<bigint> {
      return access(this, 'P_CLEAR8', 1, addr, [bits]);
    }

    /** P_MASK64: `*addr = (*addr & ~clear) | set`; resolves with the new value. */
    mask64(addr: bigint, clear: bigint, set: bigint): Promise<bigint> {
      return access(this, 'P_MASK64', 8, addr, [clear, set]);
    }
    /** P_MASK32: `*addr = (*addr & ~clear) | set`; resolves with the new value. */
    mask32(addr: bigint, clear: bigint, set: bigint): Promise<bigint> {
      return access(this, 'P_MASK32', 4, addr, [clear, set]);
    }
    /** P_MASK16: `*addr = (*addr & ~clear) | set`; resolves with the new value. */
    mask16(addr: bigint, clear: bigint, set: bigint): Promise<bigint> {
      return access(this, 'P_MASK16', 2, addr, [clear, set]);
    }
    /** P_MASK8: `*addr = (*addr & ~clear) | set`; resolves with the new value. */
    mask8(addr: bigint, clear: bigint, set: bigint): Promise<bigint> {
      return access(this, 'P_MASK8', 1, addr, [clear, set]);
    }

    /** P_WRITEREAD64: store, then load back; resolves with what was read. */
    writeread64(addr: bigint, value: bigint): Promise<bigint> {
      return access(this, 'P_WRITEREAD64', 8, addr, [value]);
    }
    /** P_WRITEREAD32: store, then load back; resolves with what was read. */
    writeread32(addr: bigint, value: bigint): Promise<bigint> {
      return access(this, 'P_WRITEREAD32', 4, addr, [value]);
    }
    /** P_WRITEREAD16: store, then load back; resolves with what was read. */
    writeread16(addr: bigint, value: bigint): Promise<bigint> {
      return access(this, 'P_WRITEREAD16', 2, addr, [value]);
    }
    /** P_WRITEREAD8: store, then load back; resolves with what was read. */
    writeread8(addr: bigint, value: bigint): Promise<bigint> {
      return access(this, 'P_WRITEREAD8', 1, addr, [value]);
    }
  };
}

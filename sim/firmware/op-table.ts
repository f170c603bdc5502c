// Layer: sim/firmware. The declarative table of proxy ops the virtual m1n1 implements (spec §6).
// Imports the opcode table of core/proxy/opcodes.ts (the one place opcode numbers live),
// sim/memory types and this folder's guard and errors.
//
// An op family (ops/*.ts) is data: op name, the temporary exception guard m1n1 applies while
// the op runs (§5, §6.3, §6.4), and a handler. The proxy loop looks an opcode up here; an
// opcode nobody registered is answered with proxy status S_BADCMD, exactly as m1n1 answers an
// op it does not know (§4.2). Later families (CPU, hypervisor) register the same way, and a
// handler may be async: its reply is sent when it resolves, and meanwhile it may run nested
// callback sessions (firmware.runCallbackSession).

import { OPCODES, type OpcodeName } from '../../core/proxy/opcodes.ts';
import type { PhysicalMemory } from '../memory/physical-memory.ts';
import { SimFirmwareError, type ResetReason } from './errors.ts';
import type { ExceptionGuard } from './exception-guard.ts';

/** A return value, or a return value plus a session exit code (§4.2; non-zero ends the session after the reply). */
export type OpResult = bigint | { readonly retval: bigint; readonly exit: number };

export type OpHandler = (args: BigUint64Array, ctx: OpContext) => OpResult | Promise<OpResult>;

export interface OpDef {
  readonly name: OpcodeName;
  /** Guard while the op runs (§5); omitted: the session guard stays in force. */
  readonly guard?: number;
  readonly handler: OpHandler;
}

export interface OpFamily {
  readonly family: string;
  readonly ops: readonly OpDef[];
}

export interface ResolvedOp extends OpDef {
  readonly opcode: number;
  readonly family: string;
}

/** What the machine description tells the firmware (P_GET_BOOTARGS, P_GET_BASE, P_GET_CHIPID). */
export interface MachineInfo {
  readonly bootArgsAddr: bigint;
  readonly baseAddr: bigint;
  readonly chipId: number;
}

/** EL2 state the firmware itself keeps until a CPU model owns it. */
export interface FirmwareEl2State {
  /** SCTLR_EL2 as m1n1's mmu_init leaves it; P_MMU_DISABLE / P_MMU_RESTORE read and write it. */
  sctlr: bigint;
}

/** The services of the firmware an op handler may use. */
export interface FirmwareServices {
  readonly channel: 'usb' | 'uart';
  /** The current proxy iodev (§3.1 step 3). */
  readonly iodev: number;
  readonly machine: MachineInfo;
  readonly el2: FirmwareEl2State;
  /** DISABLE_DATA_CSUMS negotiated by the last NOP (§2.6). */
  readonly dataChecksumsDisabled: boolean;
  /** Console text, between frames (§1.4). */
  console(text: string): void;
  /** An event frame (§2.4). */
  emitEvent(type: number, payload: Uint8Array): void;
  /** Bytes from the host waiting to be read (m1n1's iodev_can_read of the proxy iodev). */
  canRead(): number;
  /** Raw bytes between frames (already framed events, P_IODEV_WRITE to the proxy iodev). */
  writeRaw(bytes: Uint8Array): void;
  /** A nested callback session (§9.4); resolves with its exit code, −1 when the channel failed. */
  runCallbackSession(reason: number, code: number, info: bigint): Promise<number>;
  /** P_UDELAY's wait. */
  delayUs(us: number): Promise<void> | void;
  /** The machine resets now: no reply is sent (P_REBOOT). Throws to unwind. */
  reset(reason: ResetReason): never;
  /** The CPU sleeps forever: no reply (P_SLEEP). Throws to unwind. */
  sleep(deep: boolean): never;
}

export interface OpContext {
  readonly opcode: number;
  readonly name: OpcodeName;
  readonly memory: PhysicalMemory;
  readonly guard: ExceptionGuard;
  readonly firmware: FirmwareServices;
  /** P_SET_EXC_GUARD: the guard in force once this op has finished (§5). */
  setSessionGuard(mode: number): void;
}

export class OpTable {
  private readonly byOpcode = new Map<number, ResolvedOp>();

  constructor(families: readonly OpFamily[] = []) {
    for (const f of families) this.add(f);
  }

  /** Registers a family; an op already registered is an error unless `replace` (a model overriding a stub). */
  add(family: OpFamily, options: { replace?: boolean } = {}): this {
    for (const def of family.ops) {
      const opcode: number | undefined = (OPCODES as Record<string, number>)[def.name];
      if (opcode === undefined) {
        throw new SimFirmwareError('SIM_UNKNOWN_OP', `op family ${family.family}: ${def.name} is not an m1n1 opcode`, {
          hint: 'Op names are spelled as in core/proxy/opcodes.ts.',
        });
      }
      const old = this.byOpcode.get(opcode);
      if (old && !options.replace) {
        throw new SimFirmwareError('SIM_DUPLICATE_OP', `${def.name} is registered by ${old.family} and again by ${family.family}`, {
          hint: 'Pass { replace: true } to override an op on purpose.',
        });
      }
      this.byOpcode.set(opcode, { ...def, opcode, family: family.family });
    }
    return this;
  }

  get(opcode: number): ResolvedOp | undefined {
    return this.byOpcode.get(opcode);
  }

  has(name: OpcodeName): boolean {
    return this.byOpcode.has(OPCODES[name]);
  }

  /** Registered op names, by opcode. */
  names(): OpcodeName[] {
    return [...this.byOpcode.values()].sort((a, b) => a.opcode - b.opcode).map((o) => o.name);
  }
}

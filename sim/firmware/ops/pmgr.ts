// Layer: sim/firmware/ops. The PMGR power ops (spec §6.10; apple-devices §9.4 for the ADT
// tables) as m1n1's pmgr.c performs them: the device table and power-state registers come from
// the ADT's /arm-io/pmgr `devices` and `ps-regs` (or `ps-groups`), and every power change is a
// read-modify-write of the device's PS register followed by a poll of its "actual" field,
// through target memory, so the machine's PMGR model sees exactly m1n1's accesses. Imports the
// op table types and this folder's ADT and target-io helpers.
//
// Results (C int, sign-extended): 0 or −1, with m1n1's console lines. When the ADT has no
// usable pmgr node m1n1's pmgr_init failed at boot, and every op says so and returns −1. PS
// register accesses run under the session guard. The poll gives up after POLL_LIMIT reads
// (m1n1: 10 ms), which a model that never reflects the target state also reaches.

import type { OpContext, OpFamily } from '../op-table.ts';
import { adtFind, adtProp, adtReg, type AdtSource } from './adt-access.ts';
import { readCString } from './target-io.ts';

const PMGR_RESET = 1n << 31n;
const PMGR_AUTO_ENABLE = 1n << 28n;
const PMGR_DEV_DISABLE = 1n << 10n;
const PMGR_WAS_CLKGATED = 1n << 9n;
const PMGR_WAS_PWRGATED = 1n << 8n;
const PMGR_PS_ACTUAL = 0xf0n;
const PMGR_PS_TARGET = 0xfn;
const PMGR_FLAG_VIRTUAL = 0x10;
export const PMGR_DIE_OFFSET = 0x20_0000_0000n;
export const PMGR_PS_ACTIVE = 0xf;
export const PMGR_PS_PWRGATE = 0;
const DEVICE_SIZE = 48;
const PS_REG_SIZE = 12;
export const PMGR_POLL_LIMIT = 1000;

interface PmgrDevice {
  readonly flags: number;
  readonly id: number;
  readonly parents: readonly [number, number];
  readonly psreg: number;
  readonly addrOffset: bigint;
  /** The 16-byte name field as stored. */
  readonly rawName: Uint8Array;
  readonly name: string;
}

interface PmgrTables {
  readonly root: NonNullable<ReturnType<AdtSource>>;
  readonly psRegs: Uint8Array;
  readonly devices: readonly PmgrDevice[];
  readonly pmgrNode: NonNullable<ReturnType<typeof adtFind>>;
}

/** What pmgr_init reads from the ADT; undefined when it fails (m1n1 prints why at boot). */
export function readPmgrTables(adt: AdtSource): PmgrTables | undefined {
  const root = adt();
  if (!adtFind(root, '/arm-io')) return undefined;
  const pmgrNode = adtFind(root, '/arm-io/pmgr');
  if (!pmgrNode) return undefined;
  let psRegs = adtProp(pmgrNode, 'ps-regs');
  const groups = !psRegs || psRegs.length === 0;
  if (groups) psRegs = adtProp(pmgrNode, 'ps-groups');
  const raw = adtProp(pmgrNode, 'devices');
  if (!psRegs || psRegs.length === 0 || !raw || raw.length === 0) return undefined;
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = Math.floor(raw.length / DEVICE_SIZE);
  const u8id = count >= 2 && raw[3] !== raw[DEVICE_SIZE + 3];
  const devices: PmgrDevice[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * DEVICE_SIZE;
    const rawName = raw.subarray(o + 32, o + 48);
    const nul = rawName.indexOf(0);
    const gao = v.getUint32(o + 16, true);
    devices.push({
      flags: raw[o]!,
      id: u8id ? raw[o + 3]! : v.getUint16(o + 26, true),
      parents: u8id ? [raw[o + 4]!, raw[o + 5]!] : [v.getUint16(o + 4, true), v.getUint16(o + 6, true)],
      psreg: groups ? gao >>> 24 : raw[o + 11]!,
      addrOffset: groups ? BigInt(gao & 0xffffff) : BigInt(raw[o + 10]! << 3),
      rawName,
      name: String.fromCharCode(...rawName.subarray(0, nul < 0 ? 16 : nul)),
    });
  }
  return { root: root!, psRegs, devices, pmgrNode };
}

/** pmgr.c on one op: `t` undefined when pmgr_init failed at boot. */
class Pmgr {
  constructor(
    private readonly ctx: OpContext,
    private readonly t: PmgrTables | undefined,
    private readonly root: ReturnType<AdtSource>,
  ) {}

  private print(text: string): void {
    this.ctx.firmware.console(text);
  }

  private psreg(t: PmgrTables, idx: number): bigint {
    if (idx * PS_REG_SIZE >= t.psRegs.length) {
      this.print(`pmgr: Index ${idx} is out of bounds for ps-regs\n`);
      return 0n;
    }
    const v = new DataView(t.psRegs.buffer, t.psRegs.byteOffset + idx * PS_REG_SIZE, 8);
    const reg = adtReg(t.pmgrNode, v.getUint32(0, true));
    if (!reg) {
      this.print('pmgr: Error getting /arm-io/pmgr regs\n');
      return 0n;
    }
    return reg.addr + BigInt(v.getUint32(4, true));
  }

  deviceAddr(die: number, d: PmgrDevice): bigint {
    const base = this.t ? this.psreg(this.t, d.psreg) : 0n;
    return base === 0n ? 0n : base + PMGR_DIE_OFFSET * BigInt(die) + d.addrOffset;
  }

  find(id: number): PmgrDevice | undefined {
    return this.t?.devices.find((d) => d.id === id);
  }

  findByName(name: string): PmgrDevice | undefined {
    return this.t?.devices.find((d) => sameName(d.rawName, name));
  }

  private load(addr: bigint): bigint {
    return this.ctx.guard.load(this.ctx.memory, addr, 4, this.ctx.name);
  }
  private store(addr: bigint, v: bigint): void {
    this.ctx.guard.store(this.ctx.memory, addr, 4, v, this.ctx.name);
  }

  setMode(addr: bigint, mode: number): number {
    const clear = PMGR_AUTO_ENABLE | PMGR_WAS_CLKGATED | PMGR_WAS_PWRGATED | PMGR_PS_TARGET;
    this.store(addr, (this.load(addr) & ~clear) | BigInt(mode));
    for (let i = 0; i < PMGR_POLL_LIMIT; i++) if ((this.load(addr) & PMGR_PS_ACTUAL) === BigInt(mode) << 4n) return 0;
    this.print(`pmgr: timeout while trying to set mode ${mode.toString(16)} for device at 0x${addr.toString(16)}: ${this.load(addr).toString(16)}\n`);
    return -1;
  }

  setModeRecursive(die: number, id: number, mode: number, recurse: boolean): number {
    if (!this.t) {
      this.print('pmgr: pmgr_set_mode_recursive() called before successful pmgr_init()\n');
      return -1;
    }
    if (id === 0) return -1;
    const d = this.find(id);
    if (!d) return -1;
    const own = (): number => {
      if (d.flags & PMGR_FLAG_VIRTUAL) return 0;
      const addr = this.deviceAddr(die, d);
      return addr === 0n || this.setMode(addr, mode) ? -1 : 0;
    };
    if (mode === 0 && own()) return -1;
    if (recurse) {
      for (const p of d.parents) {
        if (!p) continue;
        const r = this.setModeRecursive(die, p, mode, true);
        if (r < 0) return r;
      }
    }
    if (mode !== 0 && own()) return -1;
    return 0;
  }

  adtSetMode(path: string, mode: number, recurse: boolean): number {
    const node = adtFind(this.root, path);
    if (!node) {
      this.print(`pmgr: Error getting node ${path}\n`);
      return -1;
    }
    const gates = adtProp(node, 'clock-gates');
    if (!gates || gates.length === 0) {
      this.print(`pmgr: Error getting ${path} clock-gates.\n`);
      return -1;
    }
    const v = new DataView(gates.buffer, gates.byteOffset, gates.byteLength);
    let ret = 0;
    for (let i = 0; i + 4 <= gates.length; i += 4) {
      const g = v.getUint32(i, true);
      if (this.setModeRecursive(g >>> 28, g & 0xffff, mode, recurse)) ret = -1;
    }
    return ret;
  }

  reset(die: number, d: PmgrDevice): number {
    if (die < 0 || die > 16) {
      this.print(`pmgr: invalid die id ${die} for device ${d.name}\n`);
      return -1;
    }
    const addr = this.deviceAddr(die, d);
    if ((this.load(addr) & PMGR_PS_ACTUAL) >> 4n !== BigInt(PMGR_PS_ACTIVE)) {
      this.print(`pmgr: will not reset disabled device ${die}.${d.name}\n`);
      return -1;
    }
    this.print(`pmgr: resetting device ${die}.${d.name}\n`);
    for (const [bit, on] of [
      [PMGR_DEV_DISABLE, true],
      [PMGR_RESET, true],
      [PMGR_RESET, false],
      [PMGR_DEV_DISABLE, false],
    ] as const) {
      const old = this.load(addr);
      this.store(addr, on ? old | bit : old & ~bit);
    }
    return 0;
  }
}

/** strncmp(a, b, 16) === 0 with `a` the device's name field. */
function sameName(field: Uint8Array, name: string): boolean {
  for (let i = 0; i < 16; i++) {
    const a = field[i] ?? 0;
    const b = i < name.length ? name.charCodeAt(i) : 0;
    if (a !== b) return false;
    if (a === 0) return true;
  }
  return true;
}

export function pmgrOps(deps: { adt: AdtSource }): OpFamily {
  const run = (ctx: OpContext, fn: (p: Pmgr) => number): bigint => {
    const pmgr = new Pmgr(ctx, readPmgrTables(deps.adt), deps.adt());
    return ctx.guard.returnable(() => BigInt.asUintN(64, BigInt(fn(pmgr)))).value;
  };
  const withString = (ctx: OpContext, ptr: bigint, fn: (p: Pmgr, s: string) => number): bigint =>
    run(ctx, (p) => {
      const s = readCString(ctx, ptr);
      return s === undefined ? -1 : fn(p, s);
    });
  // pmgr.c takes the u32 id apart: device bits 15:0, die bits 31:28.
  const die = (id: bigint) => Number((BigInt.asUintN(32, id) >> 28n) & 0xfn);
  const dev = (id: bigint) => Number(id & 0xffffn);
  return {
    family: 'pmgr',
    ops: [
      { name: 'P_PMGR_POWER_ENABLE', handler: (a, ctx) => run(ctx, (p) => p.setModeRecursive(die(a[0]!), dev(a[0]!), PMGR_PS_ACTIVE, true)) },
      { name: 'P_PMGR_POWER_DISABLE', handler: (a, ctx) => run(ctx, (p) => p.setModeRecursive(die(a[0]!), dev(a[0]!), PMGR_PS_PWRGATE, false)) },
      { name: 'P_PMGR_ADT_POWER_ENABLE', handler: (a, ctx) => withString(ctx, a[0]!, (p, path) => p.adtSetMode(path, PMGR_PS_ACTIVE, true)) },
      { name: 'P_PMGR_ADT_POWER_DISABLE', handler: (a, ctx) => withString(ctx, a[0]!, (p, path) => p.adtSetMode(path, PMGR_PS_PWRGATE, false)) },
      {
        name: 'P_PMGR_RESET',
        handler: (a, ctx) =>
          withString(ctx, a[1]!, (p, name) => {
            const d = p.findByName(name);
            return d ? p.reset(Number(BigInt.asIntN(32, a[0]!)), d) : -1;
          }),
      },
    ],
  };
}

/** pmgr_adt_power_enable / _disable for other drivers (DAPF): −1 or 0, with m1n1's console lines. */
export function pmgrAdtPower(ctx: OpContext, adt: AdtSource, path: string, enable: boolean): number {
  const p = new Pmgr(ctx, readPmgrTables(adt), adt());
  return enable ? p.adtSetMode(path, PMGR_PS_ACTIVE, true) : p.adtSetMode(path, PMGR_PS_PWRGATE, false);
}

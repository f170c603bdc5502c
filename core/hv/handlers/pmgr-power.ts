// Layer: core/hv handlers. The PMGR power-state registers the host must keep powered (spec §13.5
// step 2): UART0 (the vuart's) and the ATC USB port the proxy uses. Guest writes are applied as
// "keep it on" (P_MASK32 with the state forced to 0xF) and remembered as if the requested state
// had been reached; guest reads return the remembered value. Plus the two fixed power-gate
// registers whose reads are faked. Imports core/formats and core/hv.
//
// Not done (yet): the recursion into each device's PMGR parents — the parent field of the 48-byte
// `devices` record has two layouts (apple-devices §9.4 note) and which one a tree uses is not
// recorded in the ADT.

import { adtReg, findNode, translateAddress } from '../../formats/adt/index.ts';
import { Iodev } from '../../uartproxy/constants.ts';
import { TraceMode } from '../constants.ts';
import { hex } from '../errors.ts';
import type { HvHost } from '../host.ts';
import type { HookVmHandler } from './hook-vm.ts';

const DEVICE_RECORD = 48;
const PS_REG_RECORD = 12;
/** Fixed power-gate registers whose reads return 0x0C000000 (§13.5). */
const PG_OVERRIDES: ReadonlyArray<readonly [bigint, bigint]> = [
  [0x2_3d29_c05cn, 0x0c00_0000n],
  [0x2_3d29_c044n, 0x0c00_0000n],
];

/** Power-state register address per device name, from `/arm-io/pmgr` devices + ps-regs. */
export function pmgrPowerStateRegs(host: HvHost): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const pmgr = findNode(host.adt, '/arm-io/pmgr');
  if (!pmgr?.has('devices') || !pmgr.has('ps-regs')) return out;
  const devices = pmgr.bytes('devices');
  const psRegs = pmgr.bytes('ps-regs');
  const ps = new DataView(psRegs.buffer, psRegs.byteOffset, psRegs.byteLength);
  const regs = adtReg(pmgr);
  const dec = new TextDecoder('latin1');
  for (let at = 0; at + DEVICE_RECORD <= devices.length; at += DEVICE_RECORD) {
    const psidx = devices[at + 10]!;
    const psreg = devices[at + 11]!;
    if (psidx === 0 && psreg === 0) continue;
    if ((psreg + 1) * PS_REG_RECORD > psRegs.length) continue;
    const regIndex = ps.getUint32(psreg * PS_REG_RECORD, true);
    const offset = ps.getUint32(psreg * PS_REG_RECORD + 4, true);
    const reg = regs[regIndex];
    if (!reg) continue;
    const nameBytes = devices.subarray(at + 32, at + 48);
    const nul = nameBytes.indexOf(0);
    const name = dec.decode(nul < 0 ? nameBytes : nameBytes.subarray(0, nul));
    out.set(name, translateAddress(pmgr, reg.addr) + BigInt(offset) + BigInt(psidx) * 8n);
  }
  return out;
}

/** Installs the hooks (numbered, zones RESERVED); returns the hooked addresses. */
export function installPmgrPowerHooks(host: HvHost, hooks: HookVmHandler, iodev: number): bigint[] {
  const byName = pmgrPowerStateRegs(host);
  const names = ['UART0'];
  if (iodev >= Iodev.USB0 && iodev <= Iodev.USB7) names.push(`ATC${iodev - Iodev.USB0}_USB`, `ATC${iodev - Iodev.USB0}_USB_AON`);
  const remembered = new Map<bigint, bigint>();
  const hooked: bigint[] = [];
  const add = (addr: bigint, read: (addr: bigint) => Promise<bigint> | bigint, write?: (addr: bigint, value: bigint) => Promise<void>) => {
    const { request } = hooks.addNumbered(addr, 4n, {
      read: (_s, base, off) => read(base + off),
      write: write ? (_s, base, off, value) => write(base + off, Array.isArray(value) ? value[0]! : value) : undefined,
    });
    host.maps.queueRaw(request);
    host.maps.add(addr, 4n, 'PMGR HACK', TraceMode.RESERVED);
    hooked.push(addr);
  };
  for (const name of names) {
    const addr = byName.get(name);
    if (addr === undefined) continue;
    add(
      addr,
      async (a) => remembered.get(a) ?? remembered.set(a, await host.proxy.read32(a)).get(a)!,
      async (a, value) => {
        host.log(`hv: PMGR ${name} ${hex(a)} = ${hex(value)}: kept powered`);
        remembered.set(a, (value & 0xfffffc0fn) | ((value & 0xfn) << 4n));
        await host.proxy.mask32(a, 0x3ffn, (value | 0xfn) & ~0x80000400n);
      },
    );
  }
  for (const [addr, value] of PG_OVERRIDES) add(addr, () => value);
  return hooked;
}

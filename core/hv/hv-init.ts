// Layer: core/hv. Connection bootstrap and hypervisor preparation (spec §13.1, §13.2, §9.1).
// Imports core/proxy, core/uartproxy (types), core/formats and this folder.
//
// Fewer round trips than the Python host: the independent queries of §13.1 go out in one burst;
// boot_args is read whole at its largest size (0x480 bytes) together with the CPU features
// instead of two P_READ8 for the revision first (a failed read falls back to the Python way);
// the sysreg adjustments of §9.1 are two batches (reads, then writes).

import { adtRanges, adtRegPhys, findNode, getNode, parseAdt, type AdtNode } from '../formats/adt/index.ts';
import { adtPhysAddress, bootArgsSize, parseBootArgs, type BootArgs } from '../formats/boot-args.ts';
import { CPU_FEATURES_SIZE, parseCpuFeatures, type CpuFeatures } from '../formats/cpu-features.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import { Iodev } from '../uartproxy/constants.ts';
import { Hcr, HvInitValues, TraceMode } from './constants.ts';
import { HvError, HvErrorCode, hex } from './errors.ts';
import type { Stage2Maps } from './maps.ts';
import { settleAll } from './round-trips.ts';
import type { SysregExec, SysregOp } from './sysreg-exec.ts';

/** What the host learns about the target before it starts a hypervisor (§13.1). */
export interface TargetInfo {
  /** m1n1's load address. */
  readonly base: bigint;
  readonly chipId: number;
  /** The proxy's own iodev (USB0 = 4, …). */
  readonly iodev: number;
  /** Null on an old firmware without P_GET_CPU_FEATURES. */
  readonly features: CpuFeatures | null;
  readonly bootArgsAddr: bigint;
  readonly bootArgs: BootArgs;
  /** Physical address and size of iBoot's ADT. */
  readonly adtPhys: bigint;
  readonly adtSize: number;
  /** The parsed ADT (the host edits this copy and uploads it for the guest). */
  readonly adt: AdtNode;
  /** P_HEAPBLOCK_ALLOC(0) at connect: top of m1n1's heap. */
  readonly heapTop: bigint;
}

const MAX_BOOT_ARGS = bootArgsSize(3);

/** §13.1 step 3 and §13.2 step 1, in three round trips. */
export async function readTargetInfo(proxy: M1n1Proxy): Promise<TargetInfo> {
  const [base, featuresPtr, bootArgsAddr, heapTop, iodev, chipId] = await settleAll<[bigint, bigint, bigint, bigint, number, number]>([
    proxy.getBase(),
    proxy.getCpuFeatures(CPU_FEATURES_SIZE).catch(() => 0n), // old firmware: S_BADCMD is tolerated (§13.1)
    proxy.getBootargs(),
    proxy.heapblockAlloc(0),
    proxy.iodevWhoami(),
    proxy.getChipid(),
  ]);
  const t = proxy.transport;
  const [featureBytes, bootArgsBytes] = await settleAll<[Uint8Array | null, Uint8Array | null]>([
    featuresPtr === 0n ? Promise.resolve(null) : t.memRead(featuresPtr, CPU_FEATURES_SIZE),
    t.memRead(bootArgsAddr, MAX_BOOT_ARGS).catch(() => null),
  ]);
  const bootArgs = parseBootArgs(bootArgsBytes ?? (await readBootArgsSlowly(proxy, bootArgsAddr)));
  const adtPhys = adtPhysAddress(bootArgs);
  if (bootArgs.devtreeSize <= 0) throw new HvError(HvErrorCode.BOOTSTRAP, `boot_args at ${hex(bootArgsAddr)} has no device tree (size 0)`, { hint: 'the target was not booted by iBoot, or boot_args is damaged' });
  const adtBytes = await t.memRead(adtPhys, bootArgs.devtreeSize);
  return {
    base,
    chipId,
    iodev,
    features: featureBytes ? parseCpuFeatures(featureBytes) : null,
    bootArgsAddr,
    bootArgs,
    adtPhys,
    adtSize: bootArgs.devtreeSize,
    adt: parseAdt(adtBytes),
    heapTop,
  };
}

/** The Python way (§8.1): the revision by two P_READ8, then the structure for that revision. */
async function readBootArgsSlowly(proxy: M1n1Proxy, addr: bigint): Promise<Uint8Array> {
  const [lo, hi] = await settleAll<[bigint, bigint]>([proxy.read8(addr), proxy.read8(addr + 1n)]);
  return proxy.transport.memRead(addr, bootArgsSize(Number(lo | (hi << 8n))));
}

export interface HvInitOptions {
  /** Leave HCR_EL2.VM/AMO alone and trap nothing extra (Python `novm`); default false. */
  noVm?: boolean;
  log?: (line: string) => void;
}

/** Register values the host set (for tests and logs). */
export interface HvInitResult {
  readonly hcr: bigint;
  readonly midr: bigint;
}

/**
 * §13.2 steps 2–9 and §9.1: other USB iodevs off, P_HV_INIT, the /arm-io ranges as HW pass-
 * through zones, the HCR/HACR/MDCR/MDSCR (and, on unlocked CPUs, AMX/VMKEY/APSTS) adjustments,
 * the vuart over /arm-io/uart0, ACTLR_EL12.EnMDSB.
 */
export async function initHypervisor(proxy: M1n1Proxy, sysregs: SysregExec, maps: Stage2Maps, info: TargetInfo, options: HvInitOptions = {}): Promise<HvInitResult> {
  const log = options.log ?? (() => undefined);
  const unlocked = info.features?.appleSysregsUnlocked ?? false;
  // Steps 2–4: other USB iodevs stop taking console/proxy traffic, then P_HV_INIT, one burst.
  const burst: Promise<unknown>[] = [];
  for (let iodev = Iodev.USB0; iodev <= Iodev.USB7; iodev++) if (iodev !== info.iodev) burst.push(proxy.iodevSetUsage(iodev, 0));
  burst.push(proxy.hvInit());
  // Step 7 reads ride along.
  const readResults = sysregs.issueAll([{ kind: 'read', reg: 'HCR_EL2' }, { kind: 'read', reg: 'MIDR_EL1' }]);
  // Apple extras (unlocked CPUs only) are best effort: a CPU model without AMX still runs guests.
  const amxRead = unlocked ? optional(sysregs.issue({ kind: 'read', reg: 'AMX_CONFIG_EL1' }), log) : Promise.resolve(null);
  await settleAll(burst);
  const [hcr0, midr] = await settleAll(readResults);

  // Step 6: every /arm-io range passes through to the hardware (mapped at start, §10.7).
  const armIo = getNode(info.adt, '/arm-io');
  for (const r of adtRanges(armIo)) maps.add(r.parentAddr, r.size, 'HW', TraceMode.OFF);

  let hcr = hcr0!;
  if (options.noVm) hcr &= ~(1n | (1n << 5n));
  else hcr |= Hcr.TACR;
  hcr = (hcr & ~(Hcr.TIDCP | Hcr.TVM | Hcr.IMO)) | Hcr.FMO | Hcr.TTLBOS;
  // HCR_EL2 through P_HV_WRITE_HCR: one op instead of a stub call (and the firmware keeps its copy).
  const hcrWrite = proxy.hvWriteHcr(hcr);
  const writes: SysregOp[] = [
    { kind: 'write', reg: 'HACR_EL2', value: options.noVm ? 0n : HvInitValues.HACR },
    { kind: 'write', reg: 'MDCR_EL2', value: HvInitValues.MDCR },
    { kind: 'write', reg: 'MDSCR_EL1', value: HvInitValues.MDSCR },
  ];
  const extras: SysregOp[] = [];
  const amx = await amxRead;
  if (unlocked) {
    if (amx !== null) extras.push({ kind: 'write', reg: 'AMX_CONFIG_EL1', value: amx | HvInitValues.AMX_EN_EL1 });
    extras.push(
      { kind: 'write', reg: 'VMKEYLO_EL2', value: HvInitValues.VMKEYLO },
      { kind: 'write', reg: 'VMKEYHI_EL2', value: HvInitValues.VMKEYHI },
      { kind: 'write', reg: 'APSTS_EL12', value: 1n },
    );
  }
  // Step 9: the ACTLR_EL12 variant depends on the CPU part (MIDR bits 15:4): M1's Icestorm/
  // Firestorm (< 0x30, T8110 Blizzard) use Apple's s3_6_c15_c14_6, later parts the architectural one.
  const part = Number((midr! >> 4n) & 0xfffn);
  const actlr = part >= 0x30 ? { op0: 3, op1: 5, crn: 1, crm: 0, op2: 1 } : 'ACTLR_EL12';
  // Step 8: the vuart over uart0 (§11); its 16 KiB zone is the firmware's.
  const uart = getNode(info.adt, '/arm-io/uart0');
  const uartBase = adtRegPhys(uart).addr;
  const uartIrq = uart.u32Array('interrupts')[0];
  if (uartIrq === undefined) throw new HvError(HvErrorCode.BOOTSTRAP, '/arm-io/uart0 has no interrupts', { hint: 'the ADT is damaged' });
  const vuart = proxy.hvMapVuart(uartBase, uartIrq, info.iodev);
  maps.add(uartBase, 0x4000n, 'VUART', TraceMode.RESERVED);
  const required = sysregs.run(writes);
  const optionalWrites = sysregs.issueAll(extras).map((w) => optional(w, log));
  const actlrValue = optional(sysregs.issue({ kind: 'read', reg: actlr }), log);
  await settleAll([hcrWrite, required, vuart, ...optionalWrites]);
  const actlrNow = await actlrValue;
  if (actlrNow !== null) await optional(sysregs.write(actlr, actlrNow | HvInitValues.ACTLR_ENMDSB), log);
  log(`hv: HCR_EL2 ${hex(hcr)}, vuart at ${hex(uartBase)} (IRQ ${uartIrq}), MIDR ${hex(midr!)}`);
  return { hcr, midr: midr! };
}

/** A best-effort access: a sysreg fault is logged and gives null. */
function optional<T>(access: Promise<T>, log: (line: string) => void): Promise<T | null> {
  return access.catch((err: unknown) => {
    if (!(err instanceof HvError) || err.code !== HvErrorCode.SYSREG_FAULT) throw err;
    log(`hv: ${err.message} (skipped)`);
    return null;
  });
}

/** §13.2 step 10: the ADT edits every guest gets (product names, serial console, the proxy's USB port hidden). */
export function editGuestAdt(adt: AdtNode, iodev: number): void {
  const enc = new TextEncoder();
  const setString = (node: AdtNode | undefined, name: string, value: string) => {
    if (node) node.setProperty(name, enc.encode(`${value}\0`));
  };
  const product = findNode(adt, '/product');
  if (product) {
    for (const name of ['product-name', 'product-description']) if (product.has(name)) setString(product, name, `${product.string(name)} on m1n1 hypervisor`);
    if (product.has('product-soc-name')) setString(product, 'product-soc-name', `Virtual ${product.string('product-soc-name')} on m1n1 hypervisor`);
  }
  const uart = findNode(adt, '/arm-io/uart0');
  const defaults = findNode(adt, '/defaults');
  if (uart?.has('AAPL,phandle') && defaults) defaults.setProperty('serial-device', uart.bytes('AAPL,phandle').slice());
  if (iodev >= Iodev.USB0 && iodev <= Iodev.USB7) {
    const n = iodev - Iodev.USB0;
    const paths = [
      `/arm-io/dart-usb${n}`, `/arm-io/atc-phy${n}`, `/arm-io/usb-drd${n}`, `/arm-io/acio${n}`, `/arm-io/acio-cpu${n}`,
      `/arm-io/dart-acio${n}`, `/arm-io/apciec${n}`, `/arm-io/dart-apciec${n}`, `/arm-io/apciec${n}-piodma`,
      `/arm-io/i2c0/hpmBusManager/hpm${n}`, `/arm-io/i2c0/hpmBusManager1/hpm${n}`, `/arm-io/i2c3/hpmBusManager0/hpm${n}`,
      `/arm-io/nub-spmi-a0/hpm${n}`, `/arm-io/atc${n}-dpxbar`, `/arm-io/atc${n}-dpphy`, `/arm-io/atc${n}-dpin0`, `/arm-io/atc${n}-dpin1`,
    ];
    for (const path of paths) removeNode(adt, path);
  }
}

function removeNode(adt: AdtNode, path: string): void {
  const node = findNode(adt, path);
  if (!node?.parent) return;
  const siblings = node.parent.children;
  siblings.splice(siblings.indexOf(node), 1);
}

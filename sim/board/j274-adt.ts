// Layer: sim/board. The Apple Device Tree of the virtual Mac mini (j274, t8103), built from
// data: apple-devices §9.2 (root, /chosen, /product, /defaults), §9.3 (/arm-io), §9.4 (devices)
// and §9.5 (/cpus), serialised with core/formats/adt. Imports core/formats/adt and sim/board.
//
// Two steps keep the data declarative: the tree is written with placeholder zero phandle
// references, then every node gets an `AAPL,phandle` in tree order (model choice: 1, 2, 3, …)
// and the references listed in PHANDLE_REFS are filled in from the target paths.

import {
  adtSize,
  buildAdt,
  encodeCellRecords,
  encodeString,
  encodeStringList,
  encodeU32,
  encodeU32Array,
  encodeU64,
  encodeU64Array,
  getNode,
  serializeAdt,
  type AdtNode,
  type AdtNodeSpec,
} from '../../core/formats/adt/index.ts';
import type { BoardLayout } from './layout.ts';
import {
  ARM_IO_RANGE,
  CPU_IMPL_REG_SIZE,
  DART_MAPPER_SID,
  DCP_ASC_DRAM_MASK,
  encodePmgrDevices,
  encodePsRegs,
  J274_ARM_IO_DEVICES,
  J274_CPUS,
  J274_PMGR_DEVICES,
  J274_PS_REGS,
  type ArmIoDevice,
} from './j274-devices.ts';

/** boot_args revision-2 structure size: the BootArgs memory-map entry's size (§8.1). */
const BOOT_ARGS_REV2_SIZE = 0x2e0n;

export interface J274AdtOptions {
  /** Root `serial-number` (also the USB serial descriptor, m1n1-protocol §1). */
  serialNumber?: string;
  /** /chosen `firmware-version` (selects the DCP method table, apple-devices §7.7). */
  firmwareVersion?: string;
}

/** References to fill in after phandles are assigned: [node path, property, target node path]. */
const PHANDLE_REFS: readonly (readonly [string, string, string])[] = [
  ['/defaults', 'serial-device', '/arm-io/uart0'],
  ...J274_ARM_IO_DEVICES.filter((d) => d.interrupts).map((d) => [`/arm-io/${d.name}`, 'interrupt-parent', '/arm-io/aic'] as const),
];

const u32 = encodeU32;
const str = encodeString;
const PLACEHOLDER = encodeU32(0);

/** reg under /arm-io (2/2 cells): bus = phys − ranges[0].parent (§9.3). */
function armIoReg(reg: ArmIoDevice['reg']): Uint8Array {
  return encodeCellRecords(
    [2, 2],
    reg.map(([phys, size]) => [phys - ARM_IO_RANGE.parent + ARM_IO_RANGE.bus, size]),
  );
}

function armIoDevice(d: ArmIoDevice): AdtNodeSpec {
  const props: Record<string, Uint8Array> = { compatible: encodeStringList(d.compatible), reg: armIoReg(d.reg) };
  if (d.interrupts) {
    props['interrupt-parent'] = PLACEHOLDER;
    props.interrupts = encodeU32Array(d.interrupts);
  }
  const children: AdtNodeSpec[] = [];
  if (d.firstChild === 'iop-dcp-nub') {
    children.push({ name: 'iop-dcp-nub', props: { 'asc-dram-mask': encodeU64(DCP_ASC_DRAM_MASK) } });
  } else if (d.firstChild === 'mapper') {
    // The mapper's reg is one u32 (the SID, §9.4); model choice: the DART says so with 1/0 cells.
    props['#address-cells'] = u32(1);
    props['#size-cells'] = u32(0);
    children.push({ name: `mapper-${d.name.replace(/^dart-/, '')}`, props: { reg: u32(DART_MAPPER_SID) } });
  }
  if (d.name === 'pmgr') {
    props.devices = encodePmgrDevices(J274_PMGR_DEVICES);
    props['ps-regs'] = encodePsRegs(J274_PS_REGS);
  }
  return { name: d.name, props, children };
}

function cpuNode(cpu: (typeof J274_CPUS)[number]): AdtNodeSpec {
  return {
    name: `cpu${cpu.cpuId}`,
    props: {
      device_type: str('cpu'),
      // §9.5: Icestorm on cluster 0, Firestorm on cluster 1; model choice: `ARM,v8` second.
      compatible: encodeStringList([cpu.cluster === 0 ? 'apple,icestorm' : 'apple,firestorm', 'ARM,v8']),
      reg: u32((0 << 11) | (cpu.cluster << 8) | cpu.core),
      'cpu-id': u32(cpu.cpuId),
      'cluster-id': u32(cpu.cluster),
      'cpu-impl-reg': encodeU64Array([cpu.implReg, CPU_IMPL_REG_SIZE]),
      // Model choice: the secondaries wait for PMGR start (§8.4: the boot CPU is the `running` one).
      state: str(cpu.cpuId === 0 ? 'running' : 'waiting'),
    },
  };
}

/** The tree as data (phandles and the DeviceTree memory-map size still to fill in). */
export function j274AdtSpec(layout: BoardLayout, options: J274AdtOptions = {}): AdtNodeSpec {
  const pair = (base: bigint, size: bigint): Uint8Array => encodeU64Array([base, size]);
  return {
    name: 'device-tree',
    props: {
      '#address-cells': u32(2),
      '#size-cells': u32(2),
      model: str('Macmini9,1'),
      'target-type': str('J274'),
      compatible: encodeStringList(['J274AP', 'Macmini9,1', 'AppleARM']),
      manufacturer: str('Apple Inc.'),
      'serial-number': str(options.serialNumber ?? 'HVDBGVM1J274'),
    },
    children: [
      {
        name: 'chosen',
        props: {
          'chip-id': u32(0x8103),
          'board-id': u32(0x22),
          'firmware-version': str(options.firmwareVersion ?? 'iBoot-7429.61.2'),
          'system-firmware-version': str('iBoot-7429.30.8.0.4'),
        },
        children: [
          {
            name: 'memory-map',
            props: {
              // (physical address, size) pairs (§9.2); DeviceTree's size is set once the tree is measured.
              DeviceTree: pair(layout.adtBase, 0n),
              BootArgs: pair(layout.bootArgsBase, BOOT_ARGS_REV2_SIZE),
              SEPFW: pair(layout.sepfw.base, layout.sepfw.size),
              TrustCache: pair(layout.trustCache.base, layout.trustCache.size),
            },
          },
        ],
      },
      {
        name: 'product',
        props: {
          'product-name': str('Mac mini (M1, 2020)'),
          'product-soc-name': str('Apple M1'),
          'product-description': str('Mac mini (virtual M1, hvdbg)'),
        },
      },
      { name: 'defaults', props: { 'serial-device': PLACEHOLDER } },
      {
        name: 'arm-io',
        props: {
          compatible: encodeStringList(['arm-io,t8103']),
          'soc-generation': str('H13'),
          '#address-cells': u32(2),
          '#size-cells': u32(2),
          ranges: encodeCellRecords([2, 2, 2], [[ARM_IO_RANGE.bus, ARM_IO_RANGE.parent, ARM_IO_RANGE.size]]),
        },
        children: J274_ARM_IO_DEVICES.map(armIoDevice),
      },
      { name: 'cpus', children: J274_CPUS.map(cpuNode) },
    ],
  };
}

/** The j274 ADT as a tree, phandles assigned and references and sizes filled in. */
export function buildJ274Adt(layout: BoardLayout, options: J274AdtOptions = {}): AdtNode {
  const root = buildAdt(j274AdtSpec(layout, options));
  let phandle = 1;
  for (const node of root.walk()) node.setProperty('AAPL,phandle', u32(phandle++));
  for (const [path, prop, target] of PHANDLE_REFS) {
    getNode(root, path).setProperty(prop, u32(getNode(root, target).u32('AAPL,phandle')));
  }
  // Same-size value, so measuring before setting it is exact.
  getNode(root, '/chosen/memory-map').setProperty('DeviceTree', encodeU64Array([layout.adtBase, BigInt(adtSize(root))]));
  return root;
}

/** The serialised j274 ADT. */
export function j274AdtBytes(layout: BoardLayout, options: J274AdtOptions = {}): Uint8Array {
  return serializeAdt(buildJ274Adt(layout, options));
}

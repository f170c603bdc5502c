// The opcode table against spec §6.1 (the golden source): these values are transcribed from
// m1n1-protocol.md, not read from core/proxy/opcodes.ts.
import test from 'ava';
import {
  OPCODES,
  OPCODE_INFOS,
  formatOpcode,
  opcodeInfo,
  opcodeMethodName,
  opcodeName,
  type OpcodeFamily,
} from '../../core/proxy/opcodes.ts';
import { M1n1Proxy } from '../../core/proxy/proxy.ts';

// Every family's first and last entry of §6.1, plus the ones the brief calls out.
const SPEC_SAMPLES: ReadonlyArray<[string, number, OpcodeFamily]> = [
  ['P_NOP', 0x000, 'system'],
  ['P_EXIT', 0x001, 'system'],
  ['P_GET_BOOTARGS', 0x003, 'system'],
  ['P_VECTOR', 0x00b, 'system'],
  ['P_REBOOT', 0x010, 'system'],
  ['P_SLEEP', 0x011, 'system'],
  ['P_GET_CPU_FEATURES', 0x014, 'system'],
  ['P_WRITE64', 0x100, 'register'],
  ['P_READ32', 0x105, 'register'],
  ['P_MASK8', 0x113, 'register'],
  ['P_WRITEREAD8', 0x117, 'register'],
  ['P_MEMCPY64', 0x200, 'memory'],
  ['P_MEMSET8', 0x207, 'memory'],
  ['P_IC_IALLUIS', 0x300, 'cache-mmu'],
  ['P_DC_CVAU', 0x309, 'cache-mmu'],
  ['P_MMU_INIT_SECONDARY', 0x30f, 'cache-mmu'],
  ['P_XZDEC', 0x400, 'decompress'],
  ['P_GZDEC', 0x401, 'decompress'],
  ['P_SMP_START_SECONDARIES', 0x500, 'smp'],
  ['P_SMP_CALL_EL1_SYNC', 0x508, 'smp'],
  ['P_SMP_CALL_EL0_SYNC', 0x50a, 'smp'],
  ['P_HEAPBLOCK_ALLOC', 0x600, 'heap'],
  ['P_FREE', 0x603, 'heap'],
  ['P_KBOOT_BOOT', 0x700, 'kboot'],
  ['P_KBOOT_SET_UBOOT', 0x704, 'kboot'],
  ['P_PMGR_POWER_ENABLE', 0x800, 'pmgr'],
  ['P_PMGR_RESET', 0x804, 'pmgr'],
  ['P_IODEV_SET_USAGE', 0x900, 'iodev'],
  ['P_USB_IODEV_VUART_SETUP', 0x906, 'iodev'],
  ['P_TUNABLES_APPLY_GLOBAL', 0xa00, 'tunables'],
  ['P_TUNABLES_APPLY_LOCAL_ADDR', 0xa02, 'tunables'],
  ['P_DART_INIT', 0xb00, 'dart'],
  ['P_DART_UNMAP', 0xb03, 'dart'],
  ['P_HV_INIT', 0xc00, 'hv'],
  ['P_HV_START', 0xc02, 'hv'],
  ['P_HV_PIN_CPU', 0xc0b, 'hv'],
  ['P_VIRTIO_PUT_BUFFER', 0xc0e, 'hv'],
  ['P_HV_ADD_TIME', 0xc10, 'hv'],
  ['P_FB_INIT', 0xd00, 'fb'],
  ['P_FB_IMPROVE_LOGO', 0xd08, 'fb'],
  ['P_PCIE_INIT', 0xe00, 'pcie'],
  ['P_PCIE_SHUTDOWN', 0xe01, 'pcie'],
  ['P_NVME_INIT', 0xf00, 'nvme'],
  ['P_NVME_FLUSH', 0xf03, 'nvme'],
  ['P_MCC_GET_CARVEOUTS', 0x1000, 'mcc'],
  ['P_DISPLAY_INIT', 0x1100, 'display'],
  ['P_DISPLAY_IS_EXTERNAL', 0x1104, 'display'],
  ['P_DAPF_INIT_ALL', 0x1200, 'dapf'],
  ['P_DAPF_INIT', 0x1201, 'dapf'],
  ['P_CPUFREQ_INIT', 0x1300, 'cpufreq'],
];

// §6.1: opcodes per group.
const SPEC_FAMILY_SIZES: Record<OpcodeFamily, number> = {
  system: 21,
  register: 24,
  memory: 8,
  'cache-mmu': 16,
  decompress: 2,
  smp: 11,
  heap: 4,
  kboot: 5,
  pmgr: 5,
  iodev: 7,
  tunables: 3,
  dart: 4,
  hv: 17,
  fb: 9,
  pcie: 2,
  nvme: 4,
  mcc: 1,
  display: 5,
  dapf: 2,
  cpufreq: 1,
};

test('the table has exactly the 151 opcodes of §6.1, each name and number once', (t) => {
  t.is(OPCODE_INFOS.length, 151);
  t.is(Object.keys(OPCODES).length, 151);
  t.is(new Set(OPCODE_INFOS.map((i) => i.opcode)).size, 151);
  t.is(new Set(OPCODE_INFOS.map((i) => i.name)).size, 151);
});

test('spot values from §6.1: every family first and last, by name and by number', (t) => {
  for (const [name, value, family] of SPEC_SAMPLES) {
    t.is((OPCODES as Record<string, number>)[name], value, name);
    t.is(opcodeName(value) as string | undefined, name);
    t.is(opcodeInfo(value)?.family, family, name);
    t.is(opcodeInfo(name)?.opcode, value, name);
  }
});

test('family sizes match the §6.1 groups', (t) => {
  const sizes: Partial<Record<OpcodeFamily, number>> = {};
  for (const i of OPCODE_INFOS) sizes[i.family] = (sizes[i.family] ?? 0) + 1;
  t.deepEqual(sizes, SPEC_FAMILY_SIZES);
});

test('register and block-memory ops follow the width pattern of §6.3/§6.4', (t) => {
  const kinds = ['WRITE', 'READ', 'SET', 'CLEAR', 'MASK', 'WRITEREAD'];
  kinds.forEach((kind, k) =>
    [64, 32, 16, 8].forEach((w, j) => t.is(opcodeInfo(`P_${kind}${w}`)?.opcode, 0x100 + 4 * k + j, `P_${kind}${w}`)),
  );
  ['MEMCPY', 'MEMSET'].forEach((kind, k) =>
    [64, 32, 16, 8].forEach((w, j) => t.is(opcodeInfo(`P_${kind}${w}`)?.opcode, 0x200 + 4 * k + j, `P_${kind}${w}`)),
  );
});

test('OPCODES values are literal types', (t) => {
  const read32: 0x105 = OPCODES.P_READ32; // compile-time check: the type is the literal
  const localAddr: 0xa02 = OPCODES.P_TUNABLES_APPLY_LOCAL_ADDR;
  t.is(read32, 0x105);
  t.is(localAddr, 0xa02);
});

test('reply kinds: no reply, runs the guest, ends the session, long (§4.2, §6)', (t) => {
  const byReply = (kind: string) => OPCODE_INFOS.filter((i) => i.reply === kind).map((i) => i.name).sort();
  t.deepEqual(byReply('none'), ['P_REBOOT', 'P_SLEEP']);
  t.deepEqual(byReply('runs-guest'), ['P_HV_START']);
  t.deepEqual(byReply('exits'), ['P_EXIT', 'P_KBOOT_BOOT', 'P_VECTOR']);
  for (const name of ['P_GZDEC', 'P_XZDEC', 'P_SMP_CALL_SYNC', 'P_SMP_CALL_EL1_SYNC', 'P_SMP_CALL_EL0_SYNC', 'P_SMP_WAIT', 'P_UDELAY']) {
    t.is(opcodeInfo(name)?.reply, 'long', name);
  }
  t.is(opcodeInfo('P_SMP_CALL')?.reply, 'normal');
});

test('signedness: decompression and int statuses are signed, values and pointers are not', (t) => {
  for (const name of ['P_XZDEC', 'P_GZDEC', 'P_KBOOT_SET_CHOSEN', 'P_PMGR_RESET', 'P_TUNABLES_APPLY_LOCAL_ADDR', 'P_DART_MAP']) {
    t.true(opcodeInfo(name)?.signed, name);
  }
  for (const name of ['P_READ64', 'P_CALL', 'P_GET_BOOTARGS', 'P_HV_TRANSLATE', 'P_MMU_DISABLE', 'P_DART_INIT']) {
    t.false(opcodeInfo(name)?.signed, name);
  }
});

test('unknown numbers have no name and format as hex', (t) => {
  t.is(opcodeName(0x5555), undefined);
  t.is(opcodeInfo(0x5555), undefined);
  t.is(opcodeInfo('P_TUNABLES_APPLY_LOCAL_ADDRX'), undefined);
  t.is(formatOpcode(0x5555), '0x5555');
  t.is(formatOpcode(0x105), 'P_READ32');
});

test('every opcode has its camelCase method on M1n1Proxy', (t) => {
  t.is(opcodeMethodName('P_SMP_CALL_EL1_SYNC'), 'smpCallEl1Sync');
  t.is(opcodeMethodName('P_GET_BOOTARGS'), 'getBootargs');
  t.is(opcodeMethodName('P_WRITEREAD32'), 'writeread32');
  const proto = M1n1Proxy.prototype as unknown as Record<string, unknown>;
  const missing = OPCODE_INFOS.map((i) => opcodeMethodName(i.name)).filter((m) => typeof proto[m] !== 'function');
  t.deepEqual(missing, []);
});

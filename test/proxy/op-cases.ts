// Test data (not a test): one row per typed method call, with the opcode and argument words the
// spec (§6.2–§6.12, argument order; §7.1 marshalling) says must go on the wire. Expected values
// are written out here from the spec, never computed by the code under test.

import { Guard } from '../../core/proxy/constants.ts';
import type { OpcodeName } from '../../core/proxy/opcodes.ts';
import type { M1n1Proxy } from '../../core/proxy/proxy.ts';
import { REGION_RWX_EL0, REGION_RX_EL1 } from '../../core/proxy/regions.ts';
import type { ProxyCallOptions } from '../../core/proxy/transport.ts';

/** The host heap every case runs with; string/buffer arguments land at H, H + 64, … (64-byte blocks). */
export const H = 0x9_0000_0000n;
export const HEAP_SIZE = 1 << 20;

export interface OpCase {
  title: string;
  call: (p: M1n1Proxy) => Promise<unknown>;
  op: OpcodeName;
  args: bigint[];
  /** Raw u64 the fake answers with (default 0n). */
  reply?: bigint;
  /** What the method resolves with (default undefined). */
  result?: unknown;
  /** The transport options expected (default `{ label: op }`). */
  opts?: ProxyCallOptions;
  /** REQ_MEMWRITEs expected before the op (§7.1), in order. */
  writes?: Array<{ addr: bigint; text?: string; bytes?: number[] }>;
}

export const ALL_ONES = (1n << 64n) - 1n;
export const A = 0x2_3b10_0000n; // an MMIO-ish address
export const F = 0x8_0000_4000n; // a function / buffer in RAM
export const LONG = (op: string): ProxyCallOptions => ({ label: op, timeoutMs: null });
const NO_REPLY = (op: string): ProxyCallOptions => ({ label: op, noReply: true });

const system: OpCase[] = [
  { title: 'nop', call: (p) => p.nop(), op: 'P_NOP', args: [] },
  { title: 'exit default 0', call: (p) => p.exit(), op: 'P_EXIT', args: [0n] },
  { title: 'exit(2)', call: (p) => p.exit(2), op: 'P_EXIT', args: [2n] },
  { title: 'call x0..x4', call: (p) => p.call(F, 1n, 2n, 3n, 4n, 5n), op: 'P_CALL', args: [F, 1n, 2n, 3n, 4n, 5n], reply: 0x1234n, result: 0x1234n },
  { title: 'call with region alias', call: (p) => p.call(F | REGION_RX_EL1, 7n), op: 'P_CALL', args: [0xc08_0000_4000n, 7n], result: 0n },
  { title: 'call without reply (reboot mode)', call: (p) => p.callNoReply(F), op: 'P_CALL', args: [F], opts: NO_REPLY('P_CALL') },
  { title: 'getBootargs', call: (p) => p.getBootargs(), op: 'P_GET_BOOTARGS', args: [], reply: 0x8_0123_4000n, result: 0x8_0123_4000n },
  { title: 'getBase', call: (p) => p.getBase(), op: 'P_GET_BASE', args: [], reply: 0x8_0380_0000n, result: 0x8_0380_0000n },
  { title: 'setBaud sends the Python triple', call: (p) => p.setBaud(1_500_000), op: 'P_SET_BAUD', args: [1_500_000n, 16n, 0x005aa5f0n] },
  { title: 'udelay is long', call: (p) => p.udelay(1000), op: 'P_UDELAY', args: [1000n], opts: LONG('P_UDELAY') },
  { title: 'setExcGuard SKIP|SILENT', call: (p) => p.setExcGuard(Guard.SKIP | Guard.SILENT), op: 'P_SET_EXC_GUARD', args: [0x101n] },
  { title: 'getExcCount', call: (p) => p.getExcCount(), op: 'P_GET_EXC_COUNT', args: [], reply: 2n, result: 2 },
  { title: 'el0Call', call: (p) => p.el0Call(F | REGION_RWX_EL0, 1n), op: 'P_EL0_CALL', args: [0x808_0000_4000n, 1n], reply: 9n, result: 9n },
  { title: 'el1Call x0..x3', call: (p) => p.el1Call(F, 1n, 2n, 3n, 4n), op: 'P_EL1_CALL', args: [F, 1n, 2n, 3n, 4n], reply: 5n, result: 5n },
  { title: 'vector', call: (p) => p.vector(F, 0x8_0000_0000n), op: 'P_VECTOR', args: [F, 0x8_0000_0000n] },
  { title: 'gl1Call', call: (p) => p.gl1Call(F, 1n), op: 'P_GL1_CALL', args: [F, 1n], reply: 3n, result: 3n },
  { title: 'gl2Call', call: (p) => p.gl2Call(F | REGION_RX_EL1), op: 'P_GL2_CALL', args: [0xc08_0000_4000n], reply: 4n, result: 4n },
  { title: 'getSimdState', call: (p) => p.getSimdState(F), op: 'P_GET_SIMD_STATE', args: [F] },
  { title: 'putSimdState', call: (p) => p.putSimdState(F), op: 'P_PUT_SIMD_STATE', args: [F] },
  { title: 'reboot: no reply', call: (p) => p.reboot(), op: 'P_REBOOT', args: [], opts: NO_REPLY('P_REBOOT') },
  { title: 'sleep(deep): no reply, boolean', call: (p) => p.sleep(true), op: 'P_SLEEP', args: [1n], opts: NO_REPLY('P_SLEEP') },
  { title: 'sleep default shallow', call: (p) => p.sleep(), op: 'P_SLEEP', args: [0n], opts: NO_REPLY('P_SLEEP') },
  { title: 'el3Call', call: (p) => p.el3Call(F, 1n, 2n), op: 'P_EL3_CALL', args: [F, 1n, 2n], reply: 1n, result: 1n },
  { title: 'getChipid', call: (p) => p.getChipid(), op: 'P_GET_CHIPID', args: [], reply: 0x8103n, result: 0x8103 },
  { title: 'getCpuFeatures(20)', call: (p) => p.getCpuFeatures(), op: 'P_GET_CPU_FEATURES', args: [20n], reply: F, result: F },
];

// §6.3: (addr), (addr, value|bits), (addr, clear, set); 64/32/16/8 at one address aligned for all.
const registers: OpCase[] = ([64, 32, 16, 8] as const).flatMap((w) => {
  const p = (k: string) => `P_${k}${w}` as OpcodeName;
  type Reg = M1n1Proxy & Record<string, (...a: bigint[]) => Promise<unknown>>;
  const m = (k: string) => (px: M1n1Proxy, ...a: bigint[]) => (px as Reg)[`${k}${w}`]!(...a);
  return [
    { title: `write${w}`, call: (px) => m('write')(px, A, 0x55n), op: p('WRITE'), args: [A, 0x55n] },
    { title: `read${w}`, call: (px) => m('read')(px, A), op: p('READ'), args: [A], reply: 0xabn, result: 0xabn },
    { title: `set${w}`, call: (px) => m('set')(px, A, 0x10n), op: p('SET'), args: [A, 0x10n], reply: 0x11n, result: 0x11n },
    { title: `clear${w}`, call: (px) => m('clear')(px, A, 0x10n), op: p('CLEAR'), args: [A, 0x10n], reply: 0x1n, result: 0x1n },
    { title: `mask${w}`, call: (px) => m('mask')(px, A, 0xf0n, 0x05n), op: p('MASK'), args: [A, 0xf0n, 0x05n], reply: 0x5n, result: 0x5n },
    { title: `writeread${w}`, call: (px) => m('writeread')(px, A, 7n), op: p('WRITEREAD'), args: [A, 7n], reply: 7n, result: 7n },
  ] satisfies OpCase[];
});

const memory: OpCase[] = ([64, 32, 16, 8] as const).flatMap((w) => [
  { title: `memcpy${w}`, call: (p: M1n1Proxy) => p[`memcpy${w}`](F, A, 0x100), op: `P_MEMCPY${w}` as OpcodeName, args: [F, A, 0x100n] },
  { title: `memset${w}`, call: (p: M1n1Proxy) => p[`memset${w}`](F, 0xffn, 0x40n), op: `P_MEMSET${w}` as OpcodeName, args: [F, 0xffn, 0x40n] },
]);

const cacheMmu: OpCase[] = [
  { title: 'icIalluis', call: (p) => p.icIalluis(), op: 'P_IC_IALLUIS', args: [] },
  { title: 'icIallu', call: (p) => p.icIallu(), op: 'P_IC_IALLU', args: [] },
  { title: 'icIvau', call: (p) => p.icIvau(F, 8), op: 'P_IC_IVAU', args: [F, 8n] },
  { title: 'dcIvac', call: (p) => p.dcIvac(F, 0x40), op: 'P_DC_IVAC', args: [F, 0x40n] },
  { title: 'dcIsw', call: (p) => p.dcIsw(0x42n), op: 'P_DC_ISW', args: [0x42n] },
  { title: 'dcCsw', call: (p) => p.dcCsw(0x42n), op: 'P_DC_CSW', args: [0x42n] },
  { title: 'dcCisw', call: (p) => p.dcCisw(0x42n), op: 'P_DC_CISW', args: [0x42n] },
  { title: 'dcZva', call: (p) => p.dcZva(F, 0x4000), op: 'P_DC_ZVA', args: [F, 0x4000n] },
  { title: 'dcCvac', call: (p) => p.dcCvac(F, 0x40), op: 'P_DC_CVAC', args: [F, 0x40n] },
  { title: 'dcCvau', call: (p) => p.dcCvau(F, 8n), op: 'P_DC_CVAU', args: [F, 8n] },
  { title: 'dcCivac', call: (p) => p.dcCivac(F, 0x40), op: 'P_DC_CIVAC', args: [F, 0x40n] },
  { title: 'mmuShutdown', call: (p) => p.mmuShutdown(), op: 'P_MMU_SHUTDOWN', args: [] },
  { title: 'mmuInit', call: (p) => p.mmuInit(), op: 'P_MMU_INIT', args: [] },
  { title: 'mmuDisable returns SCTLR', call: (p) => p.mmuDisable(), op: 'P_MMU_DISABLE', args: [], reply: 0x3454_1805n, result: 0x3454_1805n },
  { title: 'mmuRestore', call: (p) => p.mmuRestore(0x3454_1805n), op: 'P_MMU_RESTORE', args: [0x3454_1805n] },
  { title: 'mmuInitSecondary', call: (p) => p.mmuInitSecondary(3), op: 'P_MMU_INIT_SECONDARY', args: [3n] },
];

const decompress: OpCase[] = [
  { title: 'xzdec failure is -1 (signed)', call: (p) => p.xzdec(F, 100, A, 1000), op: 'P_XZDEC', args: [F, 100n, A, 1000n], reply: ALL_ONES, result: -1, opts: LONG('P_XZDEC') },
  { title: 'xzdec default dst', call: (p) => p.xzdec(F, 100), op: 'P_XZDEC', args: [F, 100n, 0n, 0n], reply: 4096n, result: 4096, opts: LONG('P_XZDEC') },
  { title: 'gzdec length', call: (p) => p.gzdec(F, 100, A, 5000), op: 'P_GZDEC', args: [F, 100n, A, 5000n], reply: 5000n, result: 5000, opts: LONG('P_GZDEC') },
  { title: 'gzdec error code signed', call: (p) => p.gzdec(F, 100, A, 5000), op: 'P_GZDEC', args: [F, 100n, A, 5000n], reply: ALL_ONES - 2n, result: -3, opts: LONG('P_GZDEC') },
];

const smp: OpCase[] = [
  { title: 'smpStartSecondaries', call: (p) => p.smpStartSecondaries(), op: 'P_SMP_START_SECONDARIES', args: [] },
  { title: 'smpCall', call: (p) => p.smpCall(1, F, 1n, 2n, 3n, 4n), op: 'P_SMP_CALL', args: [1n, F, 1n, 2n, 3n, 4n] },
  { title: 'smpCallSync is long', call: (p) => p.smpCallSync(2, F, 7n), op: 'P_SMP_CALL_SYNC', args: [2n, F, 7n], reply: 8n, result: 8n, opts: LONG('P_SMP_CALL_SYNC') },
  { title: 'smpWait is long', call: (p) => p.smpWait(2), op: 'P_SMP_WAIT', args: [2n], reply: 8n, result: 8n, opts: LONG('P_SMP_WAIT') },
  { title: 'smpSetWfeMode(true)', call: (p) => p.smpSetWfeMode(true), op: 'P_SMP_SET_WFE_MODE', args: [1n] },
  { title: 'smpIsAlive', call: (p) => p.smpIsAlive(5), op: 'P_SMP_IS_ALIVE', args: [5n], reply: 1n, result: true },
  { title: 'smpStopSecondaries(deep)', call: (p) => p.smpStopSecondaries(true), op: 'P_SMP_STOP_SECONDARIES', args: [1n] },
  { title: 'smpCallEl1', call: (p) => p.smpCallEl1(1, F, 1n, 2n, 3n), op: 'P_SMP_CALL_EL1', args: [1n, F, 1n, 2n, 3n] },
  { title: 'smpCallEl1Sync', call: (p) => p.smpCallEl1Sync(23, F), op: 'P_SMP_CALL_EL1_SYNC', args: [23n, F], reply: 1n, result: 1n, opts: LONG('P_SMP_CALL_EL1_SYNC') },
  { title: 'smpCallEl0', call: (p) => p.smpCallEl0(1, F, 9n), op: 'P_SMP_CALL_EL0', args: [1n, F, 9n] },
  { title: 'smpCallEl0Sync', call: (p) => p.smpCallEl0Sync(1, F), op: 'P_SMP_CALL_EL0_SYNC', args: [1n, F], reply: 2n, result: 2n, opts: LONG('P_SMP_CALL_EL0_SYNC') },
];

const heap: OpCase[] = [
  { title: 'heapblockAlloc(0)', call: (p) => p.heapblockAlloc(0), op: 'P_HEAPBLOCK_ALLOC', args: [0n], reply: F, result: F },
  { title: 'malloc', call: (p) => p.malloc(0x100), op: 'P_MALLOC', args: [0x100n], reply: F, result: F },
  { title: 'memalign(align, size)', call: (p) => p.memalign(0x4000, 0x100), op: 'P_MEMALIGN', args: [0x4000n, 0x100n], reply: F, result: F },
  { title: 'free', call: (p) => p.free(F), op: 'P_FREE', args: [F] },
];

const kboot: OpCase[] = [
  { title: 'kbootBoot', call: (p) => p.kbootBoot(F), op: 'P_KBOOT_BOOT', args: [F] },
  {
    title: 'kbootSetChosen: two strings, status returned (§15.4)',
    call: (p) => p.kbootSetChosen('bootargs', 'console=ttySAC0'),
    op: 'P_KBOOT_SET_CHOSEN',
    args: [H, H + 64n],
    writes: [{ addr: H, text: 'bootargs' }, { addr: H + 64n, text: 'console=ttySAC0' }],
    reply: ALL_ONES - 21n,
    result: -22,
  },
  { title: 'kbootSetInitrd', call: (p) => p.kbootSetInitrd(F, 0x10_0000), op: 'P_KBOOT_SET_INITRD', args: [F, 0x10_0000n] },
  { title: 'kbootPrepareDt pointer', call: (p) => p.kbootPrepareDt(F), op: 'P_KBOOT_PREPARE_DT', args: [F], result: 0 },
  {
    title: 'kbootPrepareDt bytes through the heap',
    call: (p) => p.kbootPrepareDt(Uint8Array.of(0xd0, 0x0d, 0xfe, 0xed)),
    op: 'P_KBOOT_PREPARE_DT',
    args: [H],
    writes: [{ addr: H, bytes: [0xd0, 0x0d, 0xfe, 0xed] }],
    result: 0,
  },
  {
    title: 'kbootSetUboot',
    call: (p) => p.kbootSetUboot('bootcmd', 'run distro'),
    op: 'P_KBOOT_SET_UBOOT',
    args: [H, H + 64n],
    writes: [{ addr: H, text: 'bootcmd' }, { addr: H + 64n, text: 'run distro' }],
    reply: 0n,
    result: 0,
  },
];

const pmgr: OpCase[] = [
  { title: 'pmgrPowerEnable', call: (p) => p.pmgrPowerEnable(0x10), op: 'P_PMGR_POWER_ENABLE', args: [0x10n], result: 0 },
  { title: 'pmgrPowerDisable status', call: (p) => p.pmgrPowerDisable(0x10), op: 'P_PMGR_POWER_DISABLE', args: [0x10n], reply: ALL_ONES, result: -1 },
  {
    title: 'pmgrAdtPowerEnable path string',
    call: (p) => p.pmgrAdtPowerEnable('/arm-io/uart0'),
    op: 'P_PMGR_ADT_POWER_ENABLE',
    args: [H],
    writes: [{ addr: H, text: '/arm-io/uart0' }],
    result: 0,
  },
  {
    title: 'pmgrAdtPowerDisable path string',
    call: (p) => p.pmgrAdtPowerDisable('/arm-io/uart0'),
    op: 'P_PMGR_ADT_POWER_DISABLE',
    args: [H],
    writes: [{ addr: H, text: '/arm-io/uart0' }],
    result: 0,
  },
  {
    title: 'pmgrReset(die, name)',
    call: (p) => p.pmgrReset(1, 'UART0'),
    op: 'P_PMGR_RESET',
    args: [1n, H],
    writes: [{ addr: H, text: 'UART0' }],
    result: 0,
  },
];

export const OP_CASES_PART1: readonly OpCase[] = [...system, ...registers, ...memory, ...cacheMmu, ...decompress, ...smp, ...heap, ...kboot, ...pmgr];

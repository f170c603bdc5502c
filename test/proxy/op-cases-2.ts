// Test data (not a test), continued: iodev … cpufreq (spec §6.10–§6.12). See op-cases.ts.

import { DartType, DcpShutdownMode, PixelFormat } from '../../core/proxy/constants.ts';
import { A, ALL_ONES, F, H, LONG, type OpCase } from './op-cases.ts';

const iodev: OpCase[] = [
  { title: 'iodevSetUsage', call: (p) => p.iodevSetUsage(4, 3), op: 'P_IODEV_SET_USAGE', args: [4n, 3n] },
  { title: 'iodevCanRead', call: (p) => p.iodevCanRead(3), op: 'P_IODEV_CAN_READ', args: [3n], reply: 17n, result: 17 },
  { title: 'iodevCanWrite', call: (p) => p.iodevCanWrite(3), op: 'P_IODEV_CAN_WRITE', args: [3n], reply: 1n, result: true },
  { title: 'iodevRead', call: (p) => p.iodevRead(3, F, 64), op: 'P_IODEV_READ', args: [3n, F, 64n], reply: 64n, result: 64 },
  {
    title: 'iodevWrite bytes: pointer and their length (§7.1)',
    call: (p) => p.iodevWrite(3, Uint8Array.of(0x68, 0x69, 0x0a)),
    op: 'P_IODEV_WRITE',
    args: [3n, H, 3n],
    writes: [{ addr: H, bytes: [0x68, 0x69, 0x0a] }],
    reply: 3n,
    result: 3,
  },
  { title: 'iodevWrite target buffer', call: (p) => p.iodevWrite(3, F, 10), op: 'P_IODEV_WRITE', args: [3n, F, 10n], reply: 10n, result: 10 },
  { title: 'iodevWhoami', call: (p) => p.iodevWhoami(), op: 'P_IODEV_WHOAMI', args: [], reply: 4n, result: 4 },
  { title: 'usbIodevVuartSetup', call: (p) => p.usbIodevVuartSetup(4), op: 'P_USB_IODEV_VUART_SETUP', args: [4n] },
];

const tunables: OpCase[] = [
  {
    title: 'tunablesApplyGlobal',
    call: (p) => p.tunablesApplyGlobal('/arm-io/ans', 'tunable'),
    op: 'P_TUNABLES_APPLY_GLOBAL',
    args: [H, H + 64n],
    writes: [{ addr: H, text: '/arm-io/ans' }, { addr: H + 64n, text: 'tunable' }],
    result: 0,
  },
  {
    title: 'tunablesApplyLocal(path, prop, reg index)',
    call: (p) => p.tunablesApplyLocal('/arm-io/ans', 'tunable', 1),
    op: 'P_TUNABLES_APPLY_LOCAL',
    args: [H, H + 64n, 1n],
    writes: [{ addr: H, text: '/arm-io/ans' }, { addr: H + 64n, text: 'tunable' }],
    result: 0,
  },
  {
    title: 'tunablesApplyLocalAddr uses 0xA02 (§15.2)',
    call: (p) => p.tunablesApplyLocalAddr('/arm-io/ans', 'tunable', A),
    op: 'P_TUNABLES_APPLY_LOCAL_ADDR',
    args: [H, H + 64n, A],
    writes: [{ addr: H, text: '/arm-io/ans' }, { addr: H + 64n, text: 'tunable' }],
    reply: ALL_ONES - 1n,
    result: -2,
  },
];

const dart: OpCase[] = [
  {
    title: 'dartInit: keepPts in a2, type in a3 (§15.3)',
    call: (p) => p.dartInit(A, 0x10, true, DartType.T8110),
    op: 'P_DART_INIT',
    args: [A, 0x10n, 1n, 1n],
    reply: F,
    result: F,
  },
  { title: 'dartInit defaults', call: (p) => p.dartInit(A, 1), op: 'P_DART_INIT', args: [A, 1n, 0n, 0n], reply: 0n, result: 0n },
  { title: 'dartShutdown', call: (p) => p.dartShutdown(F), op: 'P_DART_SHUTDOWN', args: [F] },
  { title: 'dartMap status', call: (p) => p.dartMap(F, 0x1000n, A, 0x4000), op: 'P_DART_MAP', args: [F, 0x1000n, A, 0x4000n], reply: ALL_ONES, result: -1 },
  { title: 'dartUnmap', call: (p) => p.dartUnmap(F, 0x1000n, 0x4000), op: 'P_DART_UNMAP', args: [F, 0x1000n, 0x4000n] },
];

const hv: OpCase[] = [
  { title: 'hvInit', call: (p) => p.hvInit(), op: 'P_HV_INIT', args: [] },
  { title: 'hvMap(ipa, to, size, incr)', call: (p) => p.hvMap(A, A | 0x7fdn, 0x4000, 1), op: 'P_HV_MAP', args: [A, A | 0x7fdn, 0x4000n, 1n] },
  {
    title: 'hvStart runs the guest',
    call: (p) => p.hvStart(F, 0x8_0100_0000n),
    op: 'P_HV_START',
    args: [F, 0x8_0100_0000n],
    opts: { label: 'P_HV_START', runsGuest: true, timeoutMs: null },
  },
  { title: 'hvTranslate booleans', call: (p) => p.hvTranslate(0xffff_fe00_0712_3456n, true), op: 'P_HV_TRANSLATE', args: [0xffff_fe00_0712_3456n, 1n, 0n, 0n], reply: A, result: A },
  { title: 'hvTranslate for write with PAR out', call: (p) => p.hvTranslate(F, false, true, A), op: 'P_HV_TRANSLATE', args: [F, 0n, 1n, A], reply: 0n, result: 0n },
  { title: 'hvPtWalk', call: (p) => p.hvPtWalk(A), op: 'P_HV_PT_WALK', args: [A], reply: 0x7fdn, result: 0x7fdn },
  { title: 'hvMapVuart', call: (p) => p.hvMapVuart(A, 605, 4), op: 'P_HV_MAP_VUART', args: [A, 605n, 4n] },
  { title: 'hvTraceIrq trace', call: (p) => p.hvTraceIrq(1, 0x2a, 1, true), op: 'P_HV_TRACE_IRQ', args: [1n, 0x2an, 1n, 1n], reply: 1n, result: true },
  { title: 'hvTraceIrq untrace', call: (p) => p.hvTraceIrq(1, 0x2a, 1, false), op: 'P_HV_TRACE_IRQ', args: [1n, 0x2an, 1n, 0n], reply: 0n, result: false },
  { title: 'hvWdtStart', call: (p) => p.hvWdtStart(7), op: 'P_HV_WDT_START', args: [7n] },
  { title: 'hvStartSecondary', call: (p) => p.hvStartSecondary(2, F), op: 'P_HV_START_SECONDARY', args: [2n, F] },
  { title: 'hvSwitchCpu', call: (p) => p.hvSwitchCpu(1), op: 'P_HV_SWITCH_CPU', args: [1n], reply: 0n, result: false },
  { title: 'hvSetTimeStealing', call: (p) => p.hvSetTimeStealing(false, true), op: 'P_HV_SET_TIME_STEALING', args: [0n, 1n] },
  { title: 'hvSetTimeStealing one argument', call: (p) => p.hvSetTimeStealing(true), op: 'P_HV_SET_TIME_STEALING', args: [1n, 0n] },
  { title: 'hvPinCpu(-1) unpins: all ones', call: (p) => p.hvPinCpu(-1), op: 'P_HV_PIN_CPU', args: [ALL_ONES] },
  { title: 'hvPinCpu(3)', call: (p) => p.hvPinCpu(3), op: 'P_HV_PIN_CPU', args: [3n] },
  { title: 'hvWriteHcr', call: (p) => p.hvWriteHcr(0x0080_0324_8020_0029n), op: 'P_HV_WRITE_HCR', args: [0x0080_0324_8020_0029n] },
  { title: 'hvMapVirtio', call: (p) => p.hvMapVirtio(A, F), op: 'P_HV_MAP_VIRTIO', args: [A, F] },
  { title: 'virtioPutBuffer', call: (p) => p.virtioPutBuffer(A, 0, 5, 0x200), op: 'P_VIRTIO_PUT_BUFFER', args: [A, 0n, 5n, 0x200n] },
  { title: 'hvExitCpu default: calling CPU (-1)', call: (p) => p.hvExitCpu(), op: 'P_HV_EXIT_CPU', args: [ALL_ONES] },
  { title: 'hvAddTime negative ticks', call: (p) => p.hvAddTime(-24_000_000n), op: 'P_HV_ADD_TIME', args: [(1n << 64n) - 24_000_000n] },
  { title: 'hvAddTime number', call: (p) => p.hvAddTime(1000), op: 'P_HV_ADD_TIME', args: [1000n] },
];

const display: OpCase[] = [
  { title: 'fbInit default no clear', call: (p) => p.fbInit(), op: 'P_FB_INIT', args: [0n] },
  { title: 'fbShutdown default restores logo', call: (p) => p.fbShutdown(), op: 'P_FB_SHUTDOWN', args: [1n] },
  {
    title: 'fbBlit stride | format << 32',
    call: (p) => p.fbBlit(1, 2, 3, 4, F, 1920, PixelFormat.XBGR),
    op: 'P_FB_BLIT',
    args: [1n, 2n, 3n, 4n, F, 1920n | (1n << 32n)],
  },
  {
    title: 'fbBlit pixel bytes through the heap',
    call: (p) => p.fbBlit(0, 0, 2, 1, Uint8Array.of(1, 2, 3, 0, 4, 5, 6, 0), 2),
    op: 'P_FB_BLIT',
    args: [0n, 0n, 2n, 1n, H, 2n],
    writes: [{ addr: H, bytes: [1, 2, 3, 0, 4, 5, 6, 0] }],
  },
  { title: 'fbUnblit', call: (p) => p.fbUnblit(1, 2, 3, 4, F, 1920), op: 'P_FB_UNBLIT', args: [1n, 2n, 3n, 4n, F, 1920n] },
  { title: 'fbFill', call: (p) => p.fbFill(0, 0, 10, 10, 0xff0000), op: 'P_FB_FILL', args: [0n, 0n, 10n, 10n, 0xff0000n] },
  { title: 'fbClear', call: (p) => p.fbClear(0x123456), op: 'P_FB_CLEAR', args: [0x123456n] },
  { title: 'fbDisplayLogo', call: (p) => p.fbDisplayLogo(), op: 'P_FB_DISPLAY_LOGO', args: [] },
  { title: 'fbRestoreLogo', call: (p) => p.fbRestoreLogo(), op: 'P_FB_RESTORE_LOGO', args: [] },
  { title: 'fbImproveLogo', call: (p) => p.fbImproveLogo(), op: 'P_FB_IMPROVE_LOGO', args: [] },
  { title: 'displayInit', call: (p) => p.displayInit(), op: 'P_DISPLAY_INIT', args: [], result: 0, opts: LONG('P_DISPLAY_INIT') },
  {
    title: 'displayConfigure string',
    call: (p) => p.displayConfigure('1920x1080@60'),
    op: 'P_DISPLAY_CONFIGURE',
    args: [H],
    writes: [{ addr: H, text: '1920x1080@60' }],
    result: 0,
    opts: LONG('P_DISPLAY_CONFIGURE'),
  },
  { title: 'displayShutdown', call: (p) => p.displayShutdown(DcpShutdownMode.SLEEP), op: 'P_DISPLAY_SHUTDOWN', args: [2n] },
  { title: 'displayStartDcp', call: (p) => p.displayStartDcp(), op: 'P_DISPLAY_START_DCP', args: [] },
  { title: 'displayIsExternal', call: (p) => p.displayIsExternal(), op: 'P_DISPLAY_IS_EXTERNAL', args: [], reply: 1n, result: true },
];

const peripherals: OpCase[] = [
  { title: 'pcieInit', call: (p) => p.pcieInit(), op: 'P_PCIE_INIT', args: [] },
  { title: 'pcieShutdown', call: (p) => p.pcieShutdown(), op: 'P_PCIE_SHUTDOWN', args: [] },
  { title: 'nvmeInit', call: (p) => p.nvmeInit(), op: 'P_NVME_INIT', args: [], reply: 1n, result: true },
  { title: 'nvmeShutdown', call: (p) => p.nvmeShutdown(), op: 'P_NVME_SHUTDOWN', args: [] },
  { title: 'nvmeRead', call: (p) => p.nvmeRead(1, 0x1234n, F), op: 'P_NVME_READ', args: [1n, 0x1234n, F], reply: 0n, result: false },
  { title: 'nvmeFlush', call: (p) => p.nvmeFlush(1), op: 'P_NVME_FLUSH', args: [1n], reply: 1n, result: true },
  { title: 'mccGetCarveouts', call: (p) => p.mccGetCarveouts(), op: 'P_MCC_GET_CARVEOUTS', args: [], reply: F, result: F },
  { title: 'dapfInitAll', call: (p) => p.dapfInitAll(), op: 'P_DAPF_INIT_ALL', args: [], result: 0 },
  {
    title: 'dapfInit path string',
    call: (p) => p.dapfInit('/arm-io/dart-disp0'),
    op: 'P_DAPF_INIT',
    args: [H],
    writes: [{ addr: H, text: '/arm-io/dart-disp0' }],
    result: 0,
  },
  // An int status the target zero-extends still reads as negative.
  { title: 'cpufreqInit status', call: (p) => p.cpufreqInit(), op: 'P_CPUFREQ_INIT', args: [], reply: 0xffff_ffffn, result: -1 },
];

export const OP_CASES_PART2: readonly OpCase[] = [...iodev, ...tunables, ...dart, ...hv, ...display, ...peripherals];

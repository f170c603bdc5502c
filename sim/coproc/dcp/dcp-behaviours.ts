// Layer: sim/coproc/dcp. What the virtual DCP firmware does for each AP call it knows
// (apple-devices.md §7.14), as a table of generator behaviours keyed by tag. Imports core/dcp
// and this folder.
//
// Results follow §7.14's reference table; the callback sequences follow the seed trace
// (§7.14 item 4, a reduced but well-formed subset). Known tags without an entry here answer
// with a zero output block (every ret 0/False), which is what the reference gives most of them.

import type { DecodedInput } from '../../../core/dcp/marshal.ts';
import { colorElementsBlob, dcpavTransfer, timingElementsBlob } from './dcpav-properties.ts';
import type { DcpBehaviour, DcpFirmwareState, DcpMethodBehaviour, DcpMethodResult } from './dcp-behaviour-types.ts';

/** 2^32 / Hz: the seed's displayMinRefreshInterval for 60 Hz is 71582788. */
function refreshInterval(hz: number): bigint {
  return BigInt(Math.round(2 ** 32 / hz));
}

/** Whole microseconds × 24 ticks: the seed's 399984 for 60 Hz. */
function refreshMachTime(hz: number): bigint {
  return BigInt(Math.floor(1e6 / hz) * 24);
}

/** A401: the boot callbacks of §7.14 item 4, then the DCPAV property sets, then 0. */
function* startSignal(_in: DecodedInput, fw: DcpFirmwareState): DcpBehaviour {
  yield { tag: 'D598' };
  yield { tag: 'D107' };
  yield { tag: 'D108' };
  yield { tag: 'D109' };
  yield { tag: 'D110' };
  yield { tag: 'D111' };
  yield { tag: 'D000' };
  yield { tag: 'D001' };
  // The AP answers D116 with its nested calls A357 … A460 (§7.14 item 4.2).
  yield { tag: 'D116' };
  for (const cb of dcpavTransfer('TimingElements', timingElementsBlob(fw.display))) yield cb;
  for (const cb of dcpavTransfer('ColorElements', colorElementsBlob())) yield cb;
  return { ret: 0 };
}

/** A029: §7.14 item 4.3. */
function* setupVideoLimits(_in: DecodedInput, fw: DcpFirmwareState): DcpBehaviour {
  yield { tag: 'D107' };
  const minFreq = yield { tag: 'D401', args: { obj: 'PROV', key: 'minimum-frequency', value: 0n } };
  fw.minimumFrequency = minFreq.ret === true ? (minFreq.values['value'] as bigint) : undefined;
  yield { tag: 'D107' };
  const clock = yield { tag: 'D408', args: { obj: 'PROV', arg: 0 } };
  fw.clockFrequency = clock.ret as bigint;
  yield { tag: 'D300', args: { prop_id: 38, value: 1 } };
  const { width, height, refreshHz } = fw.display;
  const pixelClock = BigInt(Math.round(width * 1.146) * Math.round(height * 1.042) * refreshHz);
  yield { tag: 'D563', args: { key: 'MaxVideoSrcDownscalingWidth', value: BigInt(width * 4) } };
  yield { tag: 'D563', args: { key: 'VideoClock', value: fw.clockFrequency } };
  yield { tag: 'D563', args: { key: 'PixelClock', value: pixelClock } };
}

/** A000: §7.14 item 4.4. */
function* lateInitSignal(_in: DecodedInput, fw: DcpFirmwareState): DcpBehaviour {
  const bw = yield { tag: 'D003', args: {} };
  fw.bandwidthConfig = bw.values['config'] as Uint8Array;
  return { ret: true };
}

/** A460: §7.14 item 4.5. */
function* setDisplayRefreshProperties(_in: DecodedInput, fw: DcpFirmwareState): DcpBehaviour {
  const hz = fw.display.refreshHz;
  const value = new Map<string, bigint>([
    ['displayMinRefreshInterval', refreshInterval(hz)],
    ['displayMinRefreshIntervalMachTime', refreshMachTime(hz)],
    ['displayMaxRefreshInterval', refreshInterval(hz)],
    ['displayMaxRefreshIntervalMachTime', refreshMachTime(hz)],
    ['displayRefreshStep', 0n],
    ['displayRefreshStepMachTime', 0n],
  ]);
  yield { tag: 'D561', args: { key: 'IOMFBDisplayRefresh', value } };
  return { ret: true };
}

/** A407: hands out the next swap id (§7.14 item 5). */
function swapStart(input: DecodedInput, fw: DcpFirmwareState): DcpMethodResult {
  const swapId = fw.nextSwapId++;
  const client = input.values['client'];
  return { values: { swap_id: swapId, client: client ?? null }, ret: 0 };
}

/** A408: accepts the swap and completes it one frame later with ASYNC D589 (§7.14 item 5). */
function swapSubmit(input: DecodedInput, fw: DcpFirmwareState): DcpMethodResult {
  const rec = input.values['swap_rec'];
  // IOMFBSwapRec: 10 × u64, then u32 swap_id at +0x50 (§7.6).
  const swapId = rec instanceof Uint8Array ? new DataView(rec.buffer, rec.byteOffset).getUint32(0x50, true) : fw.nextSwapId - 1;
  fw.swapsSubmitted++;
  fw.queueAsync(
    {
      tag: 'D589',
      args: { arg0: swapId, arg1: false, arg2: new Uint8Array(0x12), arg3: new Uint8Array(0x680), arg4: 0 },
    },
    fw.swapCompleteDelayTicks,
    () => fw.swapsCompleted++,
  );
  return { values: { unkOutBool: false }, ret: 0 };
}

const ret =
  (value: boolean | number | bigint): DcpMethodBehaviour =>
  () => ({ ret: value });

/** Echo every inout argument back unchanged, with a return value. */
const echo =
  (value: number): DcpMethodBehaviour =>
  (input) => ({ values: input.values, ret: value });

export const DCP_BEHAVIOURS: Readonly<Record<string, DcpMethodBehaviour>> = {
  A000: lateInitSignal,
  A029: setupVideoLimits,
  A036: ret(false),
  // The 2021-08 decode of A103 (test_control → u64); its bytes are width and height as two
  // u32, which later firmware calls get_config_frame_size (§7.7 notes).
  A103: (_in, fw) => ({ ret: BigInt(fw.display.width) | (BigInt(fw.display.height) << 32n) }),
  A131: ret(true),
  A401: startSignal,
  A407: swapStart,
  A408: swapSubmit,
  A410: ret(0),
  A411: ret(true),
  A419: echo(2),
  A423: echo(0),
  A426: echo(0),
  A438: echo(0),
  A440: (_in, fw) => ({ ret: fw.display.width }),
  A441: (_in, fw) => ({ ret: fw.display.height }),
  A442: (_in, fw) => ({ values: { arg0: fw.display.width, arg1: fw.display.height } }),
  A443: ret(0),
  A456: ret(true),
  A458: ret(true),
  A460: setDisplayRefreshProperties,
  A463: (input, fw) => {
    fw.supportsPower = input.values['arg0'] === true;
  },
  A468: (input, fw) => {
    fw.powerState = input.values['arg0'] as bigint;
    return { values: { arg2: 0 }, ret: 0 };
  },
};

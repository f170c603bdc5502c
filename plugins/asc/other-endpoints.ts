// Layer: plugins/asc. The crashlog, ioreporting, oslog and kdebug endpoint decoders (spec
// apple-devices §5.6–§5.9). Buffer requests are recorded; a crash reads the dump through the DART
// and lists it. Imports plugins/asc only.

import { crashDumpLines } from './crash-dump.ts';
import { genericLine, type EndpointDecoder } from './endpoint.ts';
import { KDebug_Buf1, KDebug_Buf2, KDebug_GetBuf, KDebugMessage, OSLog_Init, OSLogMessage, WideBufferRequest, WideMessage } from './regs.ts';
import { decodeReg, type RegValue } from '../../core/plugin/regmap.ts';

export interface BufferState extends Record<string, unknown> {
  dva: bigint | undefined;
  size: number;
}
const bufferState = (): BufferState => ({ dva: undefined, size: 0 });

export interface CrashlogState extends BufferState {
  /** The first TYPE 1 is the buffer request; any later one is a crash (§5.6). */
  bufferSeen: boolean;
  crashes: number;
}

/** Dumps larger than this are read only up to it (a corrupt SIZE must not cost a huge read). */
const MAX_DUMP = 0x100000;
const dvaOf = (v: RegValue): bigint => v.raw & 0xfffffffffffn;

/** tx TYPE 1: the AP's answer to a buffer request names the buffer it gave (§5.6, §5.7). */
function getBufAck<S extends BufferState>(): EndpointDecoder<S>['messages'][number] {
  return {
    dir: 'tx',
    type: 1,
    name: 'GetBuf_Ack',
    cls: WideBufferRequest,
    handle(v, e) {
      e.state.dva = dvaOf(v);
      e.state.size = v.fields.SIZE!;
    },
  };
}

export const crashlog: EndpointDecoder<CrashlogState> = {
  name: 'crashlog',
  base: WideMessage,
  state: () => ({ dva: undefined, size: 0, bufferSeen: false, crashes: 0 }),
  messages: [
    {
      dir: 'rx',
      type: 1,
      name: 'GetBuf',
      cls: WideBufferRequest,
      async handle(v, e) {
        const s = e.state;
        if (!s.bufferSeen) {
          s.bufferSeen = true;
          s.size = v.fields.SIZE!;
          if (dvaOf(v) !== 0n) s.dva = dvaOf(v);
          return false;
        }
        s.crashes++;
        const dva = dvaOf(v) || s.dva;
        const size = v.fields.SIZE! * 0x1000 || s.size * 0x1000;
        e.log(genericLine(e.msg, { type: 1, spec: { name: 'Crashed' }, value: decodeReg(WideBufferRequest, v.raw) }), { kind: 'crash', fields: { dva, size } });
        e.log('IOP crashed!', { kind: 'crash', fields: { dva, size } });
        if (dva === undefined || size === 0) return true;
        const dump = await e.readBuffer(dva, Math.min(size, MAX_DUMP));
        for (const l of crashDumpLines(dump)) e.log(l.text, { kind: 'crash-entry', level: l.level, fields: l.fields });
        return true;
      },
    },
    getBufAck(),
    // §5.6: the raw msg0 0x40 (soft) or 0x22 (hard) asks the IOP to crash.
    { dir: 'tx', type: 0, name: 'TriggerCrash' },
  ],
};

export const ioreporting: EndpointDecoder<BufferState> = {
  name: 'ioreporting',
  base: WideMessage,
  state: bufferState,
  messages: [
    {
      dir: 'rx',
      type: 1,
      name: 'GetBuf',
      cls: WideBufferRequest,
      handle(v, e) {
        e.state.size = v.fields.SIZE!;
        if (dvaOf(v) !== 0n) e.state.dva = dvaOf(v);
      },
    },
    getBufAck(),
    { type: 0xc, name: 'Start' },
    { dir: 'rx', type: 8, name: 'Report' },
    { dir: 'tx', type: 8, name: 'Report_Ack' },
  ],
};

export const oslog: EndpointDecoder<BufferState> = {
  name: 'oslog',
  base: OSLogMessage,
  state: bufferState,
  messages: [
    {
      dir: 'rx',
      type: 1,
      name: 'Init',
      cls: OSLog_Init,
      handle(v, e) {
        // §5.8: DVA in 4 KiB units.
        const dva = BigInt(v.fields.DVA!) << 12n;
        e.state.size = v.fields.SIZE!;
        if (dva !== 0n) e.state.dva = dva;
      },
    },
    { dir: 'tx', type: 1, name: 'Init_Ack', cls: OSLog_Init },
    { type: 3, name: 'Ack' },
  ],
};

export const kdebug: EndpointDecoder = {
  name: 'kdebug',
  base: KDebugMessage,
  messages: [
    { dir: 'tx', type: 8, name: 'Start' },
    { dir: 'rx', type: 1, name: 'GetBuf', cls: KDebug_GetBuf },
    { dir: 'tx', type: 1, name: 'GetBuf_Ack', cls: KDebug_Buf2 },
    { dir: 'rx', type: 2, name: 'Buffer1', cls: KDebug_Buf1 },
    { dir: 'rx', type: 3, name: 'Buffer2', cls: KDebug_Buf2 },
    { dir: 'tx', type: 2, name: 'Buffer_Ack', cls: KDebug_Buf2 },
  ],
};

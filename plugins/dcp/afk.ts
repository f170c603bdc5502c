// Layer: plugins/dcp. Names and message decoders for the DCP's AFK/EPIC ring-buffer endpoints
// 0x20–0x2d (spec apple-devices §5.10, §7.1); EPIC payloads are out of scope, so messages print
// as §5.11 generic lines with their fields. Imports core/plugin/regmap.ts and plugins/asc (types).

import { extendReg, reg64 } from '../../core/plugin/regmap.ts';
import type { EndpointDecoder } from '../asc/endpoint.ts';

/** §7.1 (HEAD names where 2021-08 differs). */
export const AFK_ENDPOINTS: Readonly<Record<number, string>> = {
  0x20: 'system',
  0x21: 'test',
  0x22: 'dcpexpert',
  0x23: 'disp0',
  0x24: 'dpavctrl',
  0x25: 'dcpav-power',
  0x26: 'dpsac',
  0x27: 'dpdev',
  0x28: 'dpavserv',
  0x29: 'av',
  0x2a: 'dcpdptx-port',
  0x2b: 'hdcp',
  0x2c: 'cb-ap-to-dcp-service',
  0x2d: 'remotealloc',
};

/** §5.10: TYPE = msg0[63:48]. */
const AfkMessage = reg64({ TYPE: [63, 48] }, 'AfkMessage');
const Afk_GetBuf = extendReg(AfkMessage, { SIZE: [31, 16], TAG: [15, 0] }, 'Afk_GetBuf');
const Afk_GetBufAck = extendReg(AfkMessage, { DVA: [47, 0] }, 'Afk_GetBufAck');
const Afk_InitRing = extendReg(AfkMessage, { OFFSET: [47, 32], SIZE: [31, 16], TAG: [15, 0] }, 'Afk_InitRing');
const Afk_Ptr = extendReg(AfkMessage, { WPTR: [31, 0] }, 'Afk_Ptr');

export function afkDecoder(name: string): EndpointDecoder {
  return {
    name,
    base: AfkMessage,
    messages: [
      { dir: 'tx', type: 0x80, name: 'INIT' },
      { dir: 'rx', type: 0xa0, name: 'INIT_ACK' },
      { dir: 'rx', type: 0x89, name: 'GETBUF', cls: Afk_GetBuf },
      { dir: 'tx', type: 0xa1, name: 'GETBUF_ACK', cls: Afk_GetBufAck },
      { dir: 'rx', type: 0x8a, name: 'INIT_TX', cls: Afk_InitRing },
      { dir: 'rx', type: 0x8b, name: 'INIT_RX', cls: Afk_InitRing },
      { dir: 'tx', type: 0xa3, name: 'START' },
      { dir: 'rx', type: 0x86, name: 'START_ACK' },
      { dir: 'tx', type: 0xa2, name: 'SEND', cls: Afk_Ptr },
      { dir: 'rx', type: 0x85, name: 'RECV', cls: Afk_Ptr },
      { dir: 'tx', type: 0xc0, name: 'SHUTDOWN' },
      { dir: 'rx', type: 0xc1, name: 'SHUTDOWN_ACK' },
    ],
  };
}

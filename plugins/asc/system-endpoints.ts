// Layer: plugins/asc. The RTKit management and syslog endpoint decoders (spec apple-devices §5.2,
// §5.3, §5.5, §5.11): handshake, endpoint map and starts, power states, and syslog lines read
// from the shared buffer through the DART. Imports plugins/asc only.

import type { EndpointDecoder } from './endpoint.ts';
import { BufferRequest, Mgmt_EPMap, Mgmt_EPMap_Ack, Mgmt_Power, Mgmt_StartEP, POWER_STATES, Syslog_Init, Syslog_Log, SystemMessage } from './regs.ts';

/** `{:#02x}` of §5.11: `0x2`, `0x37`. */
const epNum = (n: number): string => `0x${n.toString(16)}`;
const addUnique = (list: number[], v: number): void => {
  if (!list.includes(v)) list.push(v);
};

export const management: EndpointDecoder = {
  name: 'management',
  base: SystemMessage,
  messages: [
    { dir: 'rx', type: 1, name: 'HELLO' },
    { dir: 'tx', type: 2, name: 'HELLO_ACK' },
    { dir: 'tx', type: 3, name: 'PING' },
    { dir: 'rx', type: 4, name: 'PONG' },
    {
      dir: 'tx',
      type: 5,
      name: 'StartEP',
      cls: Mgmt_StartEP,
      handle(v, e) {
        const ep = v.fields.EP!;
        addUnique(e.asc.started, ep);
        const name = e.endpointName(ep);
        e.log(`  Starting endpoint #${epNum(ep)}${name ? ` (${name})` : ''}`, { kind: 'start-ep', fields: { ep, endpoint: name, flag: v.fields.FLAG } });
      },
    },
    { dir: 'tx', type: 6, name: 'SetIOPPower', cls: Mgmt_Power },
    {
      // §5.11 model choice: the RX ack of SET_IOP_POWER is TYPE 7 under this name.
      dir: 'rx',
      type: 7,
      name: 'SetIOPPowerAck',
      cls: Mgmt_Power,
      handle(v, e) {
        e.asc.iopPower = v.fields.STATE;
      },
    },
    {
      dir: 'rx',
      type: 8,
      name: 'EPMap',
      cls: Mgmt_EPMap,
      handle(v, e) {
        const f = v.fields;
        for (let i = 0; i < 32; i++) {
          if (((f.BITMAP! >>> i) & 1) === 0) continue;
          const ep = 32 * f.BASE! + i;
          addUnique(e.asc.present, ep);
          const name = e.endpointName(ep);
          e.log(`  Adding endpoint #${epNum(ep)}${name ? ` (${name})` : ''}`, { kind: 'add-ep', fields: { ep, endpoint: name } });
        }
      },
    },
    { dir: 'tx', type: 8, name: 'EPMap_Ack', cls: Mgmt_EPMap_Ack },
    { dir: 'tx', type: 0xb, name: 'SetAPPower', cls: Mgmt_Power },
    {
      dir: 'rx',
      type: 0xb,
      name: 'SetAPPowerAck',
      cls: Mgmt_Power,
      handle(v, e) {
        e.asc.apPower = v.fields.STATE;
      },
    },
  ],
};

/** A power state's name for structured fields (§5.2). */
export const powerName = (s: number | undefined): string | undefined => (s === undefined ? undefined : (POWER_STATES[s] ?? `0x${s.toString(16)}`));

export interface SyslogState extends Record<string, unknown> {
  dva: bigint | undefined;
  size: number;
  count: number | undefined;
  entrySize: number | undefined;
  lines: number;
}

/** m1n1's fixed 0x80-byte message (0xa0 stride) when INIT was not seen (model choice). */
const DEFAULT_ENTRY_SIZE = 0x80;
const ENTRY_HEADER = 0x20;
const latin = new TextDecoder('utf-8');

function cstr(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return latin.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

export const syslog: EndpointDecoder<SyslogState> = {
  name: 'syslog',
  base: SystemMessage,
  state: () => ({ dva: undefined, size: 0, count: undefined, entrySize: undefined, lines: 0 }),
  messages: [
    {
      dir: 'rx',
      type: 8,
      name: 'INIT',
      cls: Syslog_Init,
      handle(v, e) {
        e.state.count = v.fields.COUNT;
        e.state.entrySize = v.fields.ENTRYSIZE;
      },
    },
    {
      dir: 'rx',
      type: 1,
      name: 'GetBuf',
      cls: BufferRequest,
      handle(v, e) {
        // §5.4: a non-zero DVA is a preallocated buffer; zero asks the AP for one.
        const dva = v.raw & 0xfffffffffffn;
        e.state.size = v.fields.SIZE!;
        if (dva !== 0n) e.state.dva = dva;
      },
    },
    {
      dir: 'tx',
      type: 1,
      name: 'GetBuf_Ack',
      cls: BufferRequest,
      handle(v, e) {
        e.state.dva = v.raw & 0xfffffffffffn;
        e.state.size = v.fields.SIZE!;
      },
    },
    {
      dir: 'rx',
      type: 5,
      name: 'LOG',
      cls: Syslog_Log,
      async handle(v, e) {
        const s = e.state;
        if (s.dva === undefined) return false;
        const index = v.fields.INDEX!;
        const stride = ENTRY_HEADER + (s.entrySize ?? DEFAULT_ENTRY_SIZE);
        const entry = await e.readBuffer(s.dva + BigInt(index * stride), stride);
        const context = cstr(entry.subarray(8, ENTRY_HEADER));
        const message = cstr(entry.subarray(ENTRY_HEADER)).replace(/\n+$/, '');
        s.lines++;
        // §5.5: `* [<context>]<message with trailing newlines removed>`.
        e.log(`* [${context}]${message}`, { kind: 'syslog', fields: { index, context, message } });
        return true;
      },
    },
    // §5.11: the AP's echo of LOG is silent.
    { dir: 'tx', type: 5, name: 'LOG_ACK', cls: Syslog_Log, handle: () => true },
  ],
};

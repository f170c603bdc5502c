// Layer: core/dcp. The 64-bit messages on DCP endpoint 0x37 (apple-devices.md §7.2). Pure;
// imports this folder's errors only.

import { DcpCodecError } from './errors.ts';

export const DCP_ENDPOINT = 0x37;

/** TYPE = msg0[3:0] (§7.2). */
export const DcpMsgType = { SET_SHMEM: 0, INITIALIZED: 1, MSG: 2 } as const;

/** The CTX field of a MSG (§7.2). 1 and 5 are not defined. */
export const DcpContext = { CB: 0, CMD: 2, ASYNC: 3, OOBCB: 4, OOBCMD: 6, OOBASYNC: 7 } as const;
export type DcpContextValue = (typeof DcpContext)[keyof typeof DcpContext];

const CONTEXT_NAMES: Readonly<Record<number, string>> = {
  0: 'CB', 2: 'CMD', 3: 'ASYNC', 4: 'OOBCB', 6: 'OOBCMD', 7: 'OOBASYNC',
};

export function contextName(ctx: number): string {
  return CONTEXT_NAMES[ctx] ?? `ctx${ctx}`;
}

export function isDcpContext(ctx: number): ctx is DcpContextValue {
  return CONTEXT_NAMES[ctx] !== undefined;
}

/** Linux and m1n1 2021-08 send FLAG 4 with SET_SHMEM (§7.2). */
export const SET_SHMEM_FLAG = 4;

export type DcpEpMessage =
  | { readonly type: 'setShmem'; readonly dva: bigint; readonly flag: number }
  | { readonly type: 'initialized' }
  | {
      readonly type: 'msg';
      readonly len: number;
      readonly off: number;
      readonly ctx: number;
      readonly ack: boolean;
    };

function checkField(name: string, value: number | bigint, bits: number): void {
  const v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(bits)) {
    throw new DcpCodecError('DCP_MSG_BAD_FIELD', `${name}=${value} does not fit ${bits} bits`);
  }
}

/** Builds msg0 for a message on EP 0x37. */
export function encodeDcpMessage(m: DcpEpMessage): bigint {
  switch (m.type) {
    case 'setShmem':
      checkField('DVA', m.dva, 48);
      checkField('FLAG', m.flag, 4);
      return (m.dva << 16n) | (BigInt(m.flag) << 4n) | BigInt(DcpMsgType.SET_SHMEM);
    case 'initialized':
      return BigInt(DcpMsgType.INITIALIZED);
    case 'msg':
      checkField('LEN', m.len, 32);
      checkField('OFF', m.off, 16);
      checkField('CTX', m.ctx, 4);
      return (
        (BigInt(m.len) << 32n) |
        (BigInt(m.off) << 16n) |
        (BigInt(m.ctx) << 8n) |
        (m.ack ? 1n << 6n : 0n) |
        BigInt(DcpMsgType.MSG)
      );
  }
}

/** Splits msg0 into its fields. Bits the spec does not define are ignored. */
export function decodeDcpMessage(msg0: bigint): DcpEpMessage {
  const type = Number(msg0 & 0xfn);
  switch (type) {
    case DcpMsgType.SET_SHMEM:
      return { type: 'setShmem', dva: msg0 >> 16n, flag: Number((msg0 >> 4n) & 0xfn) };
    case DcpMsgType.INITIALIZED:
      return { type: 'initialized' };
    case DcpMsgType.MSG:
      return {
        type: 'msg',
        len: Number((msg0 >> 32n) & 0xffffffffn),
        off: Number((msg0 >> 16n) & 0xffffn),
        ctx: Number((msg0 >> 8n) & 0xfn),
        ack: ((msg0 >> 6n) & 1n) === 1n,
      };
    default:
      throw new DcpCodecError(
        'DCP_MSG_UNKNOWN_TYPE',
        `EP 0x37 message 0x${msg0.toString(16).padStart(16, '0')} has unknown TYPE ${type}`,
      );
  }
}

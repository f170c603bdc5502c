// Byte helpers for the firmware tests. Golden frames are written out as hex from spec §2.5;
// `request()` builds frames the spec has no golden bytes for with the host's request encoder
// (core/uartproxy, tested against the same goldens in test/uartproxy), never with sim code.
// The generic helpers (hex, cat, toHex, …) live in test/helpers/bytes.ts and are re-exported.
import { checksum } from '../../../core/uartproxy/checksum.ts';
import { encodeRequest } from '../../../core/uartproxy/frame-encoder.ts';

export { ascii, cat, hex, seq, toHex, zeros } from '../../helpers/bytes.ts';

/** A 64-byte request: type word, up to seven u64 body words, checksum of the first 60 bytes (§2.2). */
export const request = (type: number, words: readonly bigint[] = []): Uint8Array => encodeRequest(type, words);

export const REQ_NOP = 0x00aa55ff;
export const REQ_PROXY = 0x01aa55ff;
export const REQ_MEMREAD = 0x02aa55ff;
export const REQ_MEMWRITE = 0x03aa55ff;

export const proxy = (opcode: number, ...args: bigint[]): Uint8Array => request(REQ_PROXY, [BigInt(opcode), ...args]);

/** A MEMWRITE request: addr, size, u32 data checksum at 0x14 (§2.2). */
export function memWriteRequest(addr: bigint, size: bigint, dchecksum: number): Uint8Array {
  return request(REQ_MEMWRITE, [addr, size, BigInt(dchecksum >>> 0)]);
}

/** Decoded 36-byte reply. */
export interface Reply {
  type: number;
  status: number;
  body: Uint8Array;
  /** PROXY replies: opcode echo, proxy status, retval. */
  opcode: bigint;
  proxyStatus: bigint;
  retval: bigint;
  /** MEMREAD/MEMWRITE/NOP: the u32 at 0x08. */
  word: number;
  checksumOk: boolean;
}

export function decodeReply(frame: Uint8Array): Reply {
  const v = new DataView(frame.buffer, frame.byteOffset, 36);
  return {
    type: v.getUint32(0, true),
    status: v.getInt32(4, true),
    body: frame.slice(8, 32),
    opcode: v.getBigUint64(8, true),
    proxyStatus: v.getBigInt64(16, true),
    retval: v.getBigUint64(24, true),
    word: v.getUint32(8, true),
    checksumOk: checksum(frame, 0, 32) === v.getUint32(32, true),
  };
}

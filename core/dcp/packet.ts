// Layer: core/dcp. The packet in shared memory (apple-devices.md §7.4): a reversed 4-character
// tag, in_len, out_len, then the input and output blocks. Pure; imports this folder only.

import { DcpCodecError } from './errors.ts';

export const PACKET_HEADER_SIZE = 12;

export interface DcpPacketHeader {
  /** The tag as people write it ("A401"); stored reversed in memory. */
  readonly tag: string;
  readonly inLen: number;
  readonly outLen: number;
}

export interface DcpPacket extends DcpPacketHeader {
  readonly input: Uint8Array;
  readonly output: Uint8Array;
}

/** LEN = 12 + in_len + out_len (§7.4). */
export function packetLength(inLen: number, outLen: number): number {
  return PACKET_HEADER_SIZE + inLen + outLen;
}

function checkTag(tag: string): void {
  if (!/^[\x20-\x7e]{4}$/.test(tag)) {
    throw new DcpCodecError('DCP_PACKET_BAD_TAG', `tag ${JSON.stringify(tag)} is not 4 printable ASCII characters`);
  }
}

export function encodePacketHeader(tag: string, inLen: number, outLen: number): Uint8Array {
  checkTag(tag);
  const out = new Uint8Array(PACKET_HEADER_SIZE);
  // "A401" is stored as '1','0','4','A' (§7.4).
  for (let i = 0; i < 4; i++) out[i] = tag.charCodeAt(3 - i);
  const view = new DataView(out.buffer);
  view.setUint32(4, inLen >>> 0, true);
  view.setUint32(8, outLen >>> 0, true);
  return out;
}

/** A whole packet; the output area is `output` or `outLen` zero bytes. */
export function encodePacket(tag: string, input: Uint8Array, output: Uint8Array | number): Uint8Array {
  const outBytes = typeof output === 'number' ? new Uint8Array(output) : output;
  const out = new Uint8Array(packetLength(input.length, outBytes.length));
  out.set(encodePacketHeader(tag, input.length, outBytes.length), 0);
  out.set(input, PACKET_HEADER_SIZE);
  out.set(outBytes, PACKET_HEADER_SIZE + input.length);
  return out;
}

export function decodePacketHeader(bytes: Uint8Array): DcpPacketHeader {
  if (bytes.length < PACKET_HEADER_SIZE) {
    throw new DcpCodecError('DCP_PACKET_TRUNCATED', `packet header needs 12 bytes, got ${bytes.length}`);
  }
  const tag = String.fromCharCode(bytes[3]!, bytes[2]!, bytes[1]!, bytes[0]!);
  checkTag(tag);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { tag, inLen: view.getUint32(4, true), outLen: view.getUint32(8, true) };
}

/**
 * Decodes a packet. With `len` (the MSG's LEN), the header must agree with it exactly;
 * otherwise the bytes must hold at least the whole packet.
 */
export function decodePacket(bytes: Uint8Array, len?: number): DcpPacket {
  const hdr = decodePacketHeader(bytes);
  const total = packetLength(hdr.inLen, hdr.outLen);
  if (len !== undefined && total !== len) {
    throw new DcpCodecError(
      'DCP_PACKET_BAD_LENGTH',
      `${hdr.tag}: LEN 0x${len.toString(16)} but 12 + in 0x${hdr.inLen.toString(16)} + out 0x${hdr.outLen.toString(16)} = 0x${total.toString(16)}`,
    );
  }
  if (bytes.length < total) {
    throw new DcpCodecError('DCP_PACKET_TRUNCATED', `${hdr.tag}: packet needs 0x${total.toString(16)} bytes, got 0x${bytes.length.toString(16)}`);
  }
  const input = bytes.slice(PACKET_HEADER_SIZE, PACKET_HEADER_SIZE + hdr.inLen);
  const output = bytes.slice(PACKET_HEADER_SIZE + hdr.inLen, total);
  return { ...hdr, input, output };
}

// Layer: sim/firmware. Builds the frames the target sends (spec §2.3, §2.4): 36-byte replies
// (including REQ_BOOT announcements) and event frames. Imports core/uartproxy's constants and
// checksum only. Each frame is a fresh buffer: a transport may keep it until it is on the wire.

import { checksum, checksumFinish, checksumUpdate, CHECKSUM_INIT } from '../../core/uartproxy/checksum.ts';
import { CHECKSUM_SENTINEL, EVENT_HEADER_SIZE, EVENT_TRAILER_SIZE, FrameType, REPLY_SIZE } from '../../core/uartproxy/constants.ts';

/** Offsets inside a reply (§2.3). */
export const REPLY_STATUS = 0x04;
export const REPLY_BODY = 0x08;
export const REPLY_CHECKSUM = 0x20;

export interface ReplyFrame {
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

/** A reply of `type` with `status` and a zero body; fill the body through `view`, then `sealReply`. */
export function newReply(type: number, status: number, extra = 0): ReplyFrame {
  const bytes = new Uint8Array(REPLY_SIZE + extra);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type >>> 0, true);
  view.setInt32(REPLY_STATUS, status, true);
  return { bytes, view };
}

/** Writes the frame checksum over bytes 0x00..0x1F (§2.3). */
export function sealReply(reply: ReplyFrame): Uint8Array {
  reply.view.setUint32(REPLY_CHECKSUM, checksum(reply.bytes, 0, REPLY_CHECKSUM), true);
  return reply.bytes;
}

/** REQ_BOOT {status 0, reason, code, info, reserved 0} (§2.3, §4.5). */
export function bootFrame(reason: number, code: number, info: bigint): Uint8Array {
  const r = newReply(FrameType.REQ_BOOT, 0);
  r.view.setUint32(REPLY_BODY, reason >>> 0, true);
  r.view.setUint32(REPLY_BODY + 4, code >>> 0, true);
  r.view.setBigUint64(REPLY_BODY + 8, BigInt.asUintN(64, info), true);
  return sealReply(r);
}

/**
 * Event frame (§2.4): type word, u16 length, u16 event type, payload, then the checksum of
 * header and payload, or CHECKSUM_SENTINEL when data checksums are disabled (§2.6).
 */
export function eventFrame(type: number, payload: Uint8Array, dataChecksumsDisabled: boolean): Uint8Array {
  const n = payload.length;
  const bytes = new Uint8Array(EVENT_HEADER_SIZE + n + EVENT_TRAILER_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, FrameType.REQ_EVENT, true);
  view.setUint16(4, n, true);
  view.setUint16(6, type, true);
  bytes.set(payload, EVENT_HEADER_SIZE);
  const trailer = dataChecksumsDisabled
    ? CHECKSUM_SENTINEL
    : checksumFinish(checksumUpdate(CHECKSUM_INIT, bytes, 0, EVENT_HEADER_SIZE + n));
  view.setUint32(EVENT_HEADER_SIZE + n, trailer, true);
  return bytes;
}

// Layer: sim/firmware. REQ_MEMREAD and REQ_MEMWRITE on the target side (spec §4.3, §4.4, §2.6).
// Imports core/uartproxy constants and checksum, sim/memory and this folder's link, frames and
// exception guard.
//
// Hot path: a MEMREAD of up to STREAM_THRESHOLD bytes is one readBlock straight into the reply
// buffer and one write; a MEMWRITE payload goes from the received chunks straight into memory,
// checksummed on the way when the destination is plain RAM. Larger reads stream in chunks
// under the output lock, waiting for drain as the firmware waits on its ring buffer.

import { checksum, checksumFinish, checksumUpdate, CHECKSUM_INIT } from '../../core/uartproxy/checksum.ts';
import { CHECKSUM_SENTINEL, DATA_END_SENTINEL, FrameType, REPLY_SIZE, Status } from '../../core/uartproxy/constants.ts';
import { lengthToNumber, type PhysicalMemory } from '../memory/physical-memory.ts';
import { ExceptionGuard, GUARD_MARKER, GUARD_OFF, GUARD_RETURN, GUARD_SKIP } from './exception-guard.ts';
import { newReply, REPLY_BODY, sealReply } from './frames.ts';
import type { Link } from './link.ts';

/** Reads up to this size are sent from one buffer; larger ones stream. */
export const STREAM_THRESHOLD = 64 << 20;
const STREAM_CHUNK = 4 << 20;

export interface TransferEnv {
  readonly link: Link;
  readonly memory: PhysicalMemory;
  readonly guard: ExceptionGuard;
  /** DISABLE_DATA_CSUMS as negotiated now (§2.6). */
  dataChecksumsDisabled(): boolean;
  /** Throws when the target stopped meanwhile. */
  checkStop(): void;
}

/**
 * What m1n1's checksum pass leaves in the reply when it faults under GUARD_RETURN: the
 * checksum routine returns the marker and its caller applies the final XOR (§4.3, §5).
 */
const FAULTED_DCHECKSUM = (Number(GUARD_MARKER & 0xffffffffn) ^ 0xaddedbad) >>> 0;

export async function memRead(env: TransferEnv, addr: bigint, size: bigint): Promise<void> {
  const { link, memory, guard } = env;
  // §4.3 step 1, §15.47: size 0 → status 0, checksum 0, no data and no trailer.
  if (size === 0n) return link.write(sealReply(newReply(FrameType.REQ_MEMREAD, Status.ST_OK)));
  const disabled = env.dataChecksumsDisabled();
  const trailer = disabled ? 4 : 0;
  const n = lengthToNumber(size);
  const streamed = n > STREAM_THRESHOLD;
  let reply = newReply(FrameType.REQ_MEMREAD, Status.ST_OK);

  // §4.3 step 2: the checksum pass runs with GUARD_RETURN and a fresh counter. With data
  // checksums disabled m1n1 skips it and would take an unguarded fault while sending (it
  // reboots, §15.30); the virtual target probes instead and answers ST_XFRERR.
  guard.count = 0;
  guard.mode = GUARD_RETURN;
  const pass = guard.returnable((): number => {
    if (n < 0 || !memory.probe(addr, size, false)) faultAt(guard, addr);
    if (streamed) return disabled ? CHECKSUM_SENTINEL : streamedChecksum(env, addr, n);
    // Probed first, so an absurd size never gets a buffer.
    reply = newReply(FrameType.REQ_MEMREAD, Status.ST_OK, n + trailer);
    if (!memory.readBlock(addr, reply.bytes, REPLY_SIZE, n)) faultAt(guard, addr);
    return disabled ? CHECKSUM_SENTINEL : checksum(reply.bytes, REPLY_SIZE, REPLY_SIZE + n);
  });
  // m1n1 leaves the guard OFF after a MEMREAD, whatever the session guard was (uartproxy.c).
  guard.mode = GUARD_OFF;

  if (pass.returned) {
    const failed = newReply(FrameType.REQ_MEMREAD, Status.ST_XFRERR);
    failed.view.setUint32(REPLY_BODY, disabled ? CHECKSUM_SENTINEL : FAULTED_DCHECKSUM, true);
    return link.write(sealReply(failed));
  }
  reply.view.setUint32(REPLY_BODY, pass.value, true);
  sealReply(reply);
  if (!streamed) {
    // Reply, data and trailer in one write: the locked unit of §1.4.
    if (disabled) reply.view.setUint32(REPLY_SIZE + n, DATA_END_SENTINEL, true);
    return link.write(reply.bytes);
  }
  await streamPayload(env, reply.bytes.subarray(0, REPLY_SIZE), addr, n);
}

function faultAt(guard: ExceptionGuard, address: bigint): void {
  guard.fault({ address, widthBytes: 1, write: false, during: 'REQ_MEMREAD' });
}

function streamedChecksum(env: TransferEnv, addr: bigint, n: number): number {
  const buf = new Uint8Array(STREAM_CHUNK);
  let state = CHECKSUM_INIT;
  for (let off = 0; off < n; off += STREAM_CHUNK) {
    const len = Math.min(STREAM_CHUNK, n - off);
    if (!env.memory.readBlock(addr + BigInt(off), buf, 0, len)) faultAt(env.guard, addr + BigInt(off));
    state = checksumUpdate(state, buf, 0, len);
  }
  return checksumFinish(state);
}

async function streamPayload(env: TransferEnv, header: Uint8Array, addr: bigint, n: number): Promise<void> {
  const { link } = env;
  link.write(header);
  link.lock();
  try {
    for (let off = 0; off < n; off += STREAM_CHUNK) {
      const len = Math.min(STREAM_CHUNK, n - off);
      const buf = new Uint8Array(len);
      // The range was probed; a device refusing now still yields the bytes it gave (zeros after).
      env.memory.readBlock(addr + BigInt(off), buf, 0, len);
      link.writeLocked(buf);
      if (link.needsDrain) await link.drain();
      env.checkStop();
    }
    if (env.dataChecksumsDisabled()) link.writeLocked(u32le(DATA_END_SENTINEL));
  } finally {
    link.unlock();
  }
}

export async function memWrite(env: TransferEnv, addr: bigint, size: bigint, hostChecksum: number): Promise<void> {
  const { link, memory, guard } = env;
  const disabled = env.dataChecksumsDisabled();
  const reply = newReply(FrameType.REQ_MEMWRITE, Status.ST_OK);
  const fail = (): void => {
    reply.view.setInt32(4, Status.ST_XFRERR, true);
    link.write(sealReply(reply));
  };

  // §4.4 step 1: probe by writing 0 to the first and last byte, guard SKIP, fresh counter.
  guard.count = 0;
  guard.mode = GUARD_SKIP;
  if (size !== 0n) {
    guard.store(memory, addr, 1, 0n, 'REQ_MEMWRITE');
    guard.store(memory, BigInt.asUintN(64, addr + size - 1n), 1, 0n, 'REQ_MEMWRITE');
  }
  guard.mode = GUARD_OFF;
  // §4.4 step 2, §15.31: a failed probe answers at once and leaves the payload unread; the
  // sync scanner then reads it as noise (a payload holding FF 55 AA xx can start a phantom request).
  const n = lengthToNumber(size);
  if (guard.count !== 0 || n < 0) return fail();

  // §4.4 step 3: exactly `size` bytes straight into memory.
  const plainRam = memory.isRam(addr, n);
  let state = CHECKSUM_INIT;
  let done = 0;
  let holeAt = -1;
  const got = await link.receive(
    n,
    (chunk, start, end) => {
      const len = end - start;
      if (holeAt < 0 && !memory.writeBlock(addr + BigInt(done), chunk, start, len)) holeAt = done;
      if (plainRam && !disabled) state = checksumUpdate(state, chunk, start, end);
      done += len;
    },
    () => env.checkStop(),
  );
  // A range whose ends probed fine but with a hole inside: m1n1 would fault unguarded and
  // reboot; the virtual target consumes the payload and answers ST_XFRERR (as for §15.30).
  if (!got || holeAt >= 0) return fail();

  // §4.4 step 4: checksum of the written memory (read back unless it is plain RAM).
  let dchecksum = CHECKSUM_SENTINEL;
  if (!disabled) {
    const sum = plainRam ? checksumFinish(state) : readBackChecksum(memory, addr, n);
    if (sum < 0) return fail();
    dchecksum = sum;
  }
  reply.view.setUint32(REPLY_BODY, dchecksum, true);
  if (dchecksum !== hostChecksum >>> 0) return fail();

  // §4.4 step 5: with data checksums disabled the payload must be followed by the end sentinel.
  if (disabled) {
    const tail = new Uint8Array(4);
    const ok = await link.receiveInto(tail, 0, 4, () => env.checkStop());
    if (!ok || new DataView(tail.buffer).getUint32(0, true) !== DATA_END_SENTINEL) return fail();
  }
  link.write(sealReply(reply));
}

/** Checksum of memory as it reads back now (MMIO may differ from what was written); −1 on a fault. */
function readBackChecksum(memory: PhysicalMemory, addr: bigint, n: number): number {
  const buf = new Uint8Array(Math.min(n, STREAM_CHUNK));
  let state = CHECKSUM_INIT;
  for (let off = 0; off < n; off += buf.length) {
    const len = Math.min(buf.length, n - off);
    if (!memory.readBlock(addr + BigInt(off), buf, 0, len)) return -1;
    state = checksumUpdate(state, buf, 0, len);
  }
  return checksumFinish(state);
}

function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

// Layer: sim/firmware/ops. The iodev data ops (spec §6.10): P_IODEV_SET_USAGE, CAN_READ,
// CAN_WRITE, READ, WRITE and P_USB_IODEV_VUART_SETUP, over an injected IodevBackend. Imports
// the op table types, this folder's target-io and the backend interface. (P_IODEV_WHOAMI is in
// ops/iodev.ts.)
//
// m1n1's iodev.c, as the host sees it: the iodev number is a C enum (32 bits); an unregistered
// number answers CAN_READ 0, CAN_WRITE false, READ/WRITE −1 (all ones in the reply), SET_USAGE
// nothing. Numbers past m1n1's table (≥ 13) index beyond its array in C (undefined); here they
// are unregistered. Buffers are copied under the session guard (target-io.ts). A length past
// 1 GiB is clamped to 1 GiB (m1n1 would try the whole transfer).

import type { OpContext, OpFamily } from '../op-table.ts';
import { IODEV_COUNT, type IodevBackend } from './iodev-backend.ts';
import { MAX_TARGET_BUFFER, readTarget, writeTarget } from './target-io.ts';

const ERROR = BigInt.asUintN(64, -1n);
const USB0 = 4;
const USB_COUNT = 8;

function iodevOf(arg: bigint): number | undefined {
  const id = Number(BigInt.asUintN(32, arg));
  return id < IODEV_COUNT ? id : undefined;
}

function lengthOf(arg: bigint): number {
  return arg > BigInt(MAX_TARGET_BUFFER) ? MAX_TARGET_BUFFER : Number(arg);
}

/** ssize_t → reply word. */
const ssize = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

async function iodevRead(ctx: OpContext, backend: IodevBackend, a: BigUint64Array): Promise<bigint> {
  const id = iodevOf(a[0]!);
  if (id === undefined || !backend.has(id)) return ERROR;
  const got = backend.read(id, lengthOf(a[2]!));
  if (got === undefined) return ERROR;
  const bytes = got instanceof Promise ? await got : got;
  const r = ctx.guard.returnable(() => writeTarget(ctx, a[1]!, bytes));
  return r.returned ? r.value : BigInt(bytes.length);
}

async function iodevWrite(ctx: OpContext, backend: IodevBackend, a: BigUint64Array): Promise<bigint> {
  const id = iodevOf(a[0]!);
  if (id === undefined || !backend.has(id)) return ERROR;
  const r = ctx.guard.returnable(() => readTarget(ctx, a[1]!, lengthOf(a[2]!)));
  if (r.returned) return r.value;
  const sent = backend.write(id, r.value.bytes);
  if (sent === undefined) return ERROR;
  return ssize(typeof sent === 'number' ? sent : await sent);
}

export function iodevIoOps(deps: { iodevs: IodevBackend }): OpFamily {
  const backend = deps.iodevs;
  return {
    family: 'iodev-io',
    ops: [
      {
        name: 'P_IODEV_SET_USAGE',
        handler: (a) => {
          const id = iodevOf(a[0]!);
          // iodev_usage_t is a C enum: the low 32 bits.
          if (id !== undefined && backend.has(id)) backend.setUsage(id, Number(BigInt.asUintN(32, a[1]!)));
          return 0n;
        },
      },
      {
        name: 'P_IODEV_CAN_READ',
        handler: (a) => {
          const id = iodevOf(a[0]!);
          return id === undefined || !backend.has(id) ? 0n : ssize(backend.canRead(id));
        },
      },
      {
        name: 'P_IODEV_CAN_WRITE',
        handler: (a) => {
          const id = iodevOf(a[0]!);
          return id !== undefined && backend.has(id) && backend.canWrite(id) ? 1n : 0n;
        },
      },
      { name: 'P_IODEV_READ', handler: (a, ctx) => iodevRead(ctx, backend, a) },
      { name: 'P_IODEV_WRITE', handler: (a, ctx) => iodevWrite(ctx, backend, a) },
      {
        name: 'P_USB_IODEV_VUART_SETUP',
        handler: (a) => {
          // usb.c: only USB0..USB7; any other number is ignored.
          const id = Number(BigInt.asUintN(32, a[0]!));
          if (id >= USB0 && id < USB0 + USB_COUNT) backend.bindVuart(id);
          return 0n;
        },
      },
    ],
  };
}

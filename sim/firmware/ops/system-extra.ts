// Layer: sim/firmware/ops. System ops that need machine facts but no CPU (spec §6.2):
// P_GET_CPU_FEATURES (§8.3) and P_SET_BAUD. Imports the op table types, this folder's ADT
// helpers and statics.
//
// P_GET_CPU_FEATURES: m1n1 returns a pointer to its `struct midr_part_features` for the boot
// CPU when a0 equals the struct size (20), else prints a size-mismatch line and returns 0
// (proxy.c). The struct holds the M1 (Firestorm/Icestorm) values of §8.3.
//
// P_SET_BAUD (proxy.c, uart.c): prints "Changing baud rate to N...", then on the physical
// debug UART (ADT /arm-io/uart6 when it has a debug-console child, else /arm-io/uart0) waits for
// the transmitter to empty, writes UBRDIV = ((24 MHz / baud + 7) / 16) − 1 in C int arithmetic,
// and sends the 32-bit pattern a1 times (LE) byte by byte, each after TXBE; replies 0. Over USB
// the proxy channel is unaffected: only the console line is visible there. Without a UART in
// the ADT m1n1 skips the UART part. Deviations: the UART polls give up after POLL_LIMIT reads
// (m1n1 spins forever) and a negative count sends nothing (m1n1's `while (cnt--)` would send
// for ~2^32 iterations).

import type { OpContext, OpFamily } from '../op-table.ts';
import { adtFind, adtReg, type AdtSource } from './adt-access.ts';
import type { FirmwareStatics } from './statics.ts';

/** §8.3, M1 (T8103). */
export const M1_CPU_FEATURES: Uint8Array = (() => {
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint32(0x00, 2, true); // sleep_mode: global
  v.setUint32(0x04, 2, true); // uncore_version: V2
  b.set([1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0], 0x08); // disable_dc_mva … counter_redirect, padding
  return b;
})();
export const CPU_FEATURES_SIZE = 20;

const UART_CLOCK = 24_000_000;
const UTRSTAT = 0x10n;
const UTXH = 0x20n;
const UBRDIV = 0x28n;
const UTRSTAT_TXBE = 1n << 1n;
const UTRSTAT_TXE = 1n << 2n;
export const POLL_LIMIT = 10_000;

/** uart_init's choice of debug UART: its reg[0] address, or undefined (m1n1's uart_base 0). */
export function debugUartBase(adt: AdtSource): bigint | undefined {
  const root = adt();
  const path = adtFind(root, '/arm-io/uart6/debug-console') ? '/arm-io/uart6' : '/arm-io/uart0';
  return adtReg(adtFind(root, path), 0)?.addr;
}

function waitStatus(ctx: OpContext, base: bigint, bit: bigint): void {
  for (let i = 0; i < POLL_LIMIT; i++) if (ctx.guard.load(ctx.memory, base + UTRSTAT, 4, ctx.name) & bit) return;
}

/** C `int` division truncates toward zero; ARM's udiv/sdiv by 0 gives 0. */
function ubrdiv(baud: number): number {
  const q = baud === 0 ? 0 : Math.trunc(UART_CLOCK / baud);
  return (Math.trunc((q + 7) / 16) - 1) >>> 0;
}

export function systemExtraOps(deps: { adt: AdtSource; statics: FirmwareStatics }): OpFamily {
  return {
    family: 'system-extra',
    ops: [
      {
        name: 'P_GET_CPU_FEATURES',
        handler: (a, ctx) => {
          if (a[0] !== BigInt(CPU_FEATURES_SIZE)) {
            ctx.firmware.console(`size mismatch: sizeof(struct midr_part_features) = ${CPU_FEATURES_SIZE} != ${BigInt.asIntN(64, a[0]!)}\n`);
            return 0n;
          }
          return deps.statics.place(ctx.memory, 'cpu_features', M1_CPU_FEATURES, 8);
        },
      },
      {
        name: 'P_SET_BAUD',
        handler: (a, ctx) => {
          ctx.firmware.console(`Changing baud rate to ${a[0]!}...\n`);
          const base = debugUartBase(deps.adt);
          if (base === undefined) return 0n;
          waitStatus(ctx, base, UTRSTAT_TXE);
          ctx.guard.store(ctx.memory, base + UBRDIV, 4, BigInt(ubrdiv(Number(BigInt.asIntN(32, a[0]!)))), ctx.name);
          const count = Number(BigInt.asIntN(32, a[1]!));
          const pattern = a[2]!;
          for (let n = 0; n < count; n++) {
            for (let i = 0n; i < 32n; i += 8n) {
              waitStatus(ctx, base, UTRSTAT_TXBE);
              ctx.guard.store(ctx.memory, base + UTXH, 4, (pattern >> i) & 0xffn, ctx.name);
            }
          }
          return 0n;
        },
      },
    ],
  };
}

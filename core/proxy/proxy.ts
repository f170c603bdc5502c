// Layer: core/proxy. M1n1Proxy: a typed method for every m1n1 proxy op (spec §6), composed
// from one module per family of §6.1. Imports core/proxy only; talks to the target through a
// ProxyTransport (core/uartproxy's client).
//
// Methods are named after the op in camelCase without `P_` (P_SMP_CALL_EL1_SYNC →
// smpCallEl1Sync) and take the spec's arguments in the spec's order. `request()` (ProxyCore)
// sends any op by name or number for what the typed methods do not cover.

import { withCacheMmuOps } from './ops/cache-mmu.ts';
import { withDartOps } from './ops/dart.ts';
import { withDecompressOps } from './ops/decompress.ts';
import { withDisplayOps } from './ops/display.ts';
import { withHeapOps } from './ops/heap.ts';
import { withHvOps } from './ops/hv.ts';
import { withIodevOps } from './ops/iodev.ts';
import { withKbootOps } from './ops/kboot.ts';
import { withMemoryOps } from './ops/memory.ts';
import { withPeripheralOps } from './ops/peripherals.ts';
import { withPmgrOps } from './ops/pmgr.ts';
import { withRegisterOps } from './ops/registers.ts';
import { withSmpOps } from './ops/smp.ts';
import { withSystemOps } from './ops/system.ts';
import { withTunablesOps } from './ops/tunables.ts';
import { ProxyCore } from './proxy-core.ts';

const Composed = withPeripheralOps(
  withDisplayOps(
    withHvOps(
      withDartOps(
        withTunablesOps(
          withIodevOps(
            withPmgrOps(
              withKbootOps(
                withHeapOps(withSmpOps(withDecompressOps(withCacheMmuOps(withMemoryOps(withRegisterOps(withSystemOps(ProxyCore))))))),
              ),
            ),
          ),
        ),
      ),
    ),
  ),
);

/**
 * The typed m1n1 proxy client. `new M1n1Proxy(transport, { longTimeoutMs })`; call
 * `useHeap(heap)` before ops that take strings or buffers (§7.1).
 */
export class M1n1Proxy extends Composed {}

// Layer: core/uartproxy. The host recovery procedure of §3.1, used by UartProxyClient.recover().
// Imports this folder only.
//
// 1. Discard input until the target has been quiet for `quietMs` (what was in flight is dropped).
// 2. Send `padBytes` zero bytes: if the target sits inside a request frame whose tail was lost,
//    they complete it; it answers ST_CSUMERR (or ST_XFRERR for MEMWRITE data), and that reply
//    arrives with nothing waiting for it, so it is dropped. Otherwise its scanner skips them.
// 3. Wait for quiet again, then NOP with the features currently in force.

import type { RecoverOptions } from './client-types.ts';
import { UartProxyError } from './errors.ts';
import type { FrameDecoder } from './frame-decoder.ts';
import type { SessionTracker } from './session-tracker.ts';

export interface RecoveryLink {
  readonly tracker: SessionTracker;
  readonly decoder: FrameDecoder;
  readonly linkName: string;
  readonly defaultTimeoutMs: number;
  /** performance.now() of the last byte received. */
  lastByteAt(): number;
  /** Throws UARTPROXY_LINK_CLOSED when the link is gone. */
  checkOpen(): void;
  write(bytes: Uint8Array): void;
  /** A NOP that bypasses the DESYNC refusal, with the features in force. */
  nop(): Promise<bigint>;
}

export async function recoverLink(link: RecoveryLink, options: RecoverOptions): Promise<void> {
  const quietMs = options.quietMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? Math.max(link.defaultTimeoutMs, 1000);
  const padBytes = options.padBytes ?? 64;
  const { tracker, decoder } = link;
  tracker.state = 'recovering';
  try {
    await waitQuiet(link, quietMs, maxWaitMs);
    tracker.dropTop(new UartProxyError('UARTPROXY_DESYNC', `abandoned by recover() on ${link.linkName}`));
    decoder.reset(); // the target is quiet, so a partial frame now is garbage
    if (padBytes > 0) {
      link.checkOpen();
      link.write(new Uint8Array(padBytes));
      await waitQuiet(link, quietMs, maxWaitMs);
      decoder.reset();
    }
    link.checkOpen();
    await link.nop();
    if (tracker.state === 'recovering') tracker.state = 'open';
  } catch (error) {
    if (tracker.state === 'recovering') tracker.state = 'desync';
    throw error;
  }
}

/** Waits until nothing has arrived for `quietMs`, counted from now at the earliest. */
async function waitQuiet(link: RecoveryLink, quietMs: number, maxWaitMs: number): Promise<void> {
  const start = performance.now();
  for (;;) {
    const now = performance.now();
    const left = Math.max(link.lastByteAt(), start) + quietMs - now;
    if (left <= 0 || now - start >= maxWaitMs) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, maxWaitMs - (now - start))));
  }
}

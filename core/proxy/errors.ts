// Layer: core/proxy. The errors of the typed proxy client. Imports core/errors only.
//
// Transport-level failures (timeouts, bad checksums, proxy status S_BADCMD) are raised by
// core/uartproxy; these are the client's own: refused before anything is sent (alignment,
// arguments, no scratch heap) or detected after (the target's exception counter, §5).

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';

export const ProxyErrorCode = {
  /** An access not aligned to its width; refused locally, nothing sent (§6.3). */
  MISALIGNED: 'PROXY_MISALIGNED',
  /** The target's exception counter was non-zero after a checked access (§5, §7.2). */
  EXCEPTION: 'PROXY_EXCEPTION',
  /** A string or buffer argument needs the host-managed heap (§7.1, §7.5) and none is set. */
  NO_HEAP: 'PROXY_NO_HEAP',
  /** The host-managed heap has no free block large enough. */
  HEAP_EXHAUSTED: 'PROXY_HEAP_EXHAUSTED',
  /** free() of an address the host heap never handed out (or already freed). */
  HEAP_BAD_FREE: 'PROXY_HEAP_BAD_FREE',
  /** An argument the op cannot carry: too many, not an integer, out of range, bad width. */
  BAD_ARGUMENT: 'PROXY_BAD_ARGUMENT',
} as const;
export type ProxyErrorCodeName = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

/** Base of every error core/proxy raises. None of them ends the session. */
export class ProxyError extends HvdbgError {
  constructor(code: ProxyErrorCodeName, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, { ...options, fatal: options.fatal ?? false });
  }
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export class AlignmentError extends ProxyError {
  constructor(
    readonly address: bigint,
    readonly alignmentBytes: number,
    what: string,
  ) {
    super(ProxyErrorCode.MISALIGNED, `${what}: address ${hex(address)} is not ${alignmentBytes}-byte aligned`, {
      hint: `use an address that is a multiple of ${alignmentBytes}, or a narrower access width`,
    });
  }
}

export class ProxyExceptionError extends ProxyError {
  constructor(
    readonly address: bigint | undefined,
    readonly count: number,
    what: string,
  ) {
    const where = address === undefined ? '' : ` at ${hex(address)}`;
    super(
      ProxyErrorCode.EXCEPTION,
      `${what}${where}: the target took ${count} exception${count === 1 ? '' : 's'} (exception counter, spec §5)`,
      { hint: 'the address is probably unmapped, powered down or does not accept this access width' },
    );
  }
}

export class ProxyNoHeapError extends ProxyError {
  constructor(opName: string) {
    super(ProxyErrorCode.NO_HEAP, `${opName} passes a string or buffer, which needs a scratch area in target RAM`, {
      hint: 'create a HostHeap (HostHeap.fromTarget(proxy, sizeBytes)) and call proxy.useHeap(heap) first',
    });
  }
}

export class HostHeapError extends ProxyError {}

export class ProxyArgumentError extends ProxyError {
  constructor(message: string, hint = 'check the argument against spec §6 for this op') {
    super(ProxyErrorCode.BAD_ARGUMENT, message, { hint });
  }
}

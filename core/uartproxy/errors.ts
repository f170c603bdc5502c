// Layer: core/uartproxy. The error family of the framing layer. Imports core/errors and this
// folder's constants only.
//
// Two sources of trouble share one class with stable codes: the target told us something went
// wrong (a frame status of §2.7 or a proxy status), or we saw something wrong on the wire
// (checksums, sentinels, frames we did not expect, silence, a closed link). Each code carries a
// default hint and a fatal flag (fatal = the link cannot be used any more without the user
// doing something outside this client, e.g. reconnecting).

import { HvdbgError } from '../errors.ts';
import { Status, statusName } from './constants.ts';

export type UartProxyErrorCode =
  // Frame status reported by the target (§2.7).
  | 'UARTPROXY_BADCMD'
  | 'UARTPROXY_INVAL'
  | 'UARTPROXY_XFRERR'
  | 'UARTPROXY_CSUMERR'
  | 'UARTPROXY_UNKNOWN_STATUS'
  // Proxy status and echo of a REQ_PROXY reply (§2.3, §3.2).
  | 'UARTPROXY_PROXY_BADCMD'
  | 'UARTPROXY_OPCODE_MISMATCH'
  // What we saw on the wire.
  | 'UARTPROXY_BAD_CHECKSUM'
  | 'UARTPROXY_BAD_SENTINEL'
  | 'UARTPROXY_BAD_EVENT'
  | 'UARTPROXY_UNEXPECTED_FRAME'
  // Link and session state.
  | 'UARTPROXY_TIMEOUT'
  | 'UARTPROXY_DESYNC'
  | 'UARTPROXY_LINK_CLOSED'
  | 'UARTPROXY_TARGET_RESTARTED'
  | 'UARTPROXY_GUEST_RUNNING'
  | 'UARTPROXY_UNHANDLED_CALLBACK'
  | 'UARTPROXY_CALLBACK_FAILED'
  | 'UARTPROXY_BAD_ARGUMENT';

interface CodeInfo {
  readonly hint: string;
  readonly fatal: boolean;
}

const CODES: Record<UartProxyErrorCode, CodeInfo> = {
  UARTPROXY_BADCMD: {
    hint: 'The target did not recognise the request type; check that host and m1n1 speak the same protocol version.',
    fatal: false,
  },
  UARTPROXY_INVAL: {
    hint: 'The target rejected the request as invalid (ST_INVAL is not produced by current m1n1; check the firmware build).',
    fatal: false,
  },
  UARTPROXY_XFRERR: {
    hint: 'The target faulted on that memory range or the transfer was damaged; check the address is mapped, then retry.',
    fatal: false,
  },
  UARTPROXY_CSUMERR: {
    hint: 'The target received a damaged request frame (noise on the link); the request was not executed and can be retried.',
    fatal: false,
  },
  UARTPROXY_UNKNOWN_STATUS: {
    hint: 'The target replied with a status this host does not know; check that host and m1n1 versions match.',
    fatal: false,
  },
  UARTPROXY_PROXY_BADCMD: {
    hint: 'The target does not implement this proxy opcode; update m1n1 or avoid the operation.',
    fatal: false,
  },
  UARTPROXY_OPCODE_MISMATCH: {
    hint: 'A reply belonged to a different request, so requests and replies are out of step; call recover() before going on.',
    fatal: false,
  },
  UARTPROXY_BAD_CHECKSUM: {
    hint: 'Bytes were damaged or lost on the link; the request can be retried. Frequent errors suggest a bad cable or a too high baud rate.',
    fatal: false,
  },
  UARTPROXY_BAD_SENTINEL: {
    hint: 'A data sentinel was wrong, so bytes were lost or host and target disagree about data checksums; send a NOP (nop()) and retry.',
    fatal: false,
  },
  UARTPROXY_BAD_EVENT: {
    hint: 'An event frame header was implausible (corruption); the decoder resynchronised and dropped it.',
    fatal: false,
  },
  UARTPROXY_UNEXPECTED_FRAME: {
    hint: 'The target sent a frame nobody was waiting for; if requests start failing, call recover().',
    fatal: false,
  },
  UARTPROXY_TIMEOUT: {
    hint: 'The target stopped answering: check it is powered and running m1n1, then call recover(); pass a longer timeoutMs for slow operations.',
    fatal: false,
  },
  UARTPROXY_DESYNC: {
    hint: 'An earlier request timed out and the link may be out of step; call recover() before issuing requests.',
    fatal: false,
  },
  UARTPROXY_LINK_CLOSED: {
    hint: 'The connection to the target is gone; reconnect (check the cable or that the target is still running m1n1).',
    fatal: true,
  },
  UARTPROXY_TARGET_RESTARTED: {
    hint: 'The target restarted its proxy loop (it rebooted or crashed); set up the session again.',
    fatal: false,
  },
  UARTPROXY_GUEST_RUNNING: {
    hint: 'The guest is running, so the target serves no requests; wait for a callback (or interrupt the guest with sendInterrupt()) first.',
    fatal: false,
  },
  UARTPROXY_UNHANDLED_CALLBACK: {
    hint: 'Register a handler with onCallback() before starting the guest; the target waits in this callback until it gets P_EXIT.',
    fatal: false,
  },
  UARTPROXY_CALLBACK_FAILED: {
    hint: 'The callback handler threw; the target still waits in that callback session until it gets P_EXIT.',
    fatal: false,
  },
  UARTPROXY_BAD_ARGUMENT: {
    hint: 'Check the value passed: 64-bit fields take -2^63 .. 2^64-1, sizes are non-negative integers.',
    fatal: false,
  },
};

export interface UartProxyErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Frame status (§2.7) or proxy status, when the error comes from one. */
  status?: number | bigint;
}

export class UartProxyError extends HvdbgError {
  declare readonly code: UartProxyErrorCode;
  readonly status: number | bigint | undefined;

  constructor(code: UartProxyErrorCode, message: string, options: UartProxyErrorOptions = {}) {
    const info = CODES[code];
    super(code, message, { hint: options.hint ?? info.hint, fatal: info.fatal, cause: options.cause });
    this.status = options.status;
  }
}

/** Every frame status of §2.7 as a typed error; `what` names the request ("REQ_MEMREAD [0x…, +0x10)"). */
export function statusError(status: number, what: string): UartProxyError {
  const code: UartProxyErrorCode | undefined = STATUS_CODES.get(status);
  const name = statusName(status);
  if (code === undefined) return new UartProxyError('UARTPROXY_UNKNOWN_STATUS', `${what}: target replied with unknown ${name}`, { status });
  return new UartProxyError(code, `${what}: target replied ${name}${STATUS_MEANING[code] ?? ''}`, { status });
}

const STATUS_CODES = new Map<number, UartProxyErrorCode>([
  [Status.ST_BADCMD, 'UARTPROXY_BADCMD'],
  [Status.ST_INVAL, 'UARTPROXY_INVAL'],
  [Status.ST_XFRERR, 'UARTPROXY_XFRERR'],
  [Status.ST_CSUMERR, 'UARTPROXY_CSUMERR'],
]);

const STATUS_MEANING: Partial<Record<UartProxyErrorCode, string>> = {
  UARTPROXY_BADCMD: ' (request type not supported)',
  UARTPROXY_XFRERR: ' (memory fault or damaged transfer)',
  UARTPROXY_CSUMERR: ' (the target saw a bad request checksum)',
};

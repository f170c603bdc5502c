// Layer: core/transport. Imports only core/errors.
//
// The transport layer's error family. Codes are stable (front-ends and scripts match on them);
// each code says by default whether the session survives it. Errors raised before a session
// exists (a bad --target, a port that will not open) are not fatal: the user fixes and retries.

import { HvdbgError, type HvdbgErrorOptions } from '../errors.ts';

export const TRANSPORT_ERRORS = {
  /** The --target / --listen string is not one of the accepted forms. */
  TRANSPORT_BAD_TARGET: { fatal: false },
  /** A serial device or pty slave could not be opened (missing, permissions, busy, not a tty). */
  TRANSPORT_OPEN_FAILED: { fatal: false },
  /** A TCP connection was refused or the host is unreachable. */
  TRANSPORT_CONNECT_FAILED: { fatal: false },
  /** A TCP connection did not complete within its timeout. */
  TRANSPORT_CONNECT_TIMEOUT: { fatal: false },
  /** A TCP listener could not bind (address in use, bad address). */
  TRANSPORT_LISTEN_FAILED: { fatal: false },
  /** The pty helper (native addon) is missing or the platform has no ptys. */
  TRANSPORT_PTY_UNAVAILABLE: { fatal: false },
  /** write() on a transport that was closed. */
  TRANSPORT_CLOSED: { fatal: true },
  /** The serial device vanished and did not come back in time. */
  TRANSPORT_DEVICE_GONE: { fatal: true },
  /** The stream failed while open (connection reset, read error). */
  TRANSPORT_IO_ERROR: { fatal: true },
} as const satisfies Record<string, { fatal: boolean }>;

export type TransportErrorCode = keyof typeof TRANSPORT_ERRORS;

export class TransportError extends HvdbgError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options: HvdbgErrorOptions = {}) {
    super(code, message, { fatal: TRANSPORT_ERRORS[code].fatal, ...options });
  }
}

/** The error a write on a closed transport throws. */
export function closedError(description: string): TransportError {
  return new TransportError('TRANSPORT_CLOSED', `${description} is closed; cannot write`, {
    hint: 'the link ended earlier (see the error that closed it); reconnect to continue',
  });
}

/** The `code` of a Node system error (ENOENT, ECONNREFUSED…), if it has one. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Layer: shared by every layer. Imports nothing from hvdbg.
//
// Every error hvdbg raises carries a stable machine-readable `code` (front-ends map it to an
// RSP `E xx`, a DAP error id or a JSON-RPC error code), a `hint` saying what the user can do
// next, and whether the session survives it (`fatal`).

export interface HvdbgErrorOptions {
  hint?: string;
  fatal?: boolean;
  cause?: unknown;
}

export class HvdbgError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly fatal: boolean;

  constructor(code: string, message: string, options: HvdbgErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.fatal = options.fatal ?? false;
  }

  /** The message followed by the hint, as a user reads it on a terminal. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

// Layer: core/cli. Option parsing shared by the subcommands: node:util's parseArgs, with its
// errors and bad option values turned into usage errors (exit 2, the command's help) before
// anything touches a target.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HvdbgError } from '../errors.ts';

export class UsageError extends HvdbgError {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super('CLI_USAGE', message);
  }
}

export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: O, help: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError(`hvdbg ${command}: ${(err as Error).message}`, help);
  }
}

/** A whole number ≥ `min`, or undefined when the option was not given. */
export function intOption(command: string, name: string, text: string | undefined, help: string, min = 1): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`hvdbg ${command}: --${name} must be a whole number ≥ ${min}, not '${text}'`, help);
  return Number(text);
}

/** A byte count with an optional K or M suffix, a positive multiple of `multipleOf`. */
export function sizeOption(command: string, name: string, text: string | undefined, help: string, multipleOf = 1): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)([KkMm]?)$/.exec(text);
  const unit = m?.[2] ? (m[2].toUpperCase() === 'M' ? 1 << 20 : 1 << 10) : 1;
  const bytes = m ? Number(m[1]) * unit : NaN;
  if (!(bytes > 0) || bytes % multipleOf !== 0) {
    throw new UsageError(`hvdbg ${command}: --${name} must be a positive size in bytes (suffix K or M allowed), a multiple of ${multipleOf}, not '${text}'`, help);
  }
  return bytes;
}

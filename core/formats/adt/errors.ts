// Layer: core/formats. The errors of the Apple Device Tree reader. Imports core/errors only.
//
// A malformed ADT (spec m1n1-protocol §8.4) gets one of these naming the byte offset in the
// blob and the path of the node being read, so a user can find the same bytes in a hex dump.
// Lookups on a good tree (missing node, missing property, wrong value size) use the same class.

import { HvdbgError, type HvdbgErrorOptions } from '../../errors.ts';

export const AdtErrorCode = {
  /** The blob ends inside a node header, a property header, a value or its padding. */
  TRUNCATED: 'ADT_TRUNCATED',
  /** A property or child count that cannot fit in the bytes that remain. */
  BAD_COUNT: 'ADT_BAD_COUNT',
  /** A property name field without a NUL in its 32 bytes, or a `name` value without its NUL. */
  BAD_NAME: 'ADT_BAD_NAME',
  /** A node without a `name` property (§8.4: every node has one). */
  NO_NAME: 'ADT_NO_NAME',
  /** Nodes nested deeper than any real tree (guards the parser's stack). */
  TOO_DEEP: 'ADT_TOO_DEEP',
  /** Non-zero bytes after the root node. */
  TRAILING_DATA: 'ADT_TRAILING_DATA',
  /** A path that names no node. */
  NO_SUCH_NODE: 'ADT_NO_SUCH_NODE',
  /** A property the node does not have. */
  NO_SUCH_PROPERTY: 'ADT_NO_SUCH_PROPERTY',
  /** A value whose size does not fit the type asked for (u32, u64, reg records, …). */
  BAD_VALUE: 'ADT_BAD_VALUE',
  /** A reg index past the end, or an address no `ranges` record covers when one must. */
  NO_TRANSLATION: 'ADT_NO_TRANSLATION',
  /** A tree the serializer cannot encode (name longer than 31 bytes, value over 2^31−1 bytes). */
  UNENCODABLE: 'ADT_UNENCODABLE',
} as const;
export type AdtErrorCodeName = (typeof AdtErrorCode)[keyof typeof AdtErrorCode];

const MALFORMED_HINT = 'the device tree blob is damaged or was read with the wrong size (boot_args devtree_size, §8.1)';

/** Every error the ADT code raises. None is fatal to a session. */
export class AdtError extends HvdbgError {
  constructor(
    code: AdtErrorCodeName,
    message: string,
    /** Byte offset in the blob of the offending field, for malformed-blob errors. */
    readonly byteOffset?: number,
    /** Path of the node concerned (`/arm-io/aic`; `/arm-io/[child 3]` while its name is unknown). */
    readonly nodePath?: string,
    options: HvdbgErrorOptions = {},
  ) {
    super(code, message, { ...options, hint: options.hint ?? MALFORMED_HINT, fatal: false });
  }
}

/** One message shape for every malformed-blob error. */
export function malformedAdt(code: AdtErrorCodeName, what: string, byteOffset: number, nodePath: string, why: string): AdtError {
  return new AdtError(code, `malformed ADT: ${what} at byte offset 0x${byteOffset.toString(16)} in node ${nodePath}: ${why}`, byteOffset, nodePath);
}

/** A lookup or typed read on a well-formed tree went wrong. */
export function adtLookupError(code: AdtErrorCodeName, nodePath: string, why: string, hint: string): AdtError {
  return new AdtError(code, `ADT ${nodePath}: ${why}`, undefined, nodePath, { hint });
}

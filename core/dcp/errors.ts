// Layer: core/dcp (pure codecs for the DCP RPC of apple-devices.md §7). Imports core/errors only.
//
// One error class for every DCP codec: packets (§7.4), argument blocks (§7.6), the two
// dictionary formats (§7.9, §7.10) and the EP 0x37 messages (§7.2). None is fatal: a corrupt
// packet or blob costs the caller that one item, never the session.

import { HvdbgError } from '../errors.ts';

export type DcpCodecErrorCode =
  | 'DCP_MSG_UNKNOWN_TYPE'
  | 'DCP_MSG_BAD_FIELD'
  | 'DCP_PACKET_TRUNCATED'
  | 'DCP_PACKET_BAD_TAG'
  | 'DCP_PACKET_BAD_LENGTH'
  | 'DCP_MARSHAL_SIZE_MISMATCH'
  | 'DCP_MARSHAL_BAD_VALUE'
  | 'DCP_MARSHAL_UNKNOWN_ARG'
  | 'DCP_METHOD_TABLE'
  | 'DCP_DICT1_TRUNCATED'
  | 'DCP_DICT1_UNKNOWN_TAG'
  | 'DCP_DICT1_BAD_KEY'
  | 'DCP_DICT1_BAD_VALUE'
  | 'DCP_DICT1_TOO_LARGE'
  | 'DCP_OSS_BAD_SIGNATURE'
  | 'DCP_OSS_TRUNCATED'
  | 'DCP_OSS_UNKNOWN_TYPE'
  | 'DCP_OSS_BAD_LAST'
  | 'DCP_OSS_BAD_KEY'
  | 'DCP_OSS_BAD_VALUE'
  | 'DCP_OSS_TRAILING'
  | 'DCP_OSS_TOO_DEEP';

const HINTS: Record<DcpCodecErrorCode, string> = {
  DCP_MSG_UNKNOWN_TYPE: 'EP 0x37 knows only TYPE 0 SET_SHMEM, 1 INITIALIZED and 2 MSG (§7.2)',
  DCP_MSG_BAD_FIELD: 'a field does not fit its bits in the EP 0x37 message (§7.2)',
  DCP_PACKET_TRUNCATED: 'the packet is shorter than its header says: 12 + in_len + out_len (§7.4)',
  DCP_PACKET_BAD_TAG: 'a tag is 4 printable ASCII characters stored reversed (§7.4)',
  DCP_PACKET_BAD_LENGTH: 'LEN must equal 12 + in_len + out_len and fit the channel (§7.3, §7.4)',
  DCP_MARSHAL_SIZE_MISMATCH: 'the block size differs from the method table; the firmware version may differ (§7.7)',
  DCP_MARSHAL_BAD_VALUE: 'the value does not fit the argument type of the method table (§7.6)',
  DCP_MARSHAL_UNKNOWN_ARG: 'name only the arguments of the method table entry (§7.7)',
  DCP_METHOD_TABLE: 'the method table text does not parse (§7.7)',
  DCP_DICT1_TRUNCATED: 'the format-1 dictionary ends inside an object (§7.9)',
  DCP_DICT1_UNKNOWN_TAG: "format 1 knows only the tags 'd', 'n' and 's' (§7.9)",
  DCP_DICT1_BAD_KEY: 'format-1 dictionary keys must be strings here (§7.9)',
  DCP_DICT1_BAD_VALUE: 'format 1 encodes dicts, non-negative u64 numbers and strings only (§7.9)',
  DCP_DICT1_TOO_LARGE: 'the encoded dictionary does not fit its fixed field (§7.9)',
  DCP_OSS_BAD_SIGNATURE: 'a format-2 blob starts with the u32 0x000000d3 (§7.10)',
  DCP_OSS_TRUNCATED: 'the format-2 blob ends inside an object (§7.10)',
  DCP_OSS_UNKNOWN_TYPE: 'format 2 here knows types 1, 2, 4, 9, 10 and 11 (§7.10)',
  DCP_OSS_BAD_LAST: 'the LAST bit (bit 31) marks exactly the final element of each collection (§7.10)',
  DCP_OSS_BAD_KEY: 'format-2 dictionary keys are strings, type 9 (§7.10)',
  DCP_OSS_BAD_VALUE: 'format 2 encodes dicts, arrays, numbers, strings, data and booleans (§7.10)',
  DCP_OSS_TRAILING: 'only zero padding may follow the top-level object (§7.10)',
  DCP_OSS_TOO_DEEP: 'the blob nests collections deeper than the decoder allows',
};

export class DcpCodecError extends HvdbgError {
  declare readonly code: DcpCodecErrorCode;

  constructor(code: DcpCodecErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { hint: HINTS[code], fatal: false, cause: options.cause });
  }
}

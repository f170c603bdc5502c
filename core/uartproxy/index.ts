// Layer: core/uartproxy. Public API of the framing layer (host side of m1n1's uartproxy).
// core/proxy and above import from here; sim/firmware may import constants.ts and checksum.ts.

export * from './constants.ts';
export { checksum, checksumUpdate, checksumFinish, CHECKSUM_INIT } from './checksum.ts';
export { UartProxyError, statusError, type UartProxyErrorCode, type UartProxyErrorOptions } from './errors.ts';
export {
  encodeRequest,
  encodeRequestInto,
  encodeNop,
  encodeProxy,
  encodeMemRead,
  encodeMemWrite,
  RequestWriter,
  REQUEST_BODY_WORDS,
  MAX_PROXY_ARGS,
} from './frame-encoder.ts';
export {
  FrameDecoder,
  readU32,
  readU64,
  DEFAULT_MAX_EVENT_PAYLOAD,
  type ReplyFrame,
  type EventFrameError,
  type PayloadEnd,
  type PayloadClaim,
  type FrameDecoderHandlers,
  type FrameDecoderOptions,
} from './frame-decoder.ts';
export { UartProxyClient } from './client.ts';
export type { LinkState } from './session-tracker.ts';
export type {
  UartProxyClientOptions,
  ProxyOptions,
  ProxyReply,
  BootMessage,
  CallbackHandler,
  MemReadOptions,
  MemWriteOptions,
  RecoverOptions,
} from './client-types.ts';

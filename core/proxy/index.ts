// Layer: core/proxy. Public surface of the typed m1n1 proxy client (spec §6, §7).

export { M1n1Proxy } from './proxy.ts';
export { ProxyCore, MAX_PROXY_ARGS, type M1n1ProxyOptions, type RequestArg, type RequestOptions } from './proxy-core.ts';
export type { SetBaudOptions } from './ops/system.ts';
export type { ProxyTransport, ProxyCallOptions, MemTransferOptions } from './transport.ts';
export {
  OPCODES,
  OPCODE_INFOS,
  opcodeName,
  opcodeInfo,
  formatOpcode,
  opcodeMethodName,
  type OpcodeName,
  type OpcodeMap,
  type OpcodeInfo,
  type OpcodeFamily,
  type ReplyKind,
  type ReturnKind,
} from './opcodes.ts';
export {
  HostHeap,
  HOST_HEAP_ALIGN,
  HOST_HEAP_OFFSET_BYTES,
  HOST_HEAP_DEFAULT_SIZE_BYTES,
} from './host-heap.ts';
export {
  WidthAccess,
  type AccessWidth,
  type ScalarWidth,
  type WideWidth,
  type WidthAccessOptions,
  type WidthAccessTarget,
} from './width-access.ts';
export {
  ProxyError,
  ProxyErrorCode,
  AlignmentError,
  ProxyExceptionError,
  ProxyNoHeapError,
  HostHeapError,
  ProxyArgumentError,
  type ProxyErrorCodeName,
} from './errors.ts';
export { REGION_RWX_EL0, REGION_RW_EL0, REGION_RX_EL1, REGION_MASK, withRegion, stripRegion, type Region } from './regions.ts';
export {
  Guard,
  GUARD_MARKER,
  MAX_CPUS,
  CPU_FEATURES_SIZE,
  SIMD_STATE_SIZE,
  SET_BAUD_REPEAT,
  SET_BAUD_PATTERN,
  DartType,
  PixelFormat,
  DcpShutdownMode,
  AIC_EVENT_TYPE_HW,
  type DartTypeValue,
  type PixelFormatValue,
  type DcpShutdownModeValue,
} from './constants.ts';
export { toU64, type ArgValue, type Regs3, type Regs4, type Regs5, type Size } from './marshal.ts';

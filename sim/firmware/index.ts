// Layer: sim/firmware — public API of the virtual m1n1 firmware model (the uartproxy target side).
export {
  FirmwareProxy,
  DEFAULT_MACHINE,
  EXIT_CHANNEL_FAILED,
  EXIT_TARGET_RESET,
  EXIT_TARGET_SLEEP,
} from './proxy-loop.ts';
export type { FirmwareProxyOptions } from './proxy-loop.ts';
export {
  ExceptionGuard,
  GUARD_OFF,
  GUARD_SKIP,
  GUARD_MARK,
  GUARD_RETURN,
  GUARD_SILENT,
  GUARD_TYPE_MASK,
  GUARD_MARKER,
  guardMarker,
} from './exception-guard.ts';
export type { GuardHooks, Recovery, Returnable } from './exception-guard.ts';
export { OpTable } from './op-table.ts';
export type {
  FirmwareEl2State,
  FirmwareServices,
  MachineInfo,
  OpContext,
  OpDef,
  OpFamily,
  OpHandler,
  OpResult,
  ResolvedOp,
} from './op-table.ts';
export {
  cacheOps,
  createDefaultOpTable,
  defaultOpFamilies,
  exitCodeOf,
  iodevOps,
  memoryOps,
  M1N1_SCTLR_EL2,
  registerOps,
  systemOps,
} from './ops/index.ts';
export { SimFirmwareError, TargetStoppedError } from './errors.ts';
export type { FaultInfo, ResetCause, ResetReason, SimFirmwareErrorCode, TargetStop } from './errors.ts';
export type { PipeKind } from './link.ts';

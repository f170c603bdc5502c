// Layer: core/hv. Public surface of the m1n1 hypervisor host (spec §7, §9–§11, §13).
// core/session and front-ends import from here.

export { Hypervisor, type HypervisorOptions, type ConsoleSource, type IrqTraceEvent, type LoadGuestOptions, type LoadedGuest, type HvState } from './hypervisor.ts';
export { ExceptionLoop, defaultStopHandler, type StopHandler, type TrapRecord, type TrapKindStats, type GuestExit } from './exception-loop.ts';
export { TrapSession } from './trap-session.ts';
export type { StopEvent, StopReason, TrapResult, ResumeAction } from './trap-types.ts';
export { ExcContext } from './exc-context.ts';
export { SysregExec, encodeSysregAccess, type ExecMode, type SysregOp, type SysregExecStats } from './sysreg-exec.ts';
export { Stage2Maps, hwMap, swMap, hookMap, unmapRange, planRange, type MapRequest, type ZoneEntry } from './maps.ts';
export { MmioDispatch, type MmioMode, type MmioHandler, type MmioEvent, type MmioAccessContext } from './mmio-dispatch.ts';
export { HypercallRegistry, Hypercall, type HypercallHandler, type HypercallResult, type BrkHook } from './handlers/hypercall.ts';
export { DebugState, type BreakpointHook } from './handlers/debug-traps.ts';
export { planWatchRange, watchControl, watchedBytes, WATCH_MASK_MAX, WATCH_MASK_MIN, type WatchPiece } from './handlers/watch-ranges.ts';
export { decodeMsrIss, type SysregAccess } from './handlers/sysreg-trap.ts';
export { planGuestLayout, type GuestLayout, type LayoutInput } from './guest-layout.ts';
export type { LoadProgress, LoadStats } from './guest-loader.ts';
export { readTargetInfo, initHypervisor, editGuestAdt, type TargetInfo } from './hv-init.ts';
export { CountingTransport, settleAll, type RoundTripStats } from './round-trips.ts';
export { CpuState, type HvHost, type StartedCpu } from './host.ts';
export { HvError, HvErrorCode, type HvErrorCodeName } from './errors.ts';
export * from './constants.ts';

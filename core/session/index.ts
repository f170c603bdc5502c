// Layer: core/session. Public surface of the debug model (issue 6 item 3). Front-ends (gdbstub,
// dap, share, the CLI) import from here.

export { DebugSession, type DebugSessionOptions, type RunState, type CpuRunState, type CpuStatus } from './session.ts';
export { EventLog, type EventLogOptions, type SessionEvent, type SessionEventKind, type SessionStopReason, type StopInfo, type WatchAccess, type Sequenced, type ReadResult } from './event-log.ts';
export { SessionError, SessionErrorCode, type SessionErrorCodeName } from './errors.ts';
export { REGISTERS, registerDef, type RegisterDef } from './registers.ts';
export { SessionSymbols, type SymbolSource, type SourceLocation, type AddressInfo } from './symbols.ts';
export { backtrace, type Frame, type BacktraceInput } from './backtrace.ts';
export { SW_BREAK_IMM, SW_BREAK_WORD, byteSelect, watchPieces, watchpointFor, type WatchpointSpec } from './breakpoints.ts';
export type { BreakpointInfo, BreakpointKind, WatchpointInfo } from './session-breakpoints.ts';
export { describeCpus, type CpuDescriptor } from './cpus.ts';
export { MAX_TRANSFER } from './memory.ts';

// Layer: gdbstub, its public face. Front-end wiring (`hvdbg run --gdb HOST:PORT`) imports from
// here: start a GdbServer over a GdbTarget (the core/session adapter), print gdbCommand().

export { GdbServer, type GdbServerOptions } from './server.ts';
export { GdbConnection, type GdbConnectionOptions } from './rsp/connection.ts';
export { GdbStubError, type GdbStubErrorCode } from './errors.ts';
export { targetDescriptionFiles } from './target-description.ts';
export { AARCH64_REGISTERS, EXPEDITED_REGISTERS, type RegisterDef, type RegisterName, type SysregName } from './registers.ts';
export * from './target.ts';

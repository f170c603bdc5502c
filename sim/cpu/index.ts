// Layer: sim/cpu — public API of the A64 CPU model.
export { Core } from './core.ts';
export type { CoreOptions, Stage2Hook, Stage2Result, Stage2Access } from './core.ts';
export { Scheduler } from './scheduler.ts';
export { PhysicalBus } from './bus.ts';
export { CodeCache } from './code-cache.ts';
export { ExecutorRegistry, newRecord } from './executor-registry.ts';
export type { Executor, ExecutorDef, Predecoded } from './executor-registry.ts';
export { EXCEPTION_TAKEN } from './exceptions.ts';
export type { Syndrome } from './exceptions.ts';
export { CpuState, REG_ZR, REG_SP, REG_SP_EL0, REG_SP_EL1, REG_SP_EL2, REG_SINK, vaFromBigint, vaToBigint } from './state.ts';
export { sysregKey, SYSREG_DEFS } from './sysreg-table.ts';
export { sysregDef } from './sysregs.ts';
export * from './constants.ts';

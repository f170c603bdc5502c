// Layer: sim/cpu/user — a static AArch64 Linux program on one core at EL0, the kernel left to the caller.
export { UserMachine, USER_RAM_SIZE, USER_EC } from './user-machine.ts';
export type { UserRegisters, StepOutcome, UserMachineOptions } from './user-machine.ts';
export { syscallEffects, SYSCALL, SYSCALL_NAMES } from './syscalls.ts';
export type { MemoryEffect, SyscallEffects } from './syscalls.ts';

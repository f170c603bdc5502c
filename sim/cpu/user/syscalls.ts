// Layer: sim/cpu/user. What the AArch64 Linux syscalls a static C program makes do to user
// memory, as data: which buffers the kernel writes (the caller supplies their bytes, e.g.
// from qemu-user in the lockstep tests), which ranges become fresh zeroed memory. Imports
// nothing.
//
// Numbers and argument orders: the asm-generic table (include/uapi/asm-generic/unistd.h),
// which arm64 uses. Sizes are the arm64 kernel's: struct stat 128 bytes, struct utsname
// 6 × 65, struct rlimit64 16, struct timespec/timeval 16, kernel sigaction 32, termios 36.

export const SYSCALL = {
  ioctl: 29,
  openat: 56,
  close: 57,
  read: 63,
  write: 64,
  writev: 66,
  readlinkat: 78,
  newfstatat: 79,
  fstat: 80,
  exit: 93,
  exit_group: 94,
  set_tid_address: 96,
  futex: 98,
  set_robust_list: 99,
  clock_gettime: 113,
  sched_getaffinity: 123,
  rt_sigaction: 134,
  rt_sigprocmask: 135,
  uname: 160,
  getrlimit: 163,
  gettimeofday: 169,
  getpid: 172,
  gettid: 178,
  sysinfo: 179,
  brk: 214,
  munmap: 215,
  mremap: 216,
  mmap: 222,
  mprotect: 226,
  madvise: 233,
  prlimit64: 261,
  getrandom: 278,
  rseq: 293,
} as const;

export const SYSCALL_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(SYSCALL).map(([k, v]) => [v, k]));

/** A range of user memory the syscall changed. */
export interface MemoryEffect {
  /** 'copy': the kernel wrote these bytes; 'zero': the range is fresh anonymous memory. */
  readonly kind: 'copy' | 'zero';
  readonly address: bigint;
  readonly length: number;
}

export interface SyscallEffects {
  readonly name: string;
  /** Whether this table knows the syscall (an unknown one is assumed to write no memory). */
  readonly known: boolean;
  readonly memory: readonly MemoryEffect[];
  /** exit / exit_group: the program ends. */
  readonly exits: boolean;
}

const MAP_ANONYMOUS = 0x20n;
const MADV_DONTNEED = 4n;
const TCGETS = 0x5401n;
const isError = (ret: bigint) => BigInt.asIntN(64, ret) < 0n && BigInt.asIntN(64, ret) > -4096n;

/**
 * The memory effects of syscall `nr` with arguments `args` (x0–x5 before the call) that
 * returned `ret` (x0 after). `brk` is the program break before the call (brk zeroes what it
 * adds); pass undefined when unknown.
 */
export function syscallEffects(nr: number, args: readonly bigint[], ret: bigint, brk?: bigint): SyscallEffects {
  const name = SYSCALL_NAMES.get(nr) ?? `syscall_${nr}`;
  const out: MemoryEffect[] = [];
  const a = (i: number) => args[i] ?? 0n;
  const copy = (address: bigint, length: bigint | number) => {
    if (address !== 0n && Number(length) > 0) out.push({ kind: 'copy', address, length: Number(length) });
  };
  const zero = (address: bigint, length: bigint | number) => {
    if (Number(length) > 0) out.push({ kind: 'zero', address, length: Number(length) });
  };
  const ok = !isError(ret);
  const result = (effects: MemoryEffect[] = out, exits = false): SyscallEffects => ({ name, known: SYSCALL_NAMES.has(nr), memory: effects, exits });
  if (!ok) return result([]);
  switch (nr) {
    case SYSCALL.read:
      copy(a(1), ret);
      break;
    case SYSCALL.readlinkat:
      copy(a(2), ret);
      break;
    case SYSCALL.getrandom:
      copy(a(0), ret);
      break;
    case SYSCALL.newfstatat:
      copy(a(2), 128);
      break;
    case SYSCALL.fstat:
      copy(a(1), 128);
      break;
    case SYSCALL.uname:
      copy(a(0), 6 * 65);
      break;
    case SYSCALL.prlimit64:
      copy(a(3), 16);
      break;
    case SYSCALL.getrlimit:
      copy(a(1), 16);
      break;
    case SYSCALL.clock_gettime:
      copy(a(1), 16);
      break;
    case SYSCALL.gettimeofday:
      copy(a(0), 16);
      copy(a(1), 8);
      break;
    case SYSCALL.sysinfo:
      copy(a(0), 112);
      break;
    case SYSCALL.sched_getaffinity:
      copy(a(2), ret);
      break;
    case SYSCALL.rt_sigaction:
      copy(a(2), 32);
      break;
    case SYSCALL.rt_sigprocmask:
      copy(a(2), a(3));
      break;
    case SYSCALL.ioctl:
      if (a(1) === TCGETS) copy(a(2), 36);
      break;
    case SYSCALL.rseq:
      copy(a(0), a(1));
      break;
    case SYSCALL.brk:
      if (brk !== undefined && ret > brk) zero(brk, ret - brk);
      break;
    case SYSCALL.mmap:
      if (a(3) & MAP_ANONYMOUS) zero(ret, a(1));
      else copy(ret, a(1));
      break;
    case SYSCALL.mremap:
      copy(ret, a(2));
      break;
    case SYSCALL.madvise:
      if (a(2) === MADV_DONTNEED) zero(a(0), a(1));
      break;
    case SYSCALL.exit:
    case SYSCALL.exit_group:
      return result([], true);
    default:
      break;
  }
  return result();
}

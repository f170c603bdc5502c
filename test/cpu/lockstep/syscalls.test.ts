// sim/cpu/user/syscalls.ts: which user memory each syscall changes, from the arm64 Linux ABI
// (asm-generic syscall numbers; struct sizes of the arm64 kernel).
import test from 'ava';
import { syscallEffects, SYSCALL } from '../../../sim/cpu/user/index.ts';

const ENOSYS = BigInt.asUintN(64, -38n);
const args = (...a: bigint[]) => [...a, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6);

test('buffers the kernel fills are copied for the length it reports or the size of the structure', (t) => {
  t.deepEqual(syscallEffects(78, args(0xffffff9cn, 0x1000n, 0x5500n, 4096n), 12n).memory, [{ kind: 'copy', address: 0x5500n, length: 12 }]);
  t.deepEqual(syscallEffects(278, args(0x4970c8n, 8n, 1n), 8n).memory, [{ kind: 'copy', address: 0x4970c8n, length: 8 }]);
  t.deepEqual(syscallEffects(160, args(0x2000n), 0n).memory, [{ kind: 'copy', address: 0x2000n, length: 390 }]);
  t.deepEqual(syscallEffects(261, args(0n, 3n, 0n, 0x3000n), 0n).memory, [{ kind: 'copy', address: 0x3000n, length: 16 }]);
  t.deepEqual(syscallEffects(80, args(1n, 0x4000n), 0n).memory, [{ kind: 'copy', address: 0x4000n, length: 128 }]);
  t.deepEqual(syscallEffects(63, args(0n, 0x6000n, 100n), 0n).memory, [], 'read of 0 bytes wrote nothing');
});

test('a NULL output pointer and a failed syscall change no memory', (t) => {
  t.deepEqual(syscallEffects(261, args(0n, 3n, 0n, 0n), 0n).memory, []);
  t.deepEqual(syscallEffects(293, args(0x5000n, 32n, 0n, 0xd428bc00n), ENOSYS).memory, []);
  t.deepEqual(syscallEffects(78, args(0n, 0n, 0x5500n, 64n), BigInt.asUintN(64, -2n)).memory, []);
});

test('brk growth, anonymous mmap and MADV_DONTNEED are fresh zeros; file mmap and mremap are copied', (t) => {
  t.deepEqual(syscallEffects(214, args(0x4b9af0n), 0x4b9af0n, 0x498af0n).memory, [{ kind: 'zero', address: 0x498af0n, length: 0x21000 }]);
  t.deepEqual(syscallEffects(214, args(0n), 0x498000n, undefined).memory, []);
  t.deepEqual(syscallEffects(214, args(0x490000n), 0x490000n, 0x498000n).memory, [], 'shrinking adds nothing');
  t.deepEqual(syscallEffects(222, args(0n, 0x20000n, 3n, 0x22n, BigInt.asUintN(64, -1n), 0n), 0x5500802000n).memory, [{ kind: 'zero', address: 0x5500802000n, length: 0x20000 }]);
  t.deepEqual(syscallEffects(222, args(0n, 0x3000n, 1n, 0x2n, 3n, 0n), 0x5500900000n).memory, [{ kind: 'copy', address: 0x5500900000n, length: 0x3000 }]);
  t.deepEqual(syscallEffects(216, args(0x5500802000n, 0x1000n, 0x4000n, 1n), 0x5500a00000n).memory, [{ kind: 'copy', address: 0x5500a00000n, length: 0x4000 }]);
  t.deepEqual(syscallEffects(233, args(0x5500802000n, 0x2000n, 4n), 0n).memory, [{ kind: 'zero', address: 0x5500802000n, length: 0x2000 }]);
});

test('names, exits and unknown numbers', (t) => {
  t.is(SYSCALL.exit_group, 94);
  const exit = syscallEffects(94, args(11n), 0n);
  t.true(exit.exits);
  t.is(exit.name, 'exit_group');
  const unknown = syscallEffects(436, args(), 0n);
  t.false(unknown.known);
  t.is(unknown.name, 'syscall_436');
  t.deepEqual(unknown.memory, []);
  t.true(syscallEffects(96, args(0x1000n), 0x1000n).known);
});

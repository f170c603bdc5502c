// sim/cpu/user's UserMachine without qemu: EL0 with the MMU off at a 40-bit address, an SVC
// stopping the step at the "kernel", resume() returning after it, fresh memory staying unallocated.
import test from 'ava';
import { UserMachine, USER_EC } from '../../../sim/cpu/user/index.ts';
import { createExecutorRegistry } from '../../../sim/cpu/executors/index.ts';

const le = (...words: number[]) => new Uint8Array(Uint32Array.from(words).buffer);
const MOVZ_X0_5 = 0xd28000a0; // movz x0, #5
const SVC_0 = 0xd4000001;
const MOVZ_X1_7 = 0xd28000e1; // movz x1, #7
const STR_X1_SP = 0xf90003e1; // str x1, [sp]
const CODE = 0x55_0000_0000n; // where qemu-user puts stacks and mmaps: above 2^38

function machine(): UserMachine {
  const m = new UserMachine({ executors: createExecutorRegistry() });
  m.write(CODE, le(MOVZ_X0_5, SVC_0, MOVZ_X1_7, STR_X1_SP));
  m.setRegisters({ ...m.registers(), pc: CODE, sp: CODE + 0x10000n });
  return m;
}

test('instructions run at EL0 from a 40-bit address; an SVC stops at the kernel with ESR/ELR as the architecture sets them', (t) => {
  const m = machine();
  t.deepEqual(m.step(), { kind: 'retired' });
  t.is(m.core.el, 0);
  t.is(m.registers().x[0], 5n);
  const svc = m.step();
  t.is(svc.kind, 'exception');
  if (svc.kind !== 'exception') return;
  t.is(svc.ec, USER_EC.SVC64);
  t.is(svc.esr, 0x56000000); // EC 0x15, IL, imm16 0
  t.is(svc.elr, CODE + 8n);
  t.is(m.core.el, 1);
  m.core.setX(0, 0x1234n); // the "kernel" answers
  m.resume();
  t.is(m.core.el, 0);
  t.is(m.registers().pc, CODE + 8n);
  t.deepEqual(m.step(), { kind: 'retired' });
  t.deepEqual(m.step(), { kind: 'retired' });
  t.deepEqual([...m.read(CODE + 0x10000n, 8)], [7, 0, 0, 0, 0, 0, 0, 0]);
  t.is(m.registers().x[0], 0x1234n);
  t.is(m.retired, 4);
});

test('zero() clears written memory and allocates nothing for memory never written', (t) => {
  const m = machine();
  const pages = m.ram.allocatedPages;
  m.zero(0x7000_0000n, 128 << 20);
  t.is(m.ram.allocatedPages, pages);
  m.zero(CODE + 4n, 4);
  t.deepEqual([...m.read(CODE, 12)], [...le(MOVZ_X0_5, 0, MOVZ_X1_7)]);
});

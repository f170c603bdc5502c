// The ldst executors where faults and other cores matter: alignment faults of exclusives,
// atomics and ordered accesses; the exclusive monitor (local and across two cores); with the
// MMU on, what a fault on the second half of a pair, a page-crossing store or an atomic leaves
// behind; prefetches of unmapped addresses; LDTR/STTR at EL1 under PAN and UAO. Expected values
// from the Arm ARM (ESR/FAR per Appendix B), never from the code under test.
import test from 'ava';
import { Core } from '../../sim/cpu/index.ts';
import { clearExclusive } from '../../sim/cpu/exclusive-monitor.ts';
import { CODE, DATA_PA, VA, W, X, enter, esr, exec, far, flat, machine, paged, put64, setX } from './exec-ldst-helpers.ts';

test('exclusives, atomics and ordered loads fault when unaligned (DFSC 0x21, WnR for the store); ordinary loads do not', (t) => {
  const m = flat();
  const va = DATA_PA + 0x101;
  for (const word of [W.LDXR_X, W.LDXR_W, W.LDADD_X, W.LDADDH, W.LDAR_W, W.CAS_X]) {
    enter(m.core, 1, CODE);
    setX(m, 0, 0x5a5an);
    setX(m, 1, va);
    t.is(exec(m, word), 'fault', word.toString(16));
    t.is(esr(m), 0x96000021n); // EC 0x25 (data abort, same EL), IL, DFSC alignment
    t.is(far(m), BigInt(va));
    t.is(X(m, 0), 0x5a5an);
  }
  enter(m.core, 1, CODE);
  setX(m, 1, va);
  t.is(exec(m, W.STXR_X), 'fault');
  t.is(esr(m), 0x96000061n);
  // CASP of X registers is a 16-byte access: 8-byte alignment is not enough.
  enter(m.core, 1, CODE);
  setX(m, 1, DATA_PA + 8);
  t.is(exec(m, W.CASP_X), 'fault');
  t.is(esr(m), 0x96000021n);
  enter(m.core, 1, CODE);
  setX(m, 1, va);
  t.is(exec(m, W.LDR_X), 'ok');
});

test('LDXR/STXR: status 0 and the store only while the mark holds; a second STXR fails; CLREX clears', (t) => {
  const m = flat();
  const va = DATA_PA + 0x40;
  put64(m.ram, va, 0x1111n);
  setX(m, 1, va);
  setX(m, 3, 0x2222n);
  m.core.lastLoadExclusive = false;
  exec(m, W.LDXR_X);
  t.is(X(m, 0), 0x1111n);
  t.true(m.core.lastLoadExclusive);
  exec(m, W.STXR_X);
  t.is(X(m, 2), 0n);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x2222n);
  setX(m, 3, 0x3333n);
  exec(m, W.STLXR_X);
  t.is(X(m, 2), 1n);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x2222n);
  exec(m, W.LDXR_X);
  clearExclusive(m.core);
  exec(m, W.STXR_X);
  t.is(X(m, 2), 1n);
  // A mark of another size does not let the store pass.
  exec(m, W.LDXR_W);
  exec(m, W.STXR_X);
  t.is(X(m, 2), 1n);
  // Pairs: LDXP marks 16 bytes, STXP stores both.
  setX(m, 6, 0xaaaan);
  setX(m, 7, 0xbbbbn);
  exec(m, W.LDXP_X);
  t.is(X(m, 4), 0x2222n);
  exec(m, W.STXP_X);
  t.is(X(m, 2), 0n);
  exec(m, W.LDXP_X);
  t.deepEqual([X(m, 4), X(m, 5)], [0xaaaan, 0xbbbbn]);
  clearExclusive(m.core);
});

test('the global monitor: another core storing into the 64-byte granule breaks the reservation, elsewhere or by the same core it does not', (t) => {
  const m = flat();
  const other = new Core({ cpu: 1, bus: m.core.bus, executors: m.core.executors, codeCache: m.codeCache });
  enter(other, 1, CODE);
  const va = DATA_PA + 0x80;
  m.core.setX(1, BigInt(va));
  m.core.setX(3, 7n);
  exec(m, W.LDXR_X);
  other.setX(1, BigInt(va + 0x38)); // same granule [0x80, 0xc0)
  other.setX(3, 1n);
  exec(other, W.STR_X);
  exec(m, W.STXR_X);
  t.is(X(m, 2), 1n);

  exec(m, W.LDXR_X);
  other.setX(1, BigInt(va + 0x40)); // next granule
  exec(other, W.STR_X);
  exec(m, W.STR_X); // the core's own store keeps its mark (as QEMU)
  exec(m, W.STXR_X);
  t.is(X(m, 2), 0n);

  // An atomic of the other core counts as a store too.
  exec(m, W.LDXR_X);
  other.setX(1, BigInt(va));
  exec(other, W.LDADD_X);
  exec(m, W.STXR_X);
  t.is(X(m, 2), 1n);
  clearExclusive(m.core);
});

test('with the MMU on: a load pair whose second half faults leaves Rt and the base as they were', (t) => {
  const m = machine();
  paged(m);
  setX(m, 0, 0x77n);
  setX(m, 1, VA + 0xff0); // ldp x0, x5, [x1, #8]!: reads 0xff8 (mapped) and 0x1000 (not)
  t.is(exec(m, W.LDP_X_PRE), 'fault');
  t.is(esr(m), 0x96000007n); // translation fault, level 3
  t.is(far(m), BigInt(VA + 0x1000));
  t.is(X(m, 0), 0x77n);
  t.is(X(m, 1), BigInt(VA + 0xff0));
});

test('with the MMU on: a store crossing into a read-only page faults and writes neither page; an atomic on it writes nothing', (t) => {
  const m = machine();
  paged(m);
  put64(m.ram, DATA_PA + 0x2ff8, 0x1111111111111111n);
  setX(m, 1, VA + 0x2ffc);
  setX(m, 3, -1n);
  t.is(exec(m, W.STR_X), 'fault');
  t.is(esr(m), 0x9600004fn); // permission fault level 3, WnR
  enter(m.core, 1, CODE);
  setX(m, 1, VA + 0x2ff8);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 0x1111111111111111n);
  // ldadd on the read-only page: readable, not writable → fault, memory and x0 unchanged.
  put64(m.ram, DATA_PA + 0x3000, 40n);
  setX(m, 0, 0x99n);
  setX(m, 1, VA + 0x3000);
  setX(m, 3, 2n);
  t.is(exec(m, W.LDADD_X), 'fault');
  t.is(esr(m), 0x9600004fn);
  t.is(X(m, 0), 0x99n);
  enter(m.core, 1, CODE);
  exec(m, W.LDR_X);
  t.is(X(m, 0), 40n);
});

test('prefetches never fault, even of an unmapped address', (t) => {
  const m = machine();
  paged(m);
  setX(m, 1, VA + 0x1000);
  setX(m, 3, 8n);
  t.is(exec(m, W.PRFM), 'ok');
  t.is(exec(m, W.PRFM_REG), 'ok');
  t.is(m.core.pc, CODE + 8);
});

test('LDTR/STTR at EL1 are checked as EL0: an EL1-only page faults (EC 0x25), an EL0 page is allowed even under PAN', (t) => {
  const m = machine();
  paged(m);
  setX(m, 1, VA);
  t.is(exec(m, W.LDR_X), 'ok');
  t.is(exec(m, W.LDTR_X), 'fault');
  t.is(esr(m), 0x9600000fn); // data abort from EL1, permission fault level 3
  enter(m.core, 1, CODE);
  t.is(exec(m, W.STTR_X), 'fault');
  t.is(esr(m), 0x9600004fn);

  // EL0 page with PSTATE.PAN = 1: LDR faults (PAN), LDTR reads, PAN stays set and LDR still faults.
  enter(m.core, 1, CODE);
  put64(m.ram, DATA_PA + 0x4000, 0x4444n);
  m.core.pan = 1;
  setX(m, 1, VA + 0x4000);
  t.is(exec(m, W.LDR_X), 'fault');
  enter(m.core, 1, CODE);
  m.core.pan = 1;
  t.is(exec(m, W.LDTR_X), 'ok');
  t.is(X(m, 0), 0x4444n);
  setX(m, 3, 0x5555n);
  t.is(exec(m, W.STTR_X), 'ok');
  t.is(m.core.pan, 1);
  t.is(exec(m, W.LDR_X), 'fault');

  // PSTATE.UAO = 1: LDTR is an ordinary EL1 access.
  enter(m.core, 1, CODE);
  m.core.pan = 0;
  m.core.uao = 1;
  setX(m, 1, VA);
  t.is(exec(m, W.LDTR_X), 'ok');
  m.core.uao = 0;
  // At EL0 they are ordinary EL0 accesses.
  enter(m.core, 0, CODE);
  setX(m, 1, VA + 0x4000);
  t.is(exec(m, W.LDTR_X), 'ok');
  t.is(X(m, 0), 0x5555n);
});

test('LDTR faulting under PAN keeps PSTATE.PAN set in the saved SPSR', (t) => {
  const m = machine();
  paged(m);
  m.core.pan = 1;
  setX(m, 1, VA + 0x1000); // unmapped
  t.is(exec(m, W.LDTR_X), 'fault');
  t.is(esr(m), 0x96000007n);
  t.true((m.core.sysregs.get('SPSR_EL1') & (1n << 22n)) !== 0n);
  t.is(m.core.pan, 1);
});

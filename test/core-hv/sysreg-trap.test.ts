// Trapped MSR/MRS (spec §9.12 EC 0x18 / 0x3F): ISS decoding (App. B), shadowed debug registers,
// dropped writes, EL12 redirection, CYC_OVRD power-down, ELR advanced by 4 — against a fake host
// that records the sysreg accesses it is asked to make.
import test from 'ava';
import { decodeMsrIss, EXC_INFO_SIZE, ExcContext, Stage2Maps, TrapSession, type HvHost, type SysregOp } from '../../core/hv/index.ts';
import { handleSysregTrap } from '../../core/hv/handlers/sysreg-trap.ts';

/** ISS of an MSR/MRS trap from its fields (App. B). */
function iss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

function session(esrIss: number, regs: Record<number, bigint> = {}, ec = 0x18, afsr1 = 0n) {
  const bytes = new Uint8Array(EXC_INFO_SIZE);
  const v = new DataView(bytes.buffer);
  for (const [n, val] of Object.entries(regs)) v.setBigUint64(8 * Number(n), val, true);
  v.setBigUint64(0x108, 0x8_1000_1000n, true);
  v.setBigUint64(0x110, BigInt((ec << 26) | (1 << 25) | esrIss), true);
  v.setBigUint64(0x120, afsr1, true);
  v.setBigUint64(0x140, 2n, true);
  const ctx = new ExcContext(0x1000n, bytes);
  const ops: SysregOp[] = [];
  const exits: number[] = [];
  const host = {
    proxy: { hvExitCpu: () => (exits.push(-1), Promise.resolve()), hvTranslate: (va: bigint) => Promise.resolve(va + 0x100n) },
    link: { waitForBoot: () => Promise.reject(new Error('no')) },
    sysregs: {
      read: (reg: Extract<SysregOp, { kind: 'read' }>['reg']) => (ops.push({ kind: 'read', reg }), Promise.resolve(0xabcn)),
      issue: (op: SysregOp) => (ops.push(op), Promise.resolve(0n)),
    },
    maps: {} as Stage2Maps,
    features: { appleSysregsUnlocked: false },
    adt: {},
    cpus: new Map(),
    log: () => undefined,
  } as unknown as HvHost;
  const s = new TrapSession(host, { reason: 2, code: 0, info: 0x1000n, depth: 1 }, ctx, () => Promise.reject(new Error('nested')));
  return { s, ctx, ops, exits, host };
}

test('decodeMsrIss: the App. B layout', (t) => {
  t.deepEqual(decodeMsrIss(iss(2, 0, 0, 2, 2, 3, true)), { enc: { op0: 2, op2: 2, op1: 0, crn: 0, crm: 2 }, rt: 3, read: true });
  t.deepEqual(decodeMsrIss(iss(3, 5, 15, 5, 0, 31, false)), { enc: { op0: 3, op2: 0, op1: 5, crn: 15, crm: 5 }, rt: 31, read: false });
});

test('MDSCR_EL1 and the debug registers are shadowed per CPU: the guest reads back what it wrote, nothing reaches the target', async (t) => {
  const w = session(iss(2, 0, 0, 2, 2, 4, false), { 4: 0x8001n });
  t.is((await handleSysregTrap(w.s, false)).kind, 'handled');
  t.is(w.ctx.elr, 0x8_1000_1004n, 'ELR advanced past the msr');
  t.deepEqual(w.ops, []);
  // Same CPU (shared host state), a read of it into x7.
  const r = session(iss(2, 0, 0, 2, 2, 7, true));
  (r.host as { cpus: unknown }).cpus = w.host.cpus;
  await handleSysregTrap(r.s, false);
  t.is(r.ctx.reg(7), 0x8001n);
  const bvr = session(iss(2, 0, 0, 3, 4, 1, true)); // DBGBVR3_EL1, never written
  await handleSysregTrap(bvr.s, false);
  t.is(bvr.ctx.reg(1), 0n);
});

test('EL1 registers are executed through their EL12 view; reads land in Rt', async (t) => {
  const r = session(iss(3, 0, 1, 0, 0, 9, true)); // mrs x9, SCTLR_EL1
  await handleSysregTrap(r.s, false);
  t.deepEqual(r.ops, [{ kind: 'read', reg: { op0: 3, op1: 5, crn: 1, crm: 0, op2: 0 } }], 'SCTLR_EL12 (3,5,1,0,0)');
  t.is(r.ctx.reg(9), 0xabcn);
  const w = session(iss(3, 0, 2, 0, 2, 2, false), { 2: 0x1234n }); // msr TCR_EL1, x2
  await handleSysregTrap(w.s, false);
  t.deepEqual(w.ops, [{ kind: 'write', reg: { op0: 3, op1: 5, crn: 2, crm: 0, op2: 2 }, value: 0x1234n, mode: 'el2' }]);
});

test('ACC_CFG writes are dropped; CYC_OVRD bit 0 powers the CPU down (P_HV_EXIT_CPU) without touching the register', async (t) => {
  const acc = session(iss(3, 5, 15, 4, 0, 1, false), { 1: 5n });
  await handleSysregTrap(acc.s, false);
  t.deepEqual(acc.ops, []);
  const cyc = session(iss(3, 5, 15, 5, 0, 1, false), { 1: 1n });
  await handleSysregTrap(cyc.s, false);
  t.deepEqual(cyc.ops, []);
  t.deepEqual(cyc.exits, [-1]);
  t.is(cyc.ctx.elr, 0x8_1000_1004n);
});

test('Apple IMPDEF traps take the ISS from AFSR1_EL2; other IMPDEF syndromes stop', async (t) => {
  const ok = session(0x20, { 3: 9n }, 0x3f, BigInt(iss(2, 0, 0, 2, 2, 3, false)));
  t.is((await handleSysregTrap(ok.s, true)).kind, 'handled');
  t.deepEqual(ok.ops, [], 'MDSCR via AFSR1: shadowed');
  const other = session(0x21, {}, 0x3f);
  t.is((await handleSysregTrap(other.s, true)).kind, 'stop');
  t.is(other.ctx.elr, 0x8_1000_1000n, 'not advanced');
});

// P_CALL and friends on the virtual M1's CPU model, driven over a real pty exactly as m1n1's
// hosts drive a Mac (spec §6.2, §7.3, §6.7, §7.4). Instruction words come from the spec's
// formula and examples (§7.3) or llvm-mc; expected values from the spec and the architecture.
import test from 'ava';
import { ptyRig, SCRATCH, UNMAPPED, RAM_ALIAS_BITS } from '../link/helpers.ts';

const RET = 0xd65f03c0;
/** §7.3: mrs x0 / msr <reg>, x0 for (op0, op1, CRn, CRm, op2). */
const mrs = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (0xd5200000 | (op0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5)) >>> 0;
const msr = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (0xd5000000 | (op0 << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5)) >>> 0;
const TPIDR_EL2 = [3, 4, 13, 0, 2] as const;
const MIDR_EL1 = [3, 0, 0, 0, 0] as const;
const MPIDR_EL1 = [3, 0, 0, 0, 5] as const;
const CURRENT_EL = [3, 0, 4, 2, 2] as const;
// llvm-mc -triple=aarch64: ldr x0, [x1] / add x0, x0, x1 / mov x0, #0x1234 / ldr x2, [x1]; mov x0, x2
const LDR_X0_X1 = 0xf9400020;
const ADD_X0_X0_X1 = 0x8b010000;
const LDR_X2_X1 = 0xf9400022;
const MOV_X0_X2 = 0xaa0203e0;
const GUARD_SKIP = 1;
const GUARD_MARK = 2;
const GUARD_RETURN = 3;
const GUARD_SILENT = 0x100;
const MARKER = 0xacce5515abad1dean;

function words(...ws: number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  const v = new DataView(b.buffer);
  ws.forEach((w, i) => v.setUint32(i * 4, w >>> 0, true));
  return b;
}

const CODE = SCRATCH + 0x10000n;

test('mrs/msr stubs uploaded and called through REGION_RX_EL1 read and write EL2 system registers (§7.3)', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  const exec = async (stub: Uint8Array, arg = 0n): Promise<bigint> => {
    await client.memWrite(CODE, stub);
    await proxy.dcCvau(CODE, stub.length);
    await proxy.icIvau(CODE, stub.length);
    return proxy.call(CODE | RAM_ALIAS_BITS, arg);
  };
  await exec(words(msr(...TPIDR_EL2), RET), 0x1122334455667788n);
  // The same buffer now holds a different stub: the model must not run the old decode.
  t.is(await exec(words(mrs(...TPIDR_EL2), RET)), 0x1122334455667788n);
  await exec(words(msr(...TPIDR_EL2), RET), 0xfedcba9876543210n);
  t.is(await exec(words(mrs(...TPIDR_EL2), RET)), 0xfedcba9876543210n);
  const midr = await exec(words(mrs(...MIDR_EL1), RET));
  t.is((midr >> 24n) & 0xffn, 0x61n, 'implementer Apple');
  t.is((midr >> 4n) & 0xfffn, 0x022n, 'CPU 0 is an Icestorm core (part 0x22)');
  t.is(await exec(words(mrs(...CURRENT_EL), RET)), 2n << 2n, 'P_CALL runs at EL2');
  t.is(await proxy.getExcCount(), 0);
});

test('P_EL1_CALL and P_EL0_CALL run at their level and pass x0..x3', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  await client.memWrite(CODE, words(mrs(...CURRENT_EL), RET));
  t.is(await proxy.el1Call(CODE), 1n << 2n);
  await client.memWrite(CODE + 0x100n, words(ADD_X0_X0_X1, RET));
  t.is(await proxy.el0Call((CODE + 0x100n) | 0x800_0000_0000n, 40n, 2n), 42n);
  t.is(await proxy.el1Call(CODE + 0x100n, 5n, 6n), 11n);
  t.is(await proxy.gl2Call((CODE + 0x100n) | RAM_ALIAS_BITS, 7n, 8n), 15n);
});

test('a fault inside a call recovers per the session guard and counts (§5)', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  await client.memWrite(CODE, words(LDR_X0_X1, RET));
  await client.memWrite(CODE + 0x40n, words(LDR_X2_X1, MOV_X0_X2, RET));

  await proxy.setExcGuard(GUARD_SKIP | GUARD_SILENT);
  t.is(await proxy.call(CODE, 0x77n, UNMAPPED), 0x77n, 'SKIP: the load is skipped, x0 keeps its argument');
  t.is(await proxy.getExcCount(), 1);

  await proxy.setExcGuard(GUARD_MARK | GUARD_SILENT);
  t.is(await proxy.call(CODE + 0x40n, 0n, UNMAPPED), MARKER, 'MARK: Rt of the faulting load gets the marker');
  t.is(await proxy.getExcCount(), 1);

  await proxy.setExcGuard(GUARD_RETURN | GUARD_SILENT);
  t.is(await proxy.call(CODE + 0x40n, 0n, UNMAPPED), MARKER, 'RETURN: the function returns the marker');
  t.is(await proxy.getExcCount(), 1);

  await proxy.setExcGuard(GUARD_SKIP | GUARD_SILENT);
  t.is(await proxy.el1Call(CODE, 0x55n, UNMAPPED), 0x55n, 'an EL1 fault recovers the same way');
  t.is(await proxy.getExcCount(), 1);
  // An unknown system register is UNDEFINED: skipped, counted. (m1n1 leaves the guard off
  // after a MEMWRITE — docs/protocol-notes.md — so the guard is set again after the upload.)
  await client.memWrite(CODE + 0x80n, words(mrs(3, 7, 15, 15, 7), RET));
  await proxy.setExcGuard(GUARD_SKIP | GUARD_SILENT);
  t.is(await proxy.call(CODE + 0x80n, 0x99n), 0x99n);
  t.is(await proxy.getExcCount(), 1);
  await proxy.setExcGuard(0);
});

test('P_SMP_*: secondaries start, run calls with their own MPIDR, and report their results (§6.7)', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  await client.memWrite(CODE, words(mrs(...MPIDR_EL1), RET));
  t.false(await proxy.smpIsAlive(4), 'secondaries are off after boot');
  t.is(await proxy.smpCallSync(4, CODE), 0n, 'a call to a CPU not in the spin loop is ignored');
  await proxy.smpStartSecondaries();
  t.true(await proxy.smpIsAlive(4));
  // apple-devices §8.1: CPU 4 is cluster 1 core 0, MPIDR affinity 0x10100 with bit 31 set.
  t.is(await proxy.smpCallSync(4, CODE), 0x80010100n);
  await proxy.smpCall(3, CODE);
  t.is(await proxy.smpWait(3), 0x80000003n);
  t.is(await proxy.smpCallSync(0, CODE), 0n, 'the boot CPU is not an SMP target');
  await proxy.smpStopSecondaries();
  t.false(await proxy.smpIsAlive(4));
});

test('P_GET/PUT_SIMD_STATE move q0..q31 of the proxy CPU (§7.4)', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  const pattern = new Uint8Array(512).map((_, i) => (i * 7 + 3) & 0xff);
  await client.memWrite(SCRATCH, pattern);
  await proxy.putSimdState(SCRATCH);
  await proxy.getSimdState(SCRATCH + 0x1000n);
  t.deepEqual(await client.memRead(SCRATCH + 0x1000n, 512), pattern);
  // fmov x0, d5 (llvm-mc: 0x9e6600a0) reads the low half of q5 = bytes 80..87 of the state.
  await client.memWrite(CODE, words(0x9e6600a0, RET));
  const expected = new DataView(pattern.buffer).getBigUint64(80, true);
  t.is(await proxy.call(CODE), expected);
});

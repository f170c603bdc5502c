// Leaving m1n1 (spec §6.2 P_VECTOR, §6.9 P_KBOOT_BOOT) and P_EL3_CALL on a machine without EL3.
// The next stage is observed where a bench user would see it: on UART0 (a serial cable), since
// m1n1 no longer answers on USB. Instruction words from llvm-mc.
import test from 'ava';
import { ptyRig, SCRATCH } from '../link/helpers.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';

// x1 = UART0 UTXH (0x235200020); UTXH ← '0' + x0; b .
const PRINT_X0_DIGIT = [0xd2800401, 0xf2a6a401, 0xf2c00041, 0x1100c002, 0xb9000022, 0x14000000];
const GUARD_SKIP_SILENT = 0x101;

function words(ws: readonly number[]): Uint8Array {
  const b = new Uint8Array(ws.length * 4);
  ws.forEach((w, i) => new DataView(b.buffer).setUint32(i * 4, w >>> 0, true));
  return b;
}

test('P_VECTOR replies, then CPU 0 runs the next stage at EL2 with x0..x4 from the request', async (t) => {
  let uart = '';
  const rig = await ptyRig(t, new VirtualM1({ cpus: 1, onUart0: (b) => (uart += String.fromCharCode(b)) }));
  const { client, proxy } = await rig.connect();
  await client.memWrite(SCRATCH, words(PRINT_X0_DIGIT));
  await proxy.vector(SCRATCH, 7n);
  for (let i = 0; i < 100 && uart === ''; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(uart, '7');
});

test('P_EL3_CALL: the M1 has no EL3, so the SMC is undefined and the session guard decides (§5)', async (t) => {
  const rig = await ptyRig(t);
  const { proxy } = await rig.connect();
  await proxy.setExcGuard(GUARD_SKIP_SILENT);
  // el3_call(func, …) is `smc #42; ret` with x0 = func: skipped, it returns func.
  t.is(await proxy.el3Call(SCRATCH, 1n, 2n), SCRATCH);
  t.is(await proxy.getExcCount(), 1);
});

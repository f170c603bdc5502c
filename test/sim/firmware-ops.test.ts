// The op families that need no CPU (spec §6.2–§6.5, §6.10) and the exception guard as the host
// sees it through them (§5).
import test from 'ava';
import { OPCODES } from '../../core/proxy/opcodes.ts';
import { FAULT } from '../../sim/memory/index.ts';
import type { OpFamily } from '../../sim/firmware/index.ts';
import { EXIT_TARGET_RESET, EXIT_TARGET_SLEEP } from '../../sim/firmware/index.ts';
import { decodeReply, proxy, request, REQ_MEMREAD, toHex } from './helpers/bytes.ts';
import { MMIO_BASE, RAM_BASE, startTarget } from './helpers/harness.ts';

type Host = ReturnType<typeof startTarget>['host'];
const O = OPCODES;
const UNMAPPED = 0x1000n;

/** Sends one PROXY request and returns its decoded reply and the console text before it. */
async function call(host: Host, opcode: number, ...args: bigint[]) {
  host.send(proxy(opcode, ...args));
  const { frame, text } = await host.frame();
  const r = decodeReply(frame);
  return { ...r, text };
}
const retval = async (host: Host, opcode: number, ...args: bigint[]) => (await call(host, opcode, ...args)).retval;

/** A test op without a temporary guard: it runs under the session guard (like P_CALL would). */
const sessionGuardLoad: OpFamily = {
  family: 'test',
  ops: [{ name: 'P_CALL', handler: (a, ctx) => ctx.guard.load(ctx.memory, a[0]!, 4, 'test load') }],
};

test('P_READ32 of an unmapped address returns 0xABAD1DEA, S_OK, and exc_count 1 (§5)', async (t) => {
  const { host } = startTarget();
  const r = await call(host, O.P_READ32, UNMAPPED);
  t.is(r.status, 0);
  t.is(r.proxyStatus, 0n, 'faults never show in the proxy status (§15.43)');
  t.is(r.retval, 0xabad1dean);
  t.regex(r.text, /Exception/, 'the MARK guard is not silent: m1n1 prints diagnostics');
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 0n, 'reading the counter zeroes it');
});

test('faulting reads of every width return the marker truncated to the width', async (t) => {
  const { host } = startTarget();
  t.is(await retval(host, O.P_READ64, UNMAPPED), 0xacce5515abad1dean);
  t.is(await retval(host, O.P_READ16, UNMAPPED), 0x1dean);
  t.is(await retval(host, O.P_READ8, UNMAPPED), 0xean);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 3n, 'READ* do not reset the counter');
});

test('faulting writes have no effect and return 0; read-modify-write ops count two faults', async (t) => {
  const { host } = startTarget();
  t.is(await retval(host, O.P_WRITE32, UNMAPPED, 5n), 0n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
  for (const op of [O.P_SET32, O.P_CLEAR32, O.P_WRITEREAD32]) {
    await call(host, op, UNMAPPED, 1n);
    t.is(await retval(host, O.P_GET_EXC_COUNT), 2n);
  }
  await call(host, O.P_MASK32, UNMAPPED, 1n, 2n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 2n);
});

test('register ops on RAM: values are truncated to the width and SET/CLEAR/MASK return the new value', async (t) => {
  const { host, ram } = startTarget();
  const a = RAM_BASE + 0x40n;
  t.is(await retval(host, O.P_WRITE64, a, 0x1122334455667788n), 0n);
  t.is(await retval(host, O.P_READ64, a), 0x1122334455667788n);
  t.is(await retval(host, O.P_READ32, a + 4n), 0x11223344n, 'little-endian');
  t.is(await retval(host, O.P_WRITE8, a, 0x1234n), 0n);
  t.is(await retval(host, O.P_READ16, a), 0x7734n);
  t.is(await retval(host, O.P_SET32, a, 0xf0000000n), 0xf5667734n);
  t.is(await retval(host, O.P_CLEAR32, a, 0x0000ff00n), 0xf5660034n);
  t.is(await retval(host, O.P_MASK16, a, 0xffffn, 0xbeefn), 0xbeefn);
  t.is(await retval(host, O.P_WRITEREAD16, a + 2n, 0x1_abcdn), 0xabcdn);
  t.is(ram.read(a, 8), 0x11223344abcdbeefn);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 0n);
});

test('register ops through the m1n1 RAM aliases reach the same RAM (§7.3)', async (t) => {
  const { host } = startTarget();
  await call(host, O.P_WRITE32, RAM_BASE | 0xa00_0000_0000n, 0xcafef00dn);
  t.is(await retval(host, O.P_READ32, RAM_BASE), 0xcafef00dn);
  t.is(await retval(host, O.P_READ32, RAM_BASE | 0x800_0000_0000n), 0xcafef00dn);
  t.is(await retval(host, O.P_READ32, RAM_BASE | 0xc00_0000_0000n), 0xcafef00dn);
});

test('MMIO sees single accesses of the op width; a width it does not take faults', async (t) => {
  const { host, regs } = startTarget();
  await call(host, O.P_WRITE32, MMIO_BASE + 8n, 0x1234n);
  t.is(regs[2], 0x1234);
  t.is(await retval(host, O.P_SET32, MMIO_BASE + 8n, 0x10000n), 0x11234n);
  t.is(await retval(host, O.P_READ8, MMIO_BASE + 8n), 0xean, '8-bit read of a 32-bit-only device');
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
});

test('P_MEMCPY/P_MEMSET: sizes round down to whole elements', async (t) => {
  const { host, ram } = startTarget();
  ram.writeBlock(RAM_BASE, Uint8Array.from({ length: 32 }, (_, i) => i + 1), 0, 32);
  t.is(await retval(host, O.P_MEMCPY64, RAM_BASE + 0x100n, RAM_BASE, 15n), 0n);
  const out = new Uint8Array(16);
  ram.readBlock(RAM_BASE + 0x100n, out, 0, 16);
  t.is(toHex(out), '01 02 03 04 05 06 07 08 00 00 00 00 00 00 00 00');
  await call(host, O.P_MEMSET16, RAM_BASE + 0x200n, 0x1_a55an, 7n);
  ram.readBlock(RAM_BASE + 0x200n, out, 0, 8);
  t.is(toHex(out.subarray(0, 8)), '5a a5 5a a5 5a a5 00 00');
});

test('P_MEMSET64 over a large RAM range fills every element', async (t) => {
  const { host, ram } = startTarget();
  const size = 0x30008;
  await call(host, O.P_MEMSET64, RAM_BASE, 0x0102030405060708n, BigInt(size));
  const out = new Uint8Array(size + 8);
  ram.readBlock(RAM_BASE, out, 0, size + 8);
  t.true(out.subarray(0, size).every((b, i) => b === 8 - (i % 8)));
  t.true(out.subarray(size).every((b) => b === 0));
});

test('P_MEMCPY onto an overlapping higher destination repeats the source as element copies do', async (t) => {
  const { host, ram } = startTarget();
  ram.writeBlock(RAM_BASE, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 0, 8);
  await call(host, O.P_MEMCPY32, RAM_BASE + 4n, RAM_BASE, 8n);
  const out = new Uint8Array(12);
  ram.readBlock(RAM_BASE, out, 0, 12);
  t.is(toHex(out), '01 02 03 04 01 02 03 04 01 02 03 04');
});

test('P_MEMCPY/P_MEMSET stop at the first fault with exc_count 1 (GUARD_RETURN) and still reply 0', async (t) => {
  const { host, ram } = startTarget();
  const end = RAM_BASE + (1n << 30n);
  const r = await call(host, O.P_MEMSET32, end - 8n, 0xddccbbaan, 32n);
  t.is(r.retval, 0n);
  t.is(r.proxyStatus, 0n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
  t.is(ram.read(end - 8n, 8), 0xddccbbaaddccbbaan, 'elements before the fault were written');
  await call(host, O.P_MEMCPY64, RAM_BASE, UNMAPPED, 64n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
  // The guard is back to the session guard afterwards: a plain READ still marks.
  t.is(await retval(host, O.P_READ32, UNMAPPED), 0xabad1dean);
});

test('P_MEMCPY32 into 32-bit MMIO works element by element; P_MEMCPY8 into it faults at once', async (t) => {
  const { host, ram, regs } = startTarget();
  ram.writeBlock(RAM_BASE, Uint8Array.from([1, 0, 0, 0, 2, 0, 0, 0]), 0, 8);
  await call(host, O.P_MEMCPY32, MMIO_BASE, RAM_BASE, 8n);
  t.deepEqual([regs[0], regs[1]], [1, 2]);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 0n);
  await call(host, O.P_MEMCPY8, MMIO_BASE + 16n, RAM_BASE, 8n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
});

test('a fault under the session guard GUARD_OFF resets the target: onReset, no reply (§5)', async (t) => {
  const { host, resets, topLevel } = startTarget({ families: [sessionGuardLoad] });
  host.send(proxy(O.P_CALL, UNMAPPED));
  t.is(await topLevel, EXIT_TARGET_RESET);
  t.is(resets.length, 1);
  t.is(resets[0]!.cause, 'UNHANDLED_EXCEPTION');
  t.is(resets[0]!.fault?.address, UNMAPPED);
  await host.settle();
  const text = await host.drainText();
  t.regex(text, /rebooting/);
  t.false(text.includes('\xff'), 'no reply frame was sent');
});

test('P_SET_EXC_GUARD sets the session guard from the next op and zeroes the counter; SILENT hides diagnostics', async (t) => {
  const { host, resets } = startTarget({ families: [sessionGuardLoad] });
  await call(host, O.P_READ32, UNMAPPED);
  await call(host, O.P_SET_EXC_GUARD, 1n);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 0n, 'zeroed by P_SET_EXC_GUARD');
  const skipped = await call(host, O.P_CALL, UNMAPPED);
  t.regex(skipped.text, /Exception/);
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
  await call(host, O.P_SET_EXC_GUARD, 0x102n); // MARK | SILENT
  const marked = await call(host, O.P_CALL, UNMAPPED);
  t.is(marked.retval, 0xabad1dean);
  t.is(marked.text, '', 'SILENT: no diagnostics');
  t.is(await retval(host, O.P_GET_EXC_COUNT), 1n);
  t.deepEqual(resets, []);
});

test('after a MEMREAD the guard is OFF again, whatever the session guard was (m1n1 uartproxy.c)', async (t) => {
  const { host, topLevel, resets } = startTarget({ families: [sessionGuardLoad] });
  await call(host, O.P_SET_EXC_GUARD, 1n);
  host.send(request(REQ_MEMREAD, [RAM_BASE, 4n]));
  await host.frame(4);
  host.send(proxy(O.P_CALL, UNMAPPED));
  t.is(await topLevel, EXIT_TARGET_RESET);
  t.is(resets[0]?.cause, 'UNHANDLED_EXCEPTION');
});

test('system ops: boot args and base from the machine description, chip id, whoami', async (t) => {
  const { host } = startTarget({ machine: { bootArgsAddr: 0x8_0123_4000n, baseAddr: 0x8_0380_0000n } });
  t.is(await retval(host, O.P_GET_BOOTARGS), 0x8_0123_4000n);
  t.is(await retval(host, O.P_GET_BASE), 0x8_0380_0000n);
  t.is(await retval(host, O.P_GET_CHIPID), 0x8103n);
  t.is(await retval(host, O.P_IODEV_WHOAMI), 4n, 'USB0');
  const uart = startTarget({ channel: 'uart' });
  await uart.host.take(36);
  t.is(await retval(uart.host, O.P_IODEV_WHOAMI), 0n);
});

test('P_UDELAY waits through the machine clock and returns 0', async (t) => {
  const waits: number[] = [];
  const { host } = startTarget({ delayUs: (us) => void waits.push(us) });
  t.is(await retval(host, O.P_UDELAY, 2500n), 0n);
  t.deepEqual(waits, [2500]);
});

test('cache ops reply 0; P_MMU_DISABLE returns a plausible SCTLR and P_MMU_RESTORE puts it back', async (t) => {
  const { host } = startTarget();
  for (const op of [O.P_IC_IALLUIS, O.P_IC_IVAU, O.P_DC_CVAU, O.P_DC_CIVAC, O.P_DC_ZVA, O.P_DC_CISW, O.P_MMU_INIT]) {
    const r = await call(host, op, RAM_BASE, 0x4000n);
    t.is(r.proxyStatus, 0n);
    t.is(r.retval, 0n);
  }
  const sctlr = await retval(host, O.P_MMU_DISABLE);
  t.is(sctlr & 0x1005n, 0x1005n, 'M, C and I were set');
  t.is(await retval(host, O.P_MMU_DISABLE), sctlr & ~0x1005n, 'now off');
  await call(host, O.P_MMU_RESTORE, sctlr);
  t.is(await retval(host, O.P_MMU_DISABLE), sctlr);
});

test('P_REBOOT sends no reply and resets the target', async (t) => {
  const { host, resets, topLevel } = startTarget();
  host.send(proxy(O.P_REBOOT));
  t.is(await topLevel, EXIT_TARGET_RESET);
  t.is(resets[0]?.cause, 'P_REBOOT');
  t.is(await host.settle(), 0, 'no reply');
});

test('P_SLEEP sends no reply; the CPU sleeps and serves nothing more', async (t) => {
  const { host, sleeps, topLevel, fw } = startTarget();
  host.send(proxy(O.P_SLEEP, 1n));
  t.is(await topLevel, EXIT_TARGET_SLEEP);
  t.deepEqual(sleeps, [true]);
  host.send(proxy(O.P_NOP));
  t.is(await host.settle(), 0);
  t.is(fw.stopState?.kind, 'sleep');
});

test('an op handler that throws is a firmware panic: reset with FIRMWARE_PANIC, the process lives on', async (t) => {
  const broken: OpFamily = {
    family: 'test',
    ops: [
      {
        name: 'P_CALL',
        handler: () => {
          throw new Error('model bug');
        },
      },
    ],
  };
  const { host, resets, topLevel } = startTarget({ families: [broken] });
  host.send(proxy(O.P_CALL));
  t.is(await topLevel, EXIT_TARGET_RESET);
  t.is(resets[0]?.cause, 'FIRMWARE_PANIC');
  await host.settle();
  t.regex(await host.drainText(), /firmware panic in P_CALL: model bug/);
});

test('after a reset the machine can boot the firmware again (resetState + runTopLevel)', async (t) => {
  const { host, fw, topLevel } = startTarget();
  host.send(proxy(O.P_REBOOT));
  t.is(await topLevel, EXIT_TARGET_RESET);
  fw.resetState();
  const again = fw.runTopLevel();
  t.is(fw.stopState, null);
  t.is(await retval(host, O.P_GET_CHIPID), 0x8103n);
  host.send(proxy(O.P_EXIT, 3n));
  await host.frame();
  t.is(await again, 3);
});

test('the width read of a memory model reports FAULT for unmapped addresses', (t) => {
  const { space } = startTarget({ noTopLevel: true });
  t.is(space.read(UNMAPPED, 4), FAULT);
});

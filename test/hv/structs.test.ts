// exc_info (§9.2) and hv_vm_proxy_hook_data (§10.6) at their documented offsets; the exit-code
// tables and decision (§9.3).
import test from 'ava';
import { SparseRam } from '../../sim/memory/index.ts';
import {
  EXC_INFO_LAYOUT,
  HOOK_DATA_LAYOUT,
  decodeHookData,
  encodeExcInfo,
  encodeHookData,
  newExcInfo,
  readExcInfo,
  readHookData,
  writeExcInfo,
  writeHookData,
} from '../../sim/hv/exc-info.ts';
import { EXIT_CODES, ExitCode, HV_EVENTS, HvEvent, ExcCode, codeName, sessionOutcome, UNHANDLED_MESSAGE } from '../../sim/hv/exit-codes.ts';
import { exitCodeOf } from '../../sim/firmware/index.ts';

function sample() {
  const info = newExcInfo();
  info.regs = Array.from({ length: 32 }, (_, i) => 0x1000n + BigInt(i));
  Object.assign(info, {
    spsr: 0x3c5n,
    elr: 0xffff_fe00_0000_1234n,
    esr: 0x9200_0046n,
    far: 0xffff_fe00_0000_8000n,
    afsr1: 0x20n,
    sp: [0x111n, 0x222n, 0x8_0100_0000n],
    cpuId: 3n,
    mpidr: 0x8000_0103n,
    elrPhys: 0x8_0000_1234n,
    farPhys: 0x2_3b10_0000n,
    spPhys: 0x8_0000_0222n,
    extra: 0x8_0100_0400n,
  });
  return info;
}

test('exc_info: 368 bytes (512 reserved); every field at its §9.2 offset, little-endian u64', (t) => {
  t.is(EXC_INFO_LAYOUT.size, 368);
  t.is(EXC_INFO_LAYOUT.reserved, 512);
  const bytes = encodeExcInfo(sample());
  t.is(bytes.length, 368);
  const v = new DataView(bytes.buffer);
  const at = (off: number) => v.getBigUint64(off, true);
  for (let i = 0; i < 32; i++) t.is(at(8 * i), 0x1000n + BigInt(i));
  t.deepEqual(
    [0x100, 0x108, 0x110, 0x118, 0x120, 0x128, 0x130, 0x138, 0x140, 0x148, 0x150, 0x158, 0x160, 0x168].map(at),
    [0x3c5n, 0xffff_fe00_0000_1234n, 0x9200_0046n, 0xffff_fe00_0000_8000n, 0x20n, 0x111n, 0x222n, 0x8_0100_0000n, 3n, 0x8000_0103n, 0x8_0000_1234n, 0x2_3b10_0000n, 0x8_0000_0222n, 0x8_0100_0400n],
  );
});

test('exc_info round trip through memory; a faulting address reads as undefined', (t) => {
  const ram = new SparseRam({ base: 0x8_0000_0000n, sizeBytes: 0x10_0000n });
  t.true(writeExcInfo(ram, 0x8_0000_1000n, sample()));
  t.deepEqual(readExcInfo(ram, 0x8_0000_1000n), sample());
  // The host's MEMWRITE of a changed ELR is what the firmware reads back.
  ram.write(0x8_0000_1000n + 0x108n, 8, 0x4242n);
  t.is(readExcInfo(ram, 0x8_0000_1000n)!.elr, 0x4242n);
  t.is(readExcInfo(ram, 0x1000n), undefined);
  t.false(writeExcInfo(ram, 0x1000n, sample()));
});

test('hv_vm_proxy_hook_data: 80 bytes — flags@0 u32, id@4 u32, addr@8, data[8]@0x10', (t) => {
  t.is(HOOK_DATA_LAYOUT.size, 80);
  const h = { flags: 0xff00_c023, id: 7, addr: 0x2_3b10_0008n, data: [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n] };
  const bytes = encodeHookData(h);
  t.is(bytes.length, 80);
  const v = new DataView(bytes.buffer);
  t.is(v.getUint32(0, true), 0xff00_c023);
  t.is(v.getUint32(4, true), 7);
  t.is(v.getBigUint64(8, true), 0x2_3b10_0008n);
  for (let i = 0; i < 8; i++) t.is(v.getBigUint64(0x10 + 8 * i, true), BigInt(i + 1));
  t.deepEqual(decodeHookData(bytes), h);
  const ram = new SparseRam({ base: 0x8_0000_0000n, sizeBytes: 0x10_0000n });
  t.true(writeHookData(ram, 0x8_0000_2000n, h));
  // The host answers a read with P_WRITE64(E + 0x10, value).
  ram.write(0x8_0000_2010n, 8, 0xdead_beefn);
  t.is(readHookData(ram, 0x8_0000_2000n)!.data[0], 0xdead_beefn);
});

test('§9.3 tables: reasons, HV events, exit codes', (t) => {
  t.deepEqual(HvEvent, { HOOK_VM: 1, VTIMER: 2, USER_INTERRUPT: 3, WDT_BARK: 4, CPU_SWITCH: 5, VIRTIO: 6, PANIC: 7 });
  t.deepEqual(ExcCode, { SYNC: 0, IRQ: 1, FIQ: 2, SERROR: 3 });
  t.deepEqual(ExitCode, { EXC_RET_UNHANDLED: 1, EXC_RET_HANDLED: 2, EXC_EXIT_GUEST: 3, STEP: 4 });
  t.is(codeName(HV_EVENTS, 5), 'CPU_SWITCH');
  t.is(codeName(EXIT_CODES, 9), 'unknown(9)');
});

test('after a session: HANDLED resumes, EXIT_GUEST exits, everything else reboots (STEP, 0 → 1, −1, unknown)', (t) => {
  t.deepEqual(sessionOutcome(2), { action: 'resume', accountStolenTime: true });
  t.deepEqual(sessionOutcome(3), { action: 'exit-guest' });
  const reboot = { action: 'reboot', message: UNHANDLED_MESSAGE, dumpRegisters: true };
  t.deepEqual(sessionOutcome(1), reboot);
  t.deepEqual(sessionOutcome(ExitCode.STEP), reboot);
  t.deepEqual(sessionOutcome(exitCodeOf(0n)), reboot);
  t.deepEqual(sessionOutcome(-1), reboot);
  t.deepEqual(sessionOutcome(0x1234), reboot);
  t.is(UNHANDLED_MESSAGE, 'Guest exception not handled, rebooting.');
  t.deepEqual(sessionOutcome(2, { bark: true }), { action: 'reboot', dumpRegisters: false }, 'a bark session reboots whatever the code');
});

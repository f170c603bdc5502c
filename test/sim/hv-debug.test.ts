// Single step, hardware breakpoints and watchpoints driven by the host exactly as spec §9.11
// describes, over a real pty: MDSCR_EL1 / DBGBCR / DBGBVR / DBGWCR / DBGWVR written by uploaded
// `msr` stubs (§7.3), SPSR.SS set in the context, P_HV_PIN_CPU around the step. Expected ECs,
// ELR and FAR from §9.11 and the architecture.
import test from 'ava';
import { CODE, DATA, EC, Exit, HvHost, Reg, type ExcInfo } from './helpers/hv-host.ts';

// 0: mov x0, #1; 4: brk #0x4242 (stop); 8: add x1, x1, #1; c: add x1, x1, #1; 10: add x1, x1, #1;
// 14: str w1, [x2]; 18: mov x0, #0; 1c: brk #0x4242 (power-off)
const GUEST = [0xd2800020, 0xd4284840, 0x91000421, 0x91000421, 0x91000421, 0xb9000041, 0xd2800000, 0xd4284840];
const SS = 1n << 21n;
const X1 = 100n;

interface Stop {
  ec: number;
  elr: bigint;
  far: bigint;
  x1: bigint;
  spsrSS: boolean;
}

test.serial('host-driven single step, breakpoint and watchpoint (§9.11)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  await host.msr(Reg.MDSCR_EL1, 0x8000n); // MDE
  await host.upload(CODE, GUEST);
  await host.proxy.write64(DATA, 0n);
  const stops: Stop[] = [];
  let stored: bigint | undefined;
  host.onSession(async (_msg, ctx: ExcInfo | null) => {
    const c = ctx!;
    stops.push({ ec: c.ec, elr: c.elr, far: c.far, x1: c.reg(1), spsrSS: (c.spsr & SS) !== 0n });
    switch (stops.length) {
      case 1: // the stop HV call: step one instruction (Python step())
        c.elr += 4n;
        await host.msr(Reg.MDSCR_EL1, 0x8001n);
        c.spsr |= SS;
        await host.proxy.hvPinCpu(c.cpuId);
        return Exit.HANDLED;
      case 2: // the step trap. Resume with MDSCR.SS = 1 but SPSR.SS = 0: a step trap before anything executes.
        await host.proxy.hvPinCpu(-1);
        return Exit.HANDLED;
      case 3: // breakpoint on CODE + 0x10, stepping off
        await host.msr(Reg.MDSCR_EL1, 0x8000n);
        await host.msr(Reg.DBGBVR0_EL1, CODE + 0x10n);
        await host.msr(Reg.DBGBCR0_EL1, 0x1e7n);
        return Exit.HANDLED;
      case 4: // breakpoint hit: remove it, watch 4-byte stores at DATA
        await host.msr(Reg.DBGBCR0_EL1, 0n);
        await host.msr(Reg.DBGBVR0_EL1, 0n);
        await host.msr(Reg.DBGWVR0_EL1, DATA);
        await host.msr(Reg.DBGWCR0_EL1, 0x1f7n);
        return Exit.HANDLED;
      case 5: // watchpoint hit, before the store: remove it and let the store happen
        stored = await host.proxy.read64(DATA);
        await host.msr(Reg.DBGWCR0_EL1, 0n);
        return Exit.HANDLED;
      default:
        return Exit.EXIT_GUEST;
    }
  });
  await host.proxy.hvStart(CODE, 0n, X1, DATA);
  t.deepEqual(host.handlerErrors, []);
  t.deepEqual(stops, [
    { ec: EC.BRK, elr: CODE + 4n, far: stops[0]!.far, x1: X1, spsrSS: false },
    { ec: EC.STEP, elr: CODE + 0xcn, far: stops[1]!.far, x1: X1 + 1n, spsrSS: false },
    { ec: EC.STEP, elr: CODE + 0xcn, far: stops[2]!.far, x1: X1 + 1n, spsrSS: false },
    { ec: EC.BREAKPOINT, elr: CODE + 0x10n, far: stops[3]!.far, x1: X1 + 2n, spsrSS: false },
    { ec: EC.WATCHPOINT, elr: CODE + 0x14n, far: DATA, x1: X1 + 3n, spsrSS: false },
    { ec: EC.BRK, elr: CODE + 0x1cn, far: stops[5]!.far, x1: X1 + 3n, spsrSS: false },
  ]);
  t.is(stored, 0n, 'the watchpoint fired before the store');
  t.is(await host.proxy.read32(DATA), X1 + 3n, 'the store completed after the host removed the watchpoint');
});

test.serial('a step from the breakpoint re-enables it as the Python host does: hit, step over, hit again on the next pass (§9.11)', async (t) => {
  // 0: mov x0, #1; 4: brk #0x4242; 8: 1: add x1, x1, #1; c: cmp x1, x2; 10: b.ne 1b; 14: mov x0, #0; 18: brk #0x4242
  const LOOP = [0xd2800020, 0xd4284840, 0x91000421, 0xeb02003f, 0x54ffffc1, 0xd2800000, 0xd4284840];
  const host = await HvHost.start(t, { cpus: 1 });
  await host.msr(Reg.MDSCR_EL1, 0x8000n);
  await host.upload(CODE, LOOP);
  const seen: Array<[number, bigint, bigint]> = [];
  host.onSession(async (_msg, ctx) => {
    const c = ctx!;
    seen.push([c.ec, c.elr, c.reg(1)]);
    if (c.ec === EC.BRK && c.reg(0) === 1n) {
      c.elr += 4n;
      await host.msr(Reg.DBGBVR0_EL1, CODE + 8n);
      await host.msr(Reg.DBGBCR0_EL1, 0x1e7n);
      return Exit.HANDLED;
    }
    if (c.ec === EC.BREAKPOINT) {
      // §9.11 "Hit": disable the breakpoint, step one instruction.
      await host.msr(Reg.DBGBCR0_EL1, 0n);
      await host.msr(Reg.MDSCR_EL1, 0x8001n);
      c.spsr |= SS;
      return Exit.HANDLED;
    }
    if (c.ec === EC.STEP) {
      // The step trap handler: MDSCR back to MDE only, breakpoint re-armed.
      await host.msr(Reg.MDSCR_EL1, 0x8000n);
      await host.msr(Reg.DBGBCR0_EL1, 0x1e7n);
      return Exit.HANDLED;
    }
    return Exit.EXIT_GUEST;
  });
  await host.proxy.hvStart(CODE, 0n, 0n, 3n);
  t.deepEqual(host.handlerErrors, []);
  const B = EC.BREAKPOINT;
  const S = EC.STEP;
  t.deepEqual(seen, [
    [EC.BRK, CODE + 4n, 0n],
    [B, CODE + 8n, 0n],
    [S, CODE + 0xcn, 1n],
    [B, CODE + 8n, 1n],
    [S, CODE + 0xcn, 2n],
    [B, CODE + 8n, 2n],
    [S, CODE + 0xcn, 3n],
    [EC.BRK, CODE + 0x18n, 3n],
  ]);
});

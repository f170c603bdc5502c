// The user interrupt of spec §9.8 over a real pty: any byte the host sends while the guest runs
// opens a START_HV / USER_INTERRUPT session at the next hypervisor tick; P_EXIT(2) resumes the
// guest with the (possibly edited) context, P_EXIT(3) exits it and completes P_HV_START (§9.3).
// The guest rings a "doorbell" first — a store to an unbuffered traced page (§10.5) — so the host
// knows, from the wire alone, that the guest is running before it sends its byte.
import test, { type ExecutionContext } from 'ava';
import { CODE, Exit, HvCode, HvHost, Reason, TRACE_UNBUF, TRACE_WRITE, until } from './helpers/hv-host.ts';

const DOORBELL = 0x8_2000_0000n;
// str x1, [x2] (doorbell); 1: add x1, x1, #1; b 1b
const COUNTER = [0xf9000041, 0x91000421, 0x17ffffff];

interface Seen {
  reason: number;
  code: number;
  elr: bigint;
  x1: bigint;
  extra: bigint;
}

async function prepare(t: ExecutionContext): Promise<{ host: HvHost; rings: () => number; doorbells: () => bigint[]; consoleText: () => string }> {
  const host = await HvHost.start(t, { cpus: 1 });
  await host.proxy.hvMap(DOORBELL, DOORBELL | TRACE_WRITE | TRACE_UNBUF, 0x4000n, 1n);
  await host.tlbi();
  await host.upload(CODE, COUNTER);
  const data: bigint[] = [];
  host.client.onEvent((type, p) => {
    if (type === 1) data.push(new DataView(p.buffer, p.byteOffset, p.byteLength).getBigUint64(24, true));
  });
  let text = '';
  host.client.onText((b) => (text += Buffer.from(b).toString('latin1')));
  return { host, rings: () => data.length, doorbells: () => data, consoleText: () => text };
}

test.serial('a byte sent while the guest spins opens USER_INTERRUPT; P_EXIT(2) resumes with the edited context, P_EXIT(3) exits (§9.8)', async (t) => {
  const { host, rings, doorbells, consoleText } = await prepare(t);
  const sessions: Seen[] = [];
  host.onSession((msg, ctx) => {
    sessions.push({ reason: msg.reason, code: msg.code, elr: ctx!.elr, x1: ctx!.reg(1), extra: ctx!.extra });
    if (sessions.length === 1) {
      // Back to the doorbell with a new x1: the guest rings again when (and only when) it resumes.
      ctx!.setReg(1, 1_000_000_000n);
      ctx!.elr = CODE;
      return Exit.HANDLED;
    }
    return Exit.EXIT_GUEST;
  });
  let done = false;
  const run = host.proxy.hvStart(CODE, 0n, 0n, DOORBELL).then(() => (done = true));
  await until(() => rings() === 1, 'the doorbell');
  host.client.sendInterrupt();
  await until(() => rings() === 2, 'the doorbell after P_EXIT(2)');
  t.false(done, 'P_EXIT(2) resumed the guest: P_HV_START has not completed');
  host.client.sendInterrupt();
  await run;
  t.is(sessions.length, 2);
  for (const s of sessions) {
    t.deepEqual([s.reason, s.code], [Reason.HV, HvCode.USER_INTERRUPT]);
    t.true(s.elr === CODE + 4n || s.elr === CODE + 8n, `ELR inside the loop: ${s.elr.toString(16)}`);
    t.is(s.extra, 0n, 'no reason-specific data (§9.3)');
  }
  t.deepEqual(doorbells(), [0n, 1_000_000_000n], 'the guest resumed at the ELR and with the x1 the host wrote back');
  t.true(sessions[0]!.x1 > 0n, 'the guest had run');
  t.true(sessions[1]!.x1 > 1_000_000_000n);
  t.regex(consoleText(), /HV: User interrupt/);
  // The `!` bytes were consumed as noise: the link is in step.
  t.is(await host.proxy.getExcCount(), 0);
});

test.serial('a user interrupt session ended with P_EXIT(3) at once completes P_HV_START; the proxy serves requests again (§9.3)', async (t) => {
  const { host, rings } = await prepare(t);
  const codes: number[] = [];
  host.onSession((msg) => {
    codes.push(msg.code);
    return Exit.EXIT_GUEST;
  });
  const run = host.proxy.hvStart(CODE, 0n, 0n, DOORBELL);
  await until(() => rings() === 1, 'the doorbell');
  host.client.sendInterrupt();
  await run;
  t.deepEqual(codes, [HvCode.USER_INTERRUPT]);
  t.is(await host.proxy.read64(DOORBELL), 0n, 'back at the proxy prompt; the doorbell store went through the MAP');
});

// §9.8: the tick polls whether the proxy iodev has a readable byte, so a byte that arrives just
// after the P_HV_START request, before the guest has started, is still pending at the first tick.
test.serial('a byte sent right behind P_HV_START, before the guest has started, still interrupts it (§9.8)', async (t) => {
  const { host, rings } = await prepare(t);
  const codes: number[] = [];
  let firstSession!: () => void;
  const sessionSeen = new Promise<boolean>((resolve) => (firstSession = () => resolve(true)));
  host.onSession((msg) => {
    codes.push(msg.code);
    firstSession();
    return Exit.EXIT_GUEST;
  });
  const run = host.proxy.hvStart(CODE, 0n, 0n, DOORBELL);
  host.client.sendInterrupt();
  // Hang guard only: without a session in 5 s, stop the guest with a second byte.
  const interrupted = await Promise.race([sessionSeen, new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  if (!interrupted) {
    await until(() => rings() === 1, 'the doorbell');
    host.client.sendInterrupt();
  }
  await run;
  t.true(interrupted, 'the first byte opened the session');
  t.deepEqual(codes, [HvCode.USER_INTERRUPT]);
});

// §9.8 again: m1n1's session loop reads one request at a time, so a byte that follows the
// P_EXIT(2) request stays in the iodev and the next tick turns it into a user interrupt.
test.serial('a byte right behind P_EXIT(2) is still pending when the guest resumes and interrupts it (§9.8)', async (t) => {
  const { host, rings } = await prepare(t);
  const codes: number[] = [];
  host.client.onCallback(async (msg) => {
    codes.push(msg.code);
    if (codes.length === 1) {
      const exit = host.proxy.exit(Exit.HANDLED);
      host.client.sendInterrupt();
      await exit;
      return;
    }
    await host.proxy.exit(Exit.EXIT_GUEST);
  });
  const run = host.proxy.hvStart(CODE, 0n, 0n, DOORBELL);
  await until(() => rings() === 1, 'the doorbell');
  host.client.sendInterrupt();
  await until(() => codes.length >= 1, 'the first session');
  const again = await until(() => codes.length >= 2, 'a second session', 5000).then(
    () => true,
    () => false,
  );
  if (!again) host.client.sendInterrupt(); // hang guard: stop the guest
  await run;
  t.true(again, 'the byte sent with P_EXIT(2) opened the second session');
});

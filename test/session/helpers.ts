// Helpers for the debug-model tests: the virtual M1 on a real pty (the proxy channel, as
// `hvdbg sim --pty`) plus a pty for the guest's vuart; a Hypervisor with the demo guest loaded and
// a DebugSession attached. The host side reaches the machine only through the two byte streams.
// Reply timeouts are generous: the machine these tests run on is shared.
import type { ExecutionContext } from 'ava';
import { Hypervisor } from '../../core/hv/index.ts';
import { DebugSession, type DebugSessionOptions, type SessionEvent, type Sequenced } from '../../core/session/index.ts';
import { createPty } from '../../core/transport/pty.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';

export const DEMO_GUEST = new URL('../../examples/guest/build/demo.elf', import.meta.url).pathname;

export interface SessionRig {
  readonly hv: Hypervisor;
  readonly session: DebugSession;
  /** Every event the session logged, in order. */
  readonly seen: Array<Sequenced<SessionEvent>>;
  /** The guest's console so far (vuart). */
  console(): string;
}

export async function demoSession(t: ExecutionContext, options: DebugSessionOptions = {}): Promise<SessionRig> {
  const machine = new VirtualM1();
  const pty = await createPty();
  const vuart = await createPty();
  machine.addUsbChannel(pty, vuart);
  t.teardown(() => pty.close());
  t.teardown(() => vuart.close());
  const hv = await Hypervisor.connect(pty.slavePath, { reconnect: false, vuart: vuart.slavePath, client: { timeoutMs: 120_000 } });
  t.teardown(() => hv.close());
  await hv.loadGuest(DEMO_GUEST);
  const session = DebugSession.attach(hv, { stopTimeoutMs: 180_000, ...options });
  t.teardown(() => session.close());
  const seen: Array<Sequenced<SessionEvent>> = [];
  session.events.onEvent((e) => seen.push(e));
  if (process.env.HVDBG_TEST_TRACE === '1') session.events.onEvent((e) => e.kind !== 'console' && process.stderr.write(`${e.seq} ${e.kind} ${JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}\n`));
  const console = () =>
    seen
      .filter((e): e is Sequenced<Extract<SessionEvent, { kind: 'console' }>> => e.kind === 'console' && e.source === 'vuart')
      .map((e) => e.text)
      .join('');
  return { hv, session, seen, console };
}

export const u64le = (bytes: Uint8Array, at = 0): bigint => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(at, true);
export const u32le = (bytes: Uint8Array, at = 0): number => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at, true);
export const le32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};

/** Waits (bounded) until `pred` holds for the console text. */
export async function consoleShows(rig: SessionRig, re: RegExp, timeoutMs = 60_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!re.test(rig.console())) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

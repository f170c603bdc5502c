// Helpers for the core/hv tests: a virtual M1 served on a real pty (the proxy channel, as
// `hvdbg sim --pty`) plus a second pty for the guest's virtual UART (pipe 1, §11). The host side
// reaches the machine only through these two byte streams.
import type { ExecutionContext } from 'ava';
import { Hypervisor, type HypervisorOptions } from '../../core/hv/index.ts';
import { HvTraceBackend } from '../../core/hv/trace-backend.ts';
import type { TraceOutputEvent } from '../../core/plugin/backend.ts';
import { createPty } from '../../core/transport/pty.ts';
import { VirtualM1 } from '../../sim/virtual-m1.ts';

export const DEMO_GUEST = new URL('../../examples/guest/build/demo.elf', import.meta.url).pathname;

export interface HvRig {
  readonly machine: VirtualM1;
  readonly target: string;
  readonly vuart: string;
  /** Connects a Hypervisor host; closed at teardown. */
  hypervisor(options?: HypervisorOptions): Promise<Hypervisor>;
}

export async function hvRig(t: ExecutionContext, machine = new VirtualM1()): Promise<HvRig> {
  const pty = await createPty();
  const vuartPty = await createPty();
  machine.addUsbChannel(pty, vuartPty);
  t.teardown(() => pty.close());
  t.teardown(() => vuartPty.close());
  return {
    machine,
    target: pty.slavePath,
    vuart: vuartPty.slavePath,
    async hypervisor(options = {}) {
      const hv = await Hypervisor.connect(pty.slavePath, { reconnect: false, vuart: vuartPty.slavePath, ...options });
      t.teardown(() => hv.close());
      return hv;
    },
  };
}

/** Collects console text by source. */
export function consoleRecorder(hv: Hypervisor): { text: () => string; vuart: () => string } {
  const all: string[] = [];
  const vuart: string[] = [];
  const dec = new TextDecoder();
  hv.onConsole((bytes, source) => {
    const s = dec.decode(bytes);
    all.push(s);
    if (source === 'vuart') vuart.push(s);
  });
  return { text: () => all.join(''), vuart: () => vuart.join('') };
}

/** A hypervisor on a fresh virtual M1 with an HvTraceBackend collecting every output event; errors of both collected. */
export async function tracedHypervisor(t: ExecutionContext): Promise<{ hv: Hypervisor; backend: HvTraceBackend; events: TraceOutputEvent[]; errors: string[] }> {
  const hv = await (await hvRig(t)).hypervisor();
  const errors: string[] = [];
  hv.onError((e) => errors.push(e.message));
  const events: TraceOutputEvent[] = [];
  const backend = new HvTraceBackend(hv, (ev) => events.push(ev));
  backend.onError((e) => errors.push(e.message));
  return { hv, backend, events, errors };
}

// Layer: core/session. The small pieces that tie the debug model to core/hv: hypervisor stops
// mapped to the model's reasons, the hypervisor's console/trace/log/error streams fed into the
// event log, the SIMD transfer buffer (§7.4), and the address map of a guest that has not started
// yet. Imports core/hv, core/proxy (types), core/util and this folder.

import { TextDecoder } from 'node:util';
import { Ec, esrEc, type Hypervisor, type StopEvent } from '../hv/index.ts';
import type { M1n1Proxy } from '../proxy/proxy.ts';
import type { Disposable } from '../util/disposable.ts';
import { watchAccessOf, watchpointFor, type WatchpointSpec } from './breakpoints.ts';
import { SessionError, SessionErrorCode } from './errors.ts';
import type { EventLog, SessionEvent, SessionStopReason, StopInfo } from './event-log.ts';
import type { SimdIo } from './registers.ts';

/** A core/hv stop as the debug model reports it. */
export function classifyStop(stop: StopEvent, watchpoints: readonly WatchpointSpec[]): StopInfo {
  const base = { cpu: stop.cpu, pc: stop.pc, detail: stop.detail, esr: stop.esr };
  switch (stop.reason) {
    case 'breakpoint':
      // EC 0x30 is a DBGBCR hit (§9.11); our software breakpoints arrive as BRK (EC 0x3C).
      return { ...base, reason: stop.esr !== undefined && esrEc(stop.esr) === Ec.BKPT_LOWER ? 'hw-breakpoint' : 'breakpoint' };
    case 'watchpoint': {
      const far = stop.far;
      const spec = far === undefined ? undefined : watchpointFor(watchpoints, far);
      const access = spec && spec.access !== 'access' ? spec.access : watchAccessOf(stop.esr);
      return { ...base, reason: 'watchpoint', dataAddress: far, watchAccess: access };
    }
    case 'user-interrupt':
      return { ...base, reason: 'interrupt' };
    default:
      return { ...base, reason: stop.reason satisfies SessionStopReason };
  }
}

/** Console text (decoded per source, so a UTF-8 sequence split across chunks survives), IRQ traces, logs, errors. */
export function feedEvents(hv: Hypervisor, log: EventLog<SessionEvent>): Disposable[] {
  const decoders = new Map<string, TextDecoder>();
  return [
    hv.onConsole((bytes, source) => {
      let d = decoders.get(source);
      if (!d) decoders.set(source, (d = new TextDecoder()));
      const text = d.decode(bytes, { stream: true });
      if (text.length > 0) log.push({ kind: 'console', text, source });
    }),
    hv.onIrqTrace((e) => void log.push({ kind: 'trace', trace: 'irq', irq: e.irq, type: e.type, flags: e.flags })),
    hv.onLog((message) => void log.push({ kind: 'log', level: 'info', message })),
    hv.onError((e) => void log.push({ kind: 'log', level: e.fatal ? 'error' : 'warn', message: e.message, code: e.code })),
  ];
}

const SIMD_BYTES = 512;

/** q0..q31 through one 512-byte buffer from m1n1's heap, taken on first use (§7.4). */
export function simdIo(proxy: M1n1Proxy): SimdIo {
  let buffer: Promise<bigint> | null = null;
  const get = () =>
    (buffer ??= proxy.heapblockAlloc(SIMD_BYTES).then((b) => {
      if (b === 0n) {
        buffer = null;
        throw new SessionError(SessionErrorCode.BAD_REGISTER, "P_HEAPBLOCK_ALLOC gave no buffer for the SIMD registers", { hint: "m1n1's heap is exhausted" });
      }
      return b;
    }));
  return {
    async load() {
      const b = await get();
      const got = proxy.getSimdState(b);
      const bytes = proxy.transport.memRead(b, SIMD_BYTES); // same round trip as the op
      await got;
      return bytes;
    },
    async store(bytes) {
      const b = await get();
      const written = proxy.transport.memWrite(b, bytes);
      await Promise.all([written, proxy.putSimdState(b)]);
    },
  };
}

/**
 * Before the guest starts there is no CPU to translate with: the image's own map applies (the
 * guest enters with its MMU off, §13.5). An absolute image (ELF) runs where it is loaded; a
 * relative one (Mach-O, Linux Image) at the base the host chose.
 */
export function imageAddress(hv: Hypervisor, va: bigint): bigint {
  const guest = hv.guest;
  if (!guest) throw new SessionError(SessionErrorCode.NOT_RUNNING, 'no guest is loaded: nothing to translate with', { hint: 'load the guest first' });
  const placement = guest.image.plan.placement;
  return placement.kind === 'absolute' ? va : guest.layout.imageBase + (va - placement.linkBase);
}

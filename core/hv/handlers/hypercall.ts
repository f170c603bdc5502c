// Layer: core/hv handlers. BRK from the guest (spec §9.12 EC 0x3C): immediate 0x4242 is a
// hypercall, x0 = call id, dispatched to a registry; other immediates go to BRK hooks (the
// debug model's software breakpoints) and, unclaimed, are reflected into the guest. Imports
// core/hv.
//
// The demo guest's calls (examples/guest/include/hvcall.h): 0 POWER_OFF (x1 = exit status) ends
// the guest and reports the status; 1 PUTS (x1 = guest address, x2 = length) prints the text;
// 2 SLEEP (x1 = milliseconds) holds the calling CPU for that much wall time — the other CPUs wait
// with it, as in every callback (§9.4) — and ends early when the host wants the guest stopped.

import { HVCALL_BRK_IMM, esrIss } from '../constants.ts';
import { hex } from '../errors.ts';
import type { TrapSession } from '../trap-session.ts';
import { HANDLED, type TrapResult } from '../trap-types.ts';
import { reflectToGuest } from './reflect.ts';

/** What a hypercall handler wants: return x0 and resume after the brk, or end the guest. */
export type HypercallResult = { readonly kind: 'return'; readonly x0: bigint } | { readonly kind: 'exit-guest'; readonly status: bigint; readonly why: string } | TrapResult;

export type HypercallHandler = (s: TrapSession) => HypercallResult | Promise<HypercallResult>;

/** Sees every non-hypercall BRK first; returns a result to claim it (e.g. a software breakpoint). */
export type BrkHook = (s: TrapSession, imm: number) => TrapResult | undefined | Promise<TrapResult | undefined>;

export const Hypercall = { POWER_OFF: 0n, PUTS: 1n, SLEEP: 2n } as const;

/** Longest PUTS text the host copies (a bad length must not make it read megabytes). */
const MAX_PUTS_BYTES = 64 * 1024;
/** Longest SLEEP (a bad argument must not hold the guest for hours). */
const MAX_SLEEP_MS = 10_000;
/** How often a SLEEP looks whether the host wants the guest stopped (interrupt latency). */
const SLEEP_POLL_MS = 20;

export class HypercallRegistry {
  readonly #calls = new Map<bigint, HypercallHandler>();
  readonly #brkHooks: BrkHook[] = [];

  /** Registers (or, with a new handler, replaces) call `id`. */
  register(id: bigint, handler: HypercallHandler): { dispose(): void } {
    this.#calls.set(id, handler);
    return { dispose: () => void (this.#calls.get(id) === handler && this.#calls.delete(id)) };
  }

  addBrkHook(hook: BrkHook): { dispose(): void } {
    this.#brkHooks.push(hook);
    return { dispose: () => void this.#brkHooks.splice(this.#brkHooks.indexOf(hook) >>> 0, 1) };
  }

  /** EC 0x3C. */
  async handle(s: TrapSession): Promise<TrapResult> {
    const imm = esrIss(s.ctx.esr) & 0xffff;
    if (imm !== HVCALL_BRK_IMM) {
      for (const hook of this.#brkHooks) {
        const claimed = await hook(s, imm);
        if (claimed) return claimed;
      }
      return reflectToGuest(s);
    }
    const id = s.ctx.reg(0);
    const handler = this.#calls.get(id);
    if (!handler) return { kind: 'stop', stop: { reason: 'hypercall', detail: `undefined hypercall #${id} (brk #0x4242, x0 = ${hex(id)})`, esr: s.ctx.esr } };
    const result = await handler(s);
    if (result.kind === 'return') {
      s.ctx.setReg(0, result.x0);
      s.ctx.elr += 4n;
      return HANDLED;
    }
    if (result.kind === 'exit-guest') return { kind: 'exit-guest', status: result.status, why: result.why };
    return result;
  }
}

/** The demo guest's calls, with `console` receiving PUTS text; a SLEEP ends early once `wake()` says so. */
export function registerDemoHypercalls(registry: HypercallRegistry, console: (text: Uint8Array, cpu: number) => void, wake: () => boolean): void {
  registry.register(Hypercall.POWER_OFF, (s) => ({ kind: 'exit-guest', status: s.ctx.reg(1), why: `the guest powered off (hypercall POWER_OFF on cpu${s.cpu})` }));
  registry.register(Hypercall.PUTS, async (s) => {
    const va = s.ctx.reg(1);
    const length = Number(s.ctx.reg(2) > BigInt(MAX_PUTS_BYTES) ? BigInt(MAX_PUTS_BYTES) : s.ctx.reg(2));
    const pa = await s.host.proxy.hvTranslate(va, false, false);
    if (length > 0 && pa !== 0n) console(await s.host.proxy.transport.memRead(pa, length), s.cpu);
    return { kind: 'return', x0: 0n };
  });
  registry.register(Hypercall.SLEEP, async (s) => {
    const ms = s.ctx.reg(1) > BigInt(MAX_SLEEP_MS) ? MAX_SLEEP_MS : Number(s.ctx.reg(1));
    for (const until = performance.now() + ms; performance.now() < until && !wake(); ) {
      await new Promise((r) => setTimeout(r, Math.min(SLEEP_POLL_MS, until - performance.now())));
    }
    return { kind: 'return', x0: 0n };
  });
}

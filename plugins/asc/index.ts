// Layer: plugins/asc. The ASC/RTKit mailbox tracer (spec apple-devices §4.4, §5.11): a write of
// INBOX1 is an AP→IOP message (msg0 from the cached INBOX0, §1.4), a read of OUTBOX1 an IOP→AP
// message (msg0 from the cached OUTBOX0); EP = msg1[7:0] picks an endpoint decoder — management,
// crashlog, syslog, kdebug, ioreporting, oslog built in, others registered by dependent plugins
// through this plugin's API (the DCP plugin adds EP 0x37) — and unknown endpoints print raw:
//   [asc] >ep:37 0050003700000002 ()
// Shared buffers (syslog entries, crash dumps) are read through the ASC's DART (§4.4, §6.2).
// Attaches by ADT: /arm-io/dcp (or dcp0) and every node whose compatible starts `iop,ascwrap`;
// the DART is `dart-<asc name>` beside it (config `darts`: { "<asc path>": "<dart path>" }
// overrides), its stream the DART's first child's `reg`, the DVA mask the ASC's first child's
// `asc-dram-mask` (§9.6). Imports core/plugin, core/util/disposable.ts and plugins/asc.
//
// Verbosity: 0 decoded messages; 1 + crash-dump details, notices; 2 + the SEND/RECV lines of
// §4.4; 3 + every access's generic MMIO line.

import { definePlugin, type ApiContext, type DeviceContext, type MmioContext } from '../../core/plugin/api.ts';
import { fieldsString, renderRegValue } from '../../core/plugin/regmap-format.ts';
import type { RegValue } from '../../core/plugin/regmap.ts';
import type { Disposable } from '../../core/util/disposable.ts';
import { DartWalker, DartWalkError, findDartRoute, type DartIo, type DartRoute } from './dart-walk.ts';
import { dirChar, hex16, runDecoder, type AscView, type Dir, type EndpointContext, type EndpointDecoder } from './endpoint.ts';
import { crashlog, ioreporting, kdebug, oslog } from './other-endpoints.ts';
import { ascRegs, R_INBOX1, R_OUTBOX1 } from './regs.ts';
import { management, syslog } from './system-endpoints.ts';

export type { AscMessage, AscView, Dir, EndpointContext, EndpointDecoder, MessageSpec, MessageHandler } from './endpoint.ts';
export { dirChar, hex16, genericLine } from './endpoint.ts';
export { powerName } from './system-endpoints.ts';
export type { DartRoute } from './dart-walk.ts';

/** §5.1 system endpoints decoded by this plugin. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const BUILTIN: Readonly<Record<number, EndpointDecoder<any>>> = { 0: management, 1: crashlog, 2: syslog, 3: kdebug, 4: ioreporting, 8: oslog };

export interface EndpointRegistration {
  readonly ep: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly decoder: EndpointDecoder<any>;
  /** The registering plugin's context: its lines carry its name and verbosity. */
  readonly owner: DeviceContext<unknown>;
}

export interface AscState extends AscView {
  /** The DART and stream of this ASC (from the ADT at every load). */
  route: DartRoute | undefined;
  /** Decoders other plugins registered, by EP (kept across reloads of either side). */
  registered: Record<number, EndpointRegistration>;
  /** Per-EP decoder state. */
  eps: Record<number, Record<string, unknown>>;
  running: boolean | undefined;
  tx: number;
  rx: number;
}

export interface AscApi {
  /** ADT paths of the ASCs this plugin traces. */
  readonly devices: readonly string[];
  /**
   * Decodes endpoint `ep` with `decoder` on the given ASCs (default: the owner's device if it is
   * one, else all), replacing an earlier registration for that EP. Lines go through `owner`.
   */
  registerEndpoint<S>(owner: DeviceContext<unknown>, ep: number, decoder: EndpointDecoder<S>, options?: { devices?: readonly string[] }): Disposable;
  /** The decoder name for `ep` on `device` (first ASC when omitted). */
  endpointName(ep: number, device?: string): string | undefined;
}

type Ctx = MmioContext<AscState>;

function decoderFor(s: AscState, ep: number): EndpointRegistration | { decoder: EndpointDecoder<unknown>; owner: undefined } | undefined {
  const r = s.registered[ep];
  if (r) return r;
  const b = BUILTIN[ep];
  return b ? { decoder: b, owner: undefined } : undefined;
}

/** Guest access for a DART walk: its registers as the hardware answers, its tables in memory. */
function dartIo(ctx: DeviceContext<unknown>): DartIo {
  return {
    mmio32: async (addr) => Number((await ctx.readMmio(addr, 4)) & 0xffffffffn),
    memory: (addr, size) => ctx.readMemory(addr, size),
  };
}

async function message(ctx: Ctx, dir: Dir, v: RegValue): Promise<void> {
  const s = ctx.state;
  const msg1 = v.raw;
  const msg0 = ctx.cached(dir === 'tx' ? 'INBOX0' : 'OUTBOX0') ?? 0n;
  if (ctx.verbosity >= 2) {
    const cls1 = dir === 'tx' ? R_INBOX1 : R_OUTBOX1;
    ctx.log(`${dir === 'tx' ? 'SEND' : 'RECV'}: ${hex16(msg0)}:${hex16(msg1)}  | ${fieldsString(cls1, msg1)}`, { kind: 'mailbox', fields: { dir, msg0, msg1 } });
  }
  const ep = Number(msg1 & 0xffn);
  if (dir === 'tx') s.tx++;
  else s.rx++;
  const found = decoderFor(s, ep);
  if (!found) {
    ctx.log(`${dirChar(dir)}ep:${ep.toString(16).padStart(2, '0')} ${hex16(msg0)} ()`, { kind: 'asc-raw', fields: { dir, ep, msg0, msg1 } });
    return;
  }
  const { decoder } = found;
  const owner: DeviceContext<unknown> = found.owner ?? ctx;
  const ev = ctx.event;
  // Another plugin's decoder logs through its own context: its lines carry this MMIO event.
  const at = found.owner ? { seq: ev.seq, cpu: ev.cpu, pc: ev.pc } : undefined;
  let epState = s.eps[ep];
  if (!epState) s.eps[ep] = epState = (decoder.state?.() as Record<string, unknown> | undefined) ?? {};
  let walker: DartWalker | undefined;
  const ectx: EndpointContext<unknown> = {
    device: ctx.device,
    event: ev,
    msg: { dir, ep, msg0, msg1 },
    state: epState,
    asc: s,
    verbosity: owner.verbosity,
    out: owner,
    log: (text, o = {}) => owner.log(`[${decoder.name}] ${text}`, { ...o, ...(at ? { at } : {}) }),
    readBuffer(dva, size) {
      if (!s.route) {
        return Promise.reject(new DartWalkError('ASC_NO_DART', `${ctx.device.path}: no DART known for this ASC`, `give --tracer-config asc.darts={"${ctx.device.path}": "/arm-io/dart-…"} (apple-devices §9.6)`));
      }
      walker ??= new DartWalker(s.route, dartIo(ctx));
      return walker.read(dva, size);
    },
    endpointName: (n) => decoderFor(s, n)?.decoder.name,
  };
  try {
    await runDecoder(decoder, ectx);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    ectx.log(`!!! ${dirChar(dir)}ep:${ep.toString(16).padStart(2, '0')} ${hex16(msg0)} not decoded: ${why}`, { kind: 'decoder-error', fields: { dir, ep, msg0, msg1, error: why } });
  }
}

function ctrlWrite(name: string, v: RegValue, ctx: Ctx): void {
  ctx.log(`${name} = ${renderRegValue(v)}`, { kind: name.toLowerCase().replace('_', '-'), fields: { ...v.fields, raw: v.raw } });
}

export default definePlugin({
  name: 'asc',
  description: 'ASC mailboxes and RTKit endpoints (apple-devices §4.4, §5.11)',
  attach: [{ path: '/arm-io/dcp' }, { path: '/arm-io/dcp0' }, { compatible: 'iop,ascwrap', prefix: true }],
  regmap: ascRegs,
  ranges: [{ reg: 0 }],
  // §1.6: the ASC tracer is synchronous, so shared buffers can be read while the guest waits.
  mode: 'sync',
  verbosity: 0,
  state: (): AscState => ({ route: undefined, registered: {}, eps: {}, present: [], started: [], iopPower: undefined, apPower: undefined, running: undefined, tx: 0, rx: 0 }),
  setup(ctx) {
    const darts = ctx.config.darts as Record<string, string> | undefined;
    ctx.state.route = findDartRoute(ctx.adt, ctx.device.node, darts?.[ctx.device.path]);
    if (!ctx.state.route) ctx.log(`no DART found for ${ctx.device.path}: shared buffers (syslog, crash dumps) will not be read`, { kind: 'notice', level: 1 });
  },
  handlers: {
    INBOX1: { write: (v, ctx) => message(ctx, 'tx', v) },
    OUTBOX1: { read: (v, ctx) => message(ctx, 'rx', v) },
    CPU_CONTROL: {
      write(v, ctx) {
        ctx.state.running = v.fields.RUN === 1;
        ctrlWrite('CPU_CONTROL', v, ctx);
      },
    },
    INBOX_CTRL: { write: (v, ctx) => ctrlWrite('INBOX_CTRL', v, ctx) },
    OUTBOX_CTRL: { write: (v, ctx) => ctrlWrite('OUTBOX_CTRL', v, ctx) },
  },
  api(actx: ApiContext<AscState>): AscApi {
    const paths = actx.devices.map((d) => d.path);
    return {
      devices: paths,
      registerEndpoint(owner, ep, decoder, options = {}) {
        const targets = options.devices ?? (paths.includes(owner.device.path) ? [owner.device.path] : paths);
        const reg: EndpointRegistration = { ep, decoder, owner };
        const states = targets.map((p) => actx.stateOf(p)).filter((s): s is AscState => s !== undefined);
        for (const s of states) s.registered[ep] = reg;
        return { dispose: () => states.forEach((s) => s.registered[ep] === reg && delete s.registered[ep]) };
      },
      endpointName(ep, device) {
        const s = actx.stateOf(device);
        return s ? decoderFor(s, ep)?.decoder.name : BUILTIN[ep]?.name;
      },
    };
  },
});

// Layer: plugins/asc. The RTKit endpoint decoder model (spec apple-devices §5.11): a decoder has a
// name and a message table keyed by (direction, TYPE) with the §5.11 fallback order; a handler may
// print its own lines and return true to suppress the generic line
//   [<ep name>] <'>'|'<'>0x<TYPE>(<handler name or <unknown>>) <msg0:016x> (<fields>)
// Decoders are data plus functions, so other plugins (DCP) can register their own through the ASC
// plugin's API. Imports core/plugin (types, regmap) only.

import type { DeviceContext, DeviceInfo, LogOptions } from '../../core/plugin/api.ts';
import type { MmioEvent } from '../../core/plugin/backend.ts';
import { fieldsString } from '../../core/plugin/regmap-format.ts';
import { decodeReg, Register64, type RegClass, type RegValue } from '../../core/plugin/regmap.ts';

export type Dir = 'tx' | 'rx';
/** `>` AP→IOP (TX), `<` IOP→AP (RX) (§4.3). */
export const dirChar = (d: Dir): '>' | '<' => (d === 'tx' ? '>' : '<');
export const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');

export interface AscMessage {
  readonly dir: Dir;
  readonly ep: number;
  readonly msg0: bigint;
  readonly msg1: bigint;
}

/** What the ASC plugin knows about one ASC while a message is decoded. */
export interface AscView {
  /** Endpoints announced by EPMAP (§5.2). */
  readonly present: number[];
  /** Endpoints the AP started with START_EP. */
  readonly started: number[];
  iopPower: number | undefined;
  apPower: number | undefined;
}

export interface EndpointContext<S = Record<string, unknown>> {
  /** The ASC the message went through. */
  readonly device: DeviceInfo;
  readonly event: MmioEvent;
  readonly msg: AscMessage;
  /** This endpoint's state on this ASC, kept by the ASC plugin across reloads of either plugin. */
  readonly state: S;
  readonly asc: AscView;
  /** The verbosity of the plugin that owns the decoder. */
  readonly verbosity: number;
  /** `[<ep name>] <text>` through the owner's output. */
  log(text: string, options?: LogOptions): void;
  /** The owner's context, for lines without the endpoint prefix. */
  readonly out: DeviceContext<unknown>;
  /** Bytes at a DVA the IOP gave, read through the ASC's DART (§4.4, §6.2). */
  readBuffer(dva: bigint, size: number): Promise<Uint8Array>;
  /** The name of the decoder registered for `ep` on this ASC. */
  endpointName(ep: number): string | undefined;
}

export type MessageHandler<S> = (value: RegValue, ectx: EndpointContext<S>) => boolean | void | Promise<boolean | void>;

export interface MessageSpec<S = Record<string, unknown>> {
  /** undefined = either direction. */
  readonly dir?: Dir;
  /** undefined = any TYPE. */
  readonly type?: number;
  readonly name: string;
  /** The message class whose fields the generic line prints (default: the decoder's base). */
  readonly cls?: RegClass;
  readonly handle?: MessageHandler<S>;
}

export interface EndpointDecoder<S = Record<string, unknown>> {
  /** The `[<ep name>]` of its lines (`management`, `syslog`, `dcpep`, …). */
  readonly name: string;
  /** The class with the TYPE field that selects a message spec; absent: every message is raw. */
  readonly base?: RegClass<'TYPE' | string>;
  readonly messages: readonly MessageSpec<S>[];
  /** Initial per-(ASC, EP) state. */
  readonly state?: () => S;
}

/** §5.11 lookup: (dir, TYPE), (any, TYPE), (dir, any), (any, any). */
export function findMessage<S>(decoder: EndpointDecoder<S>, dir: Dir, type: number | undefined): MessageSpec<S> | undefined {
  const m = decoder.messages;
  return (
    m.find((s) => s.dir === dir && s.type !== undefined && s.type === type) ??
    m.find((s) => s.dir === undefined && s.type !== undefined && s.type === type) ??
    m.find((s) => s.dir === dir && s.type === undefined) ??
    m.find((s) => s.dir === undefined && s.type === undefined)
  );
}

export interface DecodedAscMessage {
  readonly type: number | undefined;
  readonly spec: MessageSpec<unknown> | undefined;
  readonly value: RegValue;
}

export function decodeMessage<S>(decoder: EndpointDecoder<S>, msg: AscMessage): DecodedAscMessage {
  const type = decoder.base ? (decodeReg(decoder.base, msg.msg0).fields as Record<string, number>).TYPE : undefined;
  const spec = findMessage(decoder, msg.dir, type) as MessageSpec<unknown> | undefined;
  const cls = spec?.cls ?? decoder.base ?? Register64;
  return { type, spec, value: decodeReg(cls, msg.msg0) };
}

/** The generic line of §5.11 (without the `[<ep name>] ` the context adds). */
export function genericLine(msg: AscMessage, d: DecodedAscMessage): string {
  const type = d.type === undefined ? '' : `0x${d.type.toString(16)}`;
  return `${dirChar(msg.dir)}${type}(${d.spec?.name ?? '<unknown>'}) ${hex16(msg.msg0)} (${fieldsString(d.value.cls, msg.msg0)})`;
}

/** Runs the decoder on one message: handler first, then the generic line unless it returned true. */
export async function runDecoder<S>(decoder: EndpointDecoder<S>, ectx: EndpointContext<S>): Promise<void> {
  const d = decodeMessage(decoder, ectx.msg);
  const handle = d.spec?.handle as MessageHandler<S> | undefined;
  if (handle && (await handle(d.value, ectx)) === true) return;
  ectx.log(genericLine(ectx.msg, d), {
    kind: 'asc-message',
    fields: { ep: ectx.msg.ep, endpoint: decoder.name, dir: ectx.msg.dir, type: d.type, name: d.spec?.name, msg0: ectx.msg.msg0, msg1: ectx.msg.msg1, ...d.value.fields },
  });
}

// Layer: plugins/dcp. The DCP tracer (spec apple-devices §7), built on the ASC plugin: it
// registers the EP 0x37 "dcpep" decoder (every RPC call and return on every channel, rendered in
// the seed's format of §7.13, dictionaries of both formats decoded, DCPAV property transfers of
// §7.11 assembled) and names the AFK endpoints 0x20–0x2d, all through the ASC plugin's endpoint
// API, so it traces no range itself. Config: `dumpFile` — append the §7.12 dump file there (the
// input of renderDump / m1n1's offline renderer); `traceFile` — append the rendered trace there.
// Imports core/plugin, plugins/asc (types) and plugins/dcp.
//
// Verbosity: 0 the call trace, SET_SHMEM/INITIALIZED, DCPAV properties, protocol errors; 1 + the
// §7.12 live lines of every message; 2 + each call's input dump; 3 + each reply's output dump.

import { definePlugin } from '../../core/plugin/api.ts';
import type { Disposable } from '../../core/util/disposable.ts';
import type { AscApi } from '../asc/index.ts';
import { AFK_ENDPOINTS, afkDecoder } from './afk.ts';
import { dcpepDecoder, initialDcpState, type DcpState } from './dcpep.ts';
import { renderDump } from './dump-file.ts';

export { renderDump } from './dump-file.ts';
export type { DcpState, PendingCall } from './dcpep.ts';

export interface DcpApi {
  /** Renders a dump file's text in the seed format (§7.13). */
  renderDump(text: string): string[];
}

/** This module version's endpoint registrations with the ASC tracer, by device. */
const registrations = new Map<string, Disposable[]>();

export default definePlugin({
  name: 'dcp',
  description: 'DCP RPC calls on endpoint 0x37 in the seed trace format (apple-devices §7.12, §7.13)',
  needs: ['asc'],
  attach: [{ path: '/arm-io/dcp' }, { path: '/arm-io/dcp0' }],
  ranges: [],
  verbosity: 0,
  state: (): DcpState => initialDcpState(),
  setup(ctx) {
    const asc = ctx.dep<AscApi>('asc');
    registrations.set(ctx.device.path, [
      asc.registerEndpoint(ctx, 0x37, dcpepDecoder(ctx)),
      ...Object.entries(AFK_ENDPOINTS).map(([ep, name]) => asc.registerEndpoint(ctx, Number(ep), afkDecoder(name))),
    ]);
  },
  // Unloaded or about to be reloaded: the ASC tracer stops calling this version's decoders.
  teardown(ctx) {
    for (const r of registrations.get(ctx.device.path) ?? []) r.dispose();
    registrations.delete(ctx.device.path);
  },
  api: (): DcpApi => ({ renderDump }),
});

// Layer: sim/firmware/ops. The display ops (spec §6.12) as m1n1's display.c answers them when
// the display coprocessor (DCP) cannot be brought up: the virtual M1 has no DCP model yet (the
// coprocessors are a separate issue). Imports the op table types, this folder's ADT helpers
// and the framebuffer info type.
//
// - P_DISPLAY_INIT: −1 when the ADT has no /arm-io/disp0; else records whether disp0 is
//   `external` (a Mac mini's is) and, when m1n1 would reconfigure the display (external, a
//   640×1136 dummy framebuffer, or a framebuffer without the retina flag), fails as starting
//   the DCP fails: "display: failed to initialize DCP", −1; otherwise the framebuffer iBoot set
//   up is kept: 0.
// - P_DISPLAY_CONFIGURE(config): starting the DCP fails: −1.
// - P_DISPLAY_START_DCP: the same failure; the op's reply is 0 (proxy.c drops the result).
// - P_DISPLAY_SHUTDOWN(mode): no DCP session to stop: 0.
// - P_DISPLAY_IS_EXTERNAL: m1n1's flag, set at boot (its display_init runs at start-up) and by
//   P_DISPLAY_INIT: whether disp0 has the `external` property.

import type { OpContext, OpFamily } from '../op-table.ts';
import { adtFind, type AdtSource } from './adt-access.ts';
import type { FramebufferInfo } from './framebuffer.ts';

const RETINA = 0x10000;
const ERR = BigInt.asUintN(64, -1n);
const DISP0 = '/arm-io/disp0';

function startDcp(ctx: OpContext): bigint {
  ctx.firmware.console('display: failed to initialize DCP\n');
  return ERR;
}

export function displayOps(deps: { adt: AdtSource; framebuffer: () => FramebufferInfo | undefined }): OpFamily {
  let external: boolean | undefined;
  const isExternal = () => (external ??= adtFind(deps.adt(), DISP0)?.has('external') ?? false);
  return {
    family: 'display',
    ops: [
      {
        name: 'P_DISPLAY_INIT',
        handler: (_a, ctx) => {
          const node = adtFind(deps.adt(), DISP0);
          if (!node) {
            ctx.firmware.console(`${DISP0} node not found!\n`);
            return ERR;
          }
          external = node.has('external');
          ctx.firmware.console(external ? 'display: Display is external\n' : 'display: Display is internal\n');
          const fb = deps.framebuffer();
          const dummy = fb?.width === 640 && fb.height === 1136;
          if (dummy || external || !((fb?.depth ?? 0) & RETINA)) return startDcp(ctx);
          ctx.firmware.console(`display: Display is already initialized (${fb!.width}x${fb!.height})\n`);
          return 0n;
        },
      },
      { name: 'P_DISPLAY_CONFIGURE', handler: (_a, ctx) => startDcp(ctx) },
      {
        name: 'P_DISPLAY_START_DCP',
        handler: (_a, ctx) => {
          startDcp(ctx);
          return 0n;
        },
      },
      { name: 'P_DISPLAY_SHUTDOWN', handler: () => 0n },
      { name: 'P_DISPLAY_IS_EXTERNAL', handler: () => (isExternal() ? 1n : 0n) },
    ],
  };
}

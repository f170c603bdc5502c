// Layer: plugins/dcp. The offline side of the DCP dump file (spec apple-devices §7.12 "Dump
// file", §7.13): parses `CALL …` / `ACK …` lines, keeps a stack per channel (CALL pushes, ACK pops
// and must name the popped call's OFF) and renders the seed-format trace with the same renderer
// the live tracer uses. Pure; imports core/dcp (types) and plugins/dcp.

import type { DcpChannelName } from '../../core/dcp/channels.ts';
import { CallTraceRenderer, type TraceCall } from './render.ts';

const CHANNELS = new Set<string>(['CMD', 'OOBCMD', 'ASYNC', 'OOBASYNC', 'CB', 'OOBCB']);

function bytesOf(hex: string | undefined): Uint8Array {
  const h = hex ?? '';
  if (h.length % 2 !== 0 || /[^0-9a-f]/i.test(h)) throw new Error(`bad hex field (${h.length} characters)`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function num(s: string | undefined, what: string): number {
  const n = Number(s);
  if (!s || !Number.isInteger(n) || n < 0) throw new Error(`bad ${what} ${s ?? '(missing)'}`);
  return n;
}

/** The seed-format lines of a dump file's text; malformed lines render as `!! line N: …`. */
export function renderDump(text: string): string[] {
  const nesting = { normal: 0, oob: 0 };
  const renderer = new CallTraceRenderer(nesting);
  const stacks = new Map<string, TraceCall[]>();
  const out: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.startsWith('VERSION ')) return;
    const f = line.split(' ');
    try {
      const [kind, dir, , channel] = f;
      if (dir !== '>' && dir !== '<') throw new Error(`bad direction ${dir}`);
      if (!CHANNELS.has(channel ?? '')) throw new Error(`bad channel ${channel}`);
      const stack = stacks.get(channel!) ?? [];
      stacks.set(channel!, stack);
      if (kind === 'CALL') {
        const call: TraceCall = { dir, channel: channel as DcpChannelName, off: num(f[4], 'OFF'), tag: f[5] ?? '', inLen: num(f[6], 'in_len'), outLen: num(f[7], 'out_len'), input: bytesOf(f[8]) };
        if (call.tag.length !== 4) throw new Error(`bad tag ${call.tag}`);
        stack.push(call);
        out.push(...renderer.call(call).map((l) => l.text));
      } else if (kind === 'ACK') {
        const off = num(f[4], 'OFF');
        const call = stack.pop();
        if (!call) throw new Error(`ACK on ${channel} without a call`);
        if (call.off !== off) throw new Error(`ACK for ${channel} 0x${off.toString(16)}, but the call on top is at 0x${call.off.toString(16)}`);
        out.push(...renderer.reply(call, bytesOf(f[5])).map((l) => l.text));
      } else {
        throw new Error(`unknown record ${kind}`);
      }
    } catch (err) {
      out.push(`!! line ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return out;
}

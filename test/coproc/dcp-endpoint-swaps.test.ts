// Swaps on the virtual DCP (apple-devices §7.14 item 5): A407 swap_start hands out a swap id,
// A408 swap_submit_dcp is accepted, and completion comes later as an ASYNC D589 callback
// (§7.5 c) — also while an AP call and its callback are in flight. Plus an OOB call (§7.3).
import test from 'ava';
import { createDcpEndpoint } from '../../sim/coproc/dcp/dcp-endpoint.ts';
import { ApSide, readU32, tagBytes } from './dcp-ap-side.ts';
import { installMacos } from './dcp-macos.ts';

function setup(): { ap: ApSide; dcp: ReturnType<typeof createDcpEndpoint>; rec: ReturnType<typeof installMacos> } {
  const dcp = createDcpEndpoint();
  const ap = new ApSide(dcp);
  const rec = installMacos(ap);
  ap.boot();
  return { ap, dcp, rec };
}

/** A407 input (§7.6): swap_id u32, client IOUserClient[0x10], two null flags, padding. */
function swapStartInput(): Uint8Array {
  const b = new Uint8Array(0x18);
  new DataView(b.buffer).setBigUint64(4, 0xfffffe0012345678n, true); // client addr handle
  return b;
}

/** A408 input (§7.6/7.7): swap_rec with swap_id at +0x50, one surface, flags at 0xb5d. */
function swapSubmitInput(swapId: number): Uint8Array {
  const b = new Uint8Array(0xb64);
  const v = new DataView(b.buffer);
  v.setUint32(0x50, swapId, true);
  v.setBigUint64(0xb30, 0x80000000n, true); // surfAddr[0]
  v.setFloat64(0xb51, 1.0, true);
  b.set([0, 0, 1, 1, 1, 0], 0xb5d); // swap_rec, surfaces[0] present; unkOutBool present
  return b;
}

function swap(ap: ApSide): number {
  const start = ap.call('A407', swapStartInput(), 0x18);
  t_assert(readU32(start, 0x14) === 0, 'swap_start returns 0');
  const swapId = readU32(start, 0);
  const submit = ap.call('A408', swapSubmitInput(swapId), 8);
  // Output: unkOutBool (1 byte) then the u32 return with no alignment padding (§7.6).
  t_assert(readU32(submit, 1) === 0, 'swap_submit_dcp returns 0');
  return swapId;
}

function t_assert(cond: boolean, what: string): void {
  if (!cond) throw new Error(what);
}

test('swap_start gives a swap id, swap_submit completes one frame later with ASYNC D589', (t) => {
  const { ap, dcp, rec } = setup();
  const ids = [swap(ap), swap(ap), swap(ap)];
  t.is(new Set(ids).size, 3, 'distinct swap ids');
  t.true(ids.every((id) => id > 0));
  t.deepEqual(rec.swapsCompleted, [], 'nothing before time passes');
  ap.runTimers();
  t.deepEqual(rec.swapsCompleted, ids, 'completions in submission order');
  const d589 = ap.callbacks.filter((c) => c.tag === 'D589');
  t.is(d589.length, 3);
  for (const c of d589) {
    t.is(c.channel, 'ASYNC');
    t.is(c.ctx, 3);
    t.is(c.off, 0, 'one outstanding at a time, each at the start of the ASYNC buffer');
    t.deepEqual([...c.packet.subarray(0, 12)], [...tagBytes('D589'), 0x9c, 0x06, 0, 0, 0, 0, 0, 0]);
  }
  const s = dcp.snapshot();
  t.is(s.swapsSubmitted, 3);
  t.is(s.swapsCompleted, 3);
  t.deepEqual(dcp.diagnostics, []);
});

test('an ASYNC callback may arrive while an AP call and its callback are outstanding', (t) => {
  const { ap, dcp, rec } = setup();
  const id = swap(ap);
  const plain = ap.handlers['D107']!;
  let fired = false;
  ap.handlers['D107'] = (input, a, seen) => {
    if (!fired) {
      fired = true;
      a.runTimers(); // the frame ends while we are inside D107 of A029
    }
    return plain(input, a, seen);
  };
  ap.call('A029', new Uint8Array(0), 0);
  t.deepEqual(rec.swapsCompleted, [id]);
  const d589 = ap.callbacks.find((c) => c.tag === 'D589')!;
  t.is(d589.parent, 'D107');
  t.is(d589.channel, 'ASYNC');
  t.is(d589.off, 0);
  const inA029 = ap.callbacks.filter((c) => c.parent === 'A029').map((c) => c.tag);
  t.deepEqual(inA029, ['D107', 'D401', 'D107', 'D408', 'D300', 'D563', 'D563', 'D563']);
  t.deepEqual(dcp.diagnostics, []);
});

test('an OOB call uses OOBCMD (0x8000) and is acknowledged in context OOBCMD', (t) => {
  const { ap, dcp } = setup();
  const out = ap.call('A440', new Uint8Array(0), 4, { oob: true });
  const rec = ap.calls[ap.calls.length - 1]!;
  t.is(rec.ctx, 6);
  t.is(rec.ackMsg0, 0x0000000000000642n);
  t.true(readU32(out, 0) > 0, 'display_width');
  const sz = ap.call('A442', Uint8Array.of(0, 0, 0, 0), 8);
  t.true(readU32(sz, 0) > 0 && readU32(sz, 4) > 0, 'get_display_size fills both out pointers');
  t.deepEqual(dcp.diagnostics, []);
});

test('reference results of §7.14 for simple calls', (t) => {
  const { ap } = setup();
  const u32 = (tag: string, input: Uint8Array, outLen: number, at = outLen - 4): number => readU32(ap.call(tag, input, outLen), at);
  t.is(u32('A468', new Uint8Array(0xc), 8), 0, 'setPowerState');
  t.is(u32('A410', new Uint8Array(4), 4), 0, 'set_display_device');
  t.is(u32('A439', new Uint8Array(0x28), 4), 0, 'set_parameter_dcp');
  t.is(u32('A419', new Uint8Array(0xc10), 0xc10, 0xc0c), 2, 'get_gamma_table = 2');
  t.is(u32('A423', new Uint8Array(8), 8), 0, 'set_contrast');
  t.is(u32('A427', new Uint8Array(4), 4), 0, 'setBrightnessCorrection');
  t.is(u32('A443', new Uint8Array(0), 4), 0, 'do_create_default_frame_buffer');
});

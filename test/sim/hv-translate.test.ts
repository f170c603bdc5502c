// P_HV_TRANSLATE and P_HV_PT_WALK (spec §10.3) from inside callback sessions, over a real pty.
// A tiny guest stops (HV call, x0 = 1) with its MMU off, then loads the stage-1 registers the host
// put in its context, turns the MMU on and stops again. Stage-1 descriptors are the
// architecture's (16 KiB granule, level-2 32 MiB blocks); expected values follow §10.2/§10.3.
import test from 'ava';
import { CODE, EC, Exit, HvHost, PROXY_HOOK_RW, RAM, type ExcInfo } from './helpers/hv-host.ts';

// mov x0, #1; brk #0x4242; msr mair_el1, x3; msr tcr_el1, x4; msr ttbr0_el1, x5; isb;
// mrs x6, sctlr_el1; orr x6, x6, #1; msr sctlr_el1, x6; isb; mov x0, #1; brk #0x4242;
// mov x0, #0; brk #0x4242
const GUEST = [0xd2800020, 0xd4284840, 0xd518a203, 0xd5182044, 0xd5182005, 0xd5033fdf, 0xd5381006, 0xb24000c6, 0xd5181006, 0xd5033fdf, 0xd2800020, 0xd4284840, 0xd2800000, 0xd4284840];

const TABLE = 0x8_1180_0000n;
const PAR_AT = 0x8_1190_0000n;
/** T0SZ 28 (36-bit VA, walk starts at level 2), IRGN0/ORGN0 write-back, SH0 inner, TG0 16 KiB, EPD1, TG1 16 KiB, IPS 40 bits. */
const TCR = 28n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (2n << 14n) | (1n << 23n) | (1n << 30n) | (2n << 32n);
/** Level-2 block: AttrIndx 0 (MAIR byte 0xff, normal write-back), SH inner, AF. */
const BLOCK = 0x701n;
const ALIAS_VA = 0x0200_0000n; // L2 index 1
const ALIAS_PA = 0x8_2000_0000n;
const UNMAPPED_VA = 0x0400_0000n; // L2 index 2: invalid
const OUTSIDE_VA = 0x0600_0000n; // L2 index 3 → PA outside every stage-2 map
const OUTSIDE_PA = 0x9_0000_0000n;

function stage1Table(): Uint8Array {
  const t = new Uint8Array(0x4000);
  const v = new DataView(t.buffer);
  const set = (i: number, d: bigint): void => v.setBigUint64(i * 8, d, true);
  // Identity over the first GiB of RAM (where the code is): indices 0x400–0x41f.
  for (let i = 0; i < 32; i++) set(0x400 + i, (RAM + BigInt(i) * 0x200_0000n) | BLOCK);
  set(1, ALIAS_PA | BLOCK);
  set(3, OUTSIDE_PA | BLOCK);
  return t;
}

interface Results {
  mmuOff: bigint[];
  mmuOn: bigint[];
  pars: bigint[];
  walks: bigint[];
}

test('P_HV_TRANSLATE: the VA itself with the guest MMU off; stage 1 and stage 1+2 through the guest tables with it on, PAR stored (§10.3)', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  await host.client.memWrite(TABLE, stage1Table());
  await host.upload(CODE, GUEST);
  const r: Results = { mmuOff: [], mmuOn: [], pars: [], walks: [] };
  const par = async (): Promise<bigint> => host.proxy.read64(PAR_AT);
  let stops = 0;
  host.onSession(async (_msg, ctx: ExcInfo | null) => {
    if (ctx?.ec !== EC.BRK || ctx.reg(0) !== 1n) return Exit.EXIT_GUEST;
    stops++;
    if (stops === 1) {
      r.mmuOff.push(await host.proxy.hvTranslate(ALIAS_VA + 0x123n, true, false, PAR_AT));
      r.mmuOff.push(await host.proxy.hvTranslate(0x1234_5678n, false, true, 0n));
      ctx.setReg(3, 0xffn);
      ctx.setReg(4, TCR);
      ctx.setReg(5, TABLE);
    } else {
      await host.proxy.write64(PAR_AT, 0x5555n);
      r.mmuOn.push(await host.proxy.hvTranslate(ALIAS_VA + 0x123n, true, false, PAR_AT));
      r.pars.push(await par());
      r.mmuOn.push(await host.proxy.hvTranslate(ALIAS_VA + 0x3ff8n, false, true, PAR_AT));
      r.pars.push(await par());
      r.mmuOn.push(await host.proxy.hvTranslate(UNMAPPED_VA + 0x10n, true, false, PAR_AT));
      r.pars.push(await par());
      r.mmuOn.push(await host.proxy.hvTranslate(OUTSIDE_VA + 0x20n, true, false, 0n));
      r.mmuOn.push(await host.proxy.hvTranslate(OUTSIDE_VA + 0x20n, false, false, PAR_AT));
      r.pars.push(await par());
      r.mmuOn.push(await host.proxy.hvTranslate(CODE + 0x44n, false, false, 0n));
    }
    ctx.elr += 4n; // §9.2: forwarded exceptions do not advance ELR
    return Exit.HANDLED;
  });
  await host.proxy.hvStart(CODE);
  t.is(stops, 2);
  t.deepEqual(r.mmuOff, [ALIAS_VA + 0x123n, 0x1234_5678n], 'MMU off: the VA itself');
  t.deepEqual(r.mmuOn, [ALIAS_PA + 0x123n, ALIAS_PA + 0x3ff8n, 0n, OUTSIDE_PA + 0x20n, 0n, CODE + 0x44n]);
  const [p1, p2, pUnmapped, pStage2] = r.pars;
  t.is(p1! & 1n, 0n, 'PAR.F = 0');
  t.is(p1! & 0xf_ffff_ffff_f000n, ALIAS_PA, 'PAR.PA');
  t.is(p2! & 0xf_ffff_ffff_f000n, ALIAS_PA + 0x3000n);
  t.is(pUnmapped! & 1n, 1n, 'a stage-1 fault: PAR.F = 1 stored');
  t.is(pStage2! & 1n, 1n, 'a stage-2 fault (no stage-2 map for the PA): PAR.F = 1 stored');
});

const SW_PAGE = 0x8_2000_0000n;
const SW_TO = 0x8_3000_0000n;
const HOOK_PAGE = 0x8_2000_4000n;
const L4_PAGE = 0x8_2000_8000n;
const PROXY_HOOK_R = 0x0008_0000_0000_0000n;

test('P_HV_PT_WALK returns each kind of descriptor as §10.3 describes', async (t) => {
  const host = await HvHost.start(t, { cpus: 1 });
  await host.proxy.hvMap(SW_PAGE, SW_TO, 0x4000n, 1n);
  await host.proxy.hvMap(HOOK_PAGE, PROXY_HOOK_RW | (5n << 2n), 0x4000n, 0n);
  await host.proxy.hvMap(L4_PAGE + 0x100n, PROXY_HOOK_R | (9n << 2n), 4n, 0n);
  await host.tlbi();
  // HW RAM map (RAM | 0x7fd): attribute bits 13:2 cleared, offset ORed in. Bit 1 is the
  // block/page bit the firmware chose (a 32 MiB block or a 16 KiB page), so it is masked.
  t.is((await host.proxy.hvPtWalk(CODE + 0x124n)) & ~2n, CODE | 0x125n);
  t.is(await host.proxy.hvPtWalk(SW_PAGE + 0x10n), SW_TO + 0x10n, 'software MAP: the target advanced by the offset');
  t.is(await host.proxy.hvPtWalk(HOOK_PAGE + 0x40n), PROXY_HOOK_RW | (5n << 2n), 'proxy hook: as stored');
  t.is(await host.proxy.hvPtWalk(L4_PAGE + 0x100n), PROXY_HOOK_R | (9n << 2n) | 2n, 'L4 entry: as stored, bit 1 set');
  t.is(await host.proxy.hvPtWalk(L4_PAGE + 0x200n), (L4_PAGE + 0x200n) | 2n, 'the rest of a refined HW page: a software MAP to the same PA (§10.2)');
  t.is(await host.proxy.hvPtWalk(0x1_0000_0000n), 0n, 'unmapped');
});

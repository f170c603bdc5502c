// The j274 devices as a host sees them over the pty (apple-devices §2, §8, §9.4): addresses and
// values from the spec; the host uses only m1n1 proxy ops.
import test from 'ava';
import { gzipSync } from 'node:zlib';
import { ptyRig, SCRATCH } from '../link/helpers.ts';
import { parseCpuFeatures, CPU_FEATURES_SIZE, M1_CPU_FEATURES } from '../../core/formats/cpu-features.ts';
import { parseBootArgs, bootArgsSize, adtPhysAddress } from '../../core/formats/boot-args.ts';
import { parseAdt, getNode, adtRegPhys } from '../../core/formats/adt/index.ts';

const AIC = 0x23b100000n;
const PMGR = 0x23b700000n;
const CPU_IMPL_4 = 0x211050000n; // apple-devices §8.1, CPU 4

test('the AIC answers at 0x23b100000: 896 IRQs, WHOAMI of the proxy CPU, masks read back', async (t) => {
  const rig = await ptyRig(t);
  const { proxy } = await rig.connect();
  t.is((await proxy.read32(AIC + 0x4n)) & 0xffffn, 896n);
  t.is(await proxy.read32(AIC + 0x2000n), 0n, 'the boot CPU serves the proxy');
  // MASK_CLR then MASK_SET for IRQ 605 (word 605 >> 5 = 18, bit 605 & 31 = 29)
  await proxy.write32(AIC + 0x4180n + 18n * 4n, 1n << 29n);
  t.is(((await proxy.read32(AIC + 0x4100n + 18n * 4n)) >> 29n) & 1n, 0n, 'unmasked');
  await proxy.write32(AIC + 0x4100n + 18n * 4n, 1n << 29n);
  t.is(((await proxy.read32(AIC + 0x4100n + 18n * 4n)) >> 29n) & 1n, 1n, 'masked');
});

test("every core's RVBAR holds m1n1's secondary entry, and PMGR start releases it into m1n1's spin loop", async (t) => {
  const rig = await ptyRig(t);
  const { proxy } = await rig.connect();
  const base = await proxy.getBase();
  const rvbar = await proxy.read64(CPU_IMPL_4);
  t.true(rvbar >= base && rvbar < base + 0x100000n, `RVBAR 0x${rvbar.toString(16)} inside m1n1 at 0x${base.toString(16)}`);
  t.false(await proxy.smpIsAlive(4));
  // m1n1's start sequence (apple-devices §8.4): +0x54000 + 0x4 = 1 << (4·cluster+core), +0x8 + 4·cluster = 1 << core.
  await proxy.write32(PMGR + 0x54004n, 1n << 4n);
  await proxy.write32(PMGR + 0x54008n + 4n, 1n);
  t.true(await proxy.smpIsAlive(4));
  t.is((await proxy.read64(CPU_IMPL_4 + 0x100n)) & 0xffn, 0xffn, 'status: running');
});

test('P_GET_BOOTARGS leads to iBoot-style boot_args and a j274 device tree the host can parse (§8.1, §8.4, apple-devices §9)', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  const addr = await proxy.getBootargs();
  const args = parseBootArgs(await client.memRead(addr, bootArgsSize(2)));
  t.is(args.physBase, 0x8_0000_0000n);
  t.is(args.topOfKernelData, (await proxy.heapblockAlloc(0n)) & ~0x3fn, "m1n1's heap starts at top_of_kernel_data (§6.8)");
  const adt = parseAdt(await client.memRead(adtPhysAddress(args), args.devtreeSize));
  t.is(adt.u32('#address-cells'), 2);
  t.is(getNode(adt, '/chosen').u32('chip-id'), 0x8103);
  t.is(getNode(adt, '/chosen').u32('board-id'), 0x22);
  t.is(adtRegPhys(getNode(adt, '/arm-io/aic'), 0).addr, AIC);
  const uart = getNode(adt, '/arm-io/uart0');
  t.is(adtRegPhys(uart, 0).addr, 0x235200000n);
  t.is(uart.u32Array('interrupts')[0], 605);
  t.is(getNode(adt, '/cpus/cpu4').u32('cluster-id'), 1);
});

test('the extra firmware ops are served on the machine: CPU features (§8.3) and P_GZDEC of a gzip upload (§6.6)', async (t) => {
  const rig = await ptyRig(t);
  const { client, proxy } = await rig.connect();
  const ptr = await proxy.getCpuFeatures();
  t.deepEqual(parseCpuFeatures(await client.memRead(ptr, CPU_FEATURES_SIZE)), M1_CPU_FEATURES);
  const plain = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);
  const packed = gzipSync(plain, { level: 1 });
  await client.memWrite(SCRATCH, packed);
  t.is(await proxy.gzdec(SCRATCH, packed.length, SCRATCH + 0x100000n, 0x100000), plain.length);
  t.deepEqual(await client.memRead(SCRATCH + 0x100000n, plain.length), plain);
});

// Connection bootstrap and hypervisor preparation against the virtual M1 (spec §13.1, §13.2,
// §9.1): what the host learns, and the register values it leaves, read back through sysreg exec.
import test from 'ava';
import { pmgrPowerStateRegs } from '../../core/hv/handlers/pmgr-power.ts';
import { hvRig } from './helpers.ts';

test.serial('pty: bootstrap reads the M1, boot_args and the ADT; HV init leaves §9.1 values in HCR/HACR/MDCR/MDSCR', async (t) => {
  const hv = await (await hvRig(t)).hypervisor();
  const info = hv.info;
  t.is(info.chipId, 0x8103);
  t.is(info.iodev, 4, 'USB0');
  t.true(info.features?.appleSysregsUnlocked);
  t.true([1, 2, 3].includes(info.bootArgs.revision));
  t.is(info.adt.name, 'device-tree');
  t.true(info.heapTop >= info.bootArgs.topOfKernelData);
  const [hcr, hacr, mdcr, mdscr] = await hv.sysregs.run([
    { kind: 'read', reg: 'HCR_EL2' },
    { kind: 'read', reg: 'HACR_EL2' },
    { kind: 'read', reg: 'MDCR_EL2' },
    { kind: 'read', reg: 'MDSCR_EL1' },
  ]);
  t.is(hcr, 0x0080_0324_8020_0029n, 'P_HV_INIT value + TACR, FMO, TTLBOS; IMO, TIDCP, TVM clear (§9.1)');
  t.is(hacr, 0x0217_0000_0001_4000n);
  t.is(mdcr, 0xf00n);
  t.is(mdscr, 0x8000n);
  const names = [...pmgrPowerStateRegs(hv.host).keys()];
  t.true(names.includes('UART0'), `the UART0 power state is found in /arm-io/pmgr devices (${names.join(', ')})`);
  t.is(info.adt.child('defaults')?.bytes('serial-device').length, 4, 'the guest console is uart0 (§13.2 step 10)');
  t.is(hv.state, 'ready');
  await t.throwsAsync(hv.start(), { message: /no guest loaded/ });
});

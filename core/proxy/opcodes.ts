// Layer: core/proxy. The one table of every m1n1 proxy opcode (spec §6.1–§6.12) with the
// metadata the typed client needs. Pure data; imports nothing.
//
// Spelling follows the spec, not the Python host (§6.1: the spec's `P_SMP_CALL_EL1_SYNC` is
// Python's `P_SMP_CALL_SYNC_EL1`; `P_TUNABLES_APPLY_LOCAL_ADDR` (0xA02) is missing in Python,
// §15.2).

/** Families follow the groups of spec §6.1 (the high byte of the opcode). */
export type OpcodeFamily =
  | 'system'
  | 'register'
  | 'memory'
  | 'cache-mmu'
  | 'decompress'
  | 'smp'
  | 'heap'
  | 'kboot'
  | 'pmgr'
  | 'iodev'
  | 'tunables'
  | 'dart'
  | 'hv'
  | 'fb'
  | 'pcie'
  | 'nvme'
  | 'mcc'
  | 'display'
  | 'dapf'
  | 'cpufreq';

/**
 * How the target replies (§4.2):
 * - `normal`: one reply as soon as the op is done;
 * - `none`: no reply at all (P_REBOOT, P_SLEEP): never wait;
 * - `runs-guest`: the reply comes only when the guest exits (P_HV_START); callbacks and events
 *   arrive while it is outstanding; no timeout;
 * - `exits`: a normal reply, after which the proxy session ends (P_EXIT, P_VECTOR, P_KBOOT_BOOT);
 * - `long`: a normal reply that may take seconds (decompression, synchronous SMP calls, udelay,
 *   display bring-up): no timeout, or a long one.
 */
export type ReplyKind = 'normal' | 'none' | 'runs-guest' | 'exits' | 'long';

/**
 * What the u64 return value means:
 * - `zero`: the target always returns 0;
 * - `u64`: an unsigned value (register value, x0 of a called function, SCTLR, descriptor…);
 * - `pointer`: a target address, 0 usually meaning failure;
 * - `count`: an unsigned small number (bytes, exception count, chip id, iodev);
 * - `bool`: 0 / non-zero;
 * - `status`: a C `int` status, 0 ok / negative error (read as signed);
 * - `s64`: a signed 64-bit value (P_XZDEC, P_GZDEC: length or error, §6.6).
 */
export type ReturnKind = 'zero' | 'u64' | 'pointer' | 'count' | 'bool' | 'status' | 's64';

type Row = readonly [name: string, opcode: number, family: OpcodeFamily, returns: ReturnKind, reply: ReplyKind, description: string];

const TABLE = [
  // §6.2 system (0x000)
  ['P_NOP', 0x000, 'system', 'zero', 'normal', 'no operation'],
  ['P_EXIT', 0x001, 'system', 'zero', 'exits', 'a0 exit code (0 becomes 1); ends the session after the reply'],
  ['P_CALL', 0x002, 'system', 'u64', 'normal', 'a0 func, a1..a5 x0..x4; runs at EL2, returns x0'],
  ['P_GET_BOOTARGS', 0x003, 'system', 'pointer', 'normal', 'physical address of boot_args'],
  ['P_GET_BASE', 0x004, 'system', 'pointer', 'normal', 'load address of the m1n1 image'],
  ['P_SET_BAUD', 0x005, 'system', 'zero', 'normal', 'a0 baud, a1 repeat, a2 pattern; replies at the new rate'],
  ['P_UDELAY', 0x006, 'system', 'zero', 'long', 'a0 microseconds busy wait'],
  ['P_SET_EXC_GUARD', 0x007, 'system', 'zero', 'normal', 'a0 session guard; zeroes the exception counter'],
  ['P_GET_EXC_COUNT', 0x008, 'system', 'count', 'normal', 'exception counter, then zeroes it'],
  ['P_EL0_CALL', 0x009, 'system', 'u64', 'normal', 'a0 func, a1..a4 x0..x3; runs at EL0'],
  ['P_EL1_CALL', 0x00a, 'system', 'u64', 'normal', 'a0 func, a1..a4 x0..x3; runs at EL1'],
  ['P_VECTOR', 0x00b, 'system', 'zero', 'exits', 'a0 entry, a1..a5 x0..x4; tears down and jumps to the next stage'],
  ['P_GL1_CALL', 0x00c, 'system', 'u64', 'normal', 'a0 func, a1..a4 x0..x3; runs in GL1'],
  ['P_GL2_CALL', 0x00d, 'system', 'u64', 'normal', 'a0 func, a1..a4 x0..x3; runs in GL2'],
  ['P_GET_SIMD_STATE', 0x00e, 'system', 'zero', 'normal', 'a0 512-byte buffer <- q0..q31'],
  ['P_PUT_SIMD_STATE', 0x00f, 'system', 'zero', 'normal', 'a0 512-byte buffer -> q0..q31'],
  ['P_REBOOT', 0x010, 'system', 'zero', 'none', 'resets the machine; no reply'],
  ['P_SLEEP', 0x011, 'system', 'zero', 'none', 'a0 deep; CPU sleeps forever; no reply'],
  ['P_EL3_CALL', 0x012, 'system', 'u64', 'normal', 'a0 func, a1..a4 x0..x3; runs at EL3'],
  ['P_GET_CHIPID', 0x013, 'system', 'count', 'normal', 'SoC chip id (0x8103 on M1)'],
  ['P_GET_CPU_FEATURES', 0x014, 'system', 'pointer', 'normal', 'a0 expected size (20); pointer to the feature struct or 0'],
  // §6.3 register access (0x100)
  ['P_WRITE64', 0x100, 'register', 'zero', 'normal', 'a0 addr, a1 value: 64-bit store (guard SKIP)'],
  ['P_WRITE32', 0x101, 'register', 'zero', 'normal', 'a0 addr, a1 value: 32-bit store (guard SKIP)'],
  ['P_WRITE16', 0x102, 'register', 'zero', 'normal', 'a0 addr, a1 value: 16-bit store (guard SKIP)'],
  ['P_WRITE8', 0x103, 'register', 'zero', 'normal', 'a0 addr, a1 value: 8-bit store (guard SKIP)'],
  ['P_READ64', 0x104, 'register', 'u64', 'normal', 'a0 addr: 64-bit load (guard MARK)'],
  ['P_READ32', 0x105, 'register', 'u64', 'normal', 'a0 addr: 32-bit load (guard MARK)'],
  ['P_READ16', 0x106, 'register', 'u64', 'normal', 'a0 addr: 16-bit load (guard MARK)'],
  ['P_READ8', 0x107, 'register', 'u64', 'normal', 'a0 addr: 8-bit load (guard MARK)'],
  ['P_SET64', 0x108, 'register', 'u64', 'normal', 'a0 addr, a1 bits: OR, returns the new value'],
  ['P_SET32', 0x109, 'register', 'u64', 'normal', 'a0 addr, a1 bits: OR, returns the new value'],
  ['P_SET16', 0x10a, 'register', 'u64', 'normal', 'a0 addr, a1 bits: OR, returns the new value'],
  ['P_SET8', 0x10b, 'register', 'u64', 'normal', 'a0 addr, a1 bits: OR, returns the new value'],
  ['P_CLEAR64', 0x10c, 'register', 'u64', 'normal', 'a0 addr, a1 bits: AND-NOT, returns the new value'],
  ['P_CLEAR32', 0x10d, 'register', 'u64', 'normal', 'a0 addr, a1 bits: AND-NOT, returns the new value'],
  ['P_CLEAR16', 0x10e, 'register', 'u64', 'normal', 'a0 addr, a1 bits: AND-NOT, returns the new value'],
  ['P_CLEAR8', 0x10f, 'register', 'u64', 'normal', 'a0 addr, a1 bits: AND-NOT, returns the new value'],
  ['P_MASK64', 0x110, 'register', 'u64', 'normal', 'a0 addr, a1 clear, a2 set: returns the new value'],
  ['P_MASK32', 0x111, 'register', 'u64', 'normal', 'a0 addr, a1 clear, a2 set: returns the new value'],
  ['P_MASK16', 0x112, 'register', 'u64', 'normal', 'a0 addr, a1 clear, a2 set: returns the new value'],
  ['P_MASK8', 0x113, 'register', 'u64', 'normal', 'a0 addr, a1 clear, a2 set: returns the new value'],
  ['P_WRITEREAD64', 0x114, 'register', 'u64', 'normal', 'a0 addr, a1 value: store then load'],
  ['P_WRITEREAD32', 0x115, 'register', 'u64', 'normal', 'a0 addr, a1 value: store then load'],
  ['P_WRITEREAD16', 0x116, 'register', 'u64', 'normal', 'a0 addr, a1 value: store then load'],
  ['P_WRITEREAD8', 0x117, 'register', 'u64', 'normal', 'a0 addr, a1 value: store then load'],
  // §6.4 block memory (0x200)
  ['P_MEMCPY64', 0x200, 'memory', 'zero', 'normal', 'a0 dst, a1 src, a2 size: copy in 64-bit units'],
  ['P_MEMCPY32', 0x201, 'memory', 'zero', 'normal', 'a0 dst, a1 src, a2 size: copy in 32-bit units'],
  ['P_MEMCPY16', 0x202, 'memory', 'zero', 'normal', 'a0 dst, a1 src, a2 size: copy in 16-bit units'],
  ['P_MEMCPY8', 0x203, 'memory', 'zero', 'normal', 'a0 dst, a1 src, a2 size: copy bytes'],
  ['P_MEMSET64', 0x204, 'memory', 'zero', 'normal', 'a0 dst, a1 value, a2 size: fill with 64-bit value'],
  ['P_MEMSET32', 0x205, 'memory', 'zero', 'normal', 'a0 dst, a1 value, a2 size: fill with 32-bit value'],
  ['P_MEMSET16', 0x206, 'memory', 'zero', 'normal', 'a0 dst, a1 value, a2 size: fill with 16-bit value'],
  ['P_MEMSET8', 0x207, 'memory', 'zero', 'normal', 'a0 dst, a1 value, a2 size: fill with a byte'],
  // §6.5 cache and MMU (0x300)
  ['P_IC_IALLUIS', 0x300, 'cache-mmu', 'zero', 'normal', 'invalidate all I-caches, inner shareable'],
  ['P_IC_IALLU', 0x301, 'cache-mmu', 'zero', 'normal', 'invalidate all I-caches'],
  ['P_IC_IVAU', 0x302, 'cache-mmu', 'zero', 'normal', 'a0 addr, a1 size: I-cache invalidate by VA'],
  ['P_DC_IVAC', 0x303, 'cache-mmu', 'zero', 'normal', 'a0 addr, a1 size: D-cache invalidate by VA'],
  ['P_DC_ISW', 0x304, 'cache-mmu', 'zero', 'normal', 'a0 set/way: D-cache invalidate'],
  ['P_DC_CSW', 0x305, 'cache-mmu', 'zero', 'normal', 'a0 set/way: D-cache clean'],
  ['P_DC_CISW', 0x306, 'cache-mmu', 'zero', 'normal', 'a0 set/way: D-cache clean and invalidate'],
  ['P_DC_ZVA', 0x307, 'cache-mmu', 'zero', 'normal', 'a0 addr, a1 size: zero by VA'],
  ['P_DC_CVAC', 0x308, 'cache-mmu', 'zero', 'normal', 'a0 addr, a1 size: clean to PoC'],
  ['P_DC_CVAU', 0x309, 'cache-mmu', 'zero', 'normal', 'a0 addr, a1 size: clean to PoU'],
  ['P_DC_CIVAC', 0x30a, 'cache-mmu', 'zero', 'normal', 'a0 addr, a1 size: clean and invalidate to PoC'],
  ['P_MMU_SHUTDOWN', 0x30b, 'cache-mmu', 'zero', 'normal', "turns m1n1's EL2 MMU off"],
  ['P_MMU_INIT', 0x30c, 'cache-mmu', 'zero', 'normal', "turns m1n1's EL2 MMU on"],
  ['P_MMU_DISABLE', 0x30d, 'cache-mmu', 'u64', 'normal', 'disables MMU and caches; returns the previous SCTLR'],
  ['P_MMU_RESTORE', 0x30e, 'cache-mmu', 'zero', 'normal', 'a0 SCTLR value from P_MMU_DISABLE'],
  ['P_MMU_INIT_SECONDARY', 0x30f, 'cache-mmu', 'zero', 'normal', 'a0 cpu: MMU init on a secondary'],
  // §6.6 decompression (0x400)
  ['P_XZDEC', 0x400, 'decompress', 's64', 'long', 'a0 src, a1 src size, a2 dst, a3 capacity: length or -1'],
  ['P_GZDEC', 0x401, 'decompress', 's64', 'long', 'a0 src, a1 src size, a2 dst, a3 capacity: length or error code'],
  // §6.7 SMP (0x500)
  ['P_SMP_START_SECONDARIES', 0x500, 'smp', 'zero', 'normal', "secondaries enter m1n1's spin loop"],
  ['P_SMP_CALL', 0x501, 'smp', 'zero', 'normal', 'a0 cpu, a1 func, a2..a5 x0..x3; asynchronous'],
  ['P_SMP_CALL_SYNC', 0x502, 'smp', 'u64', 'long', "a0 cpu, a1 func, a2..a5 x0..x3; returns func's x0"],
  ['P_SMP_WAIT', 0x503, 'smp', 'u64', 'long', 'a0 cpu: waits for and returns the last call result'],
  ['P_SMP_SET_WFE_MODE', 0x504, 'smp', 'zero', 'normal', 'a0 bool: secondaries wait with WFE'],
  ['P_SMP_IS_ALIVE', 0x505, 'smp', 'bool', 'normal', "a0 cpu: 1 if running m1n1's loop"],
  ['P_SMP_STOP_SECONDARIES', 0x506, 'smp', 'zero', 'normal', 'a0 deep sleep bool'],
  ['P_SMP_CALL_EL1', 0x507, 'smp', 'zero', 'normal', 'a0 cpu, a1 func, a2..a4 x0..x2; at EL1, asynchronous'],
  ['P_SMP_CALL_EL1_SYNC', 0x508, 'smp', 'u64', 'long', "a0 cpu, a1 func, a2..a4 x0..x2; at EL1, returns x0"],
  ['P_SMP_CALL_EL0', 0x509, 'smp', 'zero', 'normal', 'a0 cpu, a1 func, a2..a4 x0..x2; at EL0, asynchronous'],
  ['P_SMP_CALL_EL0_SYNC', 0x50a, 'smp', 'u64', 'long', "a0 cpu, a1 func, a2..a4 x0..x2; at EL0, returns x0"],
  // §6.8 heap (0x600)
  ['P_HEAPBLOCK_ALLOC', 0x600, 'heap', 'pointer', 'normal', 'a0 size: bump allocation (0: current top)'],
  ['P_MALLOC', 0x601, 'heap', 'pointer', 'normal', 'a0 size: pointer or 0'],
  ['P_MEMALIGN', 0x602, 'heap', 'pointer', 'normal', 'a0 alignment, a1 size: pointer or 0'],
  ['P_FREE', 0x603, 'heap', 'zero', 'normal', 'a0 pointer'],
  // §6.9 kernel boot (0x700)
  ['P_KBOOT_BOOT', 0x700, 'kboot', 'zero', 'exits', 'a0 kernel entry; on success the session ends and the kernel starts'],
  ['P_KBOOT_SET_CHOSEN', 0x701, 'kboot', 'status', 'normal', 'a0 -> name, a1 -> value: /chosen property'],
  ['P_KBOOT_SET_INITRD', 0x702, 'kboot', 'zero', 'normal', 'a0 base, a1 size'],
  ['P_KBOOT_PREPARE_DT', 0x703, 'kboot', 'status', 'normal', 'a0 -> flattened device tree'],
  ['P_KBOOT_SET_UBOOT', 0x704, 'kboot', 'status', 'normal', 'a0 -> name, a1 -> value: u-boot variable'],
  // §6.10 power manager (0x800)
  ['P_PMGR_POWER_ENABLE', 0x800, 'pmgr', 'status', 'normal', 'a0 device id'],
  ['P_PMGR_POWER_DISABLE', 0x801, 'pmgr', 'status', 'normal', 'a0 device id'],
  ['P_PMGR_ADT_POWER_ENABLE', 0x802, 'pmgr', 'status', 'normal', 'a0 -> ADT path'],
  ['P_PMGR_ADT_POWER_DISABLE', 0x803, 'pmgr', 'status', 'normal', 'a0 -> ADT path'],
  ['P_PMGR_RESET', 0x804, 'pmgr', 'status', 'normal', 'a0 die, a1 -> device name'],
  // §6.10 iodev (0x900)
  ['P_IODEV_SET_USAGE', 0x900, 'iodev', 'zero', 'normal', 'a0 iodev, a1 usage bits'],
  ['P_IODEV_CAN_READ', 0x901, 'iodev', 'count', 'normal', 'a0 iodev: bytes available'],
  ['P_IODEV_CAN_WRITE', 0x902, 'iodev', 'bool', 'normal', 'a0 iodev'],
  ['P_IODEV_READ', 0x903, 'iodev', 'count', 'normal', 'a0 iodev, a1 buffer, a2 size: bytes read'],
  ['P_IODEV_WRITE', 0x904, 'iodev', 'count', 'normal', 'a0 iodev, a1 buffer, a2 size: bytes written'],
  ['P_IODEV_WHOAMI', 0x905, 'iodev', 'count', 'normal', 'current proxy iodev'],
  ['P_USB_IODEV_VUART_SETUP', 0x906, 'iodev', 'zero', 'normal', 'a0 USB iodev (4..11): bind USB_VUART to its pipe 1'],
  // §6.10 tunables (0xA00)
  ['P_TUNABLES_APPLY_GLOBAL', 0xa00, 'tunables', 'status', 'normal', 'a0 -> path, a1 -> property'],
  ['P_TUNABLES_APPLY_LOCAL', 0xa01, 'tunables', 'status', 'normal', 'a0 -> path, a1 -> property, a2 reg index'],
  ['P_TUNABLES_APPLY_LOCAL_ADDR', 0xa02, 'tunables', 'status', 'normal', 'a0 -> path, a1 -> property, a2 base address'],
  // §6.10 DART (0xB00)
  ['P_DART_INIT', 0xb00, 'dart', 'pointer', 'normal', 'a0 base, a1 sid, a2 keep page tables, a3 type: handle or 0'],
  ['P_DART_SHUTDOWN', 0xb01, 'dart', 'zero', 'normal', 'a0 handle'],
  ['P_DART_MAP', 0xb02, 'dart', 'status', 'normal', 'a0 handle, a1 iova, a2 buffer, a3 length'],
  ['P_DART_UNMAP', 0xb03, 'dart', 'zero', 'normal', 'a0 handle, a1 iova, a2 length'],
  // §6.11 hypervisor (0xC00)
  ['P_HV_INIT', 0xc00, 'hv', 'zero', 'normal', 'prepares the hypervisor'],
  ['P_HV_MAP', 0xc01, 'hv', 'zero', 'normal', 'a0 ipa, a1 descriptor, a2 size, a3 incr: stage-2 map'],
  ['P_HV_START', 0xc02, 'hv', 'zero', 'runs-guest', 'a0 entry, a1..a4 x0..x3: runs the guest; replies when it exits'],
  ['P_HV_TRANSLATE', 0xc03, 'hv', 'u64', 'normal', 'a0 va, a1 stage-1 only, a2 for write, a3 PAR out: address or 0'],
  ['P_HV_PT_WALK', 0xc04, 'hv', 'u64', 'normal', 'a0 ipa: stage-2 descriptor'],
  ['P_HV_MAP_VUART', 0xc05, 'hv', 'zero', 'normal', 'a0 base, a1 irq, a2 iodev'],
  ['P_HV_TRACE_IRQ', 0xc06, 'hv', 'bool', 'normal', 'a0 type, a1 irq, a2 count, a3 flags (1 trace): 1 ok'],
  ['P_HV_WDT_START', 0xc07, 'hv', 'zero', 'normal', 'a0 cpu dedicated to the watchdog'],
  ['P_HV_START_SECONDARY', 0xc08, 'hv', 'zero', 'normal', 'a0 cpu, a1 entry, a2..a5 x0..x3'],
  ['P_HV_SWITCH_CPU', 0xc09, 'hv', 'bool', 'normal', 'a0 cpu: 1 if the switch was initiated'],
  ['P_HV_SET_TIME_STEALING', 0xc0a, 'hv', 'zero', 'normal', 'a0 enabled, a1 reset offset'],
  ['P_HV_PIN_CPU', 0xc0b, 'hv', 'zero', 'normal', 'a0 cpu, -1 to unpin'],
  ['P_HV_WRITE_HCR', 0xc0c, 'hv', 'zero', 'normal', 'a0 HCR_EL2 value'],
  ['P_HV_MAP_VIRTIO', 0xc0d, 'hv', 'zero', 'normal', 'a0 base, a1 -> virtio config'],
  ['P_VIRTIO_PUT_BUFFER', 0xc0e, 'hv', 'zero', 'normal', 'a0 base, a1 queue, a2 descriptor index, a3 length'],
  ['P_HV_EXIT_CPU', 0xc0f, 'hv', 'zero', 'normal', 'a0 cpu, -1 for the calling CPU'],
  ['P_HV_ADD_TIME', 0xc10, 'hv', 'zero', 'normal', 'a0 signed ticks: guest clock jumps forward'],
  // §6.12 framebuffer (0xD00)
  ['P_FB_INIT', 0xd00, 'fb', 'zero', 'normal', 'a0 clear'],
  ['P_FB_SHUTDOWN', 0xd01, 'fb', 'zero', 'normal', 'a0 restore logo'],
  ['P_FB_BLIT', 0xd02, 'fb', 'zero', 'normal', 'a0 x, a1 y, a2 w, a3 h, a4 -> pixels, a5 stride | format << 32'],
  ['P_FB_UNBLIT', 0xd03, 'fb', 'zero', 'normal', 'a0 x, a1 y, a2 w, a3 h, a4 -> buffer, a5 stride'],
  ['P_FB_FILL', 0xd04, 'fb', 'zero', 'normal', 'a0 x, a1 y, a2 w, a3 h, a4 colour 0xRRGGBB'],
  ['P_FB_CLEAR', 0xd05, 'fb', 'zero', 'normal', 'a0 colour 0xRRGGBB'],
  ['P_FB_DISPLAY_LOGO', 0xd06, 'fb', 'zero', 'normal', 'draws the logo'],
  ['P_FB_RESTORE_LOGO', 0xd07, 'fb', 'zero', 'normal', 'restores the area under the logo'],
  ['P_FB_IMPROVE_LOGO', 0xd08, 'fb', 'zero', 'normal', 'redraws the logo'],
  // §6.12 PCIe (0xE00)
  ['P_PCIE_INIT', 0xe00, 'pcie', 'zero', 'normal', 'brings PCIe up'],
  ['P_PCIE_SHUTDOWN', 0xe01, 'pcie', 'zero', 'normal', 'shuts PCIe down'],
  // §6.12 NVMe (0xF00)
  ['P_NVME_INIT', 0xf00, 'nvme', 'bool', 'normal', 'brings NVMe up'],
  ['P_NVME_SHUTDOWN', 0xf01, 'nvme', 'zero', 'normal', 'shuts NVMe down'],
  ['P_NVME_READ', 0xf02, 'nvme', 'bool', 'normal', 'a0 namespace, a1 LBA, a2 buffer'],
  ['P_NVME_FLUSH', 0xf03, 'nvme', 'bool', 'normal', 'a0 namespace'],
  // §6.12 MCC (0x1000)
  ['P_MCC_GET_CARVEOUTS', 0x1000, 'mcc', 'pointer', 'normal', 'pointer to {u64 base, u64 size}[] ending with base 0'],
  // §6.12 display (0x1100)
  ['P_DISPLAY_INIT', 0x1100, 'display', 'status', 'long', 'brings the display up'],
  ['P_DISPLAY_CONFIGURE', 0x1101, 'display', 'status', 'long', 'a0 -> config string'],
  ['P_DISPLAY_SHUTDOWN', 0x1102, 'display', 'zero', 'normal', 'a0 mode (0 quiesced, 1 sleep if external, 2 sleep)'],
  ['P_DISPLAY_START_DCP', 0x1103, 'display', 'zero', 'normal', 'starts DCP'],
  ['P_DISPLAY_IS_EXTERNAL', 0x1104, 'display', 'bool', 'normal', 'whether the display is external'],
  // §6.12 DAPF (0x1200)
  ['P_DAPF_INIT_ALL', 0x1200, 'dapf', 'status', 'normal', 'initialises every DAPF'],
  ['P_DAPF_INIT', 0x1201, 'dapf', 'status', 'normal', 'a0 -> ADT path'],
  // §6.12 cpufreq (0x1300)
  ['P_CPUFREQ_INIT', 0x1300, 'cpufreq', 'status', 'normal', 'initialises cpufreq'],
] as const satisfies readonly Row[];

type TableRow = (typeof TABLE)[number];

/** Every opcode name, spelled as in the spec. */
export type OpcodeName = TableRow[0];

/** Name → number, with literal types: `OPCODES.P_READ32` has type `0x105`. */
export type OpcodeMap = { readonly [R in TableRow as R[0]]: R[1] };

export interface OpcodeInfo {
  readonly name: OpcodeName;
  readonly opcode: number;
  readonly family: OpcodeFamily;
  readonly reply: ReplyKind;
  readonly returns: ReturnKind;
  /** The return value is read as signed (§6.6 decompression, C `int` statuses). */
  readonly signed: boolean;
  readonly description: string;
}

export const OPCODE_INFOS: readonly OpcodeInfo[] = Object.freeze(
  TABLE.map(([name, opcode, family, returns, reply, description]) =>
    Object.freeze({ name, opcode, family, reply, returns, signed: returns === 'status' || returns === 's64', description }),
  ),
);

export const OPCODES: OpcodeMap = Object.freeze(
  Object.fromEntries(OPCODE_INFOS.map((i) => [i.name, i.opcode])),
) as OpcodeMap;

const BY_NUMBER = new Map<number, OpcodeInfo>(OPCODE_INFOS.map((i) => [i.opcode, i]));
const BY_NAME = new Map<string, OpcodeInfo>(OPCODE_INFOS.map((i) => [i.name, i]));

/** The spec name of an opcode number, or undefined for a number the spec does not define. */
export function opcodeName(opcode: number): OpcodeName | undefined {
  return BY_NUMBER.get(opcode)?.name;
}

/** Metadata by number or name; undefined when unknown. */
export function opcodeInfo(opcode: number | string): OpcodeInfo | undefined {
  return typeof opcode === 'number' ? BY_NUMBER.get(opcode) : BY_NAME.get(opcode);
}

/** For logs and errors: `P_READ32` or `0x5555` for an unknown number. */
export function formatOpcode(opcode: number): string {
  return opcodeName(opcode) ?? `0x${opcode.toString(16).padStart(3, '0')}`;
}

/** The M1n1Proxy method of an op: the name without `P_`, in camelCase (`P_SMP_CALL_EL1_SYNC` → `smpCallEl1Sync`). */
export function opcodeMethodName(name: OpcodeName): string {
  const [first = '', ...rest] = name.slice(2).toLowerCase().split('_');
  return first + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

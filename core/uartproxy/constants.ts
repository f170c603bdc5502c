// Layer: core/uartproxy. The wire constants of m1n1's uartproxy protocol, shared by the host
// side (core/uartproxy) and the firmware side (sim/firmware). Spec: m1n1-protocol.md §2, App. A.

/** Low 24 bits of every frame type word; on the wire `FF 55 AA`. */
export const SYNC_MARKER = 0x00aa55ff;
export const SYNC_BYTES = [0xff, 0x55, 0xaa] as const;

/** Frame type words (§2.1): the top byte selects the kind. */
export const FrameType = {
  REQ_NOP: 0x00aa55ff,
  REQ_PROXY: 0x01aa55ff,
  REQ_MEMREAD: 0x02aa55ff,
  REQ_MEMWRITE: 0x03aa55ff,
  REQ_BOOT: 0x04aa55ff,
  REQ_EVENT: 0x05aa55ff,
} as const;
export type FrameTypeName = keyof typeof FrameType;

export function frameTypeName(type: number): string {
  for (const [name, value] of Object.entries(FrameType)) if (value === type >>> 0) return name;
  return `0x${(type >>> 0).toString(16).padStart(8, '0')}`;
}

/** Sizes in bytes (§2.2–§2.4). */
export const REQUEST_SIZE = 64;
export const REQUEST_BODY_SIZE = 56;
export const REPLY_SIZE = 36;
export const REPLY_BODY_SIZE = 24;
export const EVENT_HEADER_SIZE = 8;
export const EVENT_TRAILER_SIZE = 4;

/** Frame status, s32 at reply offset 4 (§2.7). */
export const Status = {
  ST_OK: 0,
  ST_BADCMD: -1,
  ST_INVAL: -2,
  ST_XFRERR: -3,
  ST_CSUMERR: -4,
} as const;
export type StatusName = keyof typeof Status;

export function statusName(status: number): string {
  for (const [name, value] of Object.entries(Status)) if (value === status) return name;
  return `status ${status}`;
}

/** Proxy status, s64 at PROXY reply offset 0x10 (§2.7). */
export const ProxyStatus = { S_OK: 0n, S_BADCMD: -1n } as const;

/** Feature bits negotiated in REQ_NOP (§2.6). */
export const Feature = { DISABLE_DATA_CSUMS: 0x1n } as const;
export const ALL_FEATURES = 0x1n;

/** Placed in every data-checksum field when data checksums are disabled (§2.6). */
export const CHECKSUM_SENTINEL = 0xd0decade;
/** Trails MEMREAD/MEMWRITE data when data checksums are disabled (§2.6); wire `10 CC CA B0`. */
export const DATA_END_SENTINEL = 0xb0cacc10;

/** Event types in the event frame header (§2.4). */
export const EventType = { EVT_MMIOTRACE: 1, EVT_IRQTRACE: 2 } as const;

/** Reasons in a REQ_BOOT start message (§2.3, §9.3). */
export const StartReason = {
  START_BOOT: 0,
  START_EXCEPTION: 1,
  START_EXCEPTION_LOWER: 2,
  START_HV: 3,
} as const;

/** `code` of START_EXCEPTION / START_EXCEPTION_LOWER callbacks (§9.3). */
export const ExcCode = { SYNC: 0, IRQ: 1, FIQ: 2, SERROR: 3 } as const;

/** `code` of START_HV callbacks (§9.3). PANIC is defined but never produced by the firmware (§15). */
export const HvEvent = {
  HOOK_VM: 1,
  VTIMER: 2,
  USER_INTERRUPT: 3,
  WDT_BARK: 4,
  CPU_SWITCH: 5,
  VIRTIO: 6,
  PANIC: 7,
} as const;

/** MMIO access flags, shared by trace events and HOOK_VM data (§10.5, §10.6). */
export const MmioFlags = {
  WIDTH_MASK: 0x1f,
  WRITE: 1 << 5,
  MULTI: 1 << 6,
  SH_SHIFT: 14,
  CPU_SHIFT: 16,
  ATTR_SHIFT: 24,
} as const;

/** I/O device numbers (§1.1). */
export const Iodev = {
  UART: 0,
  DOCKCHANNEL_UART: 1,
  FB: 2,
  USB_VUART: 3,
  USB0: 4,
  USB1: 5,
  USB2: 6,
  USB3: 7,
  USB4: 8,
  USB5: 9,
  USB6: 10,
  USB7: 11,
} as const;

/** Usage bits for P_IODEV_SET_USAGE (§1.1). */
export const IodevUsage = { CONSOLE: 0x1, UARTPROXY: 0x2 } as const;

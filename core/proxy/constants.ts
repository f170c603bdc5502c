// Layer: core/proxy. Values passed to or returned by proxy ops (spec §5, §6, App. A).
// Pure data; imports nothing.

/** Exception guard modes for P_SET_EXC_GUARD (§5). SILENT is a flag ORed onto a mode. */
export const Guard = { OFF: 0, SKIP: 1, MARK: 2, RETURN: 3, SILENT: 0x100 } as const;

/** What a faulting P_READ64 returns (P_READ32/16/8: truncated to the width), §5. */
export const GUARD_MARKER = 0xacce5515abad1dean;

/** m1n1's logical CPU indices are 0..MAX_CPUS-1 (§6.7). */
export const MAX_CPUS = 24;

/** P_GET_CPU_FEATURES takes the struct size the host expects (§6.2, §8.3). */
export const CPU_FEATURES_SIZE = 20;

/** q0..q31, 16 bytes each (§7.4). */
export const SIMD_STATE_SIZE = 512;

/** What the Python host sends with P_SET_BAUD: 16 repeats of bytes F0 A5 5A 00 (§6.2). */
export const SET_BAUD_REPEAT = 16;
export const SET_BAUD_PATTERN = 0x005aa5f0;

/** P_DART_INIT a3 (§6.10). */
export const DartType = { T8020: 0, T8110: 1, T6000: 2 } as const;
export type DartTypeValue = (typeof DartType)[keyof typeof DartType];

/** P_FB_BLIT pixel format, in bits 32.. of a5 (§6.12). */
export const PixelFormat = { XRGB: 0, XBGR: 1 } as const;
export type PixelFormatValue = (typeof PixelFormat)[keyof typeof PixelFormat];

/** P_DISPLAY_SHUTDOWN a0 (§6.12). */
export const DcpShutdownMode = { QUIESCED: 0, SLEEP_IF_EXTERNAL: 1, SLEEP: 2 } as const;
export type DcpShutdownModeValue = (typeof DcpShutdownMode)[keyof typeof DcpShutdownMode];

/** P_HV_TRACE_IRQ a0: the only AIC event type the firmware accepts (§6.11). */
export const AIC_EVENT_TYPE_HW = 1;

/* The DART (t8020) driver: apple-devices §6. One stream, two-level 16 KiB page tables in the DMA arena. */
#ifndef DART_H
#define DART_H

#include "types.h"

/* §6.1 registers. */
#define DART_STREAM_COMMAND     0x020
#define DART_STREAM_CMD_INVALIDATE BIT(20)
#define DART_STREAM_CMD_BUSY    BIT(2)
#define DART_STREAM_SELECT      0x034
#define DART_ERROR              0x040
#define DART_ERROR_FLAG         BIT(31)
#define DART_ERROR_ADDR_LO      0x050
#define DART_ERROR_ADDR_HI      0x054
#define DART_CONFIG             0x060
#define DART_CONFIG_LOCK        BIT(15)
#define DART_ENABLED_STREAMS    0x0fc
#define DART_TCR(sid)           (0x100 + 4 * (sid))
#define DART_TCR_TRANSLATE      BIT(7)
#define DART_TTBR(sid, n)       (0x200 + 16 * (sid) + 4 * (n))
#define DART_TTBR_VALID         BIT(31)

/* §6.3 PTEs: valid, sub-page protection off, the whole page (SP_END 0xfff) — as m1n1 builds them. */
#define DART_PTE_VALID          BIT(0)
#define DART_PTE_SP_DIS         BIT(1)
#define DART_PTE_SP_END_ALL     (0xfffUL << 40)
#define DART_PTE_ADDR(e)        ((e) & 0x000000ffffffc000UL)

struct dart {
    u64 base;
    u32 sid;
    u64 l1;          /* physical address of TTBR 0's L1 table */
    u64 next_iova;   /* bump allocator for mappings */
    u64 iova_end;
};

/* Sets up translation for `sid` (or adopts iBoot's tables if the DART is locked, §6.4). */
bool dart_init(struct dart *d, u64 base, u32 sid, u64 vm_base);
/* Maps [pa, pa+size) (16 KiB aligned) at a fresh IOVA; returns it, or 0 on failure. */
u64 dart_map(struct dart *d, u64 pa, u64 size);
/* §6.4 flush: STREAM_SELECT, STREAM_COMMAND.INVALIDATE, poll BUSY (bounded). */
bool dart_invalidate(struct dart *d);
/* ERROR (0 = no fault latched). */
u32 dart_error(const struct dart *d, u64 *addr);

#endif

/*
 * DART (t8020) driver and the DMA arena: apple-devices §6. The guest builds the page tables of
 * one stream itself, as Linux and m1n1 do: TTBR[sid][0] → a 16 KiB L1 table → 16 KiB L2 tables
 * → 16 KiB pages (§6.2), PTEs as m1n1 writes them (§6.3), then a TLB flush (§6.4).
 */
#include "dart.h"
#include "dma.h"
#include "kprintf.h"

static u64 arena_next = DMA_ARENA_BASE;

void dma_zero(u64 pa, u64 size)
{
    for (u64 off = 0; off < size; off += 8)
        write64(pa + off, 0);
}

u64 dma_alloc(u64 size)
{
    size = (size + DMA_PAGE - 1) & ~(DMA_PAGE - 1);
    if (size == 0 || size > DMA_ARENA_BASE + DMA_ARENA_SIZE - arena_next)
        return 0;
    u64 pa = arena_next;
    arena_next += size;
    dma_zero(pa, size);
    dsb();
    return pa;
}

bool dart_invalidate(struct dart *d)
{
    dsb();
    write32(d->base + DART_STREAM_SELECT, 1u << d->sid);
    write32(d->base + DART_STREAM_COMMAND, DART_STREAM_CMD_INVALIDATE);
    u64 deadline = timebase() + TIMEBASE_HZ / 10000; /* m1n1 allows 100 µs */
    while (read32(d->base + DART_STREAM_COMMAND) & DART_STREAM_CMD_BUSY) {
        if (timebase() > deadline)
            return false;
    }
    return true;
}

bool dart_init(struct dart *d, u64 base, u32 sid, u64 vm_base)
{
    d->base = base;
    d->sid = sid;
    /* §5.4: m1n1 hands out IOVAs from vm-base + 0x1000_0000 to vm-base + 0x2000_0000. */
    d->next_iova = vm_base + 0x10000000UL;
    d->iova_end = vm_base + 0x20000000UL;
    write32(base + DART_ERROR, 0xffffffff); /* clear any latched fault (write 1s, §6.1) */
    if (read32(base + DART_CONFIG) & DART_CONFIG_LOCK) {
        /* Locked by iBoot: TTBR/TCR are fixed; reuse its L1 table (§6.4). */
        u32 ttbr = read32(base + DART_TTBR(sid, 0));
        if (!(ttbr & DART_TTBR_VALID))
            return false;
        d->l1 = (u64)(ttbr & 0x7fffffff) << 12;
        return true;
    }
    d->l1 = dma_alloc(DMA_PAGE);
    if (!d->l1)
        return false;
    write32(base + DART_TTBR(sid, 0), (u32)(d->l1 >> 12) | DART_TTBR_VALID);
    for (u32 n = 1; n < 4; n++)
        write32(base + DART_TTBR(sid, n), 0);
    write32(base + DART_TCR(sid), DART_TCR_TRANSLATE);
    write32(base + DART_ENABLED_STREAMS, read32(base + DART_ENABLED_STREAMS) | (1u << sid));
    return dart_invalidate(d);
}

/* The L2 table behind L1 index `i1`, allocated on first use. */
static u64 l2_table(struct dart *d, u32 i1)
{
    u64 e1 = read64(d->l1 + 8 * i1);
    if (e1 & DART_PTE_VALID)
        return DART_PTE_ADDR(e1);
    u64 l2 = dma_alloc(DMA_PAGE);
    if (l2)
        write64(d->l1 + 8 * i1, l2 | DART_PTE_SP_DIS | DART_PTE_VALID);
    return l2;
}

u64 dart_map(struct dart *d, u64 pa, u64 size)
{
    size = (size + DMA_PAGE - 1) & ~(DMA_PAGE - 1);
    if ((pa & (DMA_PAGE - 1)) || size > d->iova_end - d->next_iova)
        return 0;
    u64 iova = d->next_iova;
    for (u64 off = 0; off < size; off += DMA_PAGE) {
        u64 va = iova + off;
        u64 l2 = l2_table(d, (u32)((va >> 25) & 0x7ff));
        if (!l2)
            return 0;
        write64(l2 + 8 * ((va >> 14) & 0x7ff), (pa + off) | DART_PTE_SP_END_ALL | DART_PTE_SP_DIS | DART_PTE_VALID);
    }
    d->next_iova += size;
    return dart_invalidate(d) ? iova : 0;
}

u32 dart_error(const struct dart *d, u64 *addr)
{
    u32 err = read32(d->base + DART_ERROR);
    if (addr)
        *addr = read32(d->base + DART_ERROR_ADDR_LO) | (u64)read32(d->base + DART_ERROR_ADDR_HI) << 32;
    return err;
}

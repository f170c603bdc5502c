/*
 * The guest's DMA arena and byte-wise access to memory a coprocessor shares (apple-devices §5.4,
 * §7.3). The MMU is off, so RAM is Device memory too: unaligned accesses fault, and packet fields
 * (a u64 right after a char[0x40]) are often unaligned, hence the byte-wise helpers.
 */
#ifndef DMA_H
#define DMA_H

#include "types.h"

/*
 * Model choice: 4 MiB at DRAM + 0x1100_0000, 16 MiB above the image (link.ld) and clear of
 * m1n1's heap, for page tables and buffers handed to coprocessors. Never freed.
 */
#define DMA_ARENA_BASE      (0x800000000UL + 0x11000000UL)
#define DMA_ARENA_SIZE      0x400000UL
#define DMA_PAGE            0x4000UL /* DART pages are 16 KiB (§6.2) */

/* `size` bytes rounded up to 16 KiB, 16 KiB aligned and zeroed; 0 when the arena is used up. */
u64 dma_alloc(u64 size);
void dma_zero(u64 pa, u64 size); /* pa and size multiples of 8 */

static inline u8 sm_r8(u64 a) { return *(volatile u8 *)a; }
static inline void sm_w8(u64 a, u8 v) { *(volatile u8 *)a = v; }
static inline u32 sm_r32(u64 a)
{
    return (u32)sm_r8(a) | (u32)sm_r8(a + 1) << 8 | (u32)sm_r8(a + 2) << 16 | (u32)sm_r8(a + 3) << 24;
}
static inline u64 sm_r64(u64 a) { return (u64)sm_r32(a) | (u64)sm_r32(a + 4) << 32; }
static inline void sm_w32(u64 a, u32 v)
{
    for (int i = 0; i < 4; i++)
        sm_w8(a + i, (u8)(v >> (8 * i)));
}
static inline void sm_w64(u64 a, u64 v)
{
    sm_w32(a, (u32)v);
    sm_w32(a + 4, (u32)(v >> 32));
}

#endif

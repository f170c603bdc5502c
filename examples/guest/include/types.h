/* Fixed-width types and MMIO/system-register access for a freestanding AArch64 guest. */
#ifndef TYPES_H
#define TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed int s32;
typedef signed long s64;
typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define BIT(n) (1UL << (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* MMIO: the MMU is off, so every data access is Device-nGnRnE; widths must be exact and aligned. */
static inline u32 read32(u64 addr) { return *(volatile u32 *)addr; }
static inline void write32(u64 addr, u32 v) { *(volatile u32 *)addr = v; }
static inline u64 read64(u64 addr) { return *(volatile u64 *)addr; }
static inline void write64(u64 addr, u64 v) { *(volatile u64 *)addr = v; }

/* System registers by name or by generic encoding (s3_5_c15_c0_0); the extra level expands macros. */
#define mrs_(reg) ({ u64 v_; __asm__ volatile("mrs %0, " #reg : "=r"(v_)); v_; })
#define msr_(reg, val) __asm__ volatile("msr " #reg ", %0" : : "r"((u64)(val)) : "memory")
#define mrs(reg) mrs_(reg)
#define msr(reg, val) msr_(reg, val)

static inline void dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dmb(void) { __asm__ volatile("dmb sy" ::: "memory"); }
static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #3" ::: "memory"); } /* I and F */
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #3" ::: "memory"); }

/* The 24 MHz timebase (CNTVCT_EL0; never trapped without ECV, m1n1-protocol §9.1). */
#define TIMEBASE_HZ 24000000UL
static inline u64 timebase(void) { isb(); return mrs(cntvct_el0); }

/* Logical CPU number from MPIDR: 4 * cluster (Aff1) + core (Aff0), apple-devices §8.1. */
static inline u32 mpidr_to_cpu(u64 mpidr) { return (u32)(((mpidr >> 8) & 0xff) * 4 + (mpidr & 0xff)); }
static inline u32 this_cpu(void) { return mpidr_to_cpu(mrs(mpidr_el1)); }

#endif

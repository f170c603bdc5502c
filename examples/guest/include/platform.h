/* Where the devices are (from the ADT or j274.h) and what each CPU has done (for the demo log). */
#ifndef PLATFORM_H
#define PLATFORM_H

#include "types.h"
#include "j274.h"

/* boot_args as iBoot lays it out (m1n1-protocol.md §8.1); only the fields the guest reads. */
struct boot_args {
    u16 revision;
    u16 version;
    u32 pad0;
    u64 virt_base;
    u64 phys_base;
    u64 mem_size;
    u64 top_of_kernel_data;
    u64 video[6];
    u32 machine_type;
    u32 pad1;
    u64 devtree;       /* virtual address of the ADT */
    u32 devtree_size;
    char cmdline[];    /* at 0x6C, NUL-padded (the length depends on the revision) */
};

struct cpu_desc {
    u32 cpu_id;        /* logical number 0..7 */
    u32 cluster;
    u32 core;
    u64 impl_base;     /* cpu-impl-reg[0]: RVBAR lives here */
    bool boot;         /* ADT state == "running" */
};

/* The display coprocessor and its DARTs (apple-devices §7, §9.4). */
struct dcp_desc {
    bool present;       /* false: the ADT has no /arm-io/dcp (the guest skips the DCP step) */
    u64 asc_base;       /* /arm-io/dcp reg[0]; mailbox at +0x8000 */
    u64 dart_base;      /* /arm-io/dart-dcp reg[0] */
    u64 disp0_dart_base;
    u64 dram_mask;      /* iop-dcp-nub asc-dram-mask */
    u64 vm_base;        /* dart-dcp vm-base (0 if absent) */
    u32 sid;            /* mapper-dcp reg */
    u64 disp0_reg5, disp0_reg6;
};

struct platform {
    const struct boot_args *boot_args;
    bool from_adt;      /* the addresses below came from the ADT, not j274.h */
    u64 uart_base;
    u64 aic_base;
    u64 gpio_base;
    u64 pmgr_base;
    u32 ncpus;
    struct cpu_desc cpus[J274_CPUS];
    struct dcp_desc dcp;
};

extern struct platform platform;

/* What each CPU has seen; written by that CPU's handlers, read by CPU 0 to wait and report. */
struct percpu {
    u64 mpidr;
    volatile u32 started;   /* set by the secondary once it said hello */
    volatile u32 ipi_other; /* AIC IPIs taken (type 4, NUM 1) */
    volatile u32 ipi_self;  /* AIC self IPIs taken (type 4, NUM 2) */
    volatile u32 fast_ipi;  /* fast IPIs taken (FIQ, IPI_SR.PENDING) */
    volatile u32 irqs;      /* hardware IRQs taken (type 1) */
};

extern struct percpu percpu[J274_CPUS];

/* adt.c: fills `platform` from boot_args' ADT; false (constants kept) if there is none. */
bool platform_from_adt(const struct boot_args *ba);
void platform_defaults(void);

/* Guest entry points in start.S. */
extern char _start[];
extern char exception_vectors[];

#endif

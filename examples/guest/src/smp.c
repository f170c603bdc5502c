/*
 * Secondary CPUs: started through PMGR as m1n1's smp.c does (apple-devices §8.4: RVBAR, then the
 * "core enabled" bit, then the cluster's start register), each says hello, then takes an AIC IPI
 * and a fast IPI from the boot CPU and parks in WFI. One CPU at a time, so their console lines
 * never interleave (no lock needed: the MMU is off and exclusives on Device memory are not
 * something to rely on).
 */
#include "aic.h"
#include "demo.h"
#include "kprintf.h"
#include "platform.h"

#define START_WAIT_TICKS (TIMEBASE_HZ / 10) /* m1n1 waits 100 ms */
#define IPI_WAIT_TICKS   (TIMEBASE_HZ / 100)

struct percpu percpu[J274_CPUS];

static bool wait_count(volatile u32 *counter, u32 value, u64 ticks)
{
    u64 start = timebase();
    while (*counter < value) {
        if (timebase() - start > ticks)
            return false;
        cpu_relax();
    }
    dmb();
    return true;
}

static bool start_cpu(const struct cpu_desc *d)
{
    u64 start_regs = platform.pmgr_base + PMGR_CPU_START_OFFSET;
    u64 rvbar = d->impl_base + CPU_IMPL_RVBAR;
    u64 cur = read64(rvbar);
    if (cur & RVBAR_LOCK)
        kprintf("smp: cpu%u RVBAR is locked at %lx; the host decides where it starts\n", d->cpu_id, cur & ~RVBAR_LOCK);
    else
        write64(rvbar, (u64)_start); /* plain address, LOCK clear, as m1n1 writes it */
    dsb();
    write32(start_regs + CPU_START_CORE_ENABLE, 1u << (4 * d->cluster + d->core));
    write32(start_regs + CPU_START_CLUSTER(d->cluster), 1u << d->core);
    dsb();
    return wait_count(&percpu[d->cpu_id].started, 1, START_WAIT_TICKS);
}

static void ipi_cpu(u32 cpu)
{
    u32 before = percpu[cpu].ipi_other;
    aic_send_ipi(cpu);
    demo_stats.ipis_sent++;
    if (!wait_count(&percpu[cpu].ipi_other, before + 1, IPI_WAIT_TICKS))
        demo_step_failed("AIC IPI to a secondary not taken");
    before = percpu[cpu].fast_ipi;
    aic_send_fast_ipi(cpu);
    demo_stats.fast_ipis_sent++;
    if (!wait_count(&percpu[cpu].fast_ipi, before + 1, IPI_WAIT_TICKS))
        demo_step_failed("fast IPI to a secondary not taken");
}

void smp_demo(void)
{
    u32 me = this_cpu();
    kprintf("smp: %u CPU(s) described; starting the others through PMGR at %lx\n", platform.ncpus,
            platform.pmgr_base + PMGR_CPU_START_OFFSET);
    for (u32 i = 0; i < platform.ncpus; i++) {
        const struct cpu_desc *d = &platform.cpus[i];
        if (d->boot || d->cpu_id == me || d->cpu_id >= J274_CPUS)
            continue;
        if (!start_cpu(d)) {
            kprintf("smp: cpu%u did not come up within 100 ms\n", d->cpu_id);
            continue;
        }
        demo_stats.cpus_started++;
        ipi_cpu(d->cpu_id);
    }
    kprintf("smp: %u secondary CPU(s) running\n", demo_stats.cpus_started);
}

/* Where each secondary parks: IPIs wake it, the handlers run, and it sleeps again. */
static void __attribute__((noreturn, noinline)) secondary_park(void)
{
    for (;;)
        wfi();
}

void secondary_main(u32 cpu)
{
    u64 mpidr = mrs(mpidr_el1);
    percpu[cpu].mpidr = mpidr;
    aic_init_cpu();
    kprintf("cpu%u: hello from MPIDR %lx (%s-core %lu of cluster %lu)\n", cpu, mpidr, (mpidr >> 8) & 0xff ? "P" : "E",
            mpidr & 0xff, (mpidr >> 8) & 0xff);
    dmb();
    percpu[cpu].started = 1;
    dsb();
    irq_enable();
    secondary_park();
}

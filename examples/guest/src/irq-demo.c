/* Demo step on the boot CPU alone: a software-raised IRQ behind the mask, a self IPI, a fast self IPI. */
#include "aic.h"
#include "demo.h"
#include "kprintf.h"
#include "platform.h"

#define WAIT_TICKS (TIMEBASE_HZ / 100) /* 10 ms */

static volatile u32 sw_irq_seen;

/* Handler for AIC_DEMO_SW_IRQ: drop the software assert so the line goes quiet. */
bool demo_sw_irq(u32 irq)
{
    aic_sw_clr(irq);
    kprintf("cpu%u: took software IRQ %u (EVENT 0x%x)\n", this_cpu(), irq, 0x10000 | irq);
    sw_irq_seen++;
    return true;
}

static bool wait_for(volatile u32 *counter, u32 value)
{
    u64 start = timebase();
    while (*counter < value) {
        if (timebase() - start > WAIT_TICKS)
            return false;
        cpu_relax();
    }
    return true;
}

void irq_demo(void)
{
    u32 cpu = this_cpu();

    /* Raise the IRQ while it is masked: nothing may arrive until it is unmasked. */
    aic_set_target(AIC_DEMO_SW_IRQ, cpu);
    aic_sw_set(AIC_DEMO_SW_IRQ);
    u64 start = timebase();
    while (timebase() - start < WAIT_TICKS / 10)
        cpu_relax();
    if (sw_irq_seen)
        demo_step_failed("a masked IRQ was delivered");
    kprintf("aic: IRQ %u raised by software while masked: not delivered (good); unmasking\n", AIC_DEMO_SW_IRQ);
    aic_unmask(AIC_DEMO_SW_IRQ);
    if (!wait_for(&sw_irq_seen, 1))
        demo_step_failed("software IRQ not delivered after unmask");
    aic_mask(AIC_DEMO_SW_IRQ);
    demo_stats.sw_irqs = sw_irq_seen;

    u32 before = percpu[cpu].ipi_self;
    aic_send_self_ipi();
    if (!wait_for(&percpu[cpu].ipi_self, before + 1))
        demo_step_failed("AIC self IPI not taken");

    before = percpu[cpu].fast_ipi;
    aic_send_fast_ipi(cpu);
    demo_stats.fast_ipis_sent++;
    if (!wait_for(&percpu[cpu].fast_ipi, before + 1))
        demo_step_failed("fast self IPI not taken");
}

/*
 * AIC1 driver (apple-devices §2): initialisation as mainline Linux does it (§2.6), the IRQ
 * handler loop (read EVENT — which acknowledges and masks — dispatch by type, unmask at end of
 * interrupt, until EVENT reads 0), MMIO IPIs (§2.4) and fast IPIs through the Apple system
 * registers (§2.5), which arrive as FIQ.
 */
#include "aic.h"
#include "kprintf.h"
#include "platform.h"

/* §2.5 fast-IPI system registers, by their generic encodings (op0,op1,CRn,CRm,op2). */
#define SYS_IPI_RR_LOCAL_EL1    s3_5_c15_c0_0
#define SYS_IPI_RR_GLOBAL_EL1   s3_5_c15_c0_1
#define SYS_IPI_SR_EL1          s3_5_c15_c1_1
#define IPI_SR_PENDING          1UL
#define IPI_RR_CLUSTER_SHIFT    16

/* CNT{P,V}_CTL_EL0 bits (ENABLE, IMASK, ISTATUS). */
#define CNT_CTL_ENABLE  BIT(0)
#define CNT_CTL_IMASK   BIT(1)
#define CNT_CTL_ISTATUS BIT(2)

static u32 nr_irqs;
/* IRQs software asked to keep masked: the handler loop does not unmask these at end of interrupt. */
static u32 sw_masked[1024 / 32];

static inline u32 aic_read(u32 off) { return read32(platform.aic_base + off); }
static inline void aic_write(u32 off, u32 v) { write32(platform.aic_base + off, v); }

u32 aic_nr_irqs(void)
{
    return nr_irqs;
}

void aic_init(void)
{
    nr_irqs = aic_read(AIC_INFO) & 0xffff;
    if (nr_irqs == 0 || nr_irqs > 1024)
        nr_irqs = 896; /* §2.7 rule 11: what M1 reports */
    for (u32 n = 0; n < nr_irqs; n += 32) {
        aic_write(AIC_MASK_SET(n), 0xffffffff);
        aic_write(AIC_SW_CLR(n), 0xffffffff);
        sw_masked[n >> 5] = 0xffffffff;
    }
    for (u32 n = 0; n < nr_irqs; n++)
        aic_write(AIC_TARGET_CPU(n), 1); /* everything to CPU 0 until told otherwise */
    dsb();
}

void aic_init_cpu(void)
{
    u32 cpu = this_cpu();
    msr(SYS_IPI_SR_EL1, IPI_SR_PENDING); /* clear a stale fast IPI */
    isb();
    u32 who = aic_read(AIC_WHOAMI);
    if (who != cpu)
        kprintf("cpu%u: AIC WHOAMI says %u (expected %u)\n", cpu, who, cpu);
    aic_write(AIC_IPI_ACK, AIC_IPI_SELF | AIC_IPI_OTHER);
    /* The demo takes both kinds of MMIO IPI as well as fast IPIs, so both are unmasked. */
    aic_write(AIC_IPI_MASK_CLR, AIC_IPI_SELF | AIC_IPI_OTHER);
    dsb();
}

void aic_mask(u32 irq)
{
    sw_masked[irq >> 5] |= AIC_IRQ_BIT(irq);
    aic_write(AIC_MASK_SET(irq), AIC_IRQ_BIT(irq));
}

void aic_unmask(u32 irq)
{
    sw_masked[irq >> 5] &= ~AIC_IRQ_BIT(irq);
    aic_write(AIC_MASK_CLR(irq), AIC_IRQ_BIT(irq));
}

void aic_sw_set(u32 irq) { aic_write(AIC_SW_SET(irq), AIC_IRQ_BIT(irq)); }
void aic_sw_clr(u32 irq) { aic_write(AIC_SW_CLR(irq), AIC_IRQ_BIT(irq)); }
void aic_set_target(u32 irq, u32 cpu) { aic_write(AIC_TARGET_CPU(irq), 1u << cpu); }

void aic_send_ipi(u32 cpu)
{
    dsb(); /* the receiver must see what we wrote before the IPI */
    aic_write(AIC_IPI_SEND, 1u << cpu);
}

void aic_send_self_ipi(void)
{
    dsb();
    aic_write(AIC_IPI_SEND, AIC_IPI_SELF);
}

void aic_send_fast_ipi(u32 cpu)
{
    u64 mine = mrs(mpidr_el1);
    u32 cluster = cpu >> 2, core = cpu & 3;
    dsb();
    if (((mine >> 8) & 0xff) == cluster)
        msr(SYS_IPI_RR_LOCAL_EL1, core); /* same cluster: Aff0 only */
    else
        msr(SYS_IPI_RR_GLOBAL_EL1, core | (u64)cluster << IPI_RR_CLUSTER_SHIFT);
    isb();
}

static bool dispatch_hw_irq(u32 irq)
{
    if (irq >= J274_GPIO_IRQ_BASE && irq < J274_GPIO_IRQ_BASE + J274_GPIO_GROUPS)
        return gpio_handle_irq(irq);
    if (irq == AIC_DEMO_SW_IRQ)
        return demo_sw_irq(irq);
    kprintf("cpu%u: unexpected IRQ %u; left masked\n", this_cpu(), irq);
    sw_masked[irq >> 5] |= AIC_IRQ_BIT(irq);
    return false;
}

static void handle_ipi(u32 cpu, u32 which)
{
    u32 bit = which == AIC_EVENT_IPI_SELF ? AIC_IPI_SELF : AIC_IPI_OTHER;
    aic_write(AIC_IPI_ACK, bit);
    /* Print before counting: the sender waits for the count and then prints itself. */
    if (which == AIC_EVENT_IPI_SELF) {
        kprintf("cpu%u: took an AIC self IPI (EVENT 0x40002)\n", cpu);
        dmb();
        percpu[cpu].ipi_self++;
    } else {
        kprintf("cpu%u: took an AIC IPI (EVENT 0x40001)\n", cpu);
        dmb();
        percpu[cpu].ipi_other++;
    }
    dsb();
    aic_write(AIC_IPI_MASK_CLR, bit); /* reading EVENT masked it (§2.7 rule 5) */
}

/* §2.6: the IRQ exception's handler loop. */
void aic_handle_irq(void)
{
    u32 cpu = this_cpu();
    for (;;) {
        u32 ev = aic_read(AIC_EVENT);
        u32 type = AIC_EVENT_TYPE(ev), num = AIC_EVENT_NUM(ev);
        if (ev == 0)
            break;
        if (type == AIC_EVENT_TYPE_HW && num < 1024) {
            percpu[cpu].irqs++;
            bool unmask = dispatch_hw_irq(num);
            if (unmask && !(sw_masked[num >> 5] & AIC_IRQ_BIT(num)))
                aic_write(AIC_MASK_CLR(num), AIC_IRQ_BIT(num));
        } else if (type == AIC_EVENT_TYPE_IPI && (num == AIC_EVENT_IPI_OTHER || num == AIC_EVENT_IPI_SELF)) {
            handle_ipi(cpu, num);
        } else {
            kprintf("cpu%u: unknown AIC event %x\n", cpu, ev);
        }
    }
}

static void quiet_timer_if_firing(bool virt)
{
    u64 ctl = virt ? mrs(cntv_ctl_el0) : mrs(cntp_ctl_el0);
    if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) != (CNT_CTL_ENABLE | CNT_CTL_ISTATUS))
        return;
    /* The demo arms no timer; a firing one would be an FIQ storm, so mask it. */
    if (virt)
        msr(cntv_ctl_el0, ctl | CNT_CTL_IMASK);
    else
        msr(cntp_ctl_el0, ctl | CNT_CTL_IMASK);
    kprintf("cpu%u: masked a firing %s timer\n", this_cpu(), virt ? "virtual" : "physical");
}

/* §2.6 FIQ handler: there is no FIQ controller, so poll each source. */
void aic_handle_fiq(void)
{
    u32 cpu = this_cpu();
    if (mrs(SYS_IPI_SR_EL1) & IPI_SR_PENDING) {
        msr(SYS_IPI_SR_EL1, IPI_SR_PENDING); /* write 1 to clear */
        isb();
        kprintf("cpu%u: took a fast IPI (FIQ, IPI_SR_EL1.PENDING)\n", cpu);
        dmb();
        percpu[cpu].fast_ipi++;
    }
    quiet_timer_if_firing(true);
    quiet_timer_if_firing(false);
}

/* The Apple Interrupt Controller (AIC1) driver: apple-devices §2. */
#ifndef AIC_H
#define AIC_H

#include "types.h"

/* §2.2 register offsets from the AIC base. */
#define AIC_INFO            0x0004
#define AIC_WHOAMI          0x2000
#define AIC_EVENT           0x2004
#define AIC_IPI_SEND        0x2008
#define AIC_IPI_ACK         0x200c
#define AIC_IPI_MASK_SET    0x2024
#define AIC_IPI_MASK_CLR    0x2028
#define AIC_TARGET_CPU(n)   (0x3000 + 4 * (n))
#define AIC_SW_SET(n)       (0x4000 + 4 * ((n) >> 5))
#define AIC_SW_CLR(n)       (0x4080 + 4 * ((n) >> 5))
#define AIC_MASK_SET(n)     (0x4100 + 4 * ((n) >> 5))
#define AIC_MASK_CLR(n)     (0x4180 + 4 * ((n) >> 5))
#define AIC_IRQ_BIT(n)      (1u << ((n) & 31))

/* §2.3 EVENT encoding. */
#define AIC_EVENT_TYPE(ev)  (((ev) >> 16) & 0xff)
#define AIC_EVENT_NUM(ev)   ((ev) & 0xffff)
#define AIC_EVENT_TYPE_HW   1
#define AIC_EVENT_TYPE_IPI  4
#define AIC_EVENT_IPI_OTHER 1
#define AIC_EVENT_IPI_SELF  2

/* §2.4 IPI register bits. */
#define AIC_IPI_OTHER       (1u << 0)
#define AIC_IPI_SELF        (1u << 31)

void aic_init(void);          /* boot CPU, once: mask everything, route everything to CPU 0 */
void aic_init_cpu(void);      /* every CPU: clear and unmask its IPIs */
void aic_mask(u32 irq);
void aic_unmask(u32 irq);
void aic_sw_set(u32 irq);
void aic_sw_clr(u32 irq);
void aic_set_target(u32 irq, u32 cpu);
void aic_send_ipi(u32 cpu);   /* MMIO IPI "other" to `cpu` */
void aic_send_self_ipi(void); /* MMIO IPI "self" */
void aic_send_fast_ipi(u32 cpu); /* fast IPI through IPI_RR_LOCAL/GLOBAL_EL1 (§2.5) */
u32 aic_nr_irqs(void);

/* Called from the exception vectors (exceptions.c). */
void aic_handle_irq(void);
void aic_handle_fiq(void);

/* Hardware IRQ handlers: return true to have the handler loop unmask the IRQ at end of interrupt. */
bool gpio_handle_irq(u32 irq);
bool demo_sw_irq(u32 irq);

#endif

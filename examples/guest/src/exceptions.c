/*
 * C side of the exception vectors (vectors.S): IRQs go to the AIC handler loop, FIQs to the
 * fast-IPI/timer checks, synchronous exceptions are decoded; hypercalls that reach the guest
 * itself (no hypervisor host) are emulated so the demo also runs on a bare CPU model.
 */
#include "types.h"
#include "aic.h"
#include "hvcall.h"
#include "kprintf.h"

struct exc_frame {
    u64 x[31];
    u64 elr;
    u64 spsr;
    u64 pad;
    u64 fp_record[2];
};

enum { KIND_SYNC = 0, KIND_IRQ = 1, KIND_FIQ = 2, KIND_SERROR = 3 };

static const char *const kind_names[16] = {
    "sync (SP0)", "irq (SP0)", "fiq (SP0)", "serror (SP0)",
    "sync", "irq", "fiq", "serror",
    "sync (lower)", "irq (lower)", "fiq (lower)", "serror (lower)",
    "sync (lower32)", "irq (lower32)", "fiq (lower32)", "serror (lower32)",
};

#define ESR_EC(esr)     (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)    ((esr) & 0x1ffffff)
#define EC_BRK          0x3c

static void __attribute__((noreturn)) fatal(struct exc_frame *f, u64 kind, u64 esr)
{
    kprintf("\n*** cpu%u: unexpected exception %s: ESR %lx (EC %lx) ELR %lx FAR %lx SPSR %lx\n",
            this_cpu(), kind_names[kind & 15], esr, ESR_EC(esr), f->elr, mrs(far_el1), f->spsr);
    kprintf("*** parked\n");
    for (;;)
        wfi();
}

/* A `brk #0x4242` nobody above us handled: do what the host would have done. */
static void emulate_hvcall(struct exc_frame *f)
{
    switch (f->x[0]) {
    case HVCALL_PUTS: {
        const char *s = (const char *)f->x[1];
        for (u64 i = 0; i < f->x[2]; i++)
            uart_putc(s[i]);
        f->x[0] = 0;
        break;
    }
    case HVCALL_SLEEP: /* no host, no wall clock to wait for: return at once */
        f->x[0] = 0;
        break;
    case HVCALL_POWER_OFF:
        kprintf("(no hypervisor host took the power-off hypercall; status %ld; parked)\n", (long)f->x[1]);
        for (;;)
            wfi();
    default:
        kprintf("(unknown hypercall %lx)\n", f->x[0]);
        f->x[0] = (u64)-1;
        break;
    }
    f->elr += 4;
}

void exception_entry(struct exc_frame *f, u64 kind)
{
    switch (kind) {
    case 4 + KIND_IRQ:
        aic_handle_irq();
        return;
    case 4 + KIND_FIQ:
        aic_handle_fiq();
        return;
    case 4 + KIND_SYNC: {
        u64 esr = mrs(esr_el1);
        if (ESR_EC(esr) == EC_BRK && (ESR_ISS(esr) & 0xffff) == HVCALL_BRK_IMM) {
            emulate_hvcall(f);
            return;
        }
        fatal(f, kind, esr);
    }
    default:
        fatal(f, kind, mrs(esr_el1));
    }
}

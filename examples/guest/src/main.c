/*
 * The demo guest's C entry point (start.S calls main(boot_args) on the boot CPU). Each step
 * prints what it does on UART0; main returns the number of failed steps, which start.S hands to
 * the power-off hypercall (hvcall.c).
 */
#include "aic.h"
#include "demo.h"
#include "gpio.h"
#include "hvcall.h"
#include "kprintf.h"
#include "platform.h"

struct platform platform;

void demo_step_failed(const char *what)
{
    demo_stats.failures++;
    kprintf("demo: FAILED: %s\n", what);
}

static void print_summary(void)
{
    const struct demo_stats *s = &demo_stats;
    kprintf("demo: summary: %u secondary CPU(s), %u AIC IPI(s) and %u fast IPI(s) sent, %u software IRQ(s), "
            "%u GPIO IRQ(s), %u output toggle(s), %u DCP swap(s), fib %u, tree %u, %u detour(s), %u failure(s)\n",
            s->cpus_started, s->ipis_sent, s->fast_ipis_sent, s->sw_irqs, s->gpio_irqs, s->gpio_toggles, s->dcp_swaps, s->fib_result,
            s->tree_sum, s->detours, s->failures);
}

/* Whether `word` is one of the space-separated words of the boot_args command line. */
static bool cmdline_has(const struct boot_args *ba, const char *word)
{
    if (!ba)
        return false;
    size_t n = strlen(word);
    const char *c = ba->cmdline;
    for (size_t i = 0; i < 256 && c[i];) {
        while (i < 256 && c[i] == ' ')
            i++;
        size_t start = i;
        while (i < 256 && c[i] && c[i] != ' ')
            i++;
        if (i - start == n && strncmp(c + start, word, n) == 0)
            return true;
    }
    return false;
}

/*
 * demo.stay (hvdbg start puts it on the command line): instead of powering off, a heartbeat a
 * second of wall time (HVCALL_SLEEP) that calls count_up and toggles a GPIO output, so a debugger
 * or a tracer can join at any time. The host ends it (Ctrl-C, quit, gdb kill).
 */
static void __attribute__((noreturn)) stay(void)
{
    kprintf("demo: demo.stay: running on, a heartbeat a second (count_up, a GPIO toggle) until the host stops me\n");
    for (u32 n = 1;; n++) {
        count_up(1);
        gpio_set_output(GPIO_DEMO_OUTPUT_PIN_A, n & 1);
        if (n % 10 == 0)
            kprintf("demo: heartbeat %u, demo_counter = %lu\n", n, demo_counter);
        hv_sleep_ms(1000);
    }
}

int main(const struct boot_args *ba)
{
    platform_defaults();
    platform.boot_args = ba;
    bool adt = platform_from_adt(ba);
    percpu[0].mpidr = mrs(mpidr_el1);

    kprintf("\nhvdbg demo guest: cpu%u at EL%lu, MPIDR %lx, boot_args %p\n", this_cpu(), (mrs(CurrentEL) >> 2) & 3,
            percpu[0].mpidr, ba);
    kprintf("devices from %s: uart0 %lx, aic %lx, gpio %lx, pmgr %lx\n", adt ? "the ADT" : "j274.h (no usable ADT)",
            platform.uart_base, platform.aic_base, platform.gpio_base, platform.pmgr_base);

    aic_init();
    aic_init_cpu();
    kprintf("aic: %u IRQs, all masked and routed to cpu0\n", aic_nr_irqs());
    irq_enable();

    irq_demo();
    smp_demo();
    gpio_demo();
    run_debug_demo();
    run_float_demo();
    dcp_demo();

    print_summary();
    hv_puts("demo: done\n");
    if (cmdline_has(ba, "demo.stay"))
        stay();
    return (int)demo_stats.failures;
}

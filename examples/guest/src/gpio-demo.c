/* Demo step: toggle two output pins, then take one GPIO IRQ from the input pin the virtual M1 toggles. */
#include "gpio.h"
#include "aic.h"
#include "demo.h"
#include "kprintf.h"
#include "platform.h"

/* How long to wait for the input pin to change: 1 s of the 24 MHz timebase. */
#define GPIO_WAIT_TICKS TIMEBASE_HZ

static void toggle_outputs(void)
{
    for (u32 i = 0; i < 4; i++) {
        bool a = i & 1;
        gpio_set_output(GPIO_DEMO_OUTPUT_PIN_A, a);
        gpio_set_output(GPIO_DEMO_OUTPUT_PIN_B, !a);
        bool ra = gpio_read(GPIO_DEMO_OUTPUT_PIN_A), rb = gpio_read(GPIO_DEMO_OUTPUT_PIN_B);
        if (ra != a || rb != !a)
            demo_step_failed("gpio output read-back");
        demo_stats.gpio_toggles++;
    }
    kprintf("gpio: toggled pins %u and %u %u times (read back: pin %u config %x)\n", GPIO_DEMO_OUTPUT_PIN_A,
            GPIO_DEMO_OUTPUT_PIN_B, demo_stats.gpio_toggles, GPIO_DEMO_OUTPUT_PIN_A, gpio_read_config(GPIO_DEMO_OUTPUT_PIN_A));
}

void gpio_demo(void)
{
    u32 group = 0, irq = J274_GPIO_IRQ_BASE + group;
    kprintf("gpio: AP GPIO at %lx\n", platform.gpio_base);
    toggle_outputs();

    /* Print first: once unmasked, the IRQ handler may print at any moment. */
    kprintf("gpio: pin %u: input, IRQ on any edge in group %u -> AIC IRQ %u; waiting up to 1 s\n", GPIO_DEMO_INPUT_PIN,
            group, irq);
    gpio_set_input_irq(GPIO_DEMO_INPUT_PIN, group, GPIO_MODE_IRQ_ANY_EDGE);
    aic_set_target(irq, 0);
    aic_unmask(irq);
    u64 start = timebase();
    while (gpio_irq_count == 0 && timebase() - start < GPIO_WAIT_TICKS)
        cpu_relax();
    aic_mask(irq);
    gpio_disable_irq(GPIO_DEMO_INPUT_PIN);
    demo_stats.gpio_irqs = gpio_irq_count;
    if (gpio_irq_count)
        kprintf("gpio: took %u GPIO IRQ(s), last from pin %u\n", gpio_irq_count, gpio_last_pin);
    else
        demo_step_failed("no GPIO IRQ within 1 s (does the machine toggle pin 10?)");
}

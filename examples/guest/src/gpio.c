/* AP GPIO driver (apple-devices §3): pin configuration, outputs, inputs with IRQ groups. */
#include "gpio.h"
#include "aic.h"
#include "demo.h"
#include "kprintf.h"
#include "platform.h"

volatile u32 gpio_irq_count;
volatile u32 gpio_last_pin;

static inline u64 pin_reg(u32 pin) { return platform.gpio_base + GPIO_PIN(pin); }

u32 gpio_read_config(u32 pin)
{
    return read32(pin_reg(pin));
}

/* §3.2 "output": MODE = 1, PERIPH = 0, DATA = level. */
void gpio_set_output(u32 pin, bool level)
{
    u32 v = read32(pin_reg(pin));
    v &= ~(GPIO_MODE_MASK | GPIO_PERIPH_MASK | GPIO_DATA);
    v |= GPIO_MODE_OUTPUT << GPIO_MODE_SHIFT | (level ? GPIO_DATA : 0);
    write32(pin_reg(pin), v);
}

/* §3.2 "IRQ enable": GROUP, then configure as input (MODE 7 + INPUT_ENABLE), then the trigger. */
void gpio_set_input_irq(u32 pin, u32 group, u32 mode)
{
    u32 v = read32(pin_reg(pin));
    v &= ~(GPIO_GROUP_MASK | GPIO_PERIPH_MASK | GPIO_MODE_MASK | GPIO_DATA);
    v |= group << GPIO_GROUP_SHIFT;
    write32(pin_reg(pin), v);
    v |= GPIO_MODE_IRQ_OFF << GPIO_MODE_SHIFT | GPIO_INPUT_ENABLE;
    write32(pin_reg(pin), v);
    /* Drop anything latched before we were ready, then arm the trigger. */
    write32(platform.gpio_base + GPIO_IRQ_GROUP(group, pin >> 5), 1u << (pin & 31));
    v = (v & ~GPIO_MODE_MASK) | mode << GPIO_MODE_SHIFT;
    write32(pin_reg(pin), v);
}

/* Linux masks a pin's IRQ by setting MODE = 7 (input, IRQ off). */
void gpio_disable_irq(u32 pin)
{
    u32 v = read32(pin_reg(pin));
    write32(pin_reg(pin), (v & ~GPIO_MODE_MASK) | GPIO_MODE_IRQ_OFF << GPIO_MODE_SHIFT);
}

bool gpio_read(u32 pin)
{
    return read32(pin_reg(pin)) & GPIO_DATA;
}

/* AIC IRQ 190 + g: read the group's pending words, acknowledge each pin (write 1), handle it. */
bool gpio_handle_irq(u32 irq)
{
    u32 group = irq - J274_GPIO_IRQ_BASE;
    for (u32 w = 0; w < GPIO_IRQ_WORDS; w++) {
        u64 reg = platform.gpio_base + GPIO_IRQ_GROUP(group, w);
        u32 pending = read32(reg);
        for (u32 b = 0; b < 32; b++) {
            if (!(pending & (1u << b)))
                continue;
            u32 pin = 32 * w + b;
            /* One is enough for the demo: turn the trigger off before the acknowledge, so no edge
             * can latch again in between. */
            if (pin == GPIO_DEMO_INPUT_PIN)
                gpio_disable_irq(pin);
            write32(reg, 1u << b);
            kprintf("cpu%u: GPIO IRQ %u (group %u): pin %u is now %s\n", this_cpu(), irq, group, pin, gpio_read(pin) ? "high" : "low");
            gpio_last_pin = pin;
            gpio_irq_count++;
        }
    }
    return true;
}

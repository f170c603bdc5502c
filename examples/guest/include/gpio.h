/* The AP GPIO pin controller: apple-devices §3. */
#ifndef GPIO_H
#define GPIO_H

#include "types.h"

/* §3.2 pin register fields. */
#define GPIO_PIN(p)             (4 * (p))
#define GPIO_DATA               BIT(0)
#define GPIO_MODE_SHIFT         1
#define GPIO_MODE_MASK          (7u << GPIO_MODE_SHIFT)
#define GPIO_MODE_OUTPUT        1
#define GPIO_MODE_IRQ_ANY_EDGE  6
#define GPIO_MODE_IRQ_OFF       7   /* input, IRQ off */
#define GPIO_PERIPH_MASK        (3u << 5)
#define GPIO_INPUT_ENABLE       BIT(9)
#define GPIO_GROUP_SHIFT        16
#define GPIO_GROUP_MASK         (7u << GPIO_GROUP_SHIFT)
/* §3.3 IRQ_GROUP[g][w] */
#define GPIO_IRQ_GROUP(g, w)    (0x800 + 0x40 * (g) + 4 * (w))
#define GPIO_IRQ_WORDS          7

void gpio_set_output(u32 pin, bool level);
void gpio_set_input_irq(u32 pin, u32 group, u32 mode);
void gpio_disable_irq(u32 pin);
bool gpio_read(u32 pin);
u32 gpio_read_config(u32 pin);

/* Demo state the IRQ handler fills. */
extern volatile u32 gpio_irq_count;
extern volatile u32 gpio_last_pin;

#endif

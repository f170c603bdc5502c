/* UART0 output (apple-devices §9.4; under the hypervisor it is m1n1's vuart, m1n1-protocol §11). */
#include "types.h"
#include "j274.h"
#include "kprintf.h"
#include "platform.h"

void uart_putc(char c)
{
    u64 base = platform.uart_base;
    if (c == '\n')
        uart_putc('\r');
    /* Bounded wait for TXBE: a missing UART must not hang the guest. */
    for (u32 i = 0; i < 1000000 && !(read32(base + UART_UTRSTAT) & UART_UTRSTAT_TXBE); i++)
        cpu_relax();
    write32(base + UART_UTXH, (u8)c);
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

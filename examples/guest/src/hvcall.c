/* The guest's side of the hypercalls in hvcall.h. */
#include "hvcall.h"
#include "demo.h"
#include "kprintf.h"

/* Last thing the boot CPU does (start.S calls it with main's return value). */
void guest_exit(int status)
{
    kprintf("demo: powering off with status %d (hypercall POWER_OFF: brk #0x4242, x0 = %d)\n", status, HVCALL_POWER_OFF);
    hvcall(HVCALL_POWER_OFF, (unsigned long)(long)status, 0);
    /* A host that returns from POWER_OFF did not implement it: stay parked. */
    for (;;)
        __asm__ volatile("wfi");
}

/* PUTS is opt-in (hvcall_puts_enabled): m1n1's own host has no handler and would stop the guest. */
void hv_puts(const char *s)
{
    if (hvcall_puts_enabled)
        hvcall(HVCALL_PUTS, (unsigned long)s, strlen(s));
    else
        uart_puts(s);
}

/*
 * Only in demo.stay mode (main.c): a host without SLEEP stops the guest there, as at POWER_OFF.
 * A bare CPU model takes the brk in the guest's own vectors, which return at once.
 */
void hv_sleep_ms(unsigned long ms)
{
    hvcall(HVCALL_SLEEP, ms, 0);
}

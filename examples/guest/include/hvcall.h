/*
 * Hypercalls of the demo guest: `brk #0x4242` with x0 = call id (m1n1-protocol.md §9.12,
 * EC 0x3C, immediate 0x4242 = "HV call"). The host handles the call and resumes the guest after
 * the brk (elr += 4) with the result in x0. hvdbg's host implements these ids; m1n1's own Python
 * host has no handler for them and stops in its shell instead (which is a fine way to end).
 *
 * Without a hypervisor (e.g. on a bare CPU model) the brk is taken by the guest's own vectors;
 * exceptions.c then emulates PUTS and parks on POWER_OFF, so the guest still behaves.
 */
#ifndef HVCALL_H
#define HVCALL_H

#define HVCALL_BRK_IMM      0x4242

/* x1 = exit status (0 = every demo step passed, else the number of failed steps). No return. */
#define HVCALL_POWER_OFF    0
/* x1 = guest-physical address of the text, x2 = its length in bytes. Returns x0 = 0. */
#define HVCALL_PUTS         1
/* x1 = milliseconds of wall time to wait (the host may end it early, e.g. to stop the guest). Returns x0 = 0. */
#define HVCALL_SLEEP        2

#ifndef __ASSEMBLER__
static inline unsigned long hvcall(unsigned long id, unsigned long a1, unsigned long a2)
{
    register unsigned long x0 __asm__("x0") = id;
    register unsigned long x1 __asm__("x1") = a1;
    register unsigned long x2 __asm__("x2") = a2;
    __asm__ volatile("brk #0x4242" : "+r"(x0) : "r"(x1), "r"(x2) : "memory");
    return x0;
}

/* hvcall.c */
void guest_exit(int status) __attribute__((noreturn));
void hv_puts(const char *s);
void hv_sleep_ms(unsigned long ms);
#endif

#endif

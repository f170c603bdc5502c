/* The demo steps main() runs, and the globals a debugger is meant to look at (README §Debugging targets). */
#ifndef DEMO_H
#define DEMO_H

#include "types.h"

struct boot_args;

struct demo_stats {
    u32 cpus_started;
    u32 ipis_sent;
    u32 fast_ipis_sent;
    u32 sw_irqs;
    u32 gpio_irqs;
    u32 gpio_toggles;
    u32 dcp_swaps;
    u32 fib_result;
    u32 tree_sum;
    u32 detours;
    u32 failures;
};

extern struct demo_stats demo_stats;
extern volatile int demo_flag;
extern volatile unsigned long demo_counter;
extern volatile double demo_sqrt_input;
extern volatile double demo_sqrt2;
extern char demo_message[48];
extern volatile int hvcall_puts_enabled;

void demo_step_failed(const char *what);
void run_debug_demo(void);          /* debug-demo.c */
void count_up(u32 times);           /* debug-demo.c */
double newton_sqrt(double x);       /* float-demo.c: the one FP computation */
void run_float_demo(void);
void dcp_demo(void);                /* dcp-demo.c */
void gpio_demo(void);               /* gpio-demo.c */
void irq_demo(void);                /* irq-demo.c */
void smp_demo(void);                /* smp.c */
void secondary_main(u32 cpu) __attribute__((noreturn));
int main(const struct boot_args *ba);

#endif

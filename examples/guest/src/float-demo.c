/*
 * The one floating-point computation (the only file built without -mgeneral-regs-only): Newton's
 * square root, so a debugger has d registers and a double global to show. Interrupt handlers
 * never touch FP registers, so this may be interrupted safely.
 */
#include "demo.h"
#include "kprintf.h"

/* Input and result; a debugger may change the input before run_float_demo() reads it. */
volatile double demo_sqrt_input = 2.0;
volatile double demo_sqrt2;

double __attribute__((noinline)) newton_sqrt(double x)
{
    double g = x > 1.0 ? x / 2.0 : 1.0;
    for (int i = 0; i < 8; i++)
        g = 0.5 * (g + x / g);
    return g;
}

void run_float_demo(void)
{
    double in = demo_sqrt_input;
    demo_sqrt2 = newton_sqrt(in);
    long micro = (long)(demo_sqrt2 * 1000000.0);
    long in_micro = (long)(in * 1000000.0);
    kprintf("float: sqrt(%ld.%06ld) ~ %ld.%06ld\n", in_micro / 1000000, in_micro % 1000000, micro / 1000000, micro % 1000000);
    if (in == 2.0 && micro != 1414213)
        demo_step_failed("newton_sqrt(2)");
}

/*
 * Things worth pointing a debugger at (README "Debugging targets"): a counter a loop increments
 * (watchpoints), a recursive tree walk and fib (breakpoints deep enough for `bt`), a struct of
 * results (printing fields), and demo_flag, which a debugger writes to change the guest's path.
 */
#include "demo.h"
#include "kprintf.h"

struct demo_stats demo_stats;
/* Written by a debugger, read by the guest: non-zero takes the detour in check_demo_flag(). */
volatile int demo_flag;
/* Incremented DEMO_COUNT times by count_up(): a write watchpoint fires on each. */
volatile unsigned long demo_counter;
/* Printed at the end: a debugger may overwrite it and see its text on the console. */
char demo_message[48] = "hello from the hvdbg demo guest";
/* Non-zero: hv_puts() uses the PUTS hypercall instead of the UART. */
volatile int hvcall_puts_enabled;

#define DEMO_COUNT 100
#define FIB_N      12
#define FIB_WANT   144

struct tree_node {
    const char *name;
    u32 value;
    const struct tree_node *left, *right;
};

/* A small fixed tree, 4 levels deep: a breakpoint on visit_leaf shows 4 tree_walk frames. */
static const struct tree_node leaf_a = { "a", 1, NULL, NULL };
static const struct tree_node leaf_b = { "b", 2, NULL, NULL };
static const struct tree_node leaf_c = { "c", 3, NULL, NULL };
static const struct tree_node leaf_d = { "d", 4, NULL, NULL };
static const struct tree_node leaf_e = { "e", 5, NULL, NULL };
static const struct tree_node node_ab = { "ab", 10, &leaf_a, &leaf_b };
static const struct tree_node node_abc = { "abc", 20, &node_ab, &leaf_c };
static const struct tree_node node_de = { "de", 30, &leaf_d, &leaf_e };
static const struct tree_node tree_root = { "root", 100, &node_abc, &node_de };
#define TREE_SUM (1 + 2 + 3 + 4 + 5 + 10 + 20 + 30 + 100)

static u32 __attribute__((noinline)) visit_leaf(const struct tree_node *n, u32 depth)
{
    kprintf("  leaf %s (value %u) at depth %u\n", n->name, n->value, depth);
    return n->value;
}

u32 __attribute__((noinline)) tree_walk(const struct tree_node *n, u32 depth)
{
    if (!n)
        return 0;
    if (!n->left && !n->right)
        return visit_leaf(n, depth);
    return n->value + tree_walk(n->left, depth + 1) + tree_walk(n->right, depth + 1);
}

u32 __attribute__((noinline)) fib(u32 n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

void __attribute__((noinline)) count_up(u32 times)
{
    for (u32 i = 0; i < times; i++)
        demo_counter++;
}

static void __attribute__((noinline)) take_detour(int flag)
{
    demo_stats.detours++;
    kprintf("debug: demo_flag = %d: a debugger changed my path (detour taken)\n", flag);
}

void __attribute__((noinline)) check_demo_flag(void)
{
    int flag = demo_flag;
    if (flag)
        take_detour(flag);
    else
        kprintf("debug: demo_flag = 0: default path\n");
}

void run_debug_demo(void)
{
    count_up(DEMO_COUNT);
    kprintf("debug: demo_counter = %lu\n", demo_counter);
    kprintf("debug: walking the tree\n");
    demo_stats.tree_sum = tree_walk(&tree_root, 0);
    if (demo_stats.tree_sum != TREE_SUM)
        demo_step_failed("tree walk sum");
    demo_stats.fib_result = fib(FIB_N);
    kprintf("debug: tree sum %u, fib(%u) = %u\n", demo_stats.tree_sum, FIB_N, demo_stats.fib_result);
    if (demo_stats.fib_result != FIB_WANT)
        demo_step_failed("fib");
    check_demo_flag();
    kprintf("debug: demo_message = \"%s\"\n", demo_message);
}

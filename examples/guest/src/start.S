/*
 * Entry of the demo guest, for the boot CPU and the secondaries alike.
 *
 * The host starts the boot CPU at the ELF entry point at EL1h, MMU off, x0 = boot_args
 * (m1n1-protocol.md §9.1 P_HV_START, §13.5). Secondaries started through PMGR (smp.c) enter at
 * their RVBAR, which smp.c points here; m1n1's host takes RVBAR & ~0xfff, or on locked CPUs the
 * kernel entry rounded down to 4 KiB (§9.6) — _start is the first word of the image and 16 KiB
 * aligned, so every path lands here. They come in at EL1h with x0 = 0 and SP = 0, so each CPU
 * finds its stack from MPIDR.
 */
#define STACK_SIZE 0x4000
#define MAX_CPUS   8

    .section .text.boot, "ax"
    .globl _start
    .type _start, %function
_start:
    mov     x19, x0                 /* boot_args on the boot CPU, 0 on secondaries */
    mrs     x20, mpidr_el1
    and     x21, x20, #0xff         /* Aff0: core within its cluster */
    ubfx    x22, x20, #8, #8        /* Aff1: cluster */
    add     x21, x21, x22, lsl #2   /* logical CPU = 4 * cluster + core (apple-devices §8.1) */
    cmp     x21, #MAX_CPUS
    b.hs    park_forever

    /* This CPU's stack: the top of slot `cpu` in .stacks (link.ld). */
    adrp    x1, __stacks_start
    add     x1, x1, :lo12:__stacks_start
    add     x2, x21, #1
    mov     x3, #STACK_SIZE
    madd    x1, x2, x3, x1
    mov     sp, x1
    mov     x29, #0                 /* ends the frame-pointer chain a debugger's `bt` walks */
    mov     x30, #0

    /* SCTLR_EL1: RES1 bits only — MMU, caches and alignment checks off; known state. */
    mov     x1, #0x0800
    movk    x1, #0x30d0, lsl #16
    msr     sctlr_el1, x1
    adrp    x1, exception_vectors
    add     x1, x1, :lo12:exception_vectors
    msr     vbar_el1, x1
    /* CPACR_EL1.FPEN = 0b11: FP/SIMD allowed at EL1 (only float-demo.c uses it). */
    mov     x1, #(3 << 20)
    msr     cpacr_el1, x1
    isb

    cbnz    x21, secondary

    /* Boot CPU: clear .bss (8-byte aligned, link.ld), then main(boot_args). */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  dsb     sy
    mov     x0, x19
    bl      main
    bl      guest_exit              /* x0 = main's status: the power-off hypercall (hvcall.c) */
    b       park_forever

secondary:
    mov     x0, x21
    bl      secondary_main          /* does not return */

    .globl park_forever
    .type park_forever, %function
park_forever:
    wfi
    b       park_forever
    .size park_forever, . - park_forever
    .size _start, . - _start

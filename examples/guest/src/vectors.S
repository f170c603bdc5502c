/*
 * EL1 exception vectors (VBAR_EL1, 2 KiB aligned; 16 entries of 0x80 bytes).
 *
 * Every entry saves x0-x30, ELR and SPSR in a frame on the current stack, links a frame record
 * {x29, ELR} so a frame-pointer backtrace continues into the interrupted code, and calls
 * exception_entry(frame, kind) (exceptions.c). The guest runs at EL1h, so the "current EL with
 * SPx" group (0x200) is the live one; the others report and park.
 */
#define FRAME_SIZE  0x120   /* x0-x30 0x000, elr 0x0f8, spsr 0x100, frame record 0x110 */

    .macro VENTRY kind
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0x00]
    mov     x1, #\kind
    b       exception_common
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl exception_vectors
    .type exception_vectors, %function
exception_vectors:
    VENTRY 0    /* current EL, SP0: sync */
    VENTRY 1    /*                  irq */
    VENTRY 2    /*                  fiq */
    VENTRY 3    /*                  serror */
    VENTRY 4    /* current EL, SPx: sync */
    VENTRY 5    /*                  irq */
    VENTRY 6    /*                  fiq */
    VENTRY 7    /*                  serror */
    VENTRY 8    /* lower EL, AArch64 */
    VENTRY 9
    VENTRY 10
    VENTRY 11
    VENTRY 12   /* lower EL, AArch32 */
    VENTRY 13
    VENTRY 14
    VENTRY 15
    .size exception_vectors, . - exception_vectors

    .type exception_common, %function
exception_common:
    /* x0 and x1 are saved; x1 = kind. */
    stp     x2, x3, [sp, #0x10]
    stp     x4, x5, [sp, #0x20]
    stp     x6, x7, [sp, #0x30]
    stp     x8, x9, [sp, #0x40]
    stp     x10, x11, [sp, #0x50]
    stp     x12, x13, [sp, #0x60]
    stp     x14, x15, [sp, #0x70]
    stp     x16, x17, [sp, #0x80]
    stp     x18, x19, [sp, #0x90]
    stp     x20, x21, [sp, #0xa0]
    stp     x22, x23, [sp, #0xb0]
    stp     x24, x25, [sp, #0xc0]
    stp     x26, x27, [sp, #0xd0]
    stp     x28, x29, [sp, #0xe0]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x30, x2, [sp, #0xf0]
    str     x3, [sp, #0x100]
    stp     x29, x2, [sp, #0x110]   /* frame record: caller FP, "return address" = ELR */
    add     x29, sp, #0x110
    mov     x0, sp
    bl      exception_entry
    /* The handler may have changed the frame (e.g. ELR += 4 after an emulated hypercall). */
    ldp     x30, x2, [sp, #0xf0]
    ldr     x3, [sp, #0x100]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x2, x3, [sp, #0x10]
    ldp     x4, x5, [sp, #0x20]
    ldp     x6, x7, [sp, #0x30]
    ldp     x8, x9, [sp, #0x40]
    ldp     x10, x11, [sp, #0x50]
    ldp     x12, x13, [sp, #0x60]
    ldp     x14, x15, [sp, #0x70]
    ldp     x16, x17, [sp, #0x80]
    ldp     x18, x19, [sp, #0x90]
    ldp     x20, x21, [sp, #0xa0]
    ldp     x22, x23, [sp, #0xb0]
    ldp     x24, x25, [sp, #0xc0]
    ldp     x26, x27, [sp, #0xd0]
    ldp     x28, x29, [sp, #0xe0]
    ldp     x0, x1, [sp, #0x00]
    add     sp, sp, #FRAME_SIZE
    eret
    .size exception_common, . - exception_common

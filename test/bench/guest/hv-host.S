// The guest of the `host` benchmark (test/bench/host.bench.ts), on the virtual M1: entered at EL1
// with the MMU off at its link address. Each phase makes LOOPS traps of one kind; a "mark"
// hypercall (brk #0x4242 with x0 = 0x100, x1 = the phase about to start) separates them, so the
// host can time each phase. Then it spins, for the instruction-step phase (the host interrupts
// it). HOOK (the proxy-hooked MMIO page) and LOOPS come from the assembler's --defsym.
    .text
    .globl _start
_start:
    ldr     x20, =HOOK
    mov     x19, #1

    bl      mark                    // phase 1: 32-bit loads from the hooked page
    ldr     x1, =LOOPS
1:  ldr     w3, [x20]
    subs    x1, x1, #1
    b.ne    1b

    bl      mark                    // phase 2: 32-bit stores to it
    ldr     x1, =LOOPS
2:  str     w1, [x20, #4]
    subs    x1, x1, #1
    b.ne    2b

    bl      mark                    // phase 3: mrs ACTLR_EL1 (HCR_EL2.TACR traps it; the host reads it)
    ldr     x1, =LOOPS
3:  mrs     x4, actlr_el1
    subs    x1, x1, #1
    b.ne    3b

    bl      mark                    // phase 4: msr ACTLR_EL1 (the host writes it; the value just read)
    ldr     x1, =LOOPS
4:  msr     actlr_el1, x4
    subs    x1, x1, #1
    b.ne    4b

    bl      mark                    // phase 5: a hypercall that returns x0 = 0
    ldr     x1, =LOOPS
5:  mov     x0, #0x101
    brk     #0x4242
    subs    x1, x1, #1
    b.ne    5b

    bl      mark                    // phase 6: spin; the host interrupts and steps here
    .globl  spin
spin:
    add     x9, x9, #1
    eor     x10, x10, x9
    b       spin

mark:
    mov     x0, #0x100
    mov     x1, x19
    brk     #0x4242
    add     x19, x19, #1
    ret

// The `gdb` benchmark's loop as a bare guest for the virtual M1: entered at EL1 with the MMU off
// at its link address; powers off with the POWER_OFF hypercall (x0 = 0, x1 = status, §9.12).
    .text
    .globl  _start
_start:
    bl      bench_loop
    mov     x0, #0
    mov     x1, #0
    brk     #0x4242
1:  b       1b

    .include "stepi-loop.S"

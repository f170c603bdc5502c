// The `gdb` benchmark's loop as a static Linux program for qemu-aarch64 -g: exit(0) at the end.
    .text
    .globl  _start
_start:
    bl      bench_loop
    mov     x0, #0
    mov     x8, #93
    svc     #0

    .include "stepi-loop.S"

// Freestanding entry for the benchmark programs: no libc, so the CPU model runs them without
// a kernel. main's return value goes to exit (x8 = 93), the only system call they make.
    .text
    .globl _start
_start:
    bl      main
    mov     x8, #93
    svc     #0
1:  b       1b

// The loop the `gdb` benchmark steps through with gdb's stepi (test/bench/gdb.bench.ts), included
// by both entries: stepi-m1.S (a bare guest for the virtual M1) and stepi-linux.S (a static
// Linux program for qemu-aarch64 -g), so both targets step the very same instructions.
    .globl  bench_loop
bench_loop:
    mov     x1, #20000
    mov     x2, #0
1:  add     x2, x2, x1
    eor     x3, x3, x2
    subs    x1, x1, #1
    b.ne    1b
    ret

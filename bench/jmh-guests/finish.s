# A guest that ends: a short integer loop, then debug-exit value 0x21 (status 67, as the
# whole-guest workloads end when their self-check passed). BenchmarksRunTest runs
# WholeGuestBenchmark's operation on it, since the real workloads (bench/build.sh, gcc) are
# built only when benchmarks run.
        .include "header.s"
        .globl _start
_start:
        mov     $jmh_stack_top, %esp
        mov     $20000, %ecx
        xor     %eax, %eax
1:
        add     %ecx, %eax
        rol     $3, %eax
        dec     %ecx
        jnz     1b
        mov     $0x21, %al
        out     %al, $0xf4
        hlt

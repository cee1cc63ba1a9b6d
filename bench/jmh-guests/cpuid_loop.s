# CPUID exit round trip: CPUID leaf 0, forever. Three instructions per exit (XOR, CPUID, JMP).
        .include "header.s"
        .globl _start
_start:
loop:
        xor     %eax, %eax
        cpuid
        jmp     loop

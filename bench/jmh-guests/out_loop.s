# Port-I/O exit round trip: OUT to the 16550 scratch register, forever. Two instructions per
# exit (OUT, JMP).
        .include "header.s"
        .globl _start
_start:
        mov     $0x3FF, %dx
        xor     %eax, %eax
loop:
        out     %al, %dx
        jmp     loop

# MMIO decode + emulate: a store to and a load from the I/O APIC window (IOREGSEL at
# 0xFEC00000, IOWIN at +0x10), forever. Three instructions per two MMIO exits.
        .include "header.s"
        .globl _start
_start:
        mov     $0x10, %eax
loop:
        mov     %eax, 0xFEC00000
        mov     0xFEC00010, %ebx
        jmp     loop

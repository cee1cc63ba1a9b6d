# Interpreter mix "mem": loads, stores, read-modify-write, push/pop and string-free copies over
# a 4 KiB buffer, one taken branch per 16 instructions.
        .include "header.s"
        .globl _start
_start:
        mov     $jmh_stack_top, %esp
        mov     $buffer, %esi
        xor     %ecx, %ecx
loop:
        mov     (%esi,%ecx,4), %eax
        add     $1, %eax
        mov     %eax, 4(%esi,%ecx,4)
        addl    %eax, 8(%esi)
        movzbl  12(%esi), %ebx
        mov     %bl, 16(%esi,%ecx)
        push    %eax
        push    %ebx
        pop     %edx
        pop     %edi
        xor     16(%esi), %edx
        mov     %edx, 20(%esi)
        incl    24(%esi)
        inc     %ecx
        and     $0x3ff, %ecx
        jmp     loop

        .bss
        .align 16
buffer: .skip   4096 + 64

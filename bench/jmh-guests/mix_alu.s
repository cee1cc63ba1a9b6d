# Interpreter mix "alu": register-only integer arithmetic and logic, one taken branch per 16
# instructions.
        .include "header.s"
        .globl _start
_start:
        mov     $jmh_stack_top, %esp
        mov     $0x12345678, %eax
        mov     $0x9abcdef0, %ebx
        mov     $7, %ecx
        mov     $3, %edx
        mov     $0x1111, %esi
        mov     $0x2222, %edi
loop:
        add     %ebx, %eax
        sub     %ecx, %edx
        xor     %eax, %esi
        and     $0x7fffffff, %edi
        or      %edx, %ebx
        shl     $3, %ecx
        shr     $1, %esi
        imul    %ecx, %edi
        inc     %eax
        dec     %ebx
        lea     4(%eax,%ecx,2), %edx
        rol     $5, %ebx
        neg     %ecx
        adc     $1, %edx
        cmp     %esi, %edi
        jmp     loop

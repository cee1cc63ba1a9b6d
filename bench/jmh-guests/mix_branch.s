# Interpreter mix "branch": conditional branches (taken and not), CALL/RET and a counted loop.
        .include "header.s"
        .globl _start
_start:
        mov     $jmh_stack_top, %esp
        xor     %ecx, %ecx
loop:
        inc     %ecx
        test    $1, %ecx
        jz      1f
        add     $3, %eax
1:      test    $2, %ecx
        jnz     2f
        sub     $1, %eax
2:      call    leaf
        cmp     $100, %ecx
        jb      3f
        xor     %ecx, %ecx
3:      jmp     loop
leaf:
        add     %ecx, %edx
        ret

# Exit-heavy workload: a port-I/O loop. Each iteration writes a byte to the 16550 scratch
# register (COM1 + 7) and reads it back: two port-I/O exits with a data check, on HVE and QEMU
# alike. Parameter: PORTIO_ITERS (as --defsym).

        .ifndef PORTIO_ITERS
        .set PORTIO_ITERS, 2000000
        .endif

        .include "lib32.s"
        MULTIBOOT_HEADER

        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        xor     %ebx, %ebx              # mismatches
        xor     %ecx, %ecx              # iteration
        mov     $COM1_SCR, %dx
loop:
        mov     %cl, %al
        xor     $0x5A, %al
        out     %al, %dx
        in      %dx, %al
        xor     $0x5A, %al
        cmp     %cl, %al
        je      1f
        inc     %ebx
1:      inc     %ecx
        cmp     $PORTIO_ITERS, %ecx
        jb      loop

        mov     $msg_result, %esi
        call    bench_puts
        mov     %ecx, %eax
        call    bench_putdec
        mov     $msg_mismatches, %esi
        call    bench_puts
        mov     %ebx, %eax
        call    bench_putdec
        mov     $msg_newline, %esi
        call    bench_puts
        mov     $BENCH_OK, %al
        test    %ebx, %ebx
        jz      2f
        mov     $BENCH_FAIL, %al
2:      jmp     bench_exit

        .section .rodata
msg_result:     .asciz "RESULT portio iters="
msg_mismatches: .asciz " mismatches="
msg_newline:    .asciz "\n"

        .bss
        .align 16
        .skip 4096
stack_top:

# Exit-heavy workload: a CPUID loop. Each iteration executes CPUID leaf 0 and leaf 1 and checks
# that leaf 0's vendor (EBX) and maximum leaf (EAX) never change: two CPUID exits per
# iteration. The line printed is vendor-neutral so QEMU's and HVE's runs can be compared.
# Parameter: CPUID_ITERS (as --defsym).

        .ifndef CPUID_ITERS
        .set CPUID_ITERS, 1000000
        .endif

        .include "lib32.s"
        MULTIBOOT_HEADER

        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        xor     %eax, %eax
        xor     %ecx, %ecx
        cpuid
        mov     %eax, max_leaf
        mov     %ebx, vendor
        xor     %edi, %edi              # mismatches
        xor     %esi, %esi              # iteration
loop:
        xor     %eax, %eax
        xor     %ecx, %ecx
        cpuid
        cmp     vendor, %ebx
        jne     bad
        cmp     max_leaf, %eax
        je      1f
bad:    inc     %edi
1:      mov     $1, %eax
        xor     %ecx, %ecx
        cpuid
        inc     %esi
        cmp     $CPUID_ITERS, %esi
        jb      loop

        mov     %esi, %ecx
        mov     $msg_result, %esi
        call    bench_puts
        mov     %ecx, %eax
        call    bench_putdec
        mov     $msg_mismatches, %esi
        call    bench_puts
        mov     %edi, %eax
        call    bench_putdec
        mov     $msg_newline, %esi
        call    bench_puts
        mov     $BENCH_OK, %al
        test    %edi, %edi
        jz      2f
        mov     $BENCH_FAIL, %al
2:      jmp     bench_exit

        .section .rodata
msg_result:     .asciz "RESULT cpuid iters="
msg_mismatches: .asciz " mismatches="
msg_newline:    .asciz "\n"

        .data
        .align 4
max_leaf:       .long 0
vendor:         .long 0

        .bss
        .align 16
        .skip 4096
stack_top:

# MMIO-heavy workload: programs the I/O APIC through its memory-mapped window at 0xFEC00000
# (IOREGSEL at +0x00, IOWIN at +0x10; Intel 82093AA datasheet). Each iteration selects
# redirection-table entry 0's low dword (index 0x10), writes a masked entry with a varying
# vector and reads it back: three MMIO accesses, each an EPT violation / nested page fault that
# the monitor decodes and emulates. Only the vector and mask bits are compared (the others
# include read-only status bits). Entries stay masked, so no interrupt is ever raised.
# Parameter: MMIO_ITERS (as --defsym).

        .ifndef MMIO_ITERS
        .set MMIO_ITERS, 1000000
        .endif
        .set IOAPIC_BASE, 0xFEC00000
        .set IOREGSEL, IOAPIC_BASE
        .set IOWIN, IOAPIC_BASE + 0x10
        .set REDTBL0_LOW, 0x10
        .set RTE_MASKED, 0x10000

        .include "lib32.s"
        MULTIBOOT_HEADER

        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        xor     %ebx, %ebx              # mismatches
        xor     %ecx, %ecx              # iteration
loop:
        mov     %ecx, %edx
        and     $0x7F, %edx
        add     $0x20, %edx             # vectors 0x20..0x9F
        or      $RTE_MASKED, %edx
        movl    $REDTBL0_LOW, IOREGSEL
        movl    %edx, IOWIN
        movl    IOWIN, %eax
        and     $(RTE_MASKED | 0xFF), %eax
        cmp     %edx, %eax
        je      1f
        inc     %ebx
1:      inc     %ecx
        cmp     $MMIO_ITERS, %ecx
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
msg_result:     .asciz "RESULT mmio iters="
msg_mismatches: .asciz " mismatches="
msg_newline:    .asciz "\n"

        .bss
        .align 16
        .skip 4096
stack_top:

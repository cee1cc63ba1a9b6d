# Shared helpers for the assembly workloads in 32-bit protected mode (flat segments).
# Included with `.include "lib32.s"`; bench/build.sh passes -I for this folder.
#
# Debug-exit values (port 0xF4, QEMU's isa-debug-exit and HVE's DebugExit): the run's status is
# (value << 1) | 1, so BENCH_OK (0x21) gives status 67 and BENCH_FAIL (0x3E) gives 125.

        .set BENCH_OK, 0x21
        .set BENCH_FAIL, 0x3E
        .set COM1, 0x3F8
        .set COM1_LSR, COM1 + 5
        .set COM1_SCR, COM1 + 7
        .set DEBUG_EXIT_PORT, 0xF4

        .macro MULTIBOOT_HEADER
        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002
        .long 0
        .long -0x1BADB002
        .text
        .endm

        .text
        .code32
# bench_putc: prints AL on COM1 after polling the transmitter. Preserves all registers.
bench_putc:
        push    %eax
        push    %edx
        mov     %al, %ah
        mov     $COM1_LSR, %dx
1:      in      %dx, %al
        test    $0x20, %al
        jz      1b
        mov     $COM1, %dx
        mov     %ah, %al
        out     %al, %dx
        pop     %edx
        pop     %eax
        ret

# bench_puts: prints the NUL-terminated string at ESI. Preserves all registers.
bench_puts:
        push    %eax
        push    %esi
1:      movb    (%esi), %al
        test    %al, %al
        jz      2f
        call    bench_putc
        inc     %esi
        jmp     1b
2:      pop     %esi
        pop     %eax
        ret

# bench_putdec: prints EAX as unsigned decimal. Preserves all registers.
bench_putdec:
        push    %eax
        push    %ecx
        push    %edx
        push    %ebx
        mov     $10, %ebx
        xor     %ecx, %ecx
1:      xor     %edx, %edx
        div     %ebx
        push    %edx
        inc     %ecx
        test    %eax, %eax
        jnz     1b
2:      pop     %eax
        add     $'0', %al
        call    bench_putc
        dec     %ecx
        jnz     2b
        pop     %ebx
        pop     %edx
        pop     %ecx
        pop     %eax
        ret

# bench_puthex: prints EAX as 0x followed by 8 hex digits. Preserves all registers.
bench_puthex:
        push    %eax
        push    %ecx
        push    %edx
        mov     %eax, %edx
        mov     $'0', %al
        call    bench_putc
        mov     $'x', %al
        call    bench_putc
        mov     $8, %ecx
1:      rol     $4, %edx
        mov     %dl, %al
        and     $0xF, %al
        add     $'0', %al
        cmp     $'9', %al
        jbe     2f
        add     $('a' - '9' - 1), %al
2:      call    bench_putc
        dec     %ecx
        jnz     1b
        pop     %edx
        pop     %ecx
        pop     %eax
        ret

# bench_exit: ends the run with debug-exit value AL; halts forever if the port is absent.
bench_exit:
        out     %al, $DEBUG_EXIT_PORT
1:      cli
        hlt
        jmp     1b

# The demo guest: a multiboot kernel that runs in 32-bit protected mode, says hello on the
# 16550 UART at 0x3F8, executes CPUID, and asks the i8042 keyboard controller to reset the
# machine (command 0xFE to port 0x64), which the runner treats as a clean end.
#
# Every byte it prints travels as a port-I/O exit: one OUT to the transmit register, after
# polling the line status register (IN from 0x3FD) until the transmitter is empty.

        .set MULTIBOOT_MAGIC, 0x1BADB002
        .set MULTIBOOT_FLAGS, 0
        .set COM1, 0x3F8
        .set COM1_LSR, COM1 + 5
        .set LSR_THR_EMPTY, 0x20
        .set I8042_COMMAND, 0x64
        .set I8042_PULSE_RESET, 0xFE

        .section .multiboot, "a"
        .align 4
        .long MULTIBOOT_MAGIC
        .long MULTIBOOT_FLAGS
        .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

        .text
        .code32
        .globl _start
_start:
        mov     $stack_top, %esp
        mov     $message, %esi
next_char:
        movb    (%esi), %bl
        test    %bl, %bl
        jz      identify
        mov     $COM1_LSR, %dx
wait_transmitter:
        in      %dx, %al
        test    $LSR_THR_EMPTY, %al
        jz      wait_transmitter
        mov     $COM1, %dx
        mov     %bl, %al
        out     %al, %dx
        inc     %esi
        jmp     next_char

identify:
        xor     %eax, %eax
        xor     %ecx, %ecx
        cpuid                           # leaf 0: the highest basic leaf and the vendor

        mov     $I8042_PULSE_RESET, %al
        out     %al, $I8042_COMMAND
halt:
        hlt                             # not reached: the reset ends the run
        jmp     halt

        .section .rodata
message:
        .asciz  "Hello from HVE\n"

        .bss
        .align 16
stack:
        .skip   4096
stack_top:

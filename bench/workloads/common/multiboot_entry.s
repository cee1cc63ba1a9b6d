# Shared multiboot 1 entry for the C workloads: 32-bit protected mode, flat segments as the
# multiboot loader left them. Sets up a stack, calls bench_guest_main (guest.c), and if that
# ever returns, halts forever (bench_guest_main ends the run through the debug-exit port).

        .set MULTIBOOT_MAGIC, 0x1BADB002
        .set MULTIBOOT_FLAGS, 0
        .section .multiboot, "a"
        .align 4
        .long MULTIBOOT_MAGIC
        .long MULTIBOOT_FLAGS
        .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

        .text
        .code32
        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        xor     %ebp, %ebp
        call    bench_guest_main
1:      hlt
        jmp     1b

        .bss
        .align 16
stack:
        .skip   65536
stack_top:

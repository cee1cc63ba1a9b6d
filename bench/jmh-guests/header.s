# Shared by the JMH micro-guests: the multiboot 1 header and a 4 KiB stack. Each guest's
# _start runs in 32-bit protected mode with flat segments, as the multiboot loader leaves it,
# and loops forever: the benchmarks stop it with instruction budgets.
        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002
        .long 0
        .long -0x1BADB002

        .bss
        .align 16
jmh_stack:
        .skip 4096
jmh_stack_top:

        .text
        .code32

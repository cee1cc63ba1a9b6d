# Timer interrupts from the 8254 PIT through the 8259 PIC: channel 0 in mode 2 at 100 Hz raises
# IRQ0, delivered as vector 0x20. The guest halts between ticks (the platform fast-forwards
# virtual time to the next tick), counts ten, and checks that virtual time moved by about 100 ms
# on the TSC, which runs at 1 GHz on HVE's virtual clock.
        .include "pc.inc"
        multiboot_header

        .globl _start
_start:
        mov     $stack_top, %esp
        flat_gdt
        set_gate idt, 0x20, irq0
        lidt    idt_pointer
        init_pics 0xFE, 0xFF
        rdtsc
        mov     %eax, tsc_start
        mov     %edx, tsc_start + 4
        # Channel 0, lobyte/hibyte, mode 2; divisor 11932 gives 1193182 / 11932 = 100 Hz.
        mov     $0x34, %al
        out     %al, $PIT_CMD
        mov     $(11932 & 0xFF), %al
        out     %al, $PIT_CH0
        mov     $(11932 >> 8), %al
        out     %al, $PIT_CH0
        sti
wait:   hlt
        cmpl    $10, ticks
        jb      wait
        cli
        rdtsc
        sub     tsc_start, %eax
        sbb     tsc_start + 4, %edx
        # Ten ticks of 10 ms: between 90 and 110 ms of virtual time (the first tick comes early).
        test    %edx, %edx
        jnz     fail
        cmp     $90000000, %eax
        jb      fail
        cmp     $110000000, %eax
        ja      fail
        mov     $message, %esi
        call    print
        exit_with PASS
fail:   exit_with 1

irq0:   incl    ticks
        push    %eax
        mov     $0x20, %al
        out     %al, $PIC1_CMD          # non-specific EOI
        pop     %eax
        iret

        .include "print.inc"

        .section .rodata
message: .asciz "pit: 10 ticks through the pic\n"
idt_pointer:
        .word   256 * 8 - 1
        .long   idt

        .data
ticks:  .long   0
tsc_start: .quad 0

        .bss
        .align 8
idt:    .skip   256 * 8
        .skip   4096
stack_top:

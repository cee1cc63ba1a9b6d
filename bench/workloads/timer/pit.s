# Timer-interrupt-heavy workload: the 8254 PIT's channel 0 in rate-generator mode drives IRQ0
# through the 8259A PIC pair (remapped to vectors 0x20-0x2F) into an IDT handler that counts
# the tick and sends a non-specific EOI; IRQs 1-15 go to a spurious handler that only counts.
# The main loop halts until TIMER_TICKS ticks have arrived.
# In QEMU the PIT runs in real time, so its wall time is TIMER_TICKS / (1193182 / TIMER_DIVISOR)
# seconds whatever the emulator's speed; HVE derives virtual time from retired instructions.
# Parameters: TIMER_TICKS, TIMER_DIVISOR (as --defsym).

        .ifndef TIMER_TICKS
        .set TIMER_TICKS, 5000
        .endif
        .ifndef TIMER_DIVISOR
        .set TIMER_DIVISOR, 119                 # about 10 kHz
        .endif
        .set PIC1_CMD, 0x20
        .set PIC1_DATA, 0x21
        .set PIC2_CMD, 0xA0
        .set PIC2_DATA, 0xA1
        .set PIT_CH0, 0x40
        .set PIT_MODE, 0x43
        .set CODE_SEL, 0x08
        .set DATA_SEL, 0x10
        .set IDT_ENTRIES, 0x30

        .include "lib32.s"
        MULTIBOOT_HEADER

        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        # Our own flat GDT, so the IDT gates can name a known code selector.
        lgdt    gdt_descriptor
        ljmp    $CODE_SEL, $1f
1:      mov     $DATA_SEL, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     %ax, %fs
        mov     %ax, %gs

        # IDT: vectors 0-31 go to the fault handler, 0x20 to the tick handler, 0x21-0x2F to the
        # spurious handler.
        xor     %ecx, %ecx
2:      mov     $fault_handler, %eax
        cmp     $0x20, %ecx
        jb      3f
        mov     $tick_handler, %eax
        je      3f
        mov     $spurious_handler, %eax
3:      mov     %ax, idt(,%ecx,8)
        movw    $CODE_SEL, idt+2(,%ecx,8)
        movw    $0x8E00, idt+4(,%ecx,8)         # present, DPL 0, 32-bit interrupt gate
        shr     $16, %eax
        mov     %ax, idt+6(,%ecx,8)
        inc     %ecx
        cmp     $IDT_ENTRIES, %ecx
        jb      2b
        lidt    idt_descriptor

        # Remap the PICs: ICW1 (edge, cascade, ICW4), ICW2 (vector base), ICW3 (wiring), ICW4 (8086).
        mov     $0x11, %al
        out     %al, $PIC1_CMD
        out     %al, $PIC2_CMD
        mov     $0x20, %al
        out     %al, $PIC1_DATA
        mov     $0x28, %al
        out     %al, $PIC2_DATA
        mov     $0x04, %al
        out     %al, $PIC1_DATA
        mov     $0x02, %al
        out     %al, $PIC2_DATA
        mov     $0x01, %al
        out     %al, $PIC1_DATA
        out     %al, $PIC2_DATA
        mov     $0xFE, %al                      # only IRQ0 unmasked
        out     %al, $PIC1_DATA
        mov     $0xFF, %al
        out     %al, $PIC2_DATA

        # PIT channel 0: lobyte/hibyte, mode 2 (rate generator), binary.
        mov     $0x34, %al
        out     %al, $PIT_MODE
        mov     $(TIMER_DIVISOR & 0xFF), %al
        out     %al, $PIT_CH0
        mov     $(TIMER_DIVISOR >> 8), %al
        out     %al, $PIT_CH0

        sti
wait_tick:
        hlt
        cmpl    $TIMER_TICKS, ticks
        jb      wait_tick
        cli

        mov     $msg_result, %esi
        call    bench_puts
        mov     $TIMER_TICKS, %eax
        call    bench_putdec
        mov     $msg_newline, %esi
        call    bench_puts
        mov     $BENCH_OK, %al
        jmp     bench_exit

tick_handler:
        push    %eax
        incl    ticks
        mov     $0x20, %al                      # non-specific EOI
        out     %al, $PIC1_CMD
        pop     %eax
        iret

spurious_handler:
        push    %eax
        incl    spurious
        mov     $0x20, %al
        out     %al, $PIC1_CMD
        out     %al, $PIC2_CMD
        pop     %eax
        iret

fault_handler:
        mov     $msg_fault, %esi
        call    bench_puts
        mov     $BENCH_FAIL, %al
        jmp     bench_exit

        .section .rodata
msg_result:     .asciz "RESULT timer ticks="
msg_newline:    .asciz "\n"
msg_fault:      .asciz "RESULT timer FAULT: unexpected exception\n"

        .data
        .align 8
gdt:
        .quad   0
        .quad   0x00CF9A000000FFFF              # 0x08: flat 32-bit code
        .quad   0x00CF92000000FFFF              # 0x10: flat data
gdt_end:
gdt_descriptor:
        .word   gdt_end - gdt - 1
        .long   gdt
idt_descriptor:
        .word   IDT_ENTRIES * 8 - 1
        .long   idt
        .align 4
ticks:          .long 0
spurious:       .long 0

        .bss
        .align 16
idt:    .skip   IDT_ENTRIES * 8
        .skip   4096
stack_top:

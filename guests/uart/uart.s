# The 16550A UART: first in loopback (MCR bit 4), where a transmitted byte comes back in the
# receiver with LSR.DR set; then interrupt-driven transmission: with IER.ETBEI and MCR.OUT2 set,
# each "transmitter holding register empty" interrupt (IRQ4, vector 0x24) sends the next byte.
        .include "pc.inc"
        multiboot_header

        .set RBR_THR, COM1
        .set IER, COM1 + 1
        .set IIR, COM1 + 2
        .set MCR, COM1 + 4

        .globl _start
_start:
        mov     $stack_top, %esp
        flat_gdt
        set_gate idt, 0x24, irq4
        lidt    idt_pointer
        init_pics 0xEF, 0xFF            # IRQ4 only
        # 1. Loopback: the byte comes back, the line status says data ready.
        mov     $MCR, %dx
        mov     $0x10, %al
        out     %al, %dx
        mov     $RBR_THR, %dx
        mov     $0x5A, %al
        out     %al, %dx
        mov     $COM1_LSR, %dx
        mov     $100000, %ecx
1:      in      %dx, %al
        test    $1, %al
        jnz     2f
        loop    1b
        exit_with 1
2:      mov     $RBR_THR, %dx
        in      %dx, %al
        cmp     $0x5A, %al
        je      3f
        exit_with 2
        # 2. Interrupt-driven output: OUT2 gates IRQ4 to the PIC, ETBEI enables THRE interrupts.
3:      mov     $MCR, %dx
        mov     $0x08, %al
        out     %al, %dx
        mov     $message, %esi
        mov     %esi, cursor
        mov     $IER, %dx
        mov     $0x02, %al
        out     %al, %dx
        # Check and sleep without a window: STI's interrupt shadow covers the HLT, so an
        # interrupt between the check and the HLT cannot be missed (SDM Vol. 2B, STI).
wait:   cli
        cmpb    $0, done
        jne     finished
        sti
        hlt
        jmp     wait
finished:
        cmpl    $message_length, interrupts
        jb      4f
        exit_with PASS
4:      exit_with 3

irq4:   push    %eax
        push    %edx
        push    %esi
        incl    interrupts
        mov     $IIR, %dx
        in      %dx, %al
        and     $0x0F, %al
        cmp     $0x02, %al              # THRE is the cause
        jne     5f
        mov     cursor, %esi
        mov     (%esi), %al
        test    %al, %al
        jz      6f
        mov     $RBR_THR, %dx
        out     %al, %dx
        incl    cursor
        jmp     5f
6:      movb    $1, done
        mov     $IER, %dx
        xor     %al, %al
        out     %al, %dx
5:      mov     $0x20, %al
        out     %al, $PIC1_CMD
        pop     %esi
        pop     %edx
        pop     %eax
        iret

        .section .rodata
message: .asciz "uart: loopback and THRE interrupts\n"
        .set message_length, . - message - 1
idt_pointer:
        .word   256 * 8 - 1
        .long   idt

        .data
cursor: .long   0
interrupts: .long 0
done:   .byte   0

        .bss
        .align 8
idt:    .skip   256 * 8
        .skip   4096
stack_top:

# Local APIC timer interrupts: the APIC at 0xFEE00000 (every register access is an MMIO exit,
# decoded and emulated by the platform), software-enabled through the spurious-interrupt vector
# register, its timer periodic on vector 0x30. The guest halts between ticks, counts five, and
# acknowledges each with an EOI.
        .include "pc.inc"
        multiboot_header

        .set APIC, 0xFEE00000
        .set APIC_EOI, APIC + 0xB0
        .set APIC_SVR, APIC + 0xF0
        .set APIC_LVT_TIMER, APIC + 0x320
        .set APIC_INITIAL_COUNT, APIC + 0x380
        .set APIC_CURRENT_COUNT, APIC + 0x390
        .set APIC_DIVIDE, APIC + 0x3E0

        .globl _start
_start:
        mov     $stack_top, %esp
        flat_gdt
        set_gate idt, 0x30, timer
        set_gate idt, 0xFF, spurious
        lidt    idt_pointer
        init_pics 0xFF, 0xFF            # the PICs stay quiet
        movl    $0x1FF, APIC_SVR        # software enable, spurious vector 0xFF
        movl    $0xB, APIC_DIVIDE       # divide by 1
        movl    $0x20030, APIC_LVT_TIMER # periodic, vector 0x30
        movl    $1000000, APIC_INITIAL_COUNT
        mov     APIC_CURRENT_COUNT, %eax
        test    %eax, %eax
        jz      fail                    # the counter must be running
        sti
wait:   hlt
        cmpl    $5, ticks
        jb      wait
        cli
        movl    $0x10000, APIC_LVT_TIMER # masked
        mov     $message, %esi
        call    print
        exit_with PASS
fail:   exit_with 1

timer:  incl    ticks
        movl    $0, APIC_EOI
        iret
spurious:
        iret

        .include "print.inc"

        .section .rodata
message: .asciz "lapic: 5 periodic timer interrupts\n"
idt_pointer:
        .word   256 * 8 - 1
        .long   idt

        .data
ticks:  .long   0

        .bss
        .align 8
idt:    .skip   256 * 8
        .skip   4096
stack_top:

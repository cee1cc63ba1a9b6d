# Exits that events cause rather than instructions, for the runner-level exit tests: a HLT that
# an interrupt ends, an NMI that arrives while NMIs are blocked (VT-x takes an NMI-window exit,
# SVM an IRET intercept, before delivering it), and finally a triple fault (VT-x exit reason 2,
# SVM SHUTDOWN), which ends the run with status 4. Entered in 64-bit mode by HVE's ELF64 loader.
# A failed check ends the run early with its number on the debug-exit port.
        .include "long64.inc"
        .set LAPIC_ICR_LOW, 0xFEE00300
        .set ICR_SELF_NMI, 0x44400              # shorthand self, level assert, delivery mode NMI

        .text
        .code64
        .globl _start
_start:
        gate    2, nmi
        gate    32, timer
        lidt    idt_pointer(%rip)

        # 1. HLT until the PIT's IRQ 0 (vector 32) ends it.
        pic_irq0_only
        mov     $0x30, %al                      # channel 0, mode 0: one interrupt
        out     %al, $PIT_CMD
        mov     $100, %al
        out     %al, $PIT_CH0
        xor     %al, %al
        out     %al, $PIT_CH0
        sti
        .globl  op_hlt
op_hlt:
        hlt
        cli
        cmpl    $1, ticks(%rip)
        je      1f
        fail    1
1:
        # 2. An NMI sent to itself; its handler sends a second one while NMIs are blocked, which
        #    must wait for the first handler's IRET.
        mov     $LAPIC_ICR_LOW, %rdx
        movl    $ICR_SELF_NMI, (%rdx)
2:      cmpl    $2, nmis(%rip)
        jne     2b
        cmpl    $0, nested(%rip)
        je      3f
        fail    2                               # the second NMI arrived inside the first handler
3:
        # 3. No IDT: INT3 cannot be delivered, nor the #GP or #DF that follow: a triple fault.
        lidt    no_idt(%rip)
        .globl  op_triple_fault
op_triple_fault:
        int3
        fail    3

nmi:
        push    %rax
        cmpl    $0, in_nmi(%rip)
        je      1f
        movl    $1, nested(%rip)                # must never happen: NMIs are blocked here
1:      movl    $1, in_nmi(%rip)
        incl    nmis(%rip)
        cmpl    $1, nmis(%rip)
        jne     2f
        push    %rdx
        mov     $LAPIC_ICR_LOW, %rdx
        movl    $ICR_SELF_NMI, (%rdx)           # the second NMI, while this one blocks NMIs
        pop     %rdx
        # Spin so that the pending NMI has every chance to be (wrongly) taken here.
        mov     $1000, %eax
3:      dec     %eax
        jnz     3b
2:      movl    $0, in_nmi(%rip)
        pop     %rax
        .globl  op_nmi_iret
op_nmi_iret:
        iretq

timer:
        push    %rax
        incl    ticks(%rip)
        mov     $0x20, %al
        out     %al, $PIC1_CMD
        pop     %rax
        iretq

        .section .rodata
        .align 8
idt_pointer:
        .word   33 * 16 - 1
        .quad   idt
no_idt:
        .word   0
        .quad   0

        .data
        .align 16
idt:    .fill   33 * 16, 1, 0
ticks:  .long   0
nmis:   .long   0
in_nmi: .long   0
nested: .long   0

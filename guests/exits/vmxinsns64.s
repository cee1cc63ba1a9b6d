# The exits exits64.s leaves out because they belong to one vendor: the VMX instructions, which
# exit in VMX non-root operation (Intel SDM Vol. 3C §26.1.2) and then fail with #UD in the guest,
# as under a hypervisor that hides VMX. (XSETBV has its own guest, xsetbv64.s.) Run with
# `--backend vmx --intercept all --trace-exits F`. Each operation has a global label op_* and an
# end label op_*_end, so a test can find its RIP and length with nm. The run ends with 0x2A on the
# debug-exit port, or with the number of the first failed check.
        .include "long64.inc"

# Runs the VMX instruction between op_\name and op_\name\()_end, which must raise #UD.
.macro expect_ud name, step
        lea     op_\name\()_end(%rip), %rax
        mov     %rax, resume(%rip)
        movl    $0, ud_seen(%rip)
        .globl  op_\name
op_\name:
.endm
.macro raised_ud name, step
        .globl  op_\name\()_end
op_\name\()_end:
        cmpl    $1, ud_seen(%rip)
        je      1f
        fail    \step
1:
.endm

        .text
        .code64
        .globl _start
_start:
        # IDT vector 6 only: a 64-bit interrupt gate to ud_handler.
        gate    6, ud_handler
        lidt    idt_pointer(%rip)

        expect_ud vmxon, 2
        vmxon   vmx_region(%rip)
        raised_ud vmxon, 2
        expect_ud vmptrst, 3
        vmptrst vmcs_pointer(%rip)
        raised_ud vmptrst, 3
        mov     $0x681E, %eax                   # GUEST_RIP
        expect_ud vmread, 4
        vmread  %rax, %rbx
        raised_ud vmread, 4
        expect_ud vmwrite, 5
        vmwrite 8(%rsp), %rdx
        raised_ud vmwrite, 5
        expect_ud vmlaunch, 6
        vmlaunch
        raised_ud vmlaunch, 6
        expect_ud vmxoff, 7
        vmxoff
        raised_ud vmxoff, 7

        mov     $0x2A, %al
        out     %al, $DEBUG_EXIT

ud_handler:
        # Stack: RIP, CS, RFLAGS, RSP, SS (#UD pushes no error code).
        push    %rax
        mov     resume(%rip), %rax
        mov     %rax, 8(%rsp)
        pop     %rax
        incl    ud_seen(%rip)
        iretq

        .section .rodata
idt_pointer:
        .word   7 * 16 - 1
        .quad   idt

        .data
        .align 16
idt:    .fill   7 * 16, 1, 0
        .align 4096
vmx_region:
        .quad   0
vmcs_pointer:
        .quad   0
resume: .quad   0
ud_seen:
        .long   0

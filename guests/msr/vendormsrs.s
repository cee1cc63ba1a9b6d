# Which vendor-specific MSRs the guest has: RDMSR of each MSR in a table, printing "+NAME" when
# it reads and "-NAME" when it raises #GP(0) (Intel SDM Vol. 2B and AMD APM Vol. 3, RDMSR: an
# MSR the processor does not implement). The set must follow the guest's CPU model (--cpu), not
# the backend's host vendor. Ends with a WRMSR/RDMSR round trip of EFER, which every x86-64 has.
        .include "pc.inc"
        multiboot_header

        .set GP_VECTOR, 13
        .set IA32_EFER, 0xC0000080
        .set EFER_NXE, 1 << 11

        .globl _start
_start:
        mov     $stack_top, %esp
        flat_gdt
        set_gate idt, GP_VECTOR, gp_handler
        lidt    idt_pointer
        mov     $header, %esi
        call    print
        mov     $msrs, %ebx
next:   cmp     $msrs_end, %ebx
        je      efer
        movb    $0, faulted
        mov     (%ebx), %ecx
        rdmsr                           # 2 bytes: the #GP handler skips them
        mov     $present, %esi
        cmpb    $0, faulted
        je      1f
        mov     $absent, %esi
1:      call    print
        mov     4(%ebx), %esi
        call    print
        add     $8, %ebx
        jmp     next
efer:   mov     $newline, %esi
        call    print
        movb    $0, faulted
        mov     $IA32_EFER, %ecx
        mov     $EFER_NXE, %eax
        xor     %edx, %edx
        wrmsr
        xor     %eax, %eax
        rdmsr
        cmpb    $0, faulted
        jne     2f
        cmp     $EFER_NXE, %eax
        jne     2f
        exit_with PASS
2:      exit_with 1

# #GP(0) from RDMSR/WRMSR: note it and resume after the 2-byte instruction. The processor pushed
# an error code above EIP, CS and EFLAGS (SDM Vol. 3A §6.13).
gp_handler:
        movb    $1, faulted
        addl    $2, 4(%esp)
        add     $4, %esp
        iret

        .include "print.inc"

        .section .rodata
header:  .asciz "msrs:"
present: .asciz " +"
absent:  .asciz " -"
newline: .asciz "\n"
n_syscfg:   .asciz "SYSCFG"
n_hwcr:     .asciz "HWCR"
n_nbcfg:    .asciz "NB_CFG"
n_lscfg:    .asciz "LS_CFG"
n_misc:     .asciz "MISC_ENABLE"
n_feature:  .asciz "FEATURE_CONTROL"
n_platform: .asciz "PLATFORM_INFO"
n_mtrrcap:  .asciz "MTRRCAP"
        .align 4
msrs:   .long 0xC0010010, n_syscfg
        .long 0xC0010015, n_hwcr
        .long 0xC001001F, n_nbcfg
        .long 0xC0011020, n_lscfg
        .long 0x1A0, n_misc
        .long 0x3A, n_feature
        .long 0xCE, n_platform
        .long 0xFE, n_mtrrcap
msrs_end:

        .data
faulted: .byte 0
        .align 8
idt_pointer:
        .word   256 * 8 - 1
        .long   idt

        .bss
        .align 8
idt:    .space  256 * 8
        .space  4096
stack_top:

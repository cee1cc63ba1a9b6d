# Two vCPUs: the bootstrap processor starts the application processor with INIT-SIPI-SIPI
# through its local APIC's ICR (Intel SDM Vol. 3A §10.4.4). The AP begins in real mode at
# 0x8000 (SIPI vector 0x08), running a trampoline the BSP copied there; it announces itself on
# COM1, records its APIC ID and halts. The BSP waits for it and reports.
        .include "pc.inc"
        multiboot_header

        .set APIC_ID, 0xFEE00020
        .set ICR_LOW, 0xFEE00300
        .set ICR_HIGH, 0xFEE00310
        .set TRAMPOLINE, 0x8000
        .set AP_FLAG, 0x8800

        .globl _start
_start:
        mov     $stack_top, %esp
        flat_gdt
        # Copy the trampoline below 1 MiB, where a SIPI can start it.
        mov     $trampoline, %esi
        mov     $TRAMPOLINE, %edi
        mov     $(trampoline_end - trampoline), %ecx
        cld
        rep movsb
        movl    $0, AP_FLAG
        # INIT to APIC ID 1, then two start-up IPIs with vector 0x08.
        movl    $(1 << 24), ICR_HIGH
        movl    $0x4500, ICR_LOW        # INIT, level assert
        movl    $(1 << 24), ICR_HIGH
        movl    $0x4608, ICR_LOW        # start-up, vector 0x08
        movl    $(1 << 24), ICR_HIGH
        movl    $0x4608, ICR_LOW        # the second SIPI is ignored once the AP runs
        mov     $10000000, %ecx
wait:   pause
        cmpl    $0, AP_FLAG
        jne     started
        loop    wait
        exit_with 1
started:
        cmpl    $0x101, AP_FLAG         # 0x100 + the AP's APIC ID
        je      1f
        exit_with 2
1:      mov     APIC_ID, %eax
        shr     $24, %eax
        test    %eax, %eax              # the BSP has APIC ID 0
        jz      2f
        exit_with 3
2:      mov     $message, %esi
        call    print
        exit_with PASS

        .include "print.inc"

# The AP's first instructions, in real mode at 0000:8000 (CS base 0x8000, IP 0).
        .code16
trampoline:
        mov     $'A', %al
        mov     $COM1, %dx
        out     %al, %dx
        mov     $'P', %al
        out     %al, %dx
        mov     $'\n', %al
        out     %al, %dx
        # The APIC ID from CPUID.1:EBX[31:24].
        mov     $1, %eax
        cpuid
        shr     $24, %ebx
        add     $0x100, %bx
        xor     %ax, %ax
        mov     %ax, %ds
        mov     %bx, AP_FLAG
        cli
3:      hlt
        jmp     3b
trampoline_end:
        .code32

        .section .rodata
message: .asciz "smp: the AP started through INIT-SIPI-SIPI\n"

        .bss
        .align 16
        .skip   4096
stack_top:

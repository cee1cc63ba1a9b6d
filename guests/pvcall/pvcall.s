# A guest of the pv-hypercall example extension. It finds the interface by its CPUID signature,
# asks for its version and for the CRC-32 of a buffer with the vendor's hypercall instruction
# (VMCALL on Intel, VMMCALL on AMD and Hygon, chosen from the CPUID vendor string as Linux picks
# its hypercall instruction), records a guest ID in the interface's MSR, prints what it learned,
# and exits through the debug-exit port: 0x2A on success, other values name the failed step.

        .set COM1, 0x3F8
        .set DEBUG_EXIT, 0xF4
        .set PV_VERSION, 0x100
        .set PV_CRC32, 0x101
        .set GUEST_ID_MSR, 0x40000100

        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002
        .long 0
        .long -0x1BADB002

        .text
        .code32
        .globl _start
_start:
        mov     $stack_top, %esp
        # 1. The signature leaf.
        mov     $0x40000000, %eax
        xor     %ecx, %ecx
        cpuid
        cmp     $0x50455648, %ebx       # "HVEP"
        jne     fail1
        cmp     $0x4C414356, %ecx       # "VCAL"
        jne     fail1
        # 2. Intel or not? "GenuineIntel" has "ntel" in ECX of leaf 0.
        xor     %eax, %eax
        cpuid
        cmp     $0x6C65746E, %ecx
        sete    intel
        # 3. The version call.
        mov     $PV_VERSION, %eax
        call    hypercall
        cmp     $1, %eax
        jne     fail2
        # 4. CRC-32 of "123456789", whose CRC-32 is 0xCBF43926.
        mov     $PV_CRC32, %eax
        mov     $check, %ebx
        mov     $9, %ecx
        call    hypercall
        cmp     $0xCBF43926, %eax
        jne     fail3
        # 5. The guest-ID MSR round trip.
        mov     $GUEST_ID_MSR, %ecx
        mov     $0x12345678, %eax
        xor     %edx, %edx
        wrmsr
        xor     %eax, %eax
        rdmsr
        cmp     $0x12345678, %eax
        jne     fail4
        mov     $message, %esi
        call    print
        mov     $0x2A, %al
        out     %al, $DEBUG_EXIT
        hlt

hypercall:
        cmpb    $0, intel
        je      1f
        vmcall
        ret
1:      vmmcall
        ret

print:
        mov     $COM1, %dx
1:      lodsb
        test    %al, %al
        jz      2f
        out     %al, %dx
        jmp     1b
2:      ret

fail1:  mov     $1, %al
        out     %al, $DEBUG_EXIT
fail2:  mov     $2, %al
        out     %al, $DEBUG_EXIT
fail3:  mov     $3, %al
        out     %al, $DEBUG_EXIT
fail4:  mov     $4, %al
        out     %al, $DEBUG_EXIT
        hlt

        .section .rodata
message:
        .asciz  "pv-hypercall: version 1, crc32 cbf43926, guest id set\n"
check:
        .ascii  "123456789"

        .data
intel:  .byte   0

        .bss
        .align 16
        .skip   4096
stack_top:

# XSETBV and XGETBV through the runner, for the runner-level exit tests: run with
# `--intercept xsetbv --trace-exits F`. VT-x exits on XSETBV unconditionally (basic reason 55);
# SVM exits when the XSETBV intercept (vector 4 bit 13, EXITCODE 0x8D) is set. Either way the
# monitor lets the core carry the instruction out, and the guest checks the result: XCR0 = 3 read
# back with XGETBV, and an XSAVE/XRSTOR round trip of XMM0 under it. Entered in 64-bit mode by
# HVE's ELF64 loader (identity-mapped first 4 GiB, CPL 0). The run ends with 0x2A on the
# debug-exit port, or with the number of the first failed check.
        .include "long64.inc"
        .set CR4_OSFXSR, 1 << 9
        .set CR4_OSXSAVE, 1 << 18
        .set CPUID1_ECX_XSAVE, 1 << 26
        .set CPUID1_ECX_OSXSAVE, 1 << 27

        .text
        .code64
        .globl _start
_start:
        # The processor offers XSAVE (CPUID.1:ECX bit 26), so CR4.OSXSAVE can be set.
        mov     $1, %eax
        cpuid
        test    $CPUID1_ECX_XSAVE, %ecx
        jnz     1f
        fail    1
1:      mov     %cr4, %rax
        or      $CR4_OSFXSR | CR4_OSXSAVE, %rax
        mov     %rax, %cr4
        # CPUID.1:ECX.OSXSAVE now reflects CR4.OSXSAVE.
        mov     $1, %eax
        cpuid
        test    $CPUID1_ECX_OSXSAVE, %ecx
        jnz     2f
        fail    2
2:      # Leaf 0Dh: x87 and SSE may be enabled, in a 576-byte area.
        mov     $0xD, %eax
        xor     %ecx, %ecx
        cpuid
        cmp     $3, %eax
        jne     3f
        cmp     $576, %ecx
        je      4f
3:      fail    3
4:      # XCR0 is 1 (x87 only) until software enables more.
        xor     %ecx, %ecx
        xgetbv
        cmp     $1, %eax
        je      5f
        fail    4
5:      mov     $3, %eax
        xor     %edx, %edx
        xor     %ecx, %ecx
        .globl  op_xsetbv
op_xsetbv:
        xsetbv
        .globl  op_xgetbv
op_xgetbv:
        xgetbv
        cmp     $3, %eax
        jne     6f
        test    %edx, %edx
        jz      7f
6:      fail    5
7:      # XSAVE64 with SSE enabled stores XMM0 and marks SSE in use; XRSTOR64 brings it back.
        movabs  $0x1122334455667788, %rax
        movq    %rax, %xmm0
        lea     area(%rip), %rbx
        mov     $3, %eax
        xor     %edx, %edx
        xsave64 (%rbx)
        testb   $2, 512(%rbx)                   # XSTATE_BV[1]
        jnz     8f
        fail    6
8:      pxor    %xmm0, %xmm0
        mov     $3, %eax
        xrstor64 (%rbx)
        movq    %xmm0, %rcx
        movabs  $0x1122334455667788, %rax
        cmp     %rax, %rcx
        je      9f
        fail    7
9:      mov     $0x2A, %al
        out     %al, $DEBUG_EXIT

        .data
        .align 64
area:   .fill   576, 1, 0

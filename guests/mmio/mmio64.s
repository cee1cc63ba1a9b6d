# MMIO decode through every instruction form the platform must emulate, at 1, 2, 4 and 8 bytes,
# against the scratch MMIO device that the runner tests' extension places at 0xFE000000 (memory
# semantics over MMIO). Entered directly in 64-bit mode by HVE's ELF64 loader. Each step checks
# its result; the run ends with 0x2A, or with the number of the first failed step.
        .set M, 0xFE000000
        .set COM1, 0x3F8
        .set DEBUG_EXIT, 0xF4

.macro check step
        je      1f
        mov     $\step, %al
        out     %al, $DEBUG_EXIT
1:
.endm

        .text
        .code64
        .globl _start
_start:
        mov     $M, %rbx
        # 1-4. MOV with immediates and registers, each size, both directions.
        movb    $0x11, (%rbx)
        mov     (%rbx), %al
        cmp     $0x11, %al
        check   1
        movw    $0x2233, 2(%rbx)
        mov     2(%rbx), %cx
        cmp     $0x2233, %cx
        check   2
        movl    $0x44556677, 4(%rbx)
        mov     4(%rbx), %edx
        cmp     $0x44556677, %edx
        check   3
        movabs  $0x8899AABBCCDDEEFF, %rax
        mov     %rax, 8(%rbx)
        mov     8(%rbx), %rdx
        cmp     %rax, %rdx
        check   4
        # 5. moffs forms (A0-A3) with a 64-bit absolute address.
        mov     $0x5A, %al
        movabs  %al, M + 16
        xor     %eax, %eax
        movabs  M + 16, %al
        cmp     $0x5A, %al
        check   5
        movabs  $0x0123456789ABCDEF, %rax
        movabs  %rax, M + 24
        xor     %eax, %eax
        movabs  M + 24, %rax
        movabs  $0x0123456789ABCDEF, %rcx
        cmp     %rcx, %rax
        check   6
        # 7. MOVZX / MOVSX.
        movb    $0x80, 32(%rbx)
        movzbl  32(%rbx), %eax
        cmp     $0x80, %eax
        check   7
        movsbq  32(%rbx), %rax
        cmp     $-128, %rax
        check   8
        movswl  2(%rbx), %eax
        cmp     $0x2233, %eax
        check   9
        # 10. ALU with a memory destination and a memory source; flags follow.
        addl    $1, 4(%rbx)
        cmpl    $0x44556678, 4(%rbx)
        check   10
        orb     $0x0E, (%rbx)
        cmpb    $0x1F, (%rbx)
        check   11
        mov     $0x0F0F, %cx
        andw    %cx, 2(%rbx)
        cmpw    $0x0203, 2(%rbx)
        check   12
        mov     $1, %rax
        subq    %rax, 24(%rbx)
        movabs  $0x0123456789ABCDEE, %rcx
        cmp     24(%rbx), %rcx
        check   13
        mov     $0x1000, %edx
        add     4(%rbx), %edx
        cmp     $0x44557678, %edx
        check   14
        testb   $0x10, (%rbx)
        jz      fail15
        xorl    $0xFFFFFFFF, 4(%rbx)
        cmpl    $0xBBAA9987, 4(%rbx)
        check   16
        # 17. XCHG.
        movl    $0xCAFE, 40(%rbx)
        mov     $0xBEEF, %eax
        xchg    %eax, 40(%rbx)
        cmp     $0xCAFE, %eax
        check   17
        cmpl    $0xBEEF, 40(%rbx)
        check   18
        # 19. BT, BTS, BTR, BTC.
        movl    $0, 48(%rbx)
        btsl    $3, 48(%rbx)
        btl     $3, 48(%rbx)
        jnc     fail19
        btcl    $4, 48(%rbx)
        btrl    $3, 48(%rbx)
        cmpl    $0x10, 48(%rbx)
        check   20
        # 21. REP STOS into MMIO, REP MOVS from RAM to MMIO and back.
        cld
        lea     64(%rbx), %rdi
        mov     $0x5A, %al
        mov     $16, %ecx
        rep stosb
        cmpq    $0, %rcx
        check   21
        movabs  $0x5A5A5A5A5A5A5A5A, %rax
        cmp     72(%rbx), %rax
        check   22
        lea     pattern(%rip), %rsi
        lea     128(%rbx), %rdi
        mov     $8, %ecx
        rep movsb
        lea     128(%rbx), %rsi
        lea     copy(%rip), %rdi
        mov     $2, %ecx
        rep movsl
        mov     copy(%rip), %rax
        cmp     pattern(%rip), %rax
        check   23
        # 24. MOVBE loads and stores byte-swapped.
        movl    $0x11223344, 56(%rbx)
        movbe   56(%rbx), %eax
        cmp     $0x44332211, %eax
        check   24
        mov     $0xAABB, %ax
        movbe   %ax, 60(%rbx)
        cmpw    $0xBBAA, 60(%rbx)
        check   25

        lea     message(%rip), %rsi
        mov     $COM1, %dx
        mov     $message_length, %ecx
        rep outsb
        mov     $0x2A, %al
        out     %al, $DEBUG_EXIT
fail15: mov     $15, %al
        out     %al, $DEBUG_EXIT
fail19: mov     $19, %al
        out     %al, $DEBUG_EXIT
        hlt

        .section .rodata
message: .ascii "mmio: every form at 1, 2, 4 and 8 bytes\n"
        .set message_length, . - message
pattern: .ascii "HVE-MMIO"

        .data
copy:   .quad   0

# Decode corpus, 64-bit code: REX prefixes, RIP-relative operands, 64-bit immediates and the
# common compiled-code shapes. Never executed.
        .text
        .code64
        .globl corpus64
corpus64:
        push    %rbp
        mov     %rsp, %rbp
        push    %r15
        push    %r14
        push    %rbx
        sub     $0x28, %rsp
        mov     %rdi, %rbx
        mov     0x8(%rdi), %rax
        mov     (%rbx,%rsi,8), %rdx
        lea     0x10(%rax,%rdx,2), %rcx
        movzbl  (%r14), %eax
        movslq  %eax, %r8
        movabs  $0x5851f42d4c957f2d, %r10
        imul    %r10, %rax
        add     %r9, %rax
        mov     %rax, 0x7fff0(%rbx)
        mov     0x1000(%rip), %r11
        cmp     %r15, %rax
        jae     1f
        xor     %r15d, %r15d
1:      shr     $0x20, %rax
        and     $-16, %rsp
        test    %r8b, %r8b
        jne     2f
        add     $1, %r14
2:      sete    %al
        cmovb   %rcx, %rdx
        call    *%rax
        syscall
        rep stosq
        lock cmpxchg %rdx, (%rdi)
        movq    %rax, %cr3
        add     $0x28, %rsp
        pop     %rbx
        pop     %r14
        pop     %r15
        pop     %rbp
        ret
        .globl corpus64_end
corpus64_end:

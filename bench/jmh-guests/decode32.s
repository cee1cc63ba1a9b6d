# Decode corpus, 32-bit code: a spread of encodings (ModRM/SIB forms, displacements,
# immediates, prefixes, two-byte opcodes) in roughly the proportions compiled code has. Never
# executed: the decode benchmark decodes it again and again.
        .text
        .code32
        .globl corpus32
corpus32:
        push    %ebp
        mov     %esp, %ebp
        push    %edi
        push    %esi
        push    %ebx
        sub     $0x2c, %esp
        mov     0x8(%ebp), %eax
        mov     0xc(%ebp), %edx
        lea     0x1(%eax,%edx,4), %ecx
        movzbl  (%esi), %eax
        movzwl  0x2(%esi,%ecx,2), %ebx
        movsbl  %al, %edx
        cmp     $0x7f, %eax
        ja      1f
        add     %edx, %eax
1:      imul    $0x41c64e6d, %eax, %eax
        add     $0x3039, %eax
        mov     %eax, 0x10(%esp)
        test    %ecx, %ecx
        je      2f
        xor     %edx, %edx
        div     %ecx
2:      shl     $0x4, %edx
        sar     %cl, %eax
        and     $0xff, %eax
        or      0x100(%ebx), %eax
        mov     %ax, 0x4(%edi)
        movb    $0x1, (%edi,%eax,1)
        incl    0x14(%esp)
        sete    %al
        cmovne  %edx, %eax
        call    3f
3:      rep movsl
        cld
        lock xaddl %eax, (%ebx)
        bswap   %eax
        bt      $0x3, %eax
        mov     %cr0, %eax
        out     %al, $0x80
        in      (%dx), %al
        cpuid
        jmp     *0x8(,%eax,4)
        mov     %fs:0x14, %eax
        add     $0x2c, %esp
        pop     %ebx
        pop     %esi
        pop     %edi
        pop     %ebp
        ret
        .globl corpus32_end
corpus32_end:

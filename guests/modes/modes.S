/*
 * HVE mode-transition guest (issue 3): real mode -> unreal mode -> 32-bit protected mode ->
 * 32-bit paging -> long mode (4-level paging, a ring-3 excursion through SYSCALL/SYSRET and
 * INT 0x80) -> compatibility mode -> 32-bit protected mode ->
 * 16-bit protected mode -> real mode, taking #UD, #DE, #BP, #GP, #PF and #DF on purpose and
 * checking the vector, error code, CR2 and saved instruction pointer in its handlers.
 *
 * Entries: a Multiboot 1 header and 32-bit entry (_start, at 1 MiB) that drops to real mode, or
 * directly real mode at CS:IP = 0000:1000 (start16). The payload is linked and loaded at physical
 * 0x1000; the guest needs at least 16 MiB of RAM.
 * Progress: one ASCII letter per checkpoint on the UART (port 0x3F8), then a newline.
 * Result: on success a keyboard-controller reset (0xFE to port 0x64); on failure the number of the
 * failed check is written to the debug-exit port 0xF4.
 *
 * Build: guests/modes/build.sh OUT.elf (ELF32 for multiboot loaders; see modes.ld).
 */
        .intel_syntax noprefix

        .set R_VEC,   0x8000    /* last exception: vector */
        .set R_ERR,   0x8008    /* error code (0 if none) */
        .set R_RIP,   0x8010    /* saved IP/EIP/RIP */
        .set R_CR2,   0x8018
        .set SKIP,    0x8020    /* bytes the handler adds to the saved IP */
        .set R_RSP,   0x8028    /* RSP at handler entry (IST check) */
        .set PD32,    0x10000
        .set PML4,    0x11000
        .set PDPT,    0x12000
        .set PD64,    0x13000
        .set IDT32,   0x14000
        .set IDT64,   0x15000
        .set TSS64,   0x16000
        .set IST1TOP, 0x19000
        .set STACK,   0x9F000

        .macro checkpoint letter
        mov al, \letter
        mov dx, 0x3F8
        out dx, al
        .endm

        /* Multiboot 1 header (flags 0: the loader uses the ELF program headers). */
        .section .multiboot, "a"
        .balign 4
        .long 0x1BADB002
        .long 0
        .long -0x1BADB002

        /* Multiboot entry: 32-bit protected mode, paging off. Go down to real mode at start16. */
        .section .boot32, "ax"
        .code32
        .globl _start
_start:
        cli
        lgdt [gdt_desc]
        ljmp 0x20, offset to16

        .text
        .code16
to16:
        mov ax, 0x28
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        ljmp 0, offset start16

        .globl start16
start16:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7000
        checkpoint 'R'
        /* IVT: #DE and #UD to the real-mode stubs. */
        mov word ptr [0*4], offset rm_stub0
        mov word ptr [0*4+2], 0
        mov word ptr [6*4], offset rm_stub6
        mov word ptr [6*4+2], 0
        mov word ptr [SKIP], 2
rm_ud_site:
        ud2
        cmp word ptr [R_VEC], 6
        jne fail1
        cmp word ptr [R_RIP], offset rm_ud_site
        jne fail1
        mov ax, 1234
        mov bl, 0
rm_de_site:
        div bl
        cmp word ptr [R_VEC], 0
        jne fail2
        cmp word ptr [R_RIP], offset rm_de_site
        jne fail2
        /* #BP: a trap, the saved IP follows INT3. */
        mov word ptr [3*4], offset rm_stub3
        mov word ptr [3*4+2], 0
        mov word ptr [SKIP], 0
        int3
rm_bp_after:
        cmp word ptr [R_VEC], 3
        jne fail4
        cmp word ptr [R_RIP], offset rm_bp_after
        jne fail4
        /* #GP: a word read at DS:FFFF runs past the 64 KiB limit (no error code in real mode). */
        mov word ptr [13*4], offset rm_stub13
        mov word ptr [13*4+2], 0
        mov word ptr [8*4], offset rm_stub8
        mov word ptr [8*4+2], 0
        mov word ptr [SKIP], 3
rm_gp_site:
        mov ax, word ptr [0xFFFF]
        cmp word ptr [R_VEC], 13
        jne fail5
        cmp word ptr [R_RIP], offset rm_gp_site
        jne fail5
        /* #DF: with the IVT limit below vector 13, delivering that #GP faults again. */
        lidt [ivt_short]
rm_df_site:
        mov ax, word ptr [0xFFFF]
        lidt [ivt_desc]
        cmp word ptr [R_VEC], 8
        jne fail6
        cmp word ptr [R_RIP], offset rm_df_site
        jne fail6
        checkpoint 'r'

        /* Unreal mode: load a 4 GiB data segment in protected mode, return to real mode. */
        lgdt [gdt_desc]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        mov bx, 0x10
        mov ds, bx
        and al, 0xFE
        mov cr0, eax
        xor bx, bx
        mov ds, bx
        mov ebx, 0x200000
        mov dword ptr [ebx], 0x600DF00D
        cmp dword ptr [ebx], 0x600DF00D
        jne fail3
        checkpoint 'U'

        /* 32-bit protected mode. */
        mov eax, cr0
        or al, 1
        mov cr0, eax
        ljmp 0x08, offset pm32

fail1:  mov al, 1
        jmp fail16
fail2:  mov al, 2
        jmp fail16
fail3:  mov al, 3
        jmp fail16
fail4:  mov al, 4
        jmp fail16
fail5:  mov al, 5
        jmp fail16
fail6:  mov al, 6
fail16: out 0xF4, al
        hlt
        jmp fail16

rm_stub0:
        push 0
        jmp rm_common
rm_stub3:
        push 3
        jmp rm_common
rm_stub8:
        push 8
        jmp rm_common
rm_stub13:
        push 13
        jmp rm_common
rm_stub6:
        push 6
rm_common:
        push bp
        mov bp, sp
        push ax
        mov ax, [bp+2]
        mov [R_VEC], ax
        mov ax, [bp+4]
        mov [R_RIP], ax
        add ax, [SKIP]
        mov [bp+4], ax
        pop ax
        pop bp
        add sp, 2
        iret

        .code32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK
        checkpoint 'P'
        /* IDT with 32-bit interrupt gates for vectors 0-31. */
        mov edi, IDT32
        mov esi, offset pm_stubs
        xor ecx, ecx
1:      mov eax, esi
        mov word ptr [edi], ax
        mov word ptr [edi+2], 0x08
        mov word ptr [edi+4], 0x8E00
        shr eax, 16
        mov word ptr [edi+6], ax
        add edi, 8
        add esi, 16
        inc ecx
        cmp ecx, 32
        jne 1b
        lidt [idt32_desc]

        mov dword ptr [SKIP], 0
pm_bp_site:
        int3
pm_bp_after:
        cmp dword ptr [R_VEC], 3
        jne fail10
        cmp dword ptr [R_RIP], offset pm_bp_after
        jne fail10

        mov dword ptr [SKIP], 2
        mov ax, 0x99
pm_gp_site:
        mov ds, ax
        cmp dword ptr [R_VEC], 13
        jne fail11
        cmp dword ptr [R_ERR], 0x98
        jne fail11
        cmp dword ptr [R_RIP], offset pm_gp_site
        jne fail11

        mov dword ptr [SKIP], 2
pm_ud_site:
        ud2
        cmp dword ptr [R_VEC], 6
        jne fail13
        cmp dword ptr [R_RIP], offset pm_ud_site
        jne fail13
        xor ecx, ecx
pm_de_site:
        div ecx
        cmp dword ptr [R_VEC], 0
        jne fail13
        cmp dword ptr [R_RIP], offset pm_de_site
        jne fail13
        /* #DF: with the #GP gate not present, delivering #GP raises #NP, a second contributory fault. */
        and byte ptr [IDT32 + 13*8 + 5], 0x7F
        mov ax, 0x99
pm_df_site:
        mov ds, ax
        or byte ptr [IDT32 + 13*8 + 5], 0x80
        cmp dword ptr [R_VEC], 8
        jne fail14
        cmp dword ptr [R_ERR], 0
        jne fail14
        cmp dword ptr [R_RIP], offset pm_df_site
        jne fail14
        checkpoint 'p'

        /* 32-bit paging with 4 MiB pages: 0-12 MiB present, 12-16 MiB not present. */
        mov edi, PD32
        mov dword ptr [edi+0], 0x000083
        mov dword ptr [edi+4], 0x400083
        mov dword ptr [edi+8], 0x800083
        mov dword ptr [edi+12], 0
        mov eax, PD32
        mov cr3, eax
        mov eax, cr4
        or eax, 0x10            /* PSE */
        mov cr4, eax
        mov eax, cr0
        or eax, 0x80010000      /* PG, WP */
        mov cr0, eax
        mov dword ptr [SKIP], 5
pm_pf_site:
        mov dword ptr [0xC00010], eax
        cmp dword ptr [R_VEC], 14
        jne fail12
        cmp dword ptr [R_ERR], 2
        jne fail12
        cmp dword ptr [R_CR2], 0xC00010
        jne fail12
        cmp dword ptr [R_RIP], offset pm_pf_site
        jne fail12
        test dword ptr [PD32], 0x20      /* the accessed bit was set by the walk */
        jz fail12
        checkpoint 'G'
        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax

        /* Long mode: PML4 -> PDPT -> PD of 2 MiB pages over 1 GiB; 12-14 MiB absent, 14-16 MiB read-only. */
        mov dword ptr [PML4], PDPT + 7
        mov dword ptr [PML4+4], 0
        mov dword ptr [PDPT], PD64 + 7
        mov dword ptr [PDPT+4], 0
        mov edi, PD64
        xor ecx, ecx
2:      mov eax, ecx
        shl eax, 21
        or eax, 0x83
        mov dword ptr [edi+ecx*8], eax
        mov dword ptr [edi+ecx*8+4], 0
        inc ecx
        cmp ecx, 512
        jne 2b
        mov dword ptr [PD64+6*8], 0
        mov dword ptr [PD64+7*8], 0xE00081
        mov dword ptr [PD64], 0x87       /* 0-2 MiB: user accessible, for the ring-3 excursion */
        mov eax, cr4
        or eax, 0x20            /* PAE */
        mov cr4, eax
        mov eax, PML4
        mov cr3, eax
        mov ecx, 0xC0000080
        rdmsr
        or eax, 0x101           /* LME, and SCE for SYSCALL later */
        wrmsr
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        ljmp 0x18, offset lm64

fail10: mov al, 10
        jmp fail32
fail11: mov al, 11
        jmp fail32
fail12: mov al, 12
        jmp fail32
fail13: mov al, 13
        jmp fail32
fail14: mov al, 14
fail32: out 0xF4, al
        hlt
        jmp fail32

        .balign 16
pm_stubs:
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .balign 16
        .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21)
        nop
        nop
        .else
        push 0
        .endif
        push \v
        jmp pm_common
        .endr
pm_common:
        push eax
        mov eax, [esp+4]
        mov [R_VEC], eax
        mov eax, [esp+8]
        mov [R_ERR], eax
        mov eax, [esp+12]
        mov [R_RIP], eax
        add eax, [SKIP]
        mov [esp+12], eax
        mov eax, cr2
        mov [R_CR2], eax
        pop eax
        add esp, 8
        iret

        .code64
lm64:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov rsp, STACK
        checkpoint 'L'
        /* 64-bit TSS with IST1 for #DF; descriptor at GDT selector 0x30. */
        mov rdi, TSS64
        mov qword ptr [rdi+0x24], IST1TOP
        mov qword ptr [rdi+4], STACK
        mov rax, TSS64
        mov word ptr [gdt+0x30], 0x67
        mov word ptr [gdt+0x32], ax
        shr rax, 16
        mov byte ptr [gdt+0x34], al
        mov byte ptr [gdt+0x35], 0x89
        mov byte ptr [gdt+0x36], 0
        mov byte ptr [gdt+0x37], ah
        mov dword ptr [gdt+0x38], 0
        mov dword ptr [gdt+0x3C], 0
        mov ax, 0x30
        ltr ax
        /* IDT with 64-bit interrupt gates; #DF uses IST1. */
        mov rdi, IDT64
        lea rsi, [rip+lm_stubs]
        xor ecx, ecx
3:      mov rax, rsi
        mov word ptr [rdi], ax
        mov word ptr [rdi+2], 0x18
        mov word ptr [rdi+4], 0x8E00
        shr rax, 16
        mov word ptr [rdi+6], ax
        shr rax, 16
        mov dword ptr [rdi+8], eax
        mov dword ptr [rdi+12], 0
        add rdi, 16
        add rsi, 16
        inc ecx
        cmp ecx, 32
        jne 3b
        mov byte ptr [IDT64 + 8*16 + 4], 1
        lidt [idt64_desc]

        mov qword ptr [SKIP], 2
lm_ud_site:
        ud2
        cmp qword ptr [R_VEC], 6
        jne fail20
        lea rax, [rip+lm_ud_site]
        cmp qword ptr [R_RIP], rax
        jne fail20

        xor ecx, ecx
        mov eax, 7
lm_de_site:
        div ecx
        cmp qword ptr [R_VEC], 0
        jne fail21
        lea rax, [rip+lm_de_site]
        cmp qword ptr [R_RIP], rax
        jne fail21

        mov qword ptr [SKIP], 0
        int3
lm_bp_after:
        cmp qword ptr [R_VEC], 3
        jne fail22
        lea rax, [rip+lm_bp_after]
        cmp qword ptr [R_RIP], rax
        jne fail22
        checkpoint 'l'

        mov qword ptr [SKIP], 2
        mov ebx, 0xE00020
lm_pfw_site:
        mov dword ptr [rbx], eax
        cmp qword ptr [R_VEC], 14
        jne fail23
        cmp qword ptr [R_ERR], 3
        jne fail23
        cmp qword ptr [R_CR2], rbx
        jne fail23
        lea rax, [rip+lm_pfw_site]
        cmp qword ptr [R_RIP], rax
        jne fail23
        mov ebx, 0xC00008
lm_pfr_site:
        mov eax, dword ptr [rbx]
        cmp qword ptr [R_VEC], 14
        jne fail24
        cmp qword ptr [R_ERR], 0
        jne fail24
        cmp qword ptr [R_CR2], rbx
        jne fail24

        mov qword ptr [SKIP], 3
        mov rbx, 0x8000000000000000
lm_gp_site:
        mov rax, qword ptr [rbx]
        cmp qword ptr [R_VEC], 13
        jne fail25
        cmp qword ptr [R_ERR], 0
        jne fail25
        lea rax, [rip+lm_gp_site]
        cmp qword ptr [R_RIP], rax
        jne fail25
        checkpoint 'F'

        /* #DF: with the #GP gate not present, delivering #GP raises #NP -> double fault on IST1. */
        and byte ptr [IDT64 + 13*16 + 5], 0x7F
lm_df_site:
        mov rax, qword ptr [rbx]
        or byte ptr [IDT64 + 13*16 + 5], 0x80
        cmp qword ptr [R_VEC], 8
        jne fail26
        cmp qword ptr [R_ERR], 0
        jne fail26
        mov rax, qword ptr [R_RSP]
        cmp rax, IST1TOP - 0x38
        jne fail26
        checkpoint 'D'

        /* Ring 3 and back: SYSCALL/SYSRET, then INT 0x80 through a DPL-3 gate (RSP0 from the TSS). */
        mov ecx, 0xC0000081
        xor eax, eax
        mov edx, 0x00380018      /* SYSRET base 0x38 (SS 0x43, CS 0x4B), SYSCALL CS 0x18 */
        wrmsr
        mov ecx, 0xC0000082
        lea rax, [rip+lm_syscall]
        mov rdx, rax
        shr rdx, 32
        wrmsr
        mov ecx, 0xC0000084
        mov eax, 0x200           /* SYSCALL clears IF */
        xor edx, edx
        wrmsr
        lea rax, [rip+lm_int80]
        mov word ptr [IDT64 + 0x80*16], ax
        mov word ptr [IDT64 + 0x80*16 + 2], 0x18
        mov word ptr [IDT64 + 0x80*16 + 4], 0xEE00
        shr rax, 16
        mov word ptr [IDT64 + 0x80*16 + 6], ax
        shr rax, 16
        mov dword ptr [IDT64 + 0x80*16 + 8], eax
        mov dword ptr [IDT64 + 0x80*16 + 12], 0
        mov word ptr [idt64_desc], 0x81*16 - 1
        lidt [idt64_desc]
        lea rax, [rip+lm_user]
        push 0x43
        push 0x9E000
        push 0x202
        push 0x4B
        push rax
        iretq
lm_user:
        mov eax, 0x5C
        syscall
lm_after_syscall:
        cmp eax, 0xC5            /* the kernel side returned its answer in EAX */
        jne fail27
        mov ax, cs
        cmp ax, 0x4B
        jne fail27
        int 0x80
        jmp fail27
lm_syscall:
        lea rax, [rip+lm_after_syscall]
        cmp rcx, rax             /* RCX = the return RIP */
        jne fail27
        test r11, 0x200          /* R11 = the caller's RFLAGS (IF was set) */
        jz fail27
        pushfq
        pop rax
        test eax, 0x200          /* FMASK cleared IF */
        jnz fail27
        mov ax, cs
        cmp ax, 0x18
        jne fail27
        mov eax, 0xC5
        sysretq
lm_int80:
        mov rax, [rsp+8]         /* the pushed CS: ring 3 */
        cmp rax, 0x4B
        jne fail27
        cmp rsp, STACK - 40      /* frame on RSP0 from the TSS */
        jne fail27
        mov rsp, STACK
        checkpoint 'S'

        /* Down to compatibility mode. */
        lea rax, [rip+compat32]
        push 0x08
        push rax
        retfq

fail20: mov al, 20
        jmp fail64
fail21: mov al, 21
        jmp fail64
fail22: mov al, 22
        jmp fail64
fail23: mov al, 23
        jmp fail64
fail24: mov al, 24
        jmp fail64
fail25: mov al, 25
        jmp fail64
fail26: mov al, 26
        jmp fail64
fail27: mov al, 27
fail64: out 0xF4, al
        hlt
        jmp fail64

        .balign 16
lm_stubs:
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .balign 16
        .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21)
        nop
        nop
        .else
        push 0
        .endif
        push \v
        jmp lm_common
        .endr
lm_common:
        mov [R_RSP], rsp
        push rax
        mov rax, [rsp+8]
        mov [R_VEC], rax
        mov rax, [rsp+16]
        mov [R_ERR], rax
        mov rax, [rsp+24]
        mov [R_RIP], rax
        add rax, [SKIP]
        mov [rsp+24], rax
        mov rax, cr2
        mov [R_CR2], rax
        pop rax
        add rsp, 16
        iretq

        .code32
compat32:
        checkpoint 'C'
        mov eax, cr0
        and eax, 0x7FFFFFFF     /* paging off: leaves IA-32e mode */
        mov cr0, eax
        mov ecx, 0xC0000080
        rdmsr
        test eax, 0x400         /* LMA must be clear now */
        jnz fail30
        and eax, 0xFFFFFEFF
        wrmsr
        mov esp, STACK
        checkpoint 'c'
        ljmp 0x20, offset pm16

fail30: mov al, 30
        out 0xF4, al
        hlt

        .code16
pm16:
        mov ax, 0x28
        mov ds, ax
        mov ss, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        ljmp 0, offset real_again
real_again:
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        lidt [ivt_desc]
        mov word ptr [SKIP], 2
rm2_ud_site:
        ud2
        cmp word ptr [R_VEC], 6
        jne fail40
        cmp word ptr [R_RIP], offset rm2_ud_site
        jne fail40
        checkpoint 'Z'
        checkpoint 10
        mov al, 0xFE
        out 0x64, al
        hlt
fail40: mov al, 40
        out 0xF4, al
        hlt

        .balign 8
gdt:
        .quad 0
        .quad 0x00CF9B000000FFFF   /* 0x08 code32 */
        .quad 0x00CF93000000FFFF   /* 0x10 data32 */
        .quad 0x00AF9B000000FFFF   /* 0x18 code64 */
        .quad 0x00009B000000FFFF   /* 0x20 code16 */
        .quad 0x000093000000FFFF   /* 0x28 data16 */
        .quad 0, 0                 /* 0x30 TSS64, filled in */
        .quad 0x00CFF3000000FFFF   /* 0x40 user data (SYSRET SS 0x43) */
        .quad 0x00AFFB000000FFFF   /* 0x48 user code64 (SYSRET CS 0x4B) */
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
idt32_desc:
        .word 32*8 - 1
        .long IDT32
idt64_desc:
        .word 32*16 - 1
        .quad IDT64
ivt_desc:
        .word 0x3FF
        .long 0
ivt_short:
        .word 13*4 - 1
        .long 0

# Every exit a guest can cause, one after the other, for the runner-level exit tests: run with
# `--intercept all,exception=0,exception=3,exception=6,exception=13,exception=14 --trace-exits F`
# and each operation below shows up in F with its vendor record. Each operation has a global
# label (op_*) so a test can find its RIP with nm. Entered in 64-bit mode by HVE's ELF64 loader
# (identity-mapped first 4 GiB, CPL 0). Exceptions go to handlers that record the vector and
# error code and resume at `resume`; the run ends with 0x2A on the debug-exit port, or with the
# number of the first failed check.
        .include "long64.inc"
        .set COM1, 0x3F8
        .set POST, 0x80
        .set LAPIC, 0xFEE00000

# Runs the faulting instruction at label \name, expecting vector \vector.
.macro expect_fault name, vector, step
        lea     9f(%rip), %rax
        mov     %rax, resume(%rip)
        movl    $-1, seen_vector(%rip)
        .globl  \name
\name:
.endm
.macro faulted vector, step
9:      cmpl    $\vector, seen_vector(%rip)
        je      8f
        fail    \step
8:
.endm

        .text
        .code64
        .globl _start
_start:
        lea     idt(%rip), %rdi
        mov     $32 + 1, %ecx
        xor     %esi, %esi
1:      lea     handlers(%rip), %rax
        mov     (%rax, %rsi, 8), %rax
        # A 64-bit interrupt gate: offset 15:0, selector 0x20, type 0x8E, offset 31:16, offset 63:32.
        mov     %ax, (%rdi)
        movw    $0x20, 2(%rdi)
        movw    $0x8E00, 4(%rdi)
        shr     $16, %rax
        mov     %ax, 6(%rdi)
        shr     $16, %rax
        mov     %eax, 8(%rdi)
        movl    $0, 12(%rdi)
        add     $16, %rdi
        inc     %esi
        loop    1b
        lidt    idt_pointer(%rip)

        # CPUID (a common exit) and the instructions the common API has no exit kind for.
        xor     %eax, %eax
        .globl  op_cpuid
op_cpuid:
        cpuid
        .globl  op_rdtsc
op_rdtsc:
        rdtsc
        .globl  op_rdtscp
op_rdtscp:
        rdtscp
        mov     $0x200000, %rbx
        .globl  op_invlpg
op_invlpg:
        invlpg  (%rbx)
        .globl  op_pause
op_pause:
        pause
        .globl  op_wbinvd
op_wbinvd:
        wbinvd
        .globl  op_invd
op_invd:
        invd
        xor     %ecx, %ecx
        .globl  op_rdpmc
op_rdpmc:
        rdpmc

        # Debug registers: write DR7 from RAX, read DR6 into RCX.
        mov     $0x400, %eax
        .globl  op_mov_to_dr7
op_mov_to_dr7:
        mov     %rax, %dr7
        .globl  op_mov_from_dr6
op_mov_from_dr6:
        mov     %dr6, %rcx

        # Control registers. Writes change a bit (CR0.TS, CR4.PCE) so that VT-x's masks and read
        # shadows exit too; CLTS and LMSW then take TS back and forth.
        .globl  op_mov_from_cr3
op_mov_from_cr3:
        mov     %cr3, %r9
        .globl  op_mov_to_cr3
op_mov_to_cr3:
        mov     %r9, %cr3
        mov     %cr0, %rdx
        or      $8, %rdx
        .globl  op_mov_to_cr0
op_mov_to_cr0:
        mov     %rdx, %cr0
        .globl  op_clts
op_clts:
        clts
        smsw    %ax
        or      $8, %ax
        .globl  op_lmsw
op_lmsw:
        lmsw    %ax
        clts
        mov     %cr4, %rsi
        or      $0x100, %rsi
        .globl  op_mov_to_cr4
op_mov_to_cr4:
        mov     %rsi, %cr4
        .globl  op_mov_from_cr8
op_mov_from_cr8:
        mov     %cr8, %rcx
        .globl  op_mov_to_cr8
op_mov_to_cr8:
        mov     %rcx, %cr8

        # Descriptor tables: store each, then load GDTR, IDTR and LDTR back.
        .globl  op_sgdt
op_sgdt:
        sgdt    gdt_copy(%rip)
        .globl  op_sidt
op_sidt:
        sidt    idt_copy(%rip)
        .globl  op_sldt
op_sldt:
        sldt    %ax
        .globl  op_str
op_str:
        str     %bx
        .globl  op_lgdt
op_lgdt:
        lgdt    gdt_copy(%rip)
        .globl  op_lidt
op_lidt:
        lidt    idt_copy(%rip)
        xor     %eax, %eax
        .globl  op_lldt
op_lldt:
        lldt    %ax

        # Port I/O at each size, and a REP string pair.
        mov     $0x11, %al
        .globl  op_outb
op_outb:
        out     %al, $POST
        mov     $POST, %dx
        mov     $0x2233, %ax
        .globl  op_outw
op_outw:
        out     %ax, %dx
        mov     $0x44556677, %eax
        .globl  op_outl
op_outl:
        out     %eax, %dx
        .globl  op_inb
op_inb:
        in      $0x61, %al
        lea     text(%rip), %rsi
        mov     $COM1, %dx
        mov     $text_end - text, %ecx
        .globl  op_rep_outsb
op_rep_outsb:
        rep outsb
        lea     buffer(%rip), %rdi
        mov     $0x61, %dx
        mov     $4, %ecx
        .globl  op_rep_insb
op_rep_insb:
        rep insb

        # MSRs the platform serves (IA32_APIC_BASE), and MMIO (the local APIC's version register).
        mov     $0x1B, %ecx
        .globl  op_rdmsr
op_rdmsr:
        rdmsr
        .globl  op_wrmsr
op_wrmsr:
        wrmsr
        mov     $LAPIC + 0x30, %rbx
        .globl  op_mmio_read
op_mmio_read:
        mov     (%rbx), %eax
        and     $0xFF, %eax
        jnz     1f
        fail    1
1:
        # The hypercall the host CPU's vendor defines (VMCALL or VMMCALL): KVM_HC_... 0 is unknown
        # and returns -KVM_ENOSYS (-1000).
        xor     %eax, %eax
        cpuid
        xor     %eax, %eax
        cmp     $0x6C65746E, %ecx               # "ntel"
        jne     2f
        .globl  op_vmcall
op_vmcall:
        vmcall
        jmp     3f
2:
        .globl  op_vmmcall
op_vmmcall:
        vmmcall
        jmp     3f                              # both paths run the same number of instructions
3:      cmp     $-1000, %rax
        je      4f
        fail    2
4:
        # Exceptions: #DE, #BP, #UD, #GP(0) from a non-canonical address, #PF above 4 GiB.
        xor     %ecx, %ecx
        expect_fault op_divide_error, 0, 3
        div     %ecx
        faulted 0, 3
        expect_fault op_int3, 3, 4
        int3
        faulted 3, 4
        expect_fault op_ud2, 6, 5
        ud2
        faulted 6, 5
        movabs  $0x8000000000000000, %rbx
        expect_fault op_general_protection, 13, 6
        mov     (%rbx), %rax
        faulted 13, 6
        movabs  $0x100000000, %rbx
        expect_fault op_page_fault, 14, 7
        movb    $1, (%rbx)
        faulted 14, 7
        mov     %cr2, %rax
        cmp     %rbx, %rax
        je      6f
5:      fail    8
6:      cmpl    $0x2, seen_error(%rip)          # a write to a non-present page, CPL 0
        je      7f
        fail    9
7:
        # An interrupt that waits for a window: PIT IRQ 0 raised while IF = 0, taken after STI.
        pic_irq0_only                           # IRQ 0 is vector 32
        mov     $0x34, %al                      # channel 0, rate generator
        out     %al, $PIT_CMD
        mov     $100, %al                       # about 84 microseconds
        out     %al, $PIT_CH0
        xor     %al, %al
        out     %al, $PIT_CH0
        # Spin with interrupts off long enough for the tick to be pending.
        mov     $200000, %ecx
1:      dec     %ecx
        jnz     1b
        .globl  op_sti
op_sti:
        sti
        nop
        .globl  op_after_sti
op_after_sti:
        cli
        cmpl    $0, ticks(%rip)
        jne     2f
        fail    10
2:
        mov     $0x2A, %al
        out     %al, $DEBUG_EXIT

# Exception entry: vectors with an error code (8, 10-14, 17) have it on the stack.
fault_common:
        # Stack: vector, [error code], RIP, CS, RFLAGS, RSP, SS.
        push    %rax
        mov     8(%rsp), %rax
        mov     %eax, seen_vector(%rip)
        cmp     $8, %eax
        je      1f
        cmp     $10, %eax
        jb      2f
        cmp     $14, %eax
        ja      2f
1:      mov     16(%rsp), %rax
        mov     %eax, seen_error(%rip)
        mov     resume(%rip), %rax
        mov     %rax, 24(%rsp)
        pop     %rax
        add     $16, %rsp
        iretq
2:      mov     resume(%rip), %rax
        mov     %rax, 16(%rsp)
        pop     %rax
        add     $8, %rsp
        iretq

timer:
        push    %rax
        incl    ticks(%rip)
        mov     $0x20, %al                      # end of interrupt
        out     %al, $PIC1_CMD
        pop     %rax
        iretq

.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
vector\v:
        push    $\v
        jmp     fault_common
.endr

        .section .rodata
        .align 8
handlers:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad   vector\v
.endr
        .quad   timer
idt_pointer:
        .word   33 * 16 - 1
        .quad   idt
text:   .ascii  "exits\n"
text_end:

        .data
        .align 16
idt:    .fill   33 * 16, 1, 0
gdt_copy:
        .fill   10, 1, 0
        .align 8
idt_copy:
        .fill   10, 1, 0
        .align 8
resume: .quad   0
seen_vector:
        .long   0
seen_error:
        .long   0
ticks:  .long   0
buffer: .fill   16, 1, 0

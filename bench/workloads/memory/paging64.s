# Memory workload: the guest switches itself from the 32-bit multiboot entry to long mode with
# 4-level paging, identity-maps everything up to MEM_BASE_MB + MEM_MB MiB with 4 KiB pages, and
# strides through the MEM_MB MiB working set at MEM_BASE_MB MiB, MEM_STRIDE bytes at a time
# (default one page plus a cache line, so every access lands on a different page: TLB-miss
# heavy). Pass 0 stores each slot's offset; each of the MEM_PASSES passes that follow loads the
# slot, multiplies it by a 64-bit LCG constant, adds the pass number, stores it back and adds it
# into a 64-bit sum. paging64_oracle.c computes the same sum on the host.
# The result is printed from compatibility mode with the shared 32-bit helpers.
# Parameters: MEM_MB, MEM_BASE_MB, MEM_STRIDE, MEM_PASSES (as --defsym).

        .ifndef MEM_MB
        .set MEM_MB, 96
        .endif
        .ifndef MEM_BASE_MB
        .set MEM_BASE_MB, 16
        .endif
        .ifndef MEM_STRIDE
        .set MEM_STRIDE, 4160
        .endif
        .ifndef MEM_PASSES
        .set MEM_PASSES, 160
        .endif
        .set MEM_BYTES, MEM_MB * 0x100000
        .set MEM_BASE, MEM_BASE_MB * 0x100000
        .set MAP_END, MEM_BASE + MEM_BYTES
        .set PT_PAGES, (MAP_END + 0x1FFFFF) / 0x200000      # one page table maps 2 MiB
        .set CODE64_SEL, 0x08
        .set DATA_SEL, 0x10
        .set CODE32_SEL, 0x18
        .set MSR_EFER, 0xC0000080
        .set EFER_LME, 0x100
        .set EFER_LMA, 0x400

        .include "lib32.s"
        MULTIBOOT_HEADER

        .globl _start
_start:
        cli
        mov     $stack_top, %esp

        # PML4, PDPT and PD: cleared (the loader need not zero .bss).
        mov     $pml4, %edi
        mov     $(3 * 1024), %ecx
        xor     %eax, %eax
1:      mov     %eax, (%edi)
        add     $4, %edi
        dec     %ecx
        jnz     1b

        # Page tables: entry i maps physical page i (present, writable).
        mov     $page_tables, %edi
        xor     %ebx, %ebx
        mov     $(PT_PAGES * 512), %ecx
2:      lea     3(%ebx), %eax
        mov     %eax, (%edi)
        movl    $0, 4(%edi)
        add     $8, %edi
        add     $4096, %ebx
        dec     %ecx
        jnz     2b

        # Page directory entries point at the page tables.
        mov     $pd, %edi
        mov     $page_tables, %ebx
        mov     $PT_PAGES, %ecx
3:      lea     3(%ebx), %eax
        mov     %eax, (%edi)
        add     $8, %edi
        add     $4096, %ebx
        dec     %ecx
        jnz     3b
        movl    $(pd + 3), pdpt
        movl    $(pdpt + 3), pml4

        # CR4.PAE, CR3, EFER.LME, then CR0.PG: IA-32e mode (SDM Vol. 3A §10.8.5).
        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $pml4, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME, %eax
        wrmsr
        lgdt    gdt_descriptor
        mov     %cr0, %eax
        or      $0x80000001, %eax
        mov     %eax, %cr0
        ljmp    $CODE64_SEL, $long_mode

        .code64
long_mode:
        mov     $DATA_SEL, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $stack_top, %esp

        # Pass 0: each slot holds its offset.
        xor     %esi, %esi
4:      mov     %rsi, MEM_BASE(%rsi)
        add     $MEM_STRIDE, %rsi
        cmp     $(MEM_BYTES - 8), %rsi
        jbe     4b

        xor     %r8d, %r8d                      # 64-bit sum
        mov     $1, %r9d                        # pass number
        movabs  $0x5851F42D4C957F2D, %r10
5:      xor     %esi, %esi
6:      mov     MEM_BASE(%rsi), %rax
        imul    %r10, %rax
        add     %r9, %rax
        mov     %rax, MEM_BASE(%rsi)
        add     %rax, %r8
        add     $MEM_STRIDE, %rsi
        cmp     $(MEM_BYTES - 8), %rsi
        jbe     6b
        inc     %r9
        cmp     $MEM_PASSES, %r9
        jbe     5b

        # (Absolute addresses go through a register: an ELF32 object has no 64-bit relocations.)
        mov     $sum, %eax
        mov     %r8, (%rax)
        # To compatibility mode, where the 32-bit helpers run unchanged.
        mov     $compat_pointer, %eax
        ljmpl   *(%rax)

        .code32
compat_mode:
        mov     $MSR_EFER, %ecx
        rdmsr
        mov     %eax, %ebx
        mov     $msg_result, %esi
        call    bench_puts
        mov     $MEM_MB, %eax
        call    bench_putdec
        mov     $msg_stride, %esi
        call    bench_puts
        mov     $MEM_STRIDE, %eax
        call    bench_putdec
        mov     $msg_passes, %esi
        call    bench_puts
        mov     $MEM_PASSES, %eax
        call    bench_putdec
        mov     $msg_sumhi, %esi
        call    bench_puts
        mov     sum + 4, %eax
        call    bench_puthex
        mov     $msg_sumlo, %esi
        call    bench_puts
        mov     sum, %eax
        call    bench_puthex
        mov     $msg_lma, %esi
        call    bench_puts
        xor     %eax, %eax
        test    $EFER_LMA, %ebx
        setnz   %al
        call    bench_putdec
        mov     $msg_newline, %esi
        call    bench_puts
        mov     $BENCH_OK, %al
        test    $EFER_LMA, %ebx
        jnz     7f
        mov     $BENCH_FAIL, %al
7:      jmp     bench_exit

        .section .rodata
msg_result:     .asciz "RESULT memory mb="
msg_stride:     .asciz " stride="
msg_passes:     .asciz " passes="
msg_sumhi:      .asciz " sumhi="
msg_sumlo:      .asciz " sumlo="
msg_lma:        .asciz " lma="
msg_newline:    .asciz "\n"

        .data
        .align 8
gdt:
        .quad   0
        .quad   0x00AF9A000000FFFF              # 0x08: 64-bit code
        .quad   0x00CF92000000FFFF              # 0x10: flat data
        .quad   0x00CF9A000000FFFF              # 0x18: flat 32-bit code (compatibility mode)
gdt_end:
gdt_descriptor:
        .word   gdt_end - gdt - 1
        .long   gdt
compat_pointer:
        .long   compat_mode
        .word   CODE32_SEL
        .align 8
sum:    .quad   0

        .bss
        .align 4096
pml4:   .skip   4096
pdpt:   .skip   4096
pd:     .skip   4096
page_tables:
        .skip   PT_PAGES * 4096
        .skip   4096
stack_top:

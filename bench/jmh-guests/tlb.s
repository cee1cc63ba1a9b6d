# TLB hit and miss paths: the guest enters long mode with 4-level paging (4 KiB pages, identity
# map of the first TLB_MAP_MB MiB) and loads one quadword from each of TLB_PAGES consecutive
# pages at 16 MiB, forever. With few pages every load hits the software TLB; with many pages
# (more than any TLB holds) every load takes the miss path: guest page walk plus EPT/NPT walk.
# Four instructions per load (two more at each wrap-around). Parameters: TLB_PAGES, TLB_MAP_MB (as --defsym).
        .ifndef TLB_PAGES
        .set TLB_PAGES, 4
        .endif
        .ifndef TLB_MAP_MB
        .set TLB_MAP_MB, 64
        .endif
        .set BASE, 0x1000000
        .set PT_PAGES, TLB_MAP_MB / 2

        .include "header.s"
        .globl _start
_start:
        mov     $jmh_stack_top, %esp
        mov     $pml4, %edi
        mov     $(3 * 1024), %ecx
        xor     %eax, %eax
1:      mov     %eax, (%edi)
        add     $4, %edi
        dec     %ecx
        jnz     1b
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
        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $pml4, %eax
        mov     %eax, %cr3
        mov     $0xC0000080, %ecx
        rdmsr
        or      $0x100, %eax
        wrmsr
        lgdt    gdt_descriptor
        mov     %cr0, %eax
        or      $0x80000001, %eax
        mov     %eax, %cr0
        ljmp    $0x08, $long_mode

        .code64
long_mode:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     $BASE, %esi
        mov     $(BASE + TLB_PAGES * 4096), %edi
        mov     $BASE, %r8d
loop:
        mov     (%rsi), %rax
        add     $4096, %rsi
        cmp     %rdi, %rsi
        jb      loop
        mov     %r8, %rsi
        jmp     loop
        .code32

        .data
        .align 8
gdt:
        .quad   0
        .quad   0x00AF9A000000FFFF
        .quad   0x00CF92000000FFFF
gdt_end:
gdt_descriptor:
        .word   gdt_end - gdt - 1
        .long   gdt

        .bss
        .align 4096
pml4:   .skip   4096
pdpt:   .skip   4096
pd:     .skip   4096
page_tables:
        .skip   PT_PAGES * 4096

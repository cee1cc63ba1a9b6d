# A multiboot kernel that reads its information structure: it prints the command line it was
# given and, for each module, the module's own command line and its contents (text modules), and
# checks the memory map covers its RAM.
        .include "pc.inc"
        multiboot_header 2              # flag 1: memory information required

        .globl _start
_start:
        mov     $stack_top, %esp
        cmp     $0x2BADB002, %eax
        je      1f
        exit_with 1
1:      mov     %ebx, %edi              # the multiboot information
        testl   $(1 << 2), (%edi)
        jz      fail2
        mov     $cmdline_label, %esi
        call    print
        mov     16(%edi), %esi
        call    print
        mov     $newline, %esi
        call    print
        testl   $(1 << 3), (%edi)
        jz      fail3
        mov     20(%edi), %ecx          # mods_count
        mov     24(%edi), %ebx          # mods_addr
next_module:
        test    %ecx, %ecx
        jz      check_mmap
        mov     $module_label, %esi
        call    print
        mov     8(%ebx), %esi           # the module's string
        call    print
        mov     $colon, %esi
        call    print
        # Print the module's bytes from mod_start to mod_end.
        mov     (%ebx), %esi
        mov     4(%ebx), %edx
        sub     %esi, %edx
        push    %ecx
        mov     %edx, %ecx
        mov     $COM1, %dx
        rep outsb
        pop     %ecx
        add     $16, %ebx
        dec     %ecx
        jmp     next_module
check_mmap:
        testl   $(1 << 6), (%edi)
        jz      fail4
        cmpl    $0, 44(%edi)
        je      fail4
        exit_with PASS
fail2:  exit_with 2
fail3:  exit_with 3
fail4:  exit_with 4

        .include "print.inc"

        .section .rodata
cmdline_label: .asciz "cmdline: "
module_label:  .asciz "module "
colon:         .asciz ": "
newline:       .asciz "\n"

        .bss
        .align 16
        .skip   4096
stack_top:

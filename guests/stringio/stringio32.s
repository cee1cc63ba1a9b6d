# String I/O with REP in 32-bit and 16-bit protected mode. Each part prints with REP OUTS to
# COM1 and reads with REP INS from the UART's line status register (which reads 0x60 while the
# transmitter is idle), then checks what arrived and the registers the instruction left behind.
# Ends through the debug-exit port: 0x2A when every check passed, otherwise the failed step.

        .set COM1, 0x3F8
        .set COM1_LSR, 0x3FD
        .set DEBUG_EXIT, 0xF4
        .set POST, 0x80

        .section .multiboot, "a"
        .align 4
        .long 0x1BADB002, 0, -0x1BADB002

        .text
        .code32
        .globl _start
_start:
        mov     $stack_top, %esp
        cld
        # 32-bit: REP OUTSB, REP OUTSW and REP OUTSD, forwards.
        mov     $COM1, %dx
        mov     $msg32, %esi
        mov     $msg32_len, %ecx
        rep outsb
        test    %ecx, %ecx
        jnz     fail1
        cmp     $msg32 + msg32_len, %esi
        jne     fail1
        # Word and doubleword strings go to the POST port (0x80): a word OUT to the 8-bit UART
        # would split across THR and IER, as on the ISA bus.
        mov     $POST, %dx
        mov     $words, %esi
        mov     $2, %ecx
        rep outsw
        cmp     $words + 4, %esi
        jne     fail1
        mov     $3, %ecx
        rep outsl
        cmp     $words + 16, %esi
        jne     fail1
        # REP INSB backwards (DF=1) fills buf[3..0] from the LSR.
        std
        mov     $COM1_LSR, %dx
        mov     $buf + 3, %edi
        mov     $4, %ecx
        rep insb
        cld
        cmp     $buf - 1, %edi
        jne     fail2
        cmpl    $0x60606060, buf
        jne     fail2
        # A REP with a zero count does nothing.
        xor     %ecx, %ecx
        mov     $buf, %edi
        rep insb
        cmp     $buf, %edi
        jne     fail2

        # 16-bit protected mode: 16-bit code and data segments based at `anchor', so that 16-bit
        # offsets reach this code and its data. The bases are patched in at run time.
        mov     $anchor, %eax
        mov     %ax, gdt + 0x08 + 2
        mov     %ax, gdt + 0x20 + 2
        shr     $16, %eax
        mov     %al, gdt + 0x08 + 4
        mov     %al, gdt + 0x20 + 4
        lgdt    gdt_descriptor
        ljmp    $0x08, $(code16 - anchor)
anchor:
        .code16
code16:
        mov     $0x20, %ax
        mov     %ax, %ds
        mov     $COM1, %dx
        mov     $(msg16 - anchor), %si
        mov     $msg16_len, %cx
        rep outsb
        test    %cx, %cx
        jnz     fail3_16
        ljmpl   $0x10, $back32
fail3_16:
        ljmpl   $0x10, $fail3
msg16:  .ascii  "rep outsb 16\n"
        .set msg16_len, . - msg16
        .code32
back32:
        mov     $0x18, %ax
        mov     %ax, %ds
        mov     $0x2A, %al
        out     %al, $DEBUG_EXIT

fail1:  mov     $1, %al
        out     %al, $DEBUG_EXIT
fail2:  mov     $2, %al
        out     %al, $DEBUG_EXIT
fail3:  mov     $3, %al
        out     %al, $DEBUG_EXIT
        hlt

        .section .rodata
msg32:  .ascii  "rep outsb 32\n"
        .set msg32_len, . - msg32
words:  .ascii  "0123456789abcdef"

        .data
        .align 8
gdt:    .quad   0
        .quad   0x00009A000000FFFF      # 0x08: 16-bit code, limit 64 KiB, base patched
        .quad   0x00CF9A000000FFFF      # 0x10: 32-bit code, flat
        .quad   0x00CF92000000FFFF      # 0x18: data, flat
        .quad   0x000092000000FFFF      # 0x20: 16-bit data, limit 64 KiB, base patched
gdt_end:
gdt_descriptor:
        .word   gdt_end - gdt - 1
        .long   gdt
buf:    .long   0
        .byte   0x55                    # guard: must stay untouched

        .bss
        .align 16
        .skip   4096
stack_top:

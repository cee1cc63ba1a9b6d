# String I/O with REP in 64-bit mode, entered directly by HVE's ELF64 loader: REP OUTSB with
# 64-bit addressing, then with a 32-bit address-size override (ESI/ECX), then REP INSW from the
# UART line status register. Ends through the debug-exit port: 0x2A when every check passed.

        .set COM1, 0x3F8
        .set COM1_LSR, 0x3FD
        .set DEBUG_EXIT, 0xF4

        .text
        .code64
        .globl _start
_start:
        cld
        mov     $COM1, %dx
        lea     msg64(%rip), %rsi
        mov     $msg64_len, %rcx
        rep outsb
        test    %rcx, %rcx
        jnz     fail1
        lea     msg64_end(%rip), %rax
        cmp     %rax, %rsi
        jne     fail1
        # 32-bit address size in 64-bit mode: ESI and ECX, and the upper halves are cleared.
        mov     $0xFFFFFFFF00000000, %rsi
        or      $msg32, %rsi
        mov     $msg32_len, %ecx
        addr32 rep outsb
        mov     $(msg32 + msg32_len), %eax
        cmp     %rax, %rsi
        jne     fail2
        # REP INSW: two words of 0x0060.
        mov     $COM1_LSR, %dx
        lea     buf(%rip), %rdi
        mov     $2, %ecx
        rep insw
        cmpl    $0x00600060, buf(%rip)
        jne     fail3
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
msg64:  .ascii  "rep outsb 64\n"
msg64_end:
        .set msg64_len, msg64_end - msg64
msg32:  .ascii  "addr32 rep outsb\n"
        .set msg32_len, . - msg32

        .data
buf:    .long   0

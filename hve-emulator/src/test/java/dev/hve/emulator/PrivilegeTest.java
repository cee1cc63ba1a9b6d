package dev.hve.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Privilege-level changes through the TSS, IRET/IRETQ to ring 3, INT n gates with DPL 3, the
 * I/O-permission bitmap, SYSCALL/SYSRET and user-mode page faults, assembled with GNU as.
 */
class PrivilegeTest {

    private static TestMachine boot(TestMachine t, String asm) throws Exception {
        byte[] image = GuestImages.assemble(asm, 0x1000);
        t.memory.writeBytes(0x1000, image, 0, image.length);
        t.s.rip = 0x1000;
        t.exitPort = 0xF4;
        return t;
    }

    @Test
    void ring3ToRing0Through32BitTssAndIoBitmap() throws Exception {
        TestMachine t = boot(new TestMachine().flat32(), """
            .intel_syntax noprefix
            .code32
            .globl _start
            _start:
                lgdt [gdt_desc]
                ljmp 0x08, offset 1f
            1:  mov ax, 0x10
                mov ds, ax
                mov es, ax
                mov ss, ax
                mov esp, 0x9000
                mov edi, 0x20000
                mov dword ptr [edi+4], 0xA000
                mov dword ptr [edi+8], 0x10
                mov word ptr [edi+0x66], 0x68
                mov edi, 0x20068
                mov ecx, 0x2001
                mov al, 0xFF
                cld
                rep stosb
                and byte ptr [0x20068 + 0x60/8], 0xFE
                mov ax, 0x28
                ltr ax
                mov eax, offset int80
                mov word ptr [0x21000 + 0x80*8], ax
                mov word ptr [0x21000 + 0x80*8 + 2], 0x08
                mov word ptr [0x21000 + 0x80*8 + 4], 0xEE00
                shr eax, 16
                mov word ptr [0x21000 + 0x80*8 + 6], ax
                mov eax, offset gp
                mov word ptr [0x21000 + 13*8], ax
                mov word ptr [0x21000 + 13*8 + 2], 0x08
                mov word ptr [0x21000 + 13*8 + 4], 0x8E00
                shr eax, 16
                mov word ptr [0x21000 + 13*8 + 6], ax
                lidt [idt_desc]
                mov dword ptr [0x8130], offset deny_site
                push 0x23
                push 0xB000
                push 0x202
                push 0x1B
                push offset user
                iret
            user:
                mov ax, 0x23
                mov ds, ax
                mov es, ax
                mov eax, 0x1234
                int 0x80
                in al, 0x60
            deny_site:
                in al, 0x61
                hlt
            int80:
                mov [0x8100], esp
                mov ebx, [esp+4]
                mov [0x8104], ebx
                mov ebx, [esp+16]
                mov [0x8108], ebx
                mov [0x810C], eax
                iret
            gp:
                mov ebx, [esp]
                mov [0x8120], ebx
                mov ebx, [esp+4]
                mov [0x8124], ebx
                mov ebx, [esp+8]
                mov [0x8128], ebx
                mov al, 0
                out 0xF4, al
                hlt
                .balign 8
            gdt:
                .quad 0
                .quad 0x00CF9B000000FFFF
                .quad 0x00CF93000000FFFF
                .quad 0x00CFFB000000FFFF
                .quad 0x00CFF3000000FFFF
                .quad 0x0000890200002069
            gdt_desc:
                .word 6*8-1
                .long gdt
            idt_desc:
                .word 256*8-1
                .long 0x21000
            """);
        assertEquals(StopReason.EXIT, t.run(100_000), () -> t.log.toString());
        assertEquals(0xA000 - 20, t.memory.read32(0x8100), () -> "ring-0 stack from TSS.ESP0; log " + t.log
            + String.format(" gp err %x eip %x cs %x rip %x cpl %d tr %x/%x/%x ss0 %x", t.memory.read32(0x8120), t.memory.read32(0x8124),
            t.memory.read32(0x8128), t.s.rip, t.s.cpl, t.s.segmentBase[7], t.s.segmentLimit[7], t.s.segmentAttributes[7],
            t.memory.read32(0x20008)));
        assertEquals(0x1B, t.memory.read32(0x8104), "pushed user CS");
        assertEquals(0x23, t.memory.read32(0x8108), "pushed user SS");
        assertEquals(0x1234, t.memory.read32(0x810C));
        assertEquals(0, t.memory.read32(0x8120), "#GP(0) for the denied port");
        assertEquals(t.memory.read32(0x8130), t.memory.read32(0x8124), "#GP saved EIP");
        assertEquals(0x1B, t.memory.read32(0x8128));
        assertTrue(t.log.stream().anyMatch(l -> l.startsWith("io port=60 ")));
        assertFalse(t.log.stream().anyMatch(l -> l.startsWith("io port=61 ")));
        assertEquals(0, t.s.cpl);
    }

    @Test
    void syscallSysretIntAndUserPageFaultIn64BitMode() throws Exception {
        TestMachine t = new TestMachine().long64();
        t.memory.write64(0x72000 + 5 * 8, (5L << 21) | 0x83); // 10-12 MiB: supervisor only
        boot(t, """
            .intel_syntax noprefix
            .code64
            .globl _start
            _start:
                lgdt [gdt_desc]
                lea rax, [rip+1f]
                push 0x08
                push rax
                retfq
            1:  mov ax, 0x10
                mov ds, ax
                mov ss, ax
                mov rsp, 0x9000
                mov qword ptr [0x20004], 0xA000
                mov rax, 0x20000
                mov word ptr [gdt+0x30], 0x67
                mov word ptr [gdt+0x32], ax
                mov byte ptr [gdt+0x34], 2
                mov byte ptr [gdt+0x35], 0x89
                mov ax, 0x30
                ltr ax
                lea rax, [rip+int80]
                mov word ptr [0x21000 + 0x80*16], ax
                mov word ptr [0x21000 + 0x80*16 + 2], 0x08
                mov word ptr [0x21000 + 0x80*16 + 4], 0xEE00
                shr rax, 16
                mov word ptr [0x21000 + 0x80*16 + 6], ax
                lea rax, [rip+pf]
                mov word ptr [0x21000 + 14*16], ax
                mov word ptr [0x21000 + 14*16 + 2], 0x08
                mov word ptr [0x21000 + 14*16 + 4], 0x8E00
                shr rax, 16
                mov word ptr [0x21000 + 14*16 + 6], ax
                lidt [idt_desc]
                mov ecx, 0xC0000081
                mov eax, 0
                mov edx, 0x00180008
                wrmsr
                mov ecx, 0xC0000082
                lea rax, [rip+syscall_entry]
                xor edx, edx
                wrmsr
                mov ecx, 0xC0000084
                mov eax, 0x200
                wrmsr
                lea rax, [rip+user]
                mov [0x8138], rax
                push 0x23
                push 0xB000
                push 0x202
                push 0x2B
                push rax
                iretq
            user:
                mov eax, 0x55
                syscall
            after_syscall:
                int 0x80
            pf_site:
                mov rax, [0xA00000]
                hlt
            syscall_entry:
                mov [0x8100], rcx
                mov [0x8108], r11
                mov ax, cs
                mov [0x8110], ax
                pushfq
                pop rax
                mov [0x8118], rax
                sysretq
            int80:
                mov [0x8120], rsp
                mov rax, [rsp+8]
                mov [0x8128], rax
                mov rax, [rsp+32]
                mov [0x8130], rax
                iretq
            pf:
                mov rax, [rsp]
                mov [0x8140], rax
                mov rax, cr2
                mov [0x8148], rax
                lea rax, [rip+pf_site]
                mov [0x8150], rax
                mov rax, [rsp+8]
                mov [0x8158], rax
                mov al, 0
                out 0xF4, al
                hlt
                .balign 8
            gdt:
                .quad 0
                .quad 0x00AF9B000000FFFF
                .quad 0x00CF93000000FFFF
                .quad 0x00CFFB000000FFFF
                .quad 0x00CFF3000000FFFF
                .quad 0x00AFFB000000FFFF
                .quad 0, 0
            gdt_desc:
                .word 8*8-1
                .quad gdt
            idt_desc:
                .word 256*16-1
                .quad 0x21000
            """);
        assertEquals(StopReason.EXIT, t.run(100_000), () -> t.log.toString());
        long user = t.memory.read64(0x8138);
        assertEquals(0x08, t.memory.read16(0x8110), "SYSCALL loaded CS = STAR[47:32]");
        assertEquals(0x202, t.memory.read64(0x8108) & 0x202, "R11 = RFLAGS");
        assertEquals(0, t.memory.read64(0x8118) & 0x200, "SFMASK cleared IF");
        assertTrue(t.memory.read64(0x8100) > user && t.memory.read64(0x8100) < user + 16, "RCX = return RIP");
        assertEquals(0xA000 - 40, t.memory.read64(0x8120), "RSP0 from the 64-bit TSS, 16-byte aligned frame");
        assertEquals(0x2B, t.memory.read64(0x8128), "user CS after SYSRET");
        assertEquals(0x23, t.memory.read64(0x8130), "user SS after SYSRET");
        assertEquals(5, t.memory.read64(0x8140), "#PF error: present | user");
        assertEquals(0xA00000, t.memory.read64(0x8148), "CR2");
        assertEquals(t.memory.read64(0x8150), t.memory.read64(0x8158), "saved RIP");
    }

    @Test
    void callGateWithParametersConformingCodeAndLdt() throws Exception {
        TestMachine t = boot(new TestMachine().flat32(), """
            .intel_syntax noprefix
            .code32
            .globl _start
            _start:
                lgdt [gdt_desc]
                ljmp 0x08, offset 1f
            1:  mov ax, 0x10
                mov ds, ax
                mov es, ax
                mov ss, ax
                mov esp, 0x9000
                mov dword ptr [0x20004], 0xA000
                mov dword ptr [0x20008], 0x10
                mov ax, 0x28
                ltr ax
                mov eax, offset gate_target
                mov word ptr [gdt+0x30], ax
                shr eax, 16
                mov word ptr [gdt+0x36], ax
                mov ax, 0x38
                lldt ax
                push 0x23
                push 0xB000
                push 0x202
                push 0x1B
                push offset user
                iret
            user:
                mov ax, 0x23
                mov ds, ax
                push 0x11
                push 0x22
                lcall 0x33, 0
                mov [0x8200], eax
                mov [0x8204], esp
                mov ax, cs
                mov [0x8208], ax
                lcall 0x40, offset conforming
                mov [0x820C], ebx
                mov ax, 0x07
                mov fs, ax
                mov ecx, fs:[0]
                mov [0x8210], ecx
                mov al, 0
                out 0xF4, al
                hlt
            gate_target:
                mov eax, [esp+8]
                add eax, [esp+12]
                mov ebx, cs
                mov [0x8220], ebx
                mov [0x8224], esp
                retf 8
            conforming:
                mov ebx, cs
                retf
                .balign 8
            gdt:
                .quad 0
                .quad 0x00CF9B000000FFFF
                .quad 0x00CF93000000FFFF
                .quad 0x00CFFB000000FFFF
                .quad 0x00CFF3000000FFFF
                .quad 0x0000890200000067
                .quad 0x0000EC0200080000
                .quad 0x0000820300000007
                .quad 0x00CFFF000000FFFF
            gdt_desc:
                .word 9*8-1
                .long gdt
            """);
        // The LDT (GDT selector 0x38, base 0x30000) holds one data descriptor (selector 0x07 = LDT index 0, RPL 3).
        t.memory.write64(0x30000, 0x00CF_F300_0000_FFFFL | (0x31000L << 16));
        t.memory.write32(0x31000, 0xC0FFEE);
        assertEquals(StopReason.EXIT, t.run(100_000), () -> t.log.toString());
        assertEquals(0x33, t.memory.read32(0x8200), "parameters copied to the inner stack and added");
        assertEquals(0xB000, t.memory.read32(0x8204), "RETF 8 popped the parameters on the outer stack");
        assertEquals(0x1B, t.memory.read16(0x8208), "back at CPL 3");
        assertEquals(0x08, t.memory.read32(0x8220), "the gate's target ran at CPL 0");
        assertEquals(0xA000 - 24, t.memory.read32(0x8224), "inner stack: SS, ESP, 2 parameters, CS, EIP");
        assertEquals(0x43, t.memory.read32(0x820C), "conforming code keeps CPL 3 (CS.RPL = 3)");
        assertEquals(0xC0FFEE, t.memory.read32(0x8210), "FS loaded from the LDT");
    }

    @Test
    void hardwareTaskSwitchesByCallIretAndTaskGate() throws Exception {
        TestMachine t = boot(new TestMachine().flat32(), """
            .intel_syntax noprefix
            .code32
            .globl _start
            _start:
                lgdt [gdt_desc]
                ljmp 0x08, offset 1f
            1:  mov ax, 0x10
                mov ds, ax
                mov es, ax
                mov ss, ax
                mov esp, 0x9000
                /* TSS B at 0x21000 runs task_b; TSS C at 0x22000 runs task_c (both on their own stacks). */
                mov dword ptr [0x21000 + 0x20], offset task_b
                mov dword ptr [0x21000 + 0x24], 0x2
                mov dword ptr [0x21000 + 0x38], 0xA000
                mov dword ptr [0x21000 + 0x48], 0x10
                mov dword ptr [0x21000 + 0x4C], 0x08
                mov dword ptr [0x21000 + 0x50], 0x10
                mov dword ptr [0x21000 + 0x54], 0x10
                mov dword ptr [0x22000 + 0x20], offset task_c
                mov dword ptr [0x22000 + 0x24], 0x2
                mov dword ptr [0x22000 + 0x38], 0xB000
                mov dword ptr [0x22000 + 0x48], 0x10
                mov dword ptr [0x22000 + 0x4C], 0x08
                mov dword ptr [0x22000 + 0x50], 0x10
                mov dword ptr [0x22000 + 0x54], 0x10
                mov ax, 0x28
                ltr ax
                /* IDT vector 0x40: a task gate to TSS C (selector 0x38). */
                mov dword ptr [0x23000 + 0x40*8], 0x00380000
                mov dword ptr [0x23000 + 0x40*8 + 4], 0x00008500
                lidt [idt_desc]
                mov ebx, 0x1111
                call 0x30:0
                mov [0x8300], eax
                mov [0x8304], ebx
                int 0x40
                mov [0x8308], ecx
                mov [0x830C], esp
                mov al, 0
                out 0xF4, al
                hlt
            task_b:
                mov eax, 0xB0B0
                str dx
                mov [0x8310], dx
                pushf
                pop edx
                mov [0x8314], edx
                iret
            task_c:
                mov ecx, 0xC0C0
                mov [0x8318], esp
                iret
                .balign 8
            gdt:
                .quad 0
                .quad 0x00CF9B000000FFFF
                .quad 0x00CF93000000FFFF
                .quad 0
                .quad 0
                .quad 0x0000890200000067   /* 0x28: TSS A at 0x20000 */
                .quad 0x0000890210000067   /* 0x30: TSS B at 0x21000 */
                .quad 0x0000890220000067   /* 0x38: TSS C at 0x22000 */
            gdt_desc:
                .word 8*8-1
                .long gdt
            idt_desc:
                .word 256*8-1
                .long 0x23000
            """);
        assertEquals(StopReason.EXIT, t.run(100_000), () -> t.log.toString());
        assertEquals(0x30, t.memory.read16(0x8310), "TR in task B");
        assertTrue((t.memory.read32(0x8314) & 0x4000) != 0, "NT set in the called task");
        assertEquals(0x28, t.memory.read16(0x21000), "back link to task A");
        assertEquals(0x28, t.memory.read32(0x8300), "task A's own EAX came back from its TSS, not task B's 0xB0B0");
        assertEquals(0xB0B0, t.memory.read32(0x21000 + 0x28), "task B's EAX saved in TSS B by its IRET");
        assertEquals(0x1111, t.memory.read32(0x8304));
        assertEquals(0, t.memory.read32(0x8308), "task A's ECX restored after task C");
        assertEquals(0xC0C0, t.memory.read32(0x22000 + 0x2C), "task C's ECX saved in TSS C by its IRET");
        assertEquals(0xB000, t.memory.read32(0x8318), "task C's stack from its TSS");
        assertEquals(0x9000, t.memory.read32(0x830C));
        assertTrue((t.s.cr0 & 0x8) != 0, "CR0.TS set by the switch");
        assertEquals(0x28, t.s.segmentSelector[7]);
    }

    @Test
    void taskSwitchToA16BitTss() throws Exception {
        TestMachine t = boot(new TestMachine().flat32(), """
            .intel_syntax noprefix
            .code32
            .globl _start
            _start:
                lgdt [gdt_desc]
                ljmp 0x08, offset 1f
            1:  mov ax, 0x10
                mov ds, ax
                mov es, ax
                mov ss, ax
                mov esp, 0x9000
                mov word ptr [0x24000 + 0x0E], offset task_b16
                mov word ptr [0x24000 + 0x10], 0x2
                mov word ptr [0x24000 + 0x1A], 0x7000
                mov word ptr [0x24000 + 0x22], 0x28
                mov word ptr [0x24000 + 0x24], 0x20
                mov word ptr [0x24000 + 0x26], 0x28
                mov word ptr [0x24000 + 0x28], 0x28
                mov ax, 0x30
                ltr ax
                mov ebx, 0x12345678
                call 0x38:0
                mov [0x8404], ebx
                mov ax, ss
                mov [0x8408], ax
                mov al, 0
                out 0xF4, al
                hlt
                .code16
            task_b16:
                mov ax, 0x0B16
                mov [0x8400], ax
                mov bx, 0x4321
                iret
                .code32
                .balign 8
            gdt:
                .quad 0
                .quad 0x00CF9B000000FFFF
                .quad 0x00CF93000000FFFF
                .quad 0
                .quad 0x00009B000000FFFF   /* 0x20 code16 */
                .quad 0x000093000000FFFF   /* 0x28 data16 */
                .quad 0x0000890200000067   /* 0x30: 32-bit TSS A at 0x20000 */
                .quad 0x000081024000002B   /* 0x38: 16-bit TSS B at 0x24000 */
            gdt_desc:
                .word 8*8-1
                .long gdt
            """);
        assertEquals(StopReason.EXIT, t.run(100_000), () -> t.log.toString());
        assertEquals(0x0B16, t.memory.read16(0x8400), "the 16-bit task ran");
        assertEquals(0x12345678, t.memory.read32(0x8404), "task A's EBX came back from its TSS");
        assertEquals(0x10, t.memory.read16(0x8408));
        assertEquals(0x4321, t.memory.read16(0x24000 + 0x12 + 2 * 3), "task B's BX saved in its 16-bit TSS");
        assertEquals(0x30, t.memory.read16(0x24000), "back link");
    }
}

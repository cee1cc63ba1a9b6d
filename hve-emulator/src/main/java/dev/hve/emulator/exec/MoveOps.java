package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.ZF;

import dev.hve.emulator.cpu.CpuState;

/**
 * Data movement: MOV forms, MOVZX/MOVSX/MOVSXD, LEA, XCHG, CMPXCHG, XADD, PUSH/POP forms, segment
 * register moves and far-pointer loads, CMOVcc/SETcc, BSWAP/MOVBE, CBW/CWD families and XLAT.
 */
final class MoveOps {

    private final Interpreter x;
    private final CpuState s;

    MoveOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    /*
     * The MOV forms below (MOV, MOV moffs, MOV imm to r/m, MOVZX, MOVSX, MOVSXD) make one memory
     * access, and it comes before any other effect: a load precedes its register write, and a
     * store is the instruction's only effect. So when that access leaves guest mode (an EPT
     * violation or nested page fault on MMIO, which is what device drivers' MOVs to MMIO cause),
     * nothing has changed yet, and the exit ends the instruction the cheap way, through
     * Interpreter.exitRequested, as an exit before executing does. The ExitSignal is caught right
     * here instead of unwinding the whole interpreter: once the access path is inlined, HotSpot
     * compiles this catch to a jump, where unwinding through the non-inlined frames above costs
     * more than the rest of the exit.
     */

    void movRm(int op) {
        int size = x.sizeOf(op);
        try {
            if (op <= 0x89) {
                x.writeRm(size, x.reg(size, x.in.reg));
                return;
            }
            long value = x.readRm(size);
            x.setReg(size, x.in.reg, value);
        } catch (ExitSignal e) {
            x.exitRequested = true;
        }
    }

    void movImmediateToRm(int op) {
        if ((x.in.reg & 7) != 0) {
            throw x.ud(); // C6/C7 /1-7: XABORT/XBEGIN (TSX) are not modeled
        }
        int size = x.sizeOf(op);
        try {
            x.writeRm(size, x.in.imm);
        } catch (ExitSignal e) {
            x.exitRequested = true;
        }
    }

    void movImmediateToRegister(int op) {
        int r = (op & 7) | ((x.in.rex & 1) << 3);
        if (op < 0xB8) {
            x.setReg(1, r, x.in.imm);
        } else {
            x.setReg(x.in.opSize, r, x.in.imm);
        }
    }

    void movMoffs(int op) {
        int size = x.sizeOf(op);
        int seg = x.in.segment();
        try {
            if (op <= 0xA1) {
                long value = x.read(seg, x.in.disp, size);
                x.setReg(size, 0, value);
            } else {
                x.write(seg, x.in.disp, size, x.reg(size, 0));
            }
        } catch (ExitSignal e) {
            x.exitRequested = true;
        }
    }

    void movzx(int from) {
        try {
            long value = x.readRm(from);
            x.setReg(x.in.opSize, x.in.reg, value);
        } catch (ExitSignal e) {
            x.exitRequested = true;
        }
    }

    void movsx(int from) {
        try {
            long value = x.readRm(from);
            x.setReg(x.in.opSize, x.in.reg, Alu.signExtend(value, from));
        } catch (ExitSignal e) {
            x.exitRequested = true;
        }
    }

    /** 63 in 64-bit mode: MOVSXD Gv, Ed (sign-extends with REX.W; a plain move otherwise). */
    void movsxd() {
        try {
            long v = x.readRm(4);
            x.setReg(x.in.opSize, x.in.reg, x.in.opSize == 8 ? (int) v : v);
        } catch (ExitSignal e) {
            x.exitRequested = true;
        }
    }

    void lea() {
        x.requireMemoryOperand();
        x.setReg(x.in.opSize, x.in.reg, x.ea);
    }

    void xchgAccumulator(int op) {
        int r = (op & 7) | ((x.in.rex & 1) << 3);
        if (r == 0) {
            // 90: NOP (and PAUSE with F3). XCHG EAX,EAX would clear RAX's upper half in 64-bit
            // mode, but 90 is defined as a true NOP; with REX.B it is XCHG R8, RAX.
            if (x.in.lastRep == 0xF3) {
                x.system.pause();
            }
            return;
        }
        int size = x.in.opSize;
        long a = x.reg(size, 0);
        x.setReg(size, 0, x.reg(size, r));
        x.setReg(size, r, a);
    }

    /** XCHG Eb,Gb / Ev,Gv: with memory it is locked implicitly. */
    void xchgRm(int op) {
        int size = x.sizeOf(op);
        long a = x.readRm(size);
        long b = x.reg(size, x.in.reg);
        x.writeRm(size, b);
        x.setReg(size, x.in.reg, a);
    }

    void cmpxchg(int size) {
        long dest = x.readRm(size);
        long acc = x.reg(size, 0);
        Alu.sub(s, acc, dest, 0, size);
        if ((s.rflags & ZF) != 0) {
            x.writeRm(size, x.reg(size, x.in.reg));
        } else {
            if (x.in.mod != 3) {
                x.writeRm(size, dest); // the processor always writes the destination
            }
            x.setReg(size, 0, dest);
        }
    }

    void xadd(int size) {
        long dest = x.readRm(size);
        long src = x.reg(size, x.in.reg);
        long sum = Alu.add(s, dest, src, 0, size);
        x.writeRm(size, sum);
        if (!(x.in.mod == 3 && x.in.rm == x.in.reg)) {
            x.setReg(size, x.in.reg, dest);
        }
    }

    /** 0F C7 /1: CMPXCHG8B m64, or CMPXCHG16B m128 with REX.W (16-byte aligned, else #GP(0)). */
    void cmpxchg8b16b() {
        x.requireMemoryOperand();
        int seg = x.in.segment();
        if (x.in.rexW()) {
            if ((x.ea & 15) != 0) {
                throw x.gp(0);
            }
            long lo = x.read(seg, x.ea, 8);
            long hi = x.read(seg, (x.ea + 8) & Alu.mask(x.in.addrSize), 8);
            x.probeWrite(seg, x.ea, 16);
            if (lo == s.gpr[0] && hi == s.gpr[2]) {
                x.write(seg, x.ea, 8, s.gpr[3]);
                x.write(seg, (x.ea + 8) & Alu.mask(x.in.addrSize), 8, s.gpr[1]);
                s.rflags |= ZF;
            } else {
                x.write(seg, x.ea, 8, lo);
                x.write(seg, (x.ea + 8) & Alu.mask(x.in.addrSize), 8, hi);
                s.gpr[0] = lo;
                s.gpr[2] = hi;
                s.rflags &= ~ZF;
            }
            return;
        }
        long m = x.read(seg, x.ea, 8);
        long expected = ((s.gpr[2] & 0xFFFF_FFFFL) << 32) | (s.gpr[0] & 0xFFFF_FFFFL);
        if (m == expected) {
            x.write(seg, x.ea, 8, ((s.gpr[1] & 0xFFFF_FFFFL) << 32) | (s.gpr[3] & 0xFFFF_FFFFL));
            s.rflags |= ZF;
        } else {
            x.write(seg, x.ea, 8, m);
            x.setReg(4, 0, m);
            x.setReg(4, 2, m >>> 32);
            s.rflags &= ~ZF;
        }
    }

    void cmov(int op) {
        int size = x.in.opSize;
        long v = x.readRm(size); // the source is read (and may fault) whatever the condition
        if (Conditions.test(op & 0xF, s.rflags)) {
            x.setReg(size, x.in.reg, v);
        } else if (size == 4) {
            x.setReg(4, x.in.reg, x.reg(4, x.in.reg)); // 32-bit CMOV zero-extends even when false
        }
    }

    void setcc(int op) {
        x.writeRm(1, Conditions.test(op & 0xF, s.rflags) ? 1 : 0);
    }

    void bswap(int op) {
        int r = (op & 7) | ((x.in.rex & 1) << 3);
        int size = x.in.opSize;
        if (size == 8) {
            s.gpr[r] = Long.reverseBytes(s.gpr[r]);
        } else if (size == 4) {
            x.setReg(4, r, Integer.reverseBytes((int) s.gpr[r]) & 0xFFFF_FFFFL);
        } else {
            x.setReg(2, r, 0); // undefined for 16-bit operands; current parts produce zero
        }
    }

    /** MOVBE (0F 38 F0/F1): a load or store with the bytes reversed; memory operands only. */
    void movbe(boolean store) {
        x.requireMemoryOperand();
        int size = x.in.opSize;
        if (store) {
            x.writeRm(size, reverse(x.reg(size, x.in.reg), size));
        } else {
            x.setReg(size, x.in.reg, reverse(x.readRm(size), size));
        }
    }

    private static long reverse(long v, int size) {
        switch (size) {
            case 2: return Short.reverseBytes((short) v) & 0xFFFF;
            case 4: return Integer.reverseBytes((int) v) & 0xFFFF_FFFFL;
            default: return Long.reverseBytes(v);
        }
    }

    void movnti() {
        x.requireMemoryOperand();
        int size = x.in.opSize == 8 ? 8 : 4;
        x.writeRm(size, x.reg(size, x.in.reg));
    }

    void cbw() {
        switch (x.in.opSize) {
            case 2: x.setReg(2, 0, (byte) s.gpr[0]); return;
            case 4: x.setReg(4, 0, (short) s.gpr[0]); return;
            default: s.gpr[0] = (int) s.gpr[0];
        }
    }

    void cwd() {
        switch (x.in.opSize) {
            case 2: x.setReg(2, 2, ((short) s.gpr[0]) >> 15); return;
            case 4: x.setReg(4, 2, ((int) s.gpr[0]) >> 31); return;
            default: s.gpr[2] = s.gpr[0] >> 63;
        }
    }

    void xlat() {
        long offset = (s.gpr[3] + (s.gpr[0] & 0xFF)) & Alu.mask(x.in.addrSize);
        x.setReg(1, 0, x.read(x.in.segment(), offset, 1));
    }

    // ---------------------------------------------------------------- stack

    void pushRegister(int op) {
        int r = (op & 7) | ((x.in.rex & 1) << 3);
        x.push(x.reg(x.in.opSize, r), x.in.opSize);
    }

    void popRegister(int op) {
        int r = (op & 7) | ((x.in.rex & 1) << 3);
        long v = x.pop(x.in.opSize);
        x.setReg(x.in.opSize, r, v);
    }

    void pushImmediate() {
        x.push(x.in.imm, x.in.opSize);
    }

    void pushRm() {
        x.push(x.readRm(x.in.opSize), x.in.opSize);
    }

    /** POP Ev: an RSP-based address is computed after RSP is incremented (SDM Vol. 2B, POP). */
    void popRm() {
        int size = x.in.opSize;
        long v = x.peek(0, size);
        if (x.in.mod == 3) {
            x.adjustStack(size);
            x.setReg(size, x.in.rm, v);
            return;
        }
        long oldSp = s.gpr[4];
        x.adjustStack(size);
        try {
            x.ea = x.effectiveAddress(x.in);
            x.writeRm(size, v);
        } catch (RuntimeException e) {
            s.gpr[4] = oldSp;
            throw e;
        }
    }

    void pusha() {
        int size = x.in.opSize;
        long sp = s.gpr[4];
        x.probeWrite(CpuState.SS, (sp - 8L * size) & Alu.mask(x.stackAddressSize()), 8 * size);
        for (int r = 0; r < 8; r++) {
            x.push(r == 4 ? sp : s.gpr[r], size);
        }
    }

    void popa() {
        int size = x.in.opSize;
        x.peek(0, size);
        x.peek(8L * size - 1, 1); // the whole frame must be readable before anything changes
        for (int r = 7; r >= 0; r--) {
            long v = x.pop(size);
            if (r != 4) {
                x.setReg(size, r, v);
            }
        }
    }

    void pushSegment(int seg) {
        int size = x.in.opSize;
        long value = s.segmentSelector[seg];
        if (size == 2) {
            x.push(value, 2);
            return;
        }
        // A 32/64-bit push of a segment register writes only 16 bits on current parts (SDM Vol. 2B, PUSH).
        long sp = (s.gpr[4] - size) & Alu.mask(x.stackAddressSize());
        x.write(CpuState.SS, sp, 2, value);
        x.setStackPointer(sp);
    }

    void popSegment(int seg) {
        int size = x.in.opSize;
        long v = x.peek(0, size) & 0xFFFF;
        x.segments.loadDataSegment(seg, (int) v);
        x.adjustStack(size);
        if (seg == CpuState.SS) {
            x.shadowSet = true;
            s.interruptShadow = true;
        }
    }

    void movFromSegment() {
        int seg = x.in.reg & 7;
        if (seg > 5) {
            throw x.ud();
        }
        long v = s.segmentSelector[seg];
        if (x.in.mod == 3) {
            x.setReg(x.in.opSize == 2 ? 2 : x.in.opSize, x.in.rm, v);
        } else {
            x.writeRm(2, v);
        }
    }

    void movToSegment() {
        int seg = x.in.reg & 7;
        if (seg > 5 || seg == CpuState.CS) {
            throw x.ud();
        }
        int selector = (int) x.readRm(2);
        x.segments.loadDataSegment(seg, selector);
        if (seg == CpuState.SS) {
            x.shadowSet = true;
            s.interruptShadow = true;
        }
    }

    /** LES/LDS/LSS/LFS/LGS: offset then selector from memory. */
    void loadFarPointer(int seg) {
        x.requireMemoryOperand();
        int size = x.in.opSize;
        long offset = x.readRm(size);
        int selector = (int) x.readRmAt(2, x.ea + size);
        x.segments.loadDataSegment(seg, selector);
        x.setReg(size, x.in.reg, offset);
    }
}

package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.SS;
import static dev.hve.emulator.cpu.CpuState.ZF;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;

/**
 * Control transfers: Jcc, JMP, CALL, RET, LOOPcc/JrCXZ, ENTER/LEAVE, and the far forms through code
 * segments and call gates with their privilege checks (Intel SDM Vol. 3A §5.8, Vol. 2 JMP/CALL/RET/
 * IRET pages; AMD APM Vol. 2 §4.11 and §8.9.3). Targets that are TSS descriptors or task gates
 * go to {@link TaskSwitch}.
 */
final class BranchOps {

    private final Interpreter x;
    private final CpuState s;
    /** Call-gate parameters being copied between stacks (at most 31). */
    private final long[] parameters = new long[32];

    BranchOps(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    // ---------------------------------------------------------------- near

    void jccShort(int op) {
        if (Conditions.test(op & 0xF, s.rflags)) {
            x.branchTo(x.nextRip + x.in.imm, x.in.opSize);
        }
    }

    void jccNear(int op) {
        if (Conditions.test(op & 0xF, s.rflags)) {
            x.branchTo(x.nextRip + x.in.imm, x.in.opSize);
        }
    }

    void jmpNear() {
        x.branchTo(x.nextRip + x.in.imm, x.in.opSize);
    }

    void jmpNearIndirect() {
        x.branchTo(x.readRm(x.in.opSize), x.in.opSize);
    }

    void callNear() {
        long ret = x.nextRip;
        x.branchTo(ret + x.in.imm, x.in.opSize);
        x.push(ret, x.in.opSize);
    }

    void callNearIndirect() {
        long ret = x.nextRip;
        x.branchTo(x.readRm(x.in.opSize), x.in.opSize);
        x.push(ret, x.in.opSize);
    }

    /** C3 / C2 Iw. */
    void retNear() {
        int size = x.in.opSize;
        long target = x.peek(0, size);
        x.branchTo(target, size);
        x.adjustStack(size + (x.in.opcode == 0xC2 ? (x.in.imm & 0xFFFF) : 0));
    }

    /** E0 LOOPNE, E1 LOOPE, E2 LOOP: the count register is CX/ECX/RCX by address size. */
    void loop(int op) {
        int asz = x.in.addrSize;
        long count = (x.reg(asz, 1) - 1) & Alu.mask(asz);
        boolean taken = count != 0;
        if (op == 0xE0) {
            taken &= (s.rflags & ZF) == 0;
        } else if (op == 0xE1) {
            taken &= (s.rflags & ZF) != 0;
        }
        if (taken) {
            x.branchTo(x.nextRip + x.in.imm, x.in.opSize);
        }
        x.setReg(asz, 1, count);
    }

    void jcxz() {
        if (x.reg(x.in.addrSize, 1) == 0) {
            x.branchTo(x.nextRip + x.in.imm, x.in.opSize);
        }
    }

    /** ENTER Iw, Ib (SDM Vol. 2A, ENTER), with nesting levels 0..31. */
    void enter() {
        int size = x.in.opSize;
        long alloc = x.in.imm & 0xFFFF;
        int level = (int) (x.in.imm2 & 0x1F);
        int ssize = x.stackAddressSize();
        long oldSp = s.gpr[4];
        long oldBp = s.gpr[5];
        try {
            x.push(x.reg(size, 5), size);
            long frameTemp = s.gpr[4] & Alu.mask(ssize);
            if (level > 0) {
                long bp = s.gpr[5];
                for (int i = 1; i < level; i++) {
                    bp = (bp - size) & Alu.mask(ssize);
                    x.push(x.read(SS, bp, size), size);
                }
                x.push(frameTemp, size);
            }
            long newSp = (s.gpr[4] - alloc) & Alu.mask(ssize);
            // The final stack pointer must be writable (SDM: #SS if it exceeds the limit).
            if (alloc != 0) {
                x.probeWrite(SS, newSp, 1);
            }
            x.setReg(size, 5, frameTemp);
            x.setStackPointer(newSp);
        } catch (RuntimeException e) {
            s.gpr[4] = oldSp;
            s.gpr[5] = oldBp;
            throw e;
        }
    }

    void leave() {
        int size = x.in.opSize;
        int ssize = x.stackAddressSize();
        long bp = s.gpr[5] & Alu.mask(ssize);
        long v = x.read(SS, bp, size);
        x.setStackPointer(bp + size);
        x.setReg(size, 5, v);
    }

    // ---------------------------------------------------------------- far

    void jmpFarImmediate() {
        farJump((int) x.in.imm2, x.in.imm, x.in.opSize);
    }

    void jmpFarIndirect() {
        x.requireMemoryOperand();
        int size = x.in.opSize;
        long offset = x.readRm(size);
        int selector = (int) x.readRmAt(2, x.ea + size);
        farJump(selector, offset, size);
    }

    void callFarImmediate() {
        farCall((int) x.in.imm2, x.in.imm, x.in.opSize);
    }

    void callFarIndirect() {
        x.requireMemoryOperand();
        int size = x.in.opSize;
        long offset = x.readRm(size);
        int selector = (int) x.readRmAt(2, x.ea + size);
        farCall(selector, offset, size);
    }

    private boolean legacyFar() {
        return !s.protectedMode() || s.virtual8086();
    }

    private void farJump(int selector, long offset, int size) {
        selector &= 0xFFFF;
        if (legacyFar()) {
            long target = offset & (size == 2 ? 0xFFFF : 0xFFFF_FFFFL);
            if (target > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
                throw x.gp(0);
            }
            x.segments.loadRealModeCode(selector);
            x.nextRip = target;
            return;
        }
        if ((selector & 0xFFFC) == 0) {
            throw x.gp(0);
        }
        long desc = x.segments.readDescriptor(selector);
        if (Segments.codeOrData(desc)) {
            checkDirectCode(selector, desc);
            enterCode(selector, desc, s.cpl, offset, size);
            return;
        }
        int type = Segments.type(desc);
        if (type == 0xC || (type == 4 && !s.longModeActive())) {
            long high = s.longModeActive() ? x.segments.readDescriptorHigh(selector) : 0;
            int target = gateSelector(desc);
            long targetDesc = checkGate(selector, desc, target);
            int dpl = Segments.dpl(targetDesc);
            boolean conforming = (Segments.type(targetDesc) & 4) != 0;
            if (conforming ? dpl > s.cpl : dpl != s.cpl) {
                throw x.gp(target & 0xFFFC);
            }
            enterCode(target, targetDesc, s.cpl, gateOffset(desc, high), gateSize(type));
            return;
        }
        toTask(selector, desc, GuestControls.TASK_SWITCH_JMP);
    }

    /** A far JMP/CALL whose selector names a TSS descriptor or a task gate (SDM Vol. 3A §8.3). */
    private void toTask(int selector, long desc, int source) {
        int type = Segments.type(desc);
        int dpl = Segments.dpl(desc);
        if (dpl < s.cpl || dpl < (selector & 3)) {
            throw x.gp(selector & 0xFFFC);
        }
        int tss = selector;
        if (type == 5) {
            if (!Segments.present(desc)) {
                throw x.fault(Fault.NP, selector & 0xFFFC);
            }
            tss = (int) ((desc >>> 16) & 0xFFFF);
        } else if (type != 1 && type != 9 && type != 3 && type != 0xB) {
            throw x.gp(selector & 0xFFFC);
        }
        x.tasks.switchTo(tss, source, x.nextRip, false, 0, x.in.length);
    }

    private void farCall(int selector, long offset, int size) {
        selector &= 0xFFFF;
        long retOffset = x.nextRip;
        int retCs = s.segmentSelector[CS];
        if (legacyFar()) {
            long target = offset & (size == 2 ? 0xFFFF : 0xFFFF_FFFFL);
            if (target > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
                throw x.gp(0);
            }
            long sp = (s.gpr[4] - 2L * size) & Alu.mask(x.stackAddressSize());
            x.probeWrite(SS, sp, 2 * size);
            x.push(retCs, size);
            x.push(retOffset, size);
            x.segments.loadRealModeCode(selector);
            x.nextRip = target;
            return;
        }
        if ((selector & 0xFFFC) == 0) {
            throw x.gp(0);
        }
        long desc = x.segments.readDescriptor(selector);
        if (Segments.codeOrData(desc)) {
            checkDirectCode(selector, desc);
            long sp = (s.gpr[4] - 2L * size) & Alu.mask(x.stackAddressSize());
            x.probeWrite(SS, sp, 2 * size);
            long oldSp = s.gpr[4];
            x.push(retCs, size);
            x.push(retOffset, size);
            try {
                enterCode(selector, desc, s.cpl, offset, size);
            } catch (RuntimeException e) {
                s.gpr[4] = oldSp;
                throw e;
            }
            return;
        }
        int type = Segments.type(desc);
        if (type == 0xC || (type == 4 && !s.longModeActive())) {
            callGate(selector, desc, retCs, retOffset);
            return;
        }
        toTask(selector, desc, GuestControls.TASK_SWITCH_CALL);
    }

    /** The checks for a far JMP/CALL directly to a code segment (SDM Vol. 3A §5.8.1). */
    private void checkDirectCode(int selector, long desc) {
        if (!Segments.isCode(desc)) {
            throw x.gp(selector & 0xFFFC);
        }
        int dpl = Segments.dpl(desc);
        int rpl = selector & 3;
        boolean conforming = (Segments.type(desc) & 4) != 0;
        if (conforming ? dpl > s.cpl : (rpl > s.cpl || dpl != s.cpl)) {
            throw x.gp(selector & 0xFFFC);
        }
        x.segments.checkCodeTarget(selector, desc);
    }

    /** Loads CS and the target offset, checking it against the new segment (limit or canonical). */
    private void enterCode(int selector, long desc, int cpl, long offset, int size) {
        boolean to64 = s.longModeActive() && (desc & (1L << 53)) != 0;
        long target;
        if (to64) {
            target = size == 2 ? offset & 0xFFFF : offset;
            if (!Interpreter.canonical(target)) {
                throw x.gp(0);
            }
        } else {
            target = offset & (size == 2 ? 0xFFFF : 0xFFFF_FFFFL);
            if (target > (Segments.limit(desc) & 0xFFFF_FFFFL)) {
                throw x.gp(0);
            }
        }
        x.segments.loadCode(selector, desc, cpl);
        x.nextRip = target;
    }

    private static int gateSelector(long gate) {
        return (int) ((gate >>> 16) & 0xFFFF);
    }

    private static long gateOffset(long gate, long high) {
        return (gate & 0xFFFF) | ((gate >>> 32) & 0xFFFF_0000L) | (high << 32);
    }

    private int gateSize(int type) {
        if (s.longModeActive()) {
            return 8;
        }
        return type == 4 ? 2 : 4;
    }

    /** Gate checks: DPL >= CPL and RPL, present; returns the target code descriptor. */
    private long checkGate(int selector, long gate, int target) {
        int gdpl = Segments.dpl(gate);
        if (gdpl < s.cpl || gdpl < (selector & 3)) {
            throw x.gp(selector & 0xFFFC);
        }
        if (!Segments.present(gate)) {
            throw x.fault(Fault.NP, selector & 0xFFFC);
        }
        if ((target & 0xFFFC) == 0) {
            throw x.gp(0);
        }
        long targetDesc = x.segments.readDescriptor(target);
        if (!Segments.isCode(targetDesc) || Segments.dpl(targetDesc) > s.cpl) {
            throw x.gp(target & 0xFFFC);
        }
        if (s.longModeActive() && ((targetDesc & (1L << 53)) == 0 || (targetDesc & (1L << 54)) != 0)) {
            throw x.gp(target & 0xFFFC); // a 64-bit call gate must name a 64-bit code segment
        }
        x.segments.checkCodeTarget(target, targetDesc);
        return targetDesc;
    }

    /** CALL through a call gate, to the same or a more privileged level (SDM Vol. 3A §5.8.5). */
    private void callGate(int selector, long gate, int retCs, long retOffset) {
        int type = Segments.type(gate);
        long high = s.longModeActive() ? x.segments.readDescriptorHigh(selector) : 0;
        int target = gateSelector(gate);
        long targetDesc = checkGate(selector, gate, target);
        int gsize = gateSize(type);
        long offset = gateOffset(gate, high);
        int dpl = Segments.dpl(targetDesc);
        boolean conforming = (Segments.type(targetDesc) & 4) != 0;
        if (conforming || dpl == s.cpl) {
            long oldSp = s.gpr[4];
            long sp = (s.gpr[4] - 2L * gsize) & Alu.mask(x.stackAddressSize());
            x.probeWrite(SS, sp, 2 * gsize);
            x.push(retCs, gsize);
            x.push(retOffset, gsize);
            try {
                enterCode(target, targetDesc, s.cpl, offset, gsize);
            } catch (RuntimeException e) {
                s.gpr[4] = oldSp;
                throw e;
            }
            return;
        }
        // More privileged: switch to the inner stack from the TSS.
        int oldSs = s.segmentSelector[SS];
        long oldSp = s.gpr[4];
        int params = (int) ((gate >>> 32) & 0x1F);
        long[] saved = x.events.saveStackState();
        try {
            if (s.longModeActive()) {
                long newSp = x.events.tssStackPointer64(dpl);
                x.events.loadNullStack(dpl);
                s.gpr[4] = newSp;
                x.segments.loadCode(target, targetDesc, dpl);
                x.events.pushAt64(oldSs);
                x.events.pushAt64(oldSp);
                x.events.pushAt64(retCs);
                x.events.pushAt64(retOffset);
            } else {
                // Parameters are copied from the old stack before it is abandoned.
                long[] copied = parameters;
                long mask = Alu.mask(x.stackAddressSize());
                for (int i = 0; i < params; i++) {
                    copied[i] = x.read(SS, (oldSp + (long) i * gsize) & mask, gsize);
                }
                x.events.switchToInnerStack32(dpl, targetDesc);
                x.segments.loadCode(target, targetDesc, dpl);
                x.push(oldSs, gsize);
                x.push(oldSp, gsize);
                for (int i = params - 1; i >= 0; i--) {
                    x.push(copied[i], gsize);
                }
                x.push(retCs, gsize);
                x.push(retOffset, gsize);
            }
            x.nextRip = offset & (gsize == 8 ? -1L : gsize == 4 ? 0xFFFF_FFFFL : 0xFFFF);
        } catch (RuntimeException e) {
            x.events.restoreStackState(saved);
            throw e;
        }
    }

    /** RETF / RETF Iw: same-level or outer-level return (SDM Vol. 2B, RET). */
    void retFar() {
        int size = x.in.opSize;
        long imm = x.in.opcode == 0xCA ? x.in.imm & 0xFFFF : 0;
        long offset = x.peek(0, size);
        int selector = (int) (x.peek(size, size) & 0xFFFF);
        if (legacyFar()) {
            long target = offset & (size == 2 ? 0xFFFF : 0xFFFF_FFFFL);
            x.segments.loadRealModeCode(selector);
            x.nextRip = target;
            x.adjustStack(2L * size + imm);
            return;
        }
        if ((selector & 0xFFFC) == 0) {
            throw x.gp(0);
        }
        long desc = x.segments.readDescriptor(selector);
        int rpl = selector & 3;
        if (!Segments.isCode(desc) || rpl < s.cpl) {
            throw x.gp(selector & 0xFFFC);
        }
        int dpl = Segments.dpl(desc);
        boolean conforming = (Segments.type(desc) & 4) != 0;
        if (conforming ? dpl > rpl : dpl != rpl) {
            throw x.gp(selector & 0xFFFC);
        }
        x.segments.checkCodeTarget(selector, desc);
        if (rpl == s.cpl) {
            long oldSp = s.gpr[4];
            x.adjustStack(2L * size + imm);
            try {
                enterCode(selector, desc, rpl, offset, size);
            } catch (RuntimeException e) {
                s.gpr[4] = oldSp;
                throw e;
            }
            return;
        }
        long newSp = x.peek(2L * size + imm, size);
        int newSs = (int) (x.peek(3L * size + imm, size) & 0xFFFF);
        long[] saved = x.events.saveStackState();
        int oldCpl = s.cpl;
        try {
            s.cpl = rpl; // SS is checked against the new CPL
            x.segments.loadDataSegment(SS, newSs);
            enterCode(selector, desc, rpl, offset, size);
            s.gpr[4] = size == 8 || x.stackAddressSize() == 8 ? newSp : newSp & Alu.mask(x.stackAddressSize());
            x.adjustStack(imm);
            x.segments.nullInaccessibleDataSegments();
        } catch (RuntimeException e) {
            s.cpl = oldCpl;
            x.events.restoreStackState(saved);
            throw e;
        }
    }

    /** IRET / IRETD / IRETQ (SDM Vol. 2A, IRET; APM Vol. 2 §8.9.3 for long mode). */
    void iret() {
        int size = x.in.opSize;
        // The IRET intercept comes after the simple checks (virtual-8086 IOPL) and before the
        // stack reads (APM Vol. 2 §15.9; SDM Vol. 3C §26.1.2 has no IRET exit but NMI unblocking).
        if (s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0); // VME is not modeled
        }
        ExitSignal.exitIf(x.controls.iret(x.in.length));
        if (legacyFar() && !s.virtual8086()) {
            long ip = x.peek(0, size);
            int cs = (int) (x.peek(size, size) & 0xFFFF);
            long flags = x.peek(2L * size, size);
            long target = ip & (size == 2 ? 0xFFFF : 0xFFFF_FFFFL);
            if (target > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
                throw x.gp(0);
            }
            x.adjustStack(3L * size);
            x.segments.loadRealModeCode(cs);
            x.nextRip = target;
            x.system.loadFlagsForIret(flags, size, 0);
            s.nmiBlocked = false;
            return;
        }
        if (s.virtual8086()) {
            long ip = x.peek(0, size);
            int cs = (int) (x.peek(size, size) & 0xFFFF);
            long flags = x.peek(2L * size, size);
            x.adjustStack(3L * size);
            x.segments.loadRealModeCode(cs);
            x.nextRip = ip & (size == 2 ? 0xFFFF : 0xFFFF_FFFFL);
            // IOPL cannot change from virtual-8086 mode; VM stays set.
            long keep = CpuState.IOPL | CpuState.VM | CpuState.VIP | CpuState.VIF;
            long mask = (size == 2 ? 0xFFFFL : 0x3F_7FD5L) & ~keep;
            s.rflags = (s.rflags & ~mask) | (flags & mask) | CpuState.FIXED_ONE;
            s.nmiBlocked = false;
            return;
        }
        if ((s.rflags & CpuState.NT) != 0) {
            if (s.longModeActive()) {
                throw x.gp(0);
            }
            // Nested task return: back to the task named by the current TSS's link field.
            int link = (int) x.events.readTss(0, 2);
            x.tasks.switchTo(link, GuestControls.TASK_SWITCH_IRET, x.nextRip, false, 0, x.in.length);
            return;
        }
        long offset = x.peek(0, size);
        int selector = (int) (x.peek(size, size) & 0xFFFF);
        long flags = x.peek(2L * size, size);
        int oldCpl = s.cpl;
        if (!s.longModeActive() && (flags & CpuState.VM) != 0 && oldCpl == 0 && size == 4) {
            returnToVirtual8086(offset, selector, flags);
            return;
        }
        if ((selector & 0xFFFC) == 0) {
            throw x.gp(0);
        }
        long desc = x.segments.readDescriptor(selector);
        int rpl = selector & 3;
        if (!Segments.isCode(desc) || rpl < oldCpl) {
            throw x.gp(selector & 0xFFFC);
        }
        int dpl = Segments.dpl(desc);
        boolean conforming = (Segments.type(desc) & 4) != 0;
        if (conforming ? dpl > rpl : dpl != rpl) {
            throw x.gp(selector & 0xFFFC);
        }
        x.segments.checkCodeTarget(selector, desc);
        boolean popStack = rpl > oldCpl || s.mode64();
        if (!popStack) {
            long oldSp = s.gpr[4];
            x.adjustStack(3L * size);
            try {
                enterCode(selector, desc, rpl, offset, size);
            } catch (RuntimeException e) {
                s.gpr[4] = oldSp;
                throw e;
            }
            x.system.loadFlagsForIret(flags, size, oldCpl);
            s.nmiBlocked = false;
            return;
        }
        long newSp = x.peek(3L * size, size);
        int newSs = (int) (x.peek(4L * size, size) & 0xFFFF);
        long[] saved = x.events.saveStackState();
        try {
            s.cpl = rpl;
            x.segments.loadDataSegment(SS, newSs);
            enterCode(selector, desc, rpl, offset, size);
            s.gpr[4] = size == 2 ? (saved[0] & ~0xFFFFL) | (newSp & 0xFFFF) : size == 4 ? newSp & 0xFFFF_FFFFL : newSp;
        } catch (RuntimeException e) {
            s.cpl = oldCpl;
            x.events.restoreStackState(saved);
            throw e;
        }
        x.system.loadFlagsForIret(flags, size, oldCpl);
        if (rpl > oldCpl) {
            x.segments.nullInaccessibleDataSegments();
        }
        s.nmiBlocked = false;
    }

    /** IRETD from CPL 0 to virtual-8086 mode: pops ESP, SS, ES, DS, FS, GS as well. */
    private void returnToVirtual8086(long offset, int selector, long flags) {
        long newSp = x.peek(12, 4);
        int ss = (int) x.peek(16, 4) & 0xFFFF;
        int es = (int) x.peek(20, 4) & 0xFFFF;
        int ds = (int) x.peek(24, 4) & 0xFFFF;
        int fs = (int) x.peek(28, 4) & 0xFFFF;
        int gs = (int) x.peek(32, 4) & 0xFFFF;
        s.rflags = (flags & 0x3F_7FD5L) | CpuState.FIXED_ONE;
        int[] segs = {CpuState.ES, CpuState.DS, CpuState.FS, CpuState.GS, SS};
        int[] sels = {es, ds, fs, gs, ss};
        for (int i = 0; i < segs.length; i++) {
            x.segments.loadDataSegment(segs[i], sels[i]);
        }
        x.segments.loadRealModeCode(selector);
        s.cpl = 3;
        s.gpr[4] = newSp & 0xFFFF_FFFFL;
        x.nextRip = offset & 0xFFFF;
        s.nmiBlocked = false;
    }
}

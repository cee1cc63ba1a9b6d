package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.LDTR;
import static dev.hve.emulator.cpu.CpuState.SS;
import static dev.hve.emulator.cpu.CpuState.TR;

import dev.hve.emulator.cpu.EventType;
import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;

/**
 * Hardware task switches between 32-bit and 16-bit (286) TSSs (Intel SDM Vol. 3A §8.3 and §8.6,
 * AMD APM Vol. 2 §12.3): far JMP/CALL to a TSS descriptor or task gate, interrupts through an IDT
 * task gate, and IRET with NT set. Faults detected before the switch is committed occur in the old
 * task; the TSS accesses are all checked before anything changes, so afterwards only the new task's
 * segment loads can fault, and those are delivered in the new task. A 16-bit TSS holds no CR3, FS
 * or GS (they keep their values) and only the low words of the registers. IA-32e mode has no task
 * switching (#GP).
 */
final class TaskSwitch {

    // 32-bit TSS layout (SDM Vol. 3A figure 8-2).
    private static final int LINK = 0x00;
    private static final int CR3 = 0x1C;
    private static final int EIP = 0x20;
    private static final int EFLAGS = 0x24;
    private static final int EAX = 0x28;
    private static final int ES = 0x48;
    private static final int LDT = 0x60;

    // 16-bit TSS layout (SDM Vol. 3A figure 8-11).
    private static final int IP16 = 0x0E;
    private static final int FLAGS16 = 0x10;
    private static final int AX16 = 0x12;
    private static final int ES16 = 0x22;
    private static final int LDT16 = 0x2A;

    private final Interpreter x;
    private final CpuState s;
    private final long[] gprs = new long[8];
    private final int[] selectors = new int[6];

    TaskSwitch(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    /**
     * Switches to the task of TSS {@code selector}.
     *
     * @param savedEip the EIP stored in the outgoing TSS
     * @param length   the instruction's length for the hook (0 for an IDT task gate)
     */
    void switchTo(int selector, int source, long savedEip, boolean hasError, int errorCode, int length) {
        if (s.longModeActive()) {
            throw x.gp(0);
        }
        boolean nestedReturn = source == GuestControls.TASK_SWITCH_IRET;
        if ((selector & 4) != 0 || (selector & 0xFFFC) == 0) {
            throw nestedReturn ? x.fault(Fault.TS, selector & 0xFFFC) : x.gp(selector & 0xFFFC);
        }
        long desc = x.segments.readDescriptor(selector);
        int type = Segments.type(desc);
        if (Segments.codeOrData(desc) || (type != 9 && type != 0xB && type != 1 && type != 3)) {
            throw x.gp(selector & 0xFFFC);
        }
        boolean new16 = (type & 8) == 0;
        boolean old16 = (s.segmentAttributes[TR] & 8) == 0;
        boolean busy = (type & 2) != 0;
        if (nestedReturn ? !busy : busy) {
            throw nestedReturn ? x.fault(Fault.TS, selector & 0xFFFC) : x.gp(selector & 0xFFFC);
        }
        if (!Segments.present(desc)) {
            throw x.fault(Fault.NP, selector & 0xFFFC);
        }
        if ((Segments.limit(desc) & 0xFFFF_FFFFL) < (new16 ? 0x2B : 0x67)) {
            throw x.fault(Fault.TS, selector & 0xFFFC);
        }
        long oldBase = s.segmentBase[TR];
        long newBase = Segments.base(desc);
        if ((s.segmentLimit[TR] & 0xFFFF_FFFFL) < (old16 ? 0x29 : 0x5F)) {
            throw x.fault(Fault.TS, s.segmentSelector[TR] & 0xFFFC);
        }
        if (x.controls.taskSwitch(selector & 0xFFFF, source, length)) {
            throw ExitSignal.INSTANCE;
        }
        // Every TSS access is checked (and may exit) before the switch is committed.
        if (old16) {
            x.mem.probeWrite(oldBase + IP16, LDT16 - IP16, false);
        } else {
            x.mem.probeWrite(oldBase + EIP, ES + 24 - EIP, false);
        }
        int newSize = new16 ? 0x2C : 0x68;
        for (long off = 0; off < newSize; off += 4) {
            x.readSystem(newBase + off, 4);
        }
        if (!nestedReturn && source != GuestControls.TASK_SWITCH_JMP) {
            x.mem.probeWrite(newBase + LINK, 2, false);
        }
        long newCr3 = new16 ? s.cr3 : x.readSystem(newBase + CR3, 4);
        long newEip = new16 ? x.readSystem(newBase + IP16, 2) : x.readSystem(newBase + EIP, 4);
        long newFlags = new16 ? x.readSystem(newBase + FLAGS16, 2) : x.readSystem(newBase + EFLAGS, 4);
        for (int r = 0; r < 8; r++) {
            gprs[r] = new16 ? (s.gpr[r] & ~0xFFFFL) | x.readSystem(newBase + AX16 + 2L * r, 2)
                : x.readSystem(newBase + EAX + 4L * r, 4);
        }
        for (int seg = 0; seg < 6; seg++) {
            if (new16) {
                selectors[seg] = seg <= CpuState.DS ? (int) x.readSystem(newBase + ES16 + 2L * seg, 2) : s.segmentSelector[seg];
            } else {
                selectors[seg] = (int) x.readSystem(newBase + ES + 4L * seg, 2);
            }
        }
        int ldt = (int) x.readSystem(newBase + (new16 ? LDT16 : LDT), 2);

        // Commit: save the outgoing task.
        long oldFlags = s.rflags;
        if (nestedReturn) {
            oldFlags &= ~CpuState.NT;
        }
        if (old16) {
            x.writeSystem(oldBase + IP16, 2, savedEip);
            x.writeSystem(oldBase + FLAGS16, 2, oldFlags);
            for (int r = 0; r < 8; r++) {
                x.writeSystem(oldBase + AX16 + 2L * r, 2, s.gpr[r]);
            }
            for (int seg = 0; seg <= CpuState.DS; seg++) {
                x.writeSystem(oldBase + ES16 + 2L * seg, 2, s.segmentSelector[seg]);
            }
        } else {
            x.writeSystem(oldBase + EIP, 4, savedEip);
            x.writeSystem(oldBase + EFLAGS, 4, oldFlags);
            for (int r = 0; r < 8; r++) {
                x.writeSystem(oldBase + EAX + 4L * r, 4, s.gpr[r]);
            }
            for (int seg = 0; seg < 6; seg++) {
                x.writeSystem(oldBase + ES + 4L * seg, 2, s.segmentSelector[seg]);
            }
        }
        int oldTr = s.segmentSelector[TR];
        if (source == GuestControls.TASK_SWITCH_JMP || nestedReturn) {
            long oldDescAddr = x.segments.descriptorAddress(oldTr, 8);
            x.writeSystem(oldDescAddr + 5, 1, x.readSystem(oldDescAddr + 5, 1) & ~2L);
        }
        if (source == GuestControls.TASK_SWITCH_CALL || source == GuestControls.TASK_SWITCH_IDT_TASK_GATE) {
            x.writeSystem(newBase + LINK, 2, oldTr);
            newFlags |= CpuState.NT;
        }
        long newDesc = desc | (2L << 40);
        if (!busy) {
            x.writeSystem(x.segments.descriptorAddress(selector, 8) + 5, 1, (newDesc >>> 40) & 0xFF);
        }
        s.segmentSelector[TR] = selector & 0xFFFF;
        s.segmentBase[TR] = newBase;
        s.segmentLimit[TR] = Segments.limit(desc);
        s.segmentAttributes[TR] = Segments.attributes(newDesc);
        s.cr0 |= CpuState.CR0_TS;

        // Load the incoming task.
        if (s.pagingEnabled() && newCr3 != s.cr3) {
            s.cr3 = newCr3;
            x.mem.flushAll();
        } else if (!s.pagingEnabled()) {
            s.cr3 = newCr3;
        }
        s.rflags = (newFlags & (new16 ? 0x7FD5L : 0x3F_7FD5L)) | CpuState.FIXED_ONE;
        for (int r = 0; r < 8; r++) {
            s.gpr[r] = gprs[r];
        }
        s.rip = newEip;
        x.nextRip = newEip;
        try {
            if (s.pagingEnabled() && (s.cr4 & CpuState.CR4_PAE) != 0 && !x.mem.loadPdptes()) {
                throw x.gp(0);
            }
            loadSegments(ldt);
            if (hasError) {
                x.push(errorCode, new16 ? 2 : 4);
            }
            if (newEip > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
                throw x.gp(0);
            }
        } catch (Fault f) {
            // Faults after the commit point belong to the new task (SDM Vol. 3A §8.3, step 13).
            if (!x.events.deliver(EventType.HARDWARE_EXCEPTION, f.vector, f.hasErrorCode, f.errorCode, s.rip,
                f.faultAddress, true)) {
                throw ExitSignal.INSTANCE;
            }
            x.nextRip = s.rip;
        }
    }

    /** LDTR, then CS (setting CPL), SS and the data segments of the new task, with #TS on bad selectors. */
    private void loadSegments(int ldt) {
        // Selectors are loaded first so that a fault leaves the new task's values visible.
        for (int seg = 0; seg < 6; seg++) {
            s.segmentSelector[seg] = selectors[seg];
        }
        s.segmentSelector[LDTR] = ldt;
        if ((ldt & 0xFFFC) == 0) {
            x.segments.loadNull(LDTR, ldt);
        } else {
            if ((ldt & 4) != 0) {
                throw x.fault(Fault.TS, ldt & 0xFFFC);
            }
            long d = tsChecked(ldt);
            if (Segments.codeOrData(d) || Segments.type(d) != 2) {
                throw x.fault(Fault.TS, ldt & 0xFFFC);
            }
            if (!Segments.present(d)) {
                throw x.fault(Fault.TS, ldt & 0xFFFC);
            }
            x.segments.setCache(LDTR, ldt, d);
        }
        if (s.virtual8086()) {
            for (int seg = 0; seg < 6; seg++) {
                x.segments.loadDataSegment(seg, selectors[seg]);
            }
            x.segments.loadRealModeCode(selectors[CS]);
            s.cpl = 3;
            return;
        }
        int cs = selectors[CS];
        if ((cs & 0xFFFC) == 0) {
            throw x.fault(Fault.TS, 0);
        }
        long code = tsChecked(cs);
        int rpl = cs & 3;
        boolean conforming = (Segments.type(code) & 4) != 0;
        if (!Segments.isCode(code) || (conforming ? Segments.dpl(code) > rpl : Segments.dpl(code) != rpl)) {
            throw x.fault(Fault.TS, cs & 0xFFFC);
        }
        if (!Segments.present(code)) {
            throw x.fault(Fault.NP, cs & 0xFFFC);
        }
        x.segments.loadCode(cs, code, rpl);
        for (int seg : ORDER) {
            try {
                x.segments.loadDataSegment(seg, selectors[seg]);
            } catch (Fault f) {
                if (f.vector == Fault.GP) {
                    throw x.fault(Fault.TS, f.errorCode);
                }
                throw f;
            }
        }
    }

    private static final int[] ORDER = {SS, CpuState.ES, CpuState.DS, CpuState.FS, CpuState.GS};

    private long tsChecked(int selector) {
        try {
            return x.segments.readDescriptor(selector);
        } catch (Fault f) {
            if (f.vector == Fault.GP) {
                throw x.fault(Fault.TS, selector & 0xFFFC);
            }
            throw f;
        }
    }
}

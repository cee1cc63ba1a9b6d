package dev.hve.emulator.exec;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.SS;
import static dev.hve.emulator.cpu.CpuState.TR;

import dev.hve.emulator.cpu.EventType;
import dev.hve.emulator.cpu.CpuState;

/**
 * Delivers interrupts and exceptions: through the IVT in real mode, through 8-byte IDT gates in
 * protected mode and 16-byte gates in IA-32e mode, with TSS stack switches (RSP0-2 and the IST),
 * error codes, the double-fault rules and triple-fault shutdown (Intel SDM Vol. 3A §6.12-§6.15,
 * §7.2; AMD APM Vol. 2 §8.7-§8.9). Task gates are not modeled (#GP with the IDT error code).
 *
 * <p>While an event is being delivered, {@link #deliveringValid} and its companions describe it,
 * so that a backend can write IDT-vectoring information / EXITINTINFO if delivery exits.
 */
public final class EventDelivery {

    private static final int BENIGN = 0;
    private static final int CONTRIBUTORY = 1;
    private static final int PAGE_FAULT = 2;
    private static final int DOUBLE_FAULT = 3;

    private final Interpreter x;
    private final CpuState s;
    private final long[] savedStack = new long[12];

    /** The event whose delivery is in progress (valid when {@link #deliveringValid}). */
    public boolean deliveringValid;
    public EventType deliveringType;
    public int deliveringVector;
    public boolean deliveringHasErrorCode;
    public int deliveringErrorCode;

    EventDelivery(Interpreter x) {
        this.x = x;
        this.s = x.s;
    }

    private static int classOf(int vector) {
        switch (vector) {
            case 0: case 10: case 11: case 12: case 13: return CONTRIBUTORY;
            case 14: return PAGE_FAULT;
            case 8: return DOUBLE_FAULT;
            default: return BENIGN;
        }
    }

    private static boolean isException(EventType type) {
        return type == EventType.HARDWARE_EXCEPTION || type == EventType.SOFTWARE_EXCEPTION
            || type == EventType.PRIVILEGED_SOFTWARE_EXCEPTION;
    }

    /**
     * Delivers an event with the double-fault rules of SDM Vol. 3A table 6-5. Exceptions (and,
     * when {@code consultHook}, the first event if it is an exception) are offered to
     * {@code GuestControls.exception} first.
     *
     * @param returnRip the RIP to save for the first event (the next instruction for software
     *                  interrupts and traps; the current one for faults and external events)
     * @return false when the guest left guest mode (a hook exited, or a triple fault shut down)
     */
    public boolean deliver(EventType type, int vector, boolean hasErrorCode, int errorCode, long returnRip,
                           long faultAddress, boolean consultHook) {
        EventType curType = type;
        int curVector = vector;
        boolean curHasError = hasErrorCode;
        int curError = errorCode;
        long curReturn = returnRip;
        long curAddress = faultAddress;
        int previousClass = BENIGN;
        boolean ext = type != EventType.SOFTWARE_INTERRUPT && type != EventType.SOFTWARE_EXCEPTION;
        boolean hook = consultHook;
        deliveringValid = false;
        while (true) {
            if (hook && isException(curType)
                && x.controls.exception(curVector, curHasError, curError, curVector == Fault.PF ? curAddress : 0)) {
                return false;
            }
            deliveringValid = true;
            deliveringType = curType;
            deliveringVector = curVector;
            deliveringHasErrorCode = curHasError;
            deliveringErrorCode = curError;
            try {
                if (curVector == Fault.PF && curType == EventType.HARDWARE_EXCEPTION && hook) {
                    s.cr2 = curAddress;
                }
                deliverOnce(curType, curVector, curHasError, curError, curReturn, ext);
                if (curType == EventType.NMI) {
                    s.nmiBlocked = true;
                }
                s.halted = false;
                deliveringValid = false;
                return true;
            } catch (Fault f) {
                int thisClass = curType == EventType.HARDWARE_EXCEPTION ? classOf(curVector) : BENIGN;
                int nextClass = classOf(f.vector);
                if (thisClass == DOUBLE_FAULT && nextClass != BENIGN) {
                    deliveringValid = false;
                    x.controls.shutdown();
                    return false;
                }
                previousClass = thisClass;
                boolean escalate = (previousClass == CONTRIBUTORY && nextClass == CONTRIBUTORY)
                    || (previousClass == PAGE_FAULT && nextClass != BENIGN);
                curType = EventType.HARDWARE_EXCEPTION;
                if (escalate) {
                    curVector = Fault.DF;
                    curHasError = true;
                    curError = 0;
                    curAddress = 0;
                } else {
                    curVector = f.vector;
                    curHasError = f.hasErrorCode;
                    curError = f.errorCode;
                    curAddress = f.faultAddress;
                }
                // A fault during delivery is attributed to the interrupted instruction boundary.
                curReturn = s.rip;
                ext = true;
                hook = true;
            }
        }
    }

    /** An exception raised by an instruction (RIP still at it) or by a fetch. */
    public boolean deliverFault(Fault f) {
        int vector = f.vector;
        EventType type = EventType.HARDWARE_EXCEPTION;
        return deliver(type, vector, f.hasErrorCode, f.errorCode, s.rip, f.faultAddress, true);
    }

    // ---------------------------------------------------------------- instruction-initiated

    /** INT n (CD ib) or INT3 (CC): software interrupt / software exception. */
    void softwareInterrupt(int vector, boolean int3) {
        if (!int3 && s.virtual8086() && Interpreter.iopl(s) != 3) {
            throw x.gp(0); // VME redirection is not modeled
        }
        if (!int3) {
            ExitSignal.exitIf(x.controls.softwareInterrupt(vector, x.in.length));
        }
        EventType type = int3 ? EventType.SOFTWARE_EXCEPTION : EventType.SOFTWARE_INTERRUPT;
        fromInstruction(type, vector);
    }

    void into() {
        if ((s.rflags & CpuState.OF) != 0) {
            fromInstruction(EventType.SOFTWARE_EXCEPTION, Fault.OF);
        }
    }

    void icebp() {
        ExitSignal.exitIf(x.controls.icebp(x.in.length));
        fromInstruction(EventType.PRIVILEGED_SOFTWARE_EXCEPTION, Fault.DB);
    }

    private void fromInstruction(EventType type, int vector) {
        x.deliveredEvent = true;
        x.retired++; // the instruction itself retires; the handler runs next
        x.retire = false;
        if (!deliver(type, vector, false, 0, x.nextRip, 0, true)) {
            x.retired--;
            throw ExitSignal.INSTANCE;
        }
        x.nextRip = s.rip;
    }

    // ---------------------------------------------------------------- one delivery

    private void deliverOnce(EventType type, int vector, boolean hasError, int error, long returnRip, boolean ext) {
        boolean software = type == EventType.SOFTWARE_INTERRUPT || type == EventType.SOFTWARE_EXCEPTION;
        int extBit = ext ? 1 : 0;
        if (!s.protectedMode()) {
            deliverReal(vector, returnRip);
            return;
        }
        boolean ia32e = s.longModeActive();
        int entrySize = ia32e ? 16 : 8;
        int idtError = vector * 8 + 2 + extBit;
        if ((long) vector * entrySize + entrySize - 1 > (s.idtrLimit & 0xFFFF)) {
            throw x.gp(idtError);
        }
        long gateAddr = s.idtrBase + (long) vector * entrySize;
        if (!ia32e) {
            gateAddr &= 0xFFFF_FFFFL;
        }
        long gate = x.readSystem(gateAddr, 8);
        long high = ia32e ? x.readSystem(gateAddr + 8, 8) : 0;
        int gateType = (int) ((gate >>> 40) & 0x1F); // including S
        boolean trapGate;
        int gsize;
        if (ia32e) {
            if (gateType != 0xE && gateType != 0xF) {
                throw x.gp(idtError);
            }
            trapGate = gateType == 0xF;
            gsize = 8;
        } else {
            switch (gateType) {
                case 0x6: trapGate = false; gsize = 2; break;
                case 0x7: trapGate = true; gsize = 2; break;
                case 0xE: trapGate = false; gsize = 4; break;
                case 0xF: trapGate = true; gsize = 4; break;
                case 0x5:
                    taskGate(gate, software, idtError, hasError, error, returnRip);
                    return;
                default: throw x.gp(idtError);
            }
        }
        int gateDpl = (int) ((gate >>> 45) & 3);
        if (software && gateDpl < s.cpl) {
            throw x.gp(vector * 8 + 2);
        }
        if ((gate & (1L << 47)) == 0) {
            throw x.fault(Fault.NP, idtError);
        }
        int selector = (int) ((gate >>> 16) & 0xFFFF);
        if ((selector & 0xFFFC) == 0) {
            throw x.gp(extBit);
        }
        long desc;
        try {
            desc = x.segments.readDescriptor(selector);
        } catch (Fault f) {
            throw x.gp((selector & 0xFFFC) | extBit);
        }
        if (!Segments.isCode(desc) || Segments.dpl(desc) > s.cpl) {
            throw x.gp((selector & 0xFFFC) | extBit);
        }
        if (!Segments.present(desc)) {
            throw x.fault(Fault.NP, (selector & 0xFFFC) | extBit);
        }
        long offset = (gate & 0xFFFF) | ((gate >>> 32) & 0xFFFF_0000L) | (high << 32);
        if (gsize == 2) {
            offset &= 0xFFFF;
        }
        boolean conforming = (Segments.type(desc) & 4) != 0;
        int dpl = Segments.dpl(desc);
        int newCpl = conforming ? s.cpl : dpl;
        long flags = s.rflags;
        int oldCs = s.segmentSelector[CS];
        int oldSs = s.segmentSelector[SS];
        long oldSp = s.gpr[4];
        boolean fromV86 = s.virtual8086();
        long[] saved = saveStackState();
        try {
            if (ia32e) {
                if ((desc & (1L << 53)) == 0 || (desc & (1L << 54)) != 0) {
                    throw x.gp((selector & 0xFFFC) | extBit);
                }
                int ist = (int) ((gate >>> 32) & 7);
                long newSp;
                if (ist != 0) {
                    newSp = readTss((long) 0x24 + 8L * (ist - 1), 8);
                } else if (newCpl < s.cpl) {
                    newSp = tssStackPointer64(newCpl);
                } else {
                    newSp = s.gpr[4];
                }
                if (newCpl < s.cpl) {
                    loadNullStack(newCpl);
                }
                newSp &= ~0xFL; // the frame is 16-byte aligned (SDM Vol. 3A §6.14.2)
                if (!Interpreter.canonical(newSp - 48)) {
                    throw x.fault(Fault.SS, extBit);
                }
                x.segments.loadCode(selector, desc, newCpl);
                s.gpr[4] = newSp;
                x.mem.probeWrite(newSp - (hasError ? 48 : 40), hasError ? 48 : 40, false);
                pushAt64(oldSs);
                pushAt64(oldSp);
                pushAt64(flags);
                pushAt64(oldCs);
                pushAt64(returnRip);
                if (hasError) {
                    pushAt64(error & 0xFFFF_FFFFL);
                }
                if (!Interpreter.canonical(offset)) {
                    throw x.gp(extBit);
                }
            } else {
                boolean inner = newCpl < s.cpl;
                if (fromV86 && (!inner || newCpl != 0)) {
                    throw x.gp((selector & 0xFFFC) | extBit);
                }
                if (inner) {
                    switchToInnerStack32(newCpl, desc);
                }
                x.segments.loadCode(selector, desc, newCpl);
                int frame = (inner ? (fromV86 ? 9 : 5) : 3) + (hasError ? 1 : 0);
                long frameBase = (s.gpr[4] - (long) frame * gsize) & Alu.mask(x.stackAddressSize());
                x.probeWrite(SS, frameBase, frame * gsize);
                if (inner) {
                    if (fromV86) {
                        x.push(saved[11], gsize); // GS, FS, DS, ES selectors as they were
                        x.push(s.segmentSelector[CpuState.FS], gsize);
                        x.push(s.segmentSelector[CpuState.DS], gsize);
                        x.push(s.segmentSelector[CpuState.ES], gsize);
                    }
                    x.push(oldSs, gsize);
                    x.push(oldSp, gsize);
                }
                x.push(flags, gsize);
                x.push(oldCs, gsize);
                x.push(returnRip, gsize);
                if (hasError) {
                    x.push(error, gsize);
                }
                if (offset > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
                    throw x.gp(extBit);
                }
                if (fromV86) {
                    for (int seg : V86_DATA) {
                        x.segments.loadNull(seg, 0);
                    }
                }
            }
        } catch (RuntimeException e) {
            restoreStackState(saved);
            throw e;
        }
        s.rip = offset;
        long clear = CpuState.TF | CpuState.NT | CpuState.RF | CpuState.VM;
        if (!trapGate) {
            clear |= CpuState.IF;
        }
        s.rflags &= ~clear;
    }

    /** Delivery through a task gate: a task switch, then the error code on the new task's stack. */
    private void taskGate(long gate, boolean software, int idtError, boolean hasError, int error, long returnRip) {
        int gateDpl = (int) ((gate >>> 45) & 3);
        if (software && gateDpl < s.cpl) {
            throw x.gp(idtError); // EXT is clear for software interrupts
        }
        if ((gate & (1L << 47)) == 0) {
            throw x.fault(Fault.NP, idtError);
        }
        int tss = (int) ((gate >>> 16) & 0xFFFF);
        x.tasks.switchTo(tss, dev.hve.emulator.control.GuestControls.TASK_SWITCH_IDT_TASK_GATE, returnRip, hasError,
            error, 0);
    }

    private static final int[] V86_DATA = {CpuState.ES, CpuState.DS, CpuState.FS, CpuState.GS};

    /** Real-address-mode delivery through the IVT (SDM Vol. 3A §20.1.4). */
    private void deliverReal(int vector, long returnRip) {
        long entry = (long) vector * 4;
        if (entry + 3 > (s.idtrLimit & 0xFFFF)) {
            throw x.gp(0);
        }
        long ivt = (s.idtrBase + entry) & 0xFFFF_FFFFL;
        int ip = (int) x.readSystem(ivt, 2);
        int cs = (int) x.readSystem(ivt + 2, 2);
        long sp = (s.gpr[4] - 6) & Alu.mask(x.stackAddressSize());
        x.probeWrite(SS, sp, 6);
        x.push(s.rflags & 0xFFFF, 2);
        x.push(s.segmentSelector[CS], 2);
        x.push(returnRip & 0xFFFF, 2);
        x.segments.loadRealModeCode(cs);
        s.rip = ip;
        s.rflags &= ~(CpuState.IF | CpuState.TF | CpuState.AC | CpuState.RF);
    }

    // ---------------------------------------------------------------- TSS and stack helpers

    /** Reads {@code size} bytes at {@code offset} in the current TSS, checking TR's limit (#TS). */
    long readTss(long offset, int size) {
        if (offset + size - 1 > (s.segmentLimit[TR] & 0xFFFF_FFFFL)) {
            throw x.fault(Fault.TS, s.segmentSelector[TR] & 0xFFFC);
        }
        long lin = s.segmentBase[TR] + offset;
        return x.readSystem(s.longModeActive() ? lin : lin & 0xFFFF_FFFFL, size);
    }

    /** RSPn from a 64-bit TSS. */
    long tssStackPointer64(int cpl) {
        long sp = readTss(4 + 8L * cpl, 8);
        if (!Interpreter.canonical(sp)) {
            throw x.fault(Fault.SS, 0);
        }
        return sp;
    }

    /** In IA-32e mode a privilege change loads SS with a null selector whose RPL is the new CPL. */
    void loadNullStack(int cpl) {
        s.segmentSelector[SS] = cpl;
        s.segmentBase[SS] = 0;
        s.segmentLimit[SS] = 0xFFFF_FFFF;
        s.segmentAttributes[SS] = CpuState.SEGMENT_UNUSABLE | (cpl << 5) | Segments.A_DB | 0x93;
    }

    void pushAt64(long value) {
        long sp = s.gpr[4] - 8;
        x.mem.write(sp, 8, value, false);
        s.gpr[4] = sp;
    }

    /**
     * Loads SS:ESP for privilege level {@code cpl} from a 32- or 16-bit TSS, with the checks that
     * raise #TS (SDM Vol. 3A §6.12.1).
     */
    void switchToInnerStack32(int cpl, long targetDesc) {
        int trType = s.segmentAttributes[TR] & 0xF;
        boolean tss32 = (trType & 8) != 0;
        long sp;
        int ss;
        if (tss32) {
            sp = readTss(4 + 8L * cpl, 4);
            ss = (int) readTss(8 + 8L * cpl, 2);
        } else {
            sp = readTss(2 + 4L * cpl, 2);
            ss = (int) readTss(4 + 4L * cpl, 2);
        }
        if ((ss & 0xFFFC) == 0) {
            throw x.fault(Fault.TS, 0);
        }
        long desc;
        try {
            desc = x.segments.readDescriptor(ss);
        } catch (Fault f) {
            throw x.fault(Fault.TS, ss & 0xFFFC);
        }
        if ((ss & 3) != cpl || Segments.dpl(desc) != cpl || !Segments.codeOrData(desc)
            || (Segments.type(desc) & 0xA) != 2) {
            throw x.fault(Fault.TS, ss & 0xFFFC);
        }
        if (!Segments.present(desc)) {
            throw x.fault(Fault.SS, ss & 0xFFFC);
        }
        x.segments.markAccessed(ss, desc);
        x.segments.setCache(SS, ss, desc);
        s.cpl = cpl;
        s.gpr[4] = (s.segmentAttributes[SS] & Segments.A_DB) != 0 ? sp & 0xFFFF_FFFFL : (s.gpr[4] & ~0xFFFFL) | (sp & 0xFFFF);
    }

    /** Snapshot of the state a far transfer or delivery may change before it can still fault. */
    long[] saveStackState() {
        long[] v = savedStack;
        v[0] = s.gpr[4];
        v[1] = s.segmentSelector[SS];
        v[2] = s.segmentBase[SS];
        v[3] = s.segmentLimit[SS];
        v[4] = s.segmentAttributes[SS];
        v[5] = s.segmentSelector[CS];
        v[6] = s.segmentBase[CS];
        v[7] = s.segmentLimit[CS];
        v[8] = s.segmentAttributes[CS];
        v[9] = s.cpl;
        v[10] = s.rflags;
        v[11] = s.segmentSelector[CpuState.GS];
        return v;
    }

    void restoreStackState(long[] v) {
        s.gpr[4] = v[0];
        s.segmentSelector[SS] = (int) v[1];
        s.segmentBase[SS] = v[2];
        s.segmentLimit[SS] = (int) v[3];
        s.segmentAttributes[SS] = (int) v[4];
        s.segmentSelector[CS] = (int) v[5];
        s.segmentBase[CS] = v[6];
        s.segmentLimit[CS] = (int) v[7];
        s.segmentAttributes[CS] = (int) v[8];
        s.cpl = (int) v[9];
        s.rflags = v[10];
    }
}

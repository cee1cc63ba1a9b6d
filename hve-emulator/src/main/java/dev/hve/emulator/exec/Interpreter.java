package dev.hve.emulator.exec;

import dev.hve.emulator.fpu.X87Unit;
import dev.hve.emulator.simd.SimdUnit;

import static dev.hve.emulator.cpu.CpuState.CS;
import static dev.hve.emulator.cpu.CpuState.FS;
import static dev.hve.emulator.cpu.CpuState.SS;

import dev.hve.emulator.control.GuestControls;
import dev.hve.emulator.cpu.CpuState;
import dev.hve.emulator.cpuid.CpuModel;
import dev.hve.emulator.decode.BlockCache;
import dev.hve.emulator.decode.ByteSource;
import dev.hve.emulator.decode.DecodedBlock;
import dev.hve.emulator.decode.Decoder;
import dev.hve.emulator.decode.Instruction;
import dev.hve.emulator.memory.CodePages;
import dev.hve.emulator.msr.MsrModel;

/**
 * Executes one instruction at a time against a {@link CpuState} and a {@link LinearMemory}: fetch
 * through CS, decode, compute the memory operand, dispatch to the handler family, commit RIP.
 * It holds the operand, segmentation and stack helpers the handler families share.
 *
 * <p>Atomicity: an instruction that raises a {@link Fault} or an {@link ExitSignal} leaves RIP at
 * the instruction and has made no architectural change, because handlers perform all reads and
 * checks first, then at most one memory write (or a probed group of writes), then register writes.
 * REP string instructions commit one iteration at a time, as hardware does when interrupted.
 */
public final class Interpreter implements ByteSource {

    public final CpuState s;
    final LinearMemory mem;
    public final GuestControls controls;
    final CpuModel model;
    public final MsrModel msrs;
    final Decoder decoder = new Decoder();
    private final BlockCache blocks = new BlockCache();
    /** The code-page stamps behind {@link #mem}; null when decodes cannot be kept. */
    final CodePages codePages;
    // The block cursor: where the instruction after the last one lies in its block, and the
    // fetch window of that block (its code chunk and the bytes CS and the page allow).
    private DecodedBlock cursorBlock;
    /** The instruction after the last one executed, by index in the cursor's block. */
    int cursorNext;
    /** RIP and linear address at which the cursor's block was entered. */
    private long cursorStartRip;
    long cursorStartLinear;
    private byte[] cursorChunk;
    private int cursorChunkOffset;
    int cursorRoom;
    /** Compiled blocks: when they run, and the state they hand back. */
    final CompiledRuns compiledRuns;
    /**
     * Instructions the caller of {@link #step()} still allows before it must look at the
     * processor again (its budget). A compiled block runs only when its instructions all fit; 0
     * (the default) means one instruction at a time.
     */
    public long stepBudget;
    /** Budget units the last {@link #step()} spent: 1, or the instructions a compiled block ran. */
    public int stepUnits;
    /**
     * RFLAGS as they were before the instruction that the last {@link #step()} began or, after a
     * fault or exit in a compiled block, before the instruction that raised it: what the caller
     * restores when that instruction does not complete.
     */
    public long stepFlags;
    /**
     * The instruction executing: a record of a decoded block, or {@link #decoded}. Handlers read
     * it and never write it (block records are shared by every execution of the instruction).
     */
    public Instruction in;
    /** Where the decoder writes; {@link #in} points here for an instruction that is not kept. */
    private final Instruction decoded = new Instruction();
    public final Fault fault;

    final Segments segments;
    final IntegerOps integer;
    final MoveOps moves;
    final BranchOps branches;
    final StringOps strings;
    final SystemOps system;
    final IoOps io;
    final ControlRegisters controlRegs;
    final DescriptorTables tables;
    final FastSystemCalls fastCalls;
    final TaskSwitch tasks;
    public final EventDelivery events;

    /** Linear address and RIP of the current instruction. */
    public long rip0;
    public long instructionLinear;
    long nextRip;
    /** Effective address (offset) of the memory operand, when there is one. */
    long ea;
    private final FpuAccess fpuHost = new FpuAccess(this);
    private final X87Unit x87;
    private final SimdUnit simd;
    /** The current instruction created an interrupt shadow (STI, MOV SS, POP SS). */
    boolean shadowSet;
    /** False while a REP string instruction has iterations left: it does not retire yet. */
    boolean retire;
    /** Instructions retired. */
    public long retired;
    /**
     * A hook exited at the very start of the current instruction, before it changed anything:
     * the instruction returns normally without completing, and the caller of {@link #step()}
     * leaves guest mode. Cheaper than unwinding with {@link ExitSignal}, which the instructions
     * that exit part-way through still use.
     */
    public boolean exitRequested;

    /**
     * For a hook consulted before the instruction changed anything, whose caller returns at once
     * when it exited: records the exit in {@link #exitRequested} and answers whether it happened.
     */
    boolean exitsBeforeExecuting(boolean hookExited) {
        if (hookExited) {
            exitRequested = true;
        }
        return hookExited;
    }
    /** The linear address of the memory operand of the last INS/OUTS (VMX guest-linear address). */
    public long ioStringLinear;
    /** The current instruction delivered an event itself (INT n, INT3, INTO, INT1). */
    public boolean deliveredEvent;

    public Interpreter(CpuState state, LinearMemory memory, GuestControls controls, CpuModel model, MsrModel msrs,
                       Fault fault) {
        this(state, memory, controls, model, msrs, fault, null);
    }

    public Interpreter(CpuState state, LinearMemory memory, GuestControls controls, CpuModel model, MsrModel msrs,
                       Fault fault, BlockTranslator translator) {
        this.compiledRuns = new CompiledRuns(this, translator);
        this.s = state;
        this.fault = fault;
        this.mem = memory;
        this.codePages = memory.codePages();
        this.in = decoded;
        this.controls = controls;
        this.model = model;
        this.msrs = msrs;
        this.segments = new Segments(this);
        this.x87 = new X87Unit(state.fpu);
        this.simd = new SimdUnit(state.fpu);
        this.integer = new IntegerOps(this);
        this.moves = new MoveOps(this);
        this.branches = new BranchOps(this);
        this.strings = new StringOps(this);
        this.system = new SystemOps(this);
        this.io = new IoOps(this);
        this.controlRegs = new ControlRegisters(this);
        this.tables = new DescriptorTables(this);
        this.fastCalls = new FastSystemCalls(this);
        this.tasks = new TaskSwitch(this);
        this.events = new EventDelivery(this);
    }

    // ---------------------------------------------------------------- the step

    /**
     * Decodes and executes the instruction at CS:RIP. Throws {@link Fault} for an exception the
     * caller must deliver (RIP unchanged), or {@link ExitSignal} when a hook exited.
     *
     * <p>Decoded instructions are kept in blocks per host-physical code page ({@link BlockCache}).
     * After an instruction that fell through (or repeats, for REP) and left the fetch context
     * alone, the next one is taken straight from its block: same page, same translation, same CS,
     * and the page's code stamp shows that nothing wrote to it. Anything else goes the full way:
     * CS checks, the fetch TLB, the block lookup.
     */
    public void step() {
        deliveredEvent = false;
        exitRequested = false;
        stepUnits = 1;
        stepFlags = s.rflags;
        rip0 = s.rip;
        DecodedBlock b = cursorBlock;
        cursorBlock = null;
        if (b != null && codePages.stamps()[b.page] == b.stamp) {
            long delta = rip0 - cursorStartRip;
            int k = cursorNext;
            if (delta == b.start(k)) {
                stepInBlock(b, k);
                return;
            }
            if (delta == b.start(k - 1)) { // a REP string instruction with iterations left
                stepInBlock(b, k - 1);
                return;
            }
            long linear = cursorStartLinear + delta;
            int room = cursorRoom - (int) delta;
            if (((linear ^ cursorStartLinear) >>> 12) == 0 && room > 0) {
                // A near branch within the page: same CS, same translation, no TLB lookup needed.
                int offset = cursorChunkOffset + (int) delta;
                long hpa = (b.hpa() & ~0xFFFL) | (linear & 0xFFF);
                instructionLinear = linear;
                enterBlock(blocks.find(hpa, b.codeSize, codePages, cursorChunk, offset), cursorChunk, offset, room,
                    b.codeSize);
                return;
            }
        }
        stepFetched();
    }

    /** Continues in block {@code b} (the cursor's) at instruction {@code k}. */
    private void stepInBlock(DecodedBlock b, int k) {
        int start = b.start(k);
        instructionLinear = cursorStartLinear + start;
        if (k < b.count) {
            if (b.end(k) <= cursorRoom) {
                in = b.instruction(k);
                executeFrom(b, k);
                return;
            }
        } else if (!b.full()) {
            int window = Math.min(cursorRoom - start, 15);
            if (window > 0) {
                decodeInto(b, cursorChunk, cursorChunkOffset + start, window, b.codeSize);
                return;
            }
        }
        stepFetched();
    }

    /** The full step: CS checks, fetch through the TLB, then the block at this address. */
    private void stepFetched() {
        int codeSize = s.codeSize();
        instructionLinear = codeSize == 8 ? rip0 : (s.segmentBase[CS] + rip0) & 0xFFFF_FFFFL;
        // Hand the decoder the rest of the code page directly (limited by the CS limit outside
        // 64-bit mode and by the 15-byte maximum); bytes beyond it are fetched one by one.
        int available;
        if (codeSize == 8) {
            available = Interpreter.canonical(rip0) ? 0x1000 - (int) (rip0 & 0xFFF) : 0;
        } else {
            long room = (s.segmentLimit[CS] & 0xFFFF_FFFFL) - (rip0 & 0xFFFF_FFFFL) + 1;
            available = room <= 0 ? 0 : (int) Math.min(room, 0x1000 - (instructionLinear & 0xFFF));
        }
        byte[] chunk = available > 0 ? mem.codeChunk(instructionLinear, s.cpl == 3) : null;
        if (chunk == null) {
            decodeAndExecute(decoder.decode(this, codeSize, decodeTarget()));
            return;
        }
        int offset = mem.codeOffset();
        if (codePages == null) {
            decodeAndExecute(decoder.decode(chunk, offset, Math.min(available, 15), this, codeSize, decodeTarget()));
            return;
        }
        enterBlock(blocks.find(mem.codeHostAddress(), codeSize, codePages, chunk, offset), chunk, offset, available,
            codeSize);
    }

    /**
     * Runs the first instruction of block {@code b}, which starts at RIP ({@link #rip0}) and at
     * {@code chunk[offset]}, with {@code available} bytes fetchable from there (CS limit, page).
     */
    private void enterBlock(DecodedBlock b, byte[] chunk, int offset, int available, int codeSize) {
        cursorStartRip = rip0;
        cursorStartLinear = instructionLinear;
        cursorRoom = available;
        cursorChunk = chunk;
        cursorChunkOffset = offset;
        int window = Math.min(available, 15);
        if (b.count == 0) {
            decodeInto(b, chunk, offset, window, codeSize);
        } else if (b.end(0) <= available) {
            if (compiledRuns.enabled() && b.entries >= 0 && compiledRuns.tryRun(b)) {
                cursorBlock = b; // the compiled code left cursorNext after its last instruction
                return;
            }
            in = b.instruction(0);
            executeFrom(b, 0);
        } else {
            // The cached decode runs past the CS limit here: decode again, which faults as it must.
            decodeAndExecute(decoder.decode(chunk, offset, window, this, codeSize, decodeTarget()));
        }
    }

    /** Decodes the instruction at {@code chunk[offset]} into {@code in}, keeps it in {@code b}, runs it. */
    private void decodeInto(DecodedBlock b, byte[] chunk, int offset, int window, int codeSize) {
        int status = decoder.decode(chunk, offset, window, this, codeSize, decodeTarget());
        if (status == Decoder.OK && in.length <= window) {
            b.append(in, chunk, offset);
            executeFrom(b, b.count - 1);
            return;
        }
        decodeAndExecute(status);
    }

    /** Points {@link #in} at the decoder's record and returns it, for a fresh decode. */
    private Instruction decodeTarget() {
        in = decoded;
        return decoded;
    }

    private void decodeAndExecute(int status) {
        if (status != Decoder.OK) {
            throw status == Decoder.TOO_LONG ? gp(0) : ud();
        }
        execute(in);
    }

    /**
     * Executes instruction {@code k} of {@code b} (already in {@link #in}); when it completes and
     * leaves the fetch context alone, the next step may continue in the block.
     */
    private void executeFrom(DecodedBlock b, int k) {
        execute(in);
        if (exitRequested) {
            return;
        }
        if (b.plain(k)) {
            cursorBlock = b;
            cursorNext = k + 1;
        }
    }

    /** Forgets where the last instruction was, so the next step fetches through CS and the TLB. */
    public void dropBlockCursor() {
        cursorBlock = null;
    }

    /**
     * Instruction {@code k} of {@code b}, at {@code rip}, executed for a compiled block as the
     * interpreter executes it, except that RIP is not committed and the instruction not counted:
     * the compiled code does both. Returns the RIP of the next instruction. Only instructions that
     * cannot exit before executing, set an interrupt shadow, deliver an event or repeat are run so.
     */
    long executeEmbedded(DecodedBlock b, int k, long rip) {
        rip0 = rip;
        Instruction insn = b.instruction(k);
        in = insn;
        instructionLinear = cursorStartLinear + b.start(k);
        dispatch(insn);
        return nextRip;
    }

    /**
     * The RIP {@code offset} bytes after {@code rip}, wrapped as IP/EIP wrap outside 64-bit mode
     * (SDM Vol. 1 §3.5: the instruction pointer is 16 or 32 bits wide there).
     */
    static long ripAt(long rip, int offset, int codeSize) {
        long r = rip + offset;
        return codeSize == 8 ? r : r & (codeSize == 4 ? 0xFFFF_FFFFL : 0xFFFF);
    }

    /**
     * Inside a compiled block, makes RIP and the current-instruction fields those of the
     * instruction that may fault or exit next ({@link CompiledRuns#sync}); nothing otherwise.
     */
    public void syncCompiledState() {
        compiledRuns.sync();
    }

    /** Executes an already-decoded instruction at {@link #rip0}. */
    void execute(Instruction insn) {
        dispatch(insn);
        if (exitRequested) {
            return; // the instruction exited before doing anything: RIP stays at it
        }
        s.rip = nextRip;
        if (!shadowSet) {
            s.interruptShadow = false;
        }
        if (retire) {
            retired++;
        }
    }

    /** Computes the next RIP and the memory operand, then runs the instruction's handler. */
    private void dispatch(Instruction insn) {
        int codeSize = insn.codeSize;
        nextRip = ripAt(rip0, insn.length, codeSize);
        shadowSet = false;
        retire = true;
        if (insn.hasModrm && insn.mod != 3) {
            ea = effectiveAddress(insn);
        }
        int op = insn.opcode;
        if (op < 0x100) {
            dispatchOneByte(op);
        } else if (op < 0x200) {
            dispatchTwoByte(op & 0xFF);
        } else if (op < 0x300) {
            dispatch0F38(op & 0xFF);
        } else {
            throw ud();
        }
    }

    long effectiveAddress(Instruction insn) {
        long a = insn.disp;
        if (insn.ripRelative) {
            a += nextRip;
        }
        if (insn.base >= 0) {
            a += s.gpr[insn.base];
        }
        if (insn.index >= 0) {
            a += s.gpr[insn.index] << insn.scale;
        }
        return a & Alu.mask(insn.addrSize);
    }

    @Override
    public int fetch(int index) {
        if (s.mode64()) {
            long linear = rip0 + index;
            if (!canonical(linear)) {
                throw gp(0);
            }
            return mem.fetch(linear, s.cpl == 3);
        }
        long offset = (rip0 + index) & 0xFFFF_FFFFL;
        if (offset > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
            throw gp(0);
        }
        return mem.fetch((s.segmentBase[CS] + offset) & 0xFFFF_FFFFL, s.cpl == 3);
    }

    // ---------------------------------------------------------------- dispatch

    private void dispatchOneByte(int op) {
        switch (op >>> 4) {
            case 0x0: case 0x1: case 0x2: case 0x3:
                if ((op & 7) < 6) {
                    integer.aluClassic(op);
                } else {
                    oneByteSpecials(op);
                }
                return;
            case 0x4:
                integer.incDecRegister(op); // only outside 64-bit mode (REX there)
                return;
            case 0x5:
                if (op < 0x58) {
                    moves.pushRegister(op);
                } else {
                    moves.popRegister(op);
                }
                return;
            case 0x7:
                branches.jccShort(op);
                return;
            case 0x9:
                if (op <= 0x97) {
                    moves.xchgAccumulator(op);
                } else {
                    oneByteSpecials(op);
                }
                return;
            case 0xB:
                moves.movImmediateToRegister(op);
                return;
            default:
                oneByteSpecials(op);
        }
    }

    private void oneByteSpecials(int op) {
        Instruction i = in;
        switch (op) {
            case 0x06: case 0x0E: case 0x16: case 0x1E: moves.pushSegment((op >>> 3) & 3); return;
            case 0x07: case 0x17: case 0x1F: moves.popSegment((op >>> 3) & 3); return;
            case 0x0F: throw ud(); // 0F is consumed by the decoder; reaching here means POP CS
            case 0x27: integer.daa(); return;
            case 0x2F: integer.das(); return;
            case 0x37: integer.aaa(); return;
            case 0x3F: integer.aas(); return;
            case 0x26: case 0x2E: case 0x36: case 0x3E: throw ud();
            case 0x60: moves.pusha(); return;
            case 0x61: moves.popa(); return;
            case 0x62: integer.bound(); return;
            case 0x63:
                if (i.codeSize == 8) {
                    moves.movsxd();
                } else {
                    system.arpl();
                }
                return;
            case 0x68: case 0x6A: moves.pushImmediate(); return;
            case 0x69: case 0x6B: integer.imulImmediate(); return;
            case 0x6C: case 0x6D: io.ins(op == 0x6C ? 1 : stringOpSize()); return;
            case 0x6E: case 0x6F: io.outs(op == 0x6E ? 1 : stringOpSize()); return;
            case 0x80: case 0x81: case 0x82: case 0x83: integer.aluGroup1(op); return;
            case 0x84: case 0x85: integer.testRm(op); return;
            case 0x86: case 0x87: moves.xchgRm(op); return;
            case 0x88: case 0x89: case 0x8A: case 0x8B: moves.movRm(op); return;
            case 0x8C: moves.movFromSegment(); return;
            case 0x8D: moves.lea(); return;
            case 0x8E: moves.movToSegment(); return;
            case 0x8F: moves.popRm(); return;
            case 0x98: moves.cbw(); return;
            case 0x99: moves.cwd(); return;
            case 0x9A: branches.callFarImmediate(); return;
            case 0x9B: fpu(x87.fwait(fpuHost)); return;
            case 0x9C: system.pushf(); return;
            case 0x9D: system.popf(); return;
            case 0x9E: system.sahf(); return;
            case 0x9F: system.lahf(); return;
            case 0xA0: case 0xA1: case 0xA2: case 0xA3: moves.movMoffs(op); return;
            case 0xA4: case 0xA5: strings.movs(op == 0xA4 ? 1 : stringOpSize()); return;
            case 0xA6: case 0xA7: strings.cmps(op == 0xA6 ? 1 : stringOpSize()); return;
            case 0xA8: case 0xA9: integer.testAccumulator(op); return;
            case 0xAA: case 0xAB: strings.stos(op == 0xAA ? 1 : stringOpSize()); return;
            case 0xAC: case 0xAD: strings.lods(op == 0xAC ? 1 : stringOpSize()); return;
            case 0xAE: case 0xAF: strings.scas(op == 0xAE ? 1 : stringOpSize()); return;
            case 0xC0: case 0xC1: case 0xD0: case 0xD1: case 0xD2: case 0xD3: integer.shiftGroup2(op); return;
            case 0xC2: case 0xC3: branches.retNear(); return;
            case 0xC4: moves.loadFarPointer(CpuState.ES); return;
            case 0xC5: moves.loadFarPointer(CpuState.DS); return;
            case 0xC6: case 0xC7: moves.movImmediateToRm(op); return;
            case 0xC8: branches.enter(); return;
            case 0xC9: branches.leave(); return;
            case 0xCA: case 0xCB: branches.retFar(); return;
            case 0xCC: events.softwareInterrupt(3, true); return;
            case 0xCD: events.softwareInterrupt((int) (i.imm & 0xFF), false); return;
            case 0xCE: events.into(); return;
            case 0xCF: branches.iret(); return;
            case 0xD4: integer.aam(); return;
            case 0xD5: integer.aad(); return;
            case 0xD7: moves.xlat(); return;
            case 0xD8: case 0xD9: case 0xDA: case 0xDB: case 0xDC: case 0xDD: case 0xDE: case 0xDF:
                fpu(x87.execute(in, ea, fpuHost)); return;
            case 0xE0: case 0xE1: case 0xE2: branches.loop(op); return;
            case 0xE3: branches.jcxz(); return;
            case 0xE4: case 0xE5: io.inImmediate(op == 0xE4 ? 1 : ioSize()); return;
            case 0xE6: case 0xE7: io.outImmediate(op == 0xE6 ? 1 : ioSize()); return;
            case 0xE8: branches.callNear(); return;
            case 0xE9: case 0xEB: branches.jmpNear(); return;
            case 0xEA: branches.jmpFarImmediate(); return;
            case 0xEC: case 0xED: io.inDx(op == 0xEC ? 1 : ioSize()); return;
            case 0xEE: case 0xEF: io.outDx(op == 0xEE ? 1 : ioSize()); return;
            case 0xF1: events.icebp(); return;
            case 0xF4: system.hlt(); return;
            case 0xF5: s.rflags ^= CpuState.CF; return;
            case 0xF6: case 0xF7: integer.group3(op); return;
            case 0xF8: s.rflags &= ~CpuState.CF; return;
            case 0xF9: s.rflags |= CpuState.CF; return;
            case 0xFA: system.cli(); return;
            case 0xFB: system.sti(); return;
            case 0xFC: s.rflags &= ~CpuState.DF; return;
            case 0xFD: s.rflags |= CpuState.DF; return;
            case 0xFE: integer.group4(); return;
            case 0xFF: group5(); return;
            default: throw ud();
        }
    }

    private void group5() {
        switch (in.reg & 7) {
            case 0: case 1: integer.group5IncDec(); return;
            case 2: branches.callNearIndirect(); return;
            case 3: branches.callFarIndirect(); return;
            case 4: branches.jmpNearIndirect(); return;
            case 5: branches.jmpFarIndirect(); return;
            case 6: moves.pushRm(); return;
            default: throw ud();
        }
    }

    private void dispatchTwoByte(int op) {
        switch (op) {
            case 0x00: tables.group6(); return;
            case 0x01: system.group7(); return;
            case 0x02: tables.larLsl(true); return;
            case 0x03: tables.larLsl(false); return;
            case 0x05: fastCalls.syscall(); return;
            case 0x06: controlRegs.clts(); return;
            case 0x07: fastCalls.sysret(); return;
            case 0x08: case 0x09: system.wbinvd(op == 0x08); return;
            case 0x0B: throw ud(); // UD2
            case 0x0D: requireMemoryOperand(); return; // PREFETCH/PREFETCHW: hints
            case 0x18: case 0x19: case 0x1A: case 0x1B: case 0x1C: case 0x1D: case 0x1E: case 0x1F:
                system.hintNop(op); return;
            case 0x20: case 0x22: controlRegs.movControlRegister(op == 0x22); return;
            case 0x21: case 0x23: controlRegs.movDebugRegister(op == 0x23); return;
            case 0x30: system.wrmsr(); return;
            case 0x31: system.rdtsc(false); return;
            case 0x32: system.rdmsr(); return;
            case 0x33: system.rdpmc(); return;
            case 0x34: fastCalls.sysenter(); return;
            case 0x35: fastCalls.sysexit(); return;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                moves.cmov(op); return;
            case 0x78: case 0x79: system.virtualization(op == 0x78 ? "VMREAD" : "VMWRITE"); return;
            case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
            case 0x88: case 0x89: case 0x8A: case 0x8B: case 0x8C: case 0x8D: case 0x8E: case 0x8F:
                branches.jccNear(op); return;
            case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
            case 0x98: case 0x99: case 0x9A: case 0x9B: case 0x9C: case 0x9D: case 0x9E: case 0x9F:
                moves.setcc(op); return;
            case 0xA0: moves.pushSegment(CpuState.FS); return;
            case 0xA1: moves.popSegment(CpuState.FS); return;
            case 0xA2: system.cpuid(); return;
            case 0xA3: integer.bitTest(0, false); return;
            case 0xA4: case 0xA5: integer.shld(op == 0xA4); return;
            case 0xA8: moves.pushSegment(CpuState.GS); return;
            case 0xA9: moves.popSegment(CpuState.GS); return;
            case 0xAA:
                ExitSignal.exitIf(controls.rsm(in.length));
                throw ud(); // RSM outside SMM
            case 0xAB: integer.bitTest(1, false); return;
            case 0xAC: case 0xAD: integer.shrd(op == 0xAC); return;
            case 0xAE:
                // FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE and XRSTOR belong to the SSE unit; fences,
                // XSAVEOPT (not offered) and CLFLUSH do not.
                if (in.mod != 3 && (in.reg & 7) <= 5) {
                    fpu(simd.execute(in, ea, fpuHost));
                } else {
                    system.group15();
                }
                return;
            case 0xAF: integer.imulRegister(); return;
            case 0xB0: case 0xB1: moves.cmpxchg(op == 0xB0 ? 1 : in.opSize); return;
            case 0xB2: moves.loadFarPointer(SS); return;
            case 0xB3: integer.bitTest(2, false); return;
            case 0xB4: moves.loadFarPointer(FS); return;
            case 0xB5: moves.loadFarPointer(CpuState.GS); return;
            case 0xB6: case 0xB7: moves.movzx(op == 0xB6 ? 1 : 2); return;
            case 0xB8: integer.popcnt(); return;
            case 0xB9: throw ud(); // UD1
            case 0xBA: integer.bitTestImmediate(); return;
            case 0xBB: integer.bitTest(3, false); return;
            case 0xBC: integer.bsfTzcnt(); return;
            case 0xBD: integer.bsrLzcnt(); return;
            case 0xBE: case 0xBF: moves.movsx(op == 0xBE ? 1 : 2); return;
            case 0xC0: case 0xC1: moves.xadd(op == 0xC0 ? 1 : in.opSize); return;
            case 0xC3: moves.movnti(); return;
            case 0xC7: system.group9(); return;
            case 0xC8: case 0xC9: case 0xCA: case 0xCB: case 0xCC: case 0xCD: case 0xCE: case 0xCF:
                moves.bswap(op); return;
            case 0xFF: throw ud(); // UD0
            default:
                if (isSimdOpcode(op)) {
                    fpu(simd.execute(in, ea, fpuHost));
                    return;
                }
                throw ud();
        }
    }

    /**
     * The two-byte opcodes of MMX, SSE and SSE2 (Intel SDM Vol. 2 appendix A.3): 0F 10-17,
     * 28-2F, 50-77, 7E, 7F, C2, C4-C6 and D0-FE. The unit decodes the mandatory prefix itself.
     */
    private static boolean isSimdOpcode(int op) {
        return (op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2F) || (op >= 0x50 && op <= 0x77)
            || op == 0x7E || op == 0x7F || op == 0xC2 || (op >= 0xC4 && op <= 0xC6) || (op >= 0xD0 && op <= 0xFE);
    }

    /** Raises what an x87 or SSE unit reported: a vector without error code, or #GP(0). */
    private void fpu(int vector) {
        if (vector >= 0) {
            throw vector == Fault.GP ? gp(0) : faultNoCode(vector);
        }
    }

    private void dispatch0F38(int op) {
        if (op == 0xF0 || op == 0xF1) {
            int rep = in.prefixes & (Instruction.P_REP | Instruction.P_REPNE);
            if (rep == 0) {
                moves.movbe(op == 0xF1);
                return;
            }
            if (rep == Instruction.P_REPNE) {
                integer.crc32(op == 0xF0 ? 1 : in.opSize);
                return;
            }
        }
        throw ud();
    }

    // ---------------------------------------------------------------- operand helpers

    public int stringOpSize() {
        return in.opSize;
    }

    /** I/O operand size for the non-byte forms: 2 or 4 (there is no 64-bit I/O). */
    int ioSize() {
        return in.opSize == 2 ? 2 : 4;
    }

    /** Operand size of an instruction whose low opcode bit selects byte vs. full size. */
    int sizeOf(int opcode) {
        return (opcode & 1) == 0 ? 1 : in.opSize;
    }

    void requireMemoryOperand() {
        if (in.mod == 3) {
            throw ud();
        }
    }

    /** Reads general register {@code r} at {@code size}; byte registers 4-7 are AH..BH without REX. */
    public long reg(int size, int r) {
        switch (size) {
            case 1:
                if (r < 4 || in.rex != 0) {
                    return s.gpr[r] & 0xFF;
                }
                return (s.gpr[r - 4] >>> 8) & 0xFF;
            case 2: return s.gpr[r] & 0xFFFF;
            case 4: return s.gpr[r] & 0xFFFF_FFFFL;
            default: return s.gpr[r];
        }
    }

    /** Writes general register {@code r}; a 32-bit write zero-extends to 64 bits (SDM Vol. 1 §3.4.1.1). */
    public void setReg(int size, int r, long v) {
        long[] g = s.gpr;
        switch (size) {
            case 1:
                if (r < 4 || in.rex != 0) {
                    g[r] = (g[r] & ~0xFFL) | (v & 0xFF);
                } else {
                    g[r - 4] = (g[r - 4] & ~0xFF00L) | ((v & 0xFF) << 8);
                }
                return;
            case 2: g[r] = (g[r] & ~0xFFFFL) | (v & 0xFFFF); return;
            case 4: g[r] = v & 0xFFFF_FFFFL; return;
            default: g[r] = v;
        }
    }

    /** The ModRM r/m operand (register or memory at {@link #ea}). */
    long readRm(int size) {
        if (in.mod == 3) {
            return reg(size, in.rm);
        }
        return read(in.segment(), ea, size);
    }

    void writeRm(int size, long v) {
        if (in.mod == 3) {
            setReg(size, in.rm, v);
        } else {
            write(in.segment(), ea, size, v);
        }
    }

    long readRmAt(int size, long offset) {
        return read(in.segment(), offset & Alu.mask(in.addrSize), size);
    }

    // ---------------------------------------------------------------- segmentation

    public boolean user() {
        return s.cpl == 3;
    }

    public static boolean canonical(long linear) {
        return (linear >> 47) == 0 || (linear >> 47) == -1;
    }

    /**
     * Segment checks for a data access (SDM Vol. 3A §5.3 limit checking and §5.4 type checking;
     * in 64-bit mode only the canonical check, APM Vol. 2 §4.12) and the linear address. Kept
     * small enough for HotSpot to inline into compiled blocks: the rare cases (expand-down
     * segments, accesses beyond the limit) go to {@link #linearSlow}.
     */
    public long linear(int seg, long offset, int size, boolean write) {
        CpuState s = this.s;
        if (s.mode64()) {
            long lin = seg >= FS ? s.segmentBase[seg] + offset : offset;
            if (!canonical(lin) || !canonical(lin + size - 1)) {
                throw segmentFault(seg);
            }
            return lin;
        }
        int attr = s.segmentAttributes[seg];
        if (s.protectedMode() && !s.virtual8086() && !dataAccessAllowed(attr, write)) {
            throw segmentFault(seg);
        }
        if ((attr & 0x1C) == 0x14 || offset + size - 1 > (s.segmentLimit[seg] & 0xFFFF_FFFFL)) {
            return linearSlow(seg, offset, size, attr);
        }
        return (s.segmentBase[seg] + offset) & 0xFFFF_FFFFL;
    }

    /**
     * Whether a present, usable segment with attributes {@code attr} permits the access: any but
     * an execute-only code segment for a read, only a writable data segment for a write.
     */
    private static boolean dataAccessAllowed(int attr, boolean write) {
        if ((attr & (CpuState.SEGMENT_UNUSABLE | 0x80)) != 0x80) {
            return false;
        }
        int type = attr & 0xA;
        return write ? type == 2 : type != 8;
    }

    /** The limit check of an expand-down segment, or of an access past an ordinary limit. */
    private long linearSlow(int seg, long offset, int size, int attr) {
        long limit = s.segmentLimit[seg] & 0xFFFF_FFFFL;
        long last = offset + size - 1;
        if ((attr & 0x1C) == 0x14) { // expand-down data segment
            long upper = (attr & (1 << 14)) != 0 ? 0xFFFF_FFFFL : 0xFFFF;
            if (offset <= limit || last > upper) {
                throw segmentFault(seg);
            }
        } else if (last > limit) {
            throw segmentFault(seg);
        }
        return (s.segmentBase[seg] + offset) & 0xFFFF_FFFFL;
    }

    /** #SS(0) for the stack segment, #GP(0) for the others. */
    private Fault segmentFault(int seg) {
        return seg == SS ? fault(Fault.SS, 0) : gp(0);
    }

    /** Segment base + offset with no checks (INVLPG's operand, which never faults). */
    long linearNoCheck(int seg, long offset) {
        if (s.mode64()) {
            return seg >= FS ? s.segmentBase[seg] + offset : offset;
        }
        return (s.segmentBase[seg] + offset) & 0xFFFF_FFFFL;
    }

    public long read(int seg, long offset, int size) {
        long lin = linear(seg, offset, size, false);
        if (s.cpl == 3) {
            alignmentCheck(lin, size);
        }
        return mem.read(lin, size, s.cpl == 3);
    }

    public void write(int seg, long offset, int size, long value) {
        long lin = linear(seg, offset, size, true);
        if (s.cpl == 3) {
            alignmentCheck(lin, size);
        }
        mem.write(lin, size, value, s.cpl == 3);
    }

    /** #AC(0) for a misaligned data access at CPL 3 with CR0.AM and RFLAGS.AC set (SDM Vol. 3A §6.15). */
    private void alignmentCheck(long linear, int size) {
        if ((linear & (size - 1)) != 0 && (s.rflags & CpuState.AC) != 0 && (s.cr0 & CpuState.CR0_AM) != 0) {
            throw fault(Fault.AC, 0);
        }
    }

    /** Checks a write without performing it (for multi-write instructions). */
    void probeWrite(int seg, long offset, int size) {
        mem.probeWrite(linear(seg, offset, size, true), size, s.cpl == 3);
    }

    /** Supervisor-mode (implicit) access to a system structure by linear address. */
    public long readSystem(long linear, int size) {
        return mem.read(linear, size, false);
    }

    public void writeSystem(long linear, int size, long value) {
        mem.write(linear, size, value, false);
    }

    // ---------------------------------------------------------------- the stack

    /** The stack's address size: 8 in 64-bit mode, else 4 or 2 by SS.B. */
    public int stackAddressSize() {
        if (s.mode64()) {
            return 8;
        }
        return (s.segmentAttributes[SS] & (1 << 14)) != 0 ? 4 : 2;
    }

    void setStackPointer(long sp) {
        switch (stackAddressSize()) {
            case 2: s.gpr[4] = (s.gpr[4] & ~0xFFFFL) | (sp & 0xFFFF); return;
            case 4: s.gpr[4] = sp & 0xFFFF_FFFFL; return;
            default: s.gpr[4] = sp;
        }
    }

    public void push(long value, int size) {
        long sp = (s.gpr[4] - size) & Alu.mask(stackAddressSize());
        write(SS, sp, size, value);
        setStackPointer(sp);
    }

    /** Reads the stack at SP + {@code offset} without popping. */
    long peek(long offset, int size) {
        long sp = (s.gpr[4] + offset) & Alu.mask(stackAddressSize());
        return read(SS, sp, size);
    }

    void adjustStack(long delta) {
        setStackPointer((s.gpr[4] + delta) & Alu.mask(stackAddressSize()));
    }

    long pop(int size) {
        long v = peek(0, size);
        adjustStack(size);
        return v;
    }

    // ---------------------------------------------------------------- control flow

    /**
     * Sets the next RIP for a near branch: truncated to the operand size outside 64-bit mode and
     * checked against the CS limit, or checked for canonical form in 64-bit mode (#GP(0)).
     */
    void branchTo(long target, int opSize) {
        if (s.mode64()) {
            if (opSize == 2) {
                target &= 0xFFFF;
            }
            if (!canonical(target)) {
                throw gp(0);
            }
        } else {
            target &= opSize == 2 ? 0xFFFF : 0xFFFF_FFFFL;
            if (target > (s.segmentLimit[CS] & 0xFFFF_FFFFL)) {
                throw gp(0);
            }
        }
        nextRip = target;
    }

    /** Leaves RIP at this instruction and does not retire it (a REP iteration with more to go). */
    void repeat() {
        nextRip = rip0;
        retire = false;
    }

    public long nextRip() {
        return nextRip;
    }

    public int instructionLength() {
        return in.length;
    }

    // ---------------------------------------------------------------- exceptions

    public Fault fault(int vector, int errorCode) {
        return fault.set(vector, true, errorCode, 0);
    }

    public Fault faultNoCode(int vector) {
        return fault.set(vector, false, 0, 0);
    }

    public Fault gp(int errorCode) {
        return fault.set(Fault.GP, true, errorCode, 0);
    }

    public Fault ud() {
        return fault.set(Fault.UD, false, 0, 0);
    }

    /** Raises #GP(0) unless CPL is 0. */
    void requireCpl0() {
        if (s.cpl != 0) {
            throw gp(0);
        }
    }

    static int iopl(CpuState s) {
        return (int) ((s.rflags >>> 12) & 3);
    }
}

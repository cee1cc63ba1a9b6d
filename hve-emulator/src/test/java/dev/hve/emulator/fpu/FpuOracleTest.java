package dev.hve.emulator.fpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The host CPU as the oracle for the x87 and SSE/SSE2 units: {@code src/test/native/fpu_oracle.c}
 * is compiled with gcc now, lists the machine code of each operation it tests, and runs random
 * cases (NaNs, infinities, denormals, unsupported x87 encodings, random FCW/MXCSR including
 * unmasked exceptions, DAZ and FTZ). The same bytes run through the core's decoder and these units;
 * results, FSW/MXCSR, RFLAGS and memory must match bit for bit where the SDM defines them.
 *
 * <p>{@code -Dhve.fpu.oracle.cases=N} cases per operation (default 150); {@code -Dhve.fpu.oracle.seed}
 * repeats a run. Without gcc the test fails: it never passes silently.
 */
class FpuOracleTest {

    private static final class Op {
        String name;
        char kind;
        String bytes;
    }

    private static final class Case {
        Op op;
        long ctl;
        long ahi;
        long alo;
        long bhi;
        long blo;
    }

    @Test
    void unitsMatchHostCpu() throws Exception {
        int perOp = Integer.getInteger("hve.fpu.oracle.cases", 150);
        long seed = Long.getLong("hve.fpu.oracle.seed", System.nanoTime());
        Random r = new Random(seed);
        Path exe = compile("fpu_oracle");
        List<Op> ops = new ArrayList<>();
        for (String line : run(List.of(exe.toString(), "-d"), null).split("\n")) {
            String[] p = line.trim().split(" ");
            Op op = new Op();
            op.name = p[0];
            op.kind = p[1].charAt(0);
            op.bytes = p[2];
            ops.add(op);
        }
        assertTrue(ops.size() > 150, "the oracle lists its operations");
        List<Case> cases = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Op op : ops) {
            for (int i = 0; i < perOp; i++) {
                Case k = CaseGenerator.generate(r, op.name, op.kind);
                k.op = op;
                cases.add(k);
                text.append(op.name).append(' ').append(Long.toHexString(k.ctl)).append(' ')
                    .append(Long.toHexString(k.ahi)).append(' ').append(Long.toHexString(k.alo)).append(' ')
                    .append(Long.toHexString(k.bhi)).append(' ').append(Long.toHexString(k.blo)).append('\n');
            }
        }
        Path input = Files.createTempFile(workDirectory(), "fpu-cases", ".txt");
        Files.writeString(input, text.toString(), StandardCharsets.US_ASCII);
        String[] out = run(List.of(exe.toString()), input).split("\n");
        Files.deleteIfExists(input);
        assertTrue(out.length == cases.size(), "one oracle line per case");
        List<String> failures = new ArrayList<>();
        int[] failuresPerOp = new int[ops.size()];
        for (int i = 0; i < cases.size(); i++) {
            Case k = cases.get(i);
            String[] p = out[i].trim().split(" ");
            long[] expect = new long[10];
            for (int j = 0; j < 10; j++) { // RHI RLO STATUS FLAGS MEMLO FAULT RAX MEMHI R2HI R2LO
                expect[j] = Long.parseUnsignedLong(p[j], 16);
            }
            String diff = check(k, expect, p[10]);
            if (diff != null) {
                int idx = ops.indexOf(k.op);
                if (failuresPerOp[idx]++ < 3) {
                    failures.add(k.op.name + " ctl=" + Long.toHexString(k.ctl) + " a=" + Long.toHexString(k.ahi) + ":"
                        + Long.toHexString(k.alo) + " b=" + Long.toHexString(k.bhi) + ":" + Long.toHexString(k.blo)
                        + " -> " + diff);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail("seed " + seed + ": " + failures.size() + " mismatches shown (max 3 per op):\n" + String.join("\n", failures));
        }
    }

    /** Bytes of a state image that legitimately differ from the host (see {@link #imageMask}). */
    private static boolean masked(String op, int i) {
        switch (op) {
            case "fxsave":
            case "fxsave64":
                // FOP/FIP/FCS/FDP/FDS hold the host's own instruction and data addresses (the AMD
                // oracle host even stores zeros there unless FSW.ES=1); MXCSR_MASK is model-specific.
                return (i >= 6 && i < 24) || (i >= 28 && i < 32);
            case "fnstenv":
            case "fnsave":
                return i >= 12 && i < 26;
            default:
                return false;
        }
    }

    /** Runs one case through the units and returns a description of the first difference, or null. */
    private static String check(Case k, long[] e, String image) {
        FpuTestMachine m = new FpuTestMachine();
        long memAddr = FpuTestMachine.BASE + 0x1000;
        m.gpr[3] = memAddr;
        for (int i = 0; i < 512; i++) {
            m.poke(memAddr + i, 1, 0xA5);
        }
        m.poke(memAddr, 8, k.blo);
        m.poke(memAddr + 8, 8, k.bhi);
        m.rflags = 0x8D7;
        char kind = k.op.kind;
        boolean x87 = kind == 'F' || kind == 'C' || kind == 'M';
        if (x87 || kind == 'V') {
            m.f.init();
            m.f.fcw = (int) (k.ctl & 0x1F3F) | 0x40;
            m.push((int) k.bhi, k.blo);
            m.push((int) k.ahi, k.alo);
        }
        if (kind == 'V') {
            m.f.mxcsr = (int) (k.ctl >>> 16);
            m.f.xmm[0] = k.alo;
            m.f.xmm[1] = k.ahi;
            m.f.xmm[2] = k.blo;
            m.f.xmm[3] = k.bhi;
        } else if (!x87) {
            m.f.mxcsr = (int) k.ctl;
            m.f.xmm[0] = k.alo;
            m.f.xmm[1] = k.ahi;
            m.f.xmm[2] = k.blo;
            m.f.xmm[3] = k.bhi;
            m.gpr[0] = kind == 'G' ? k.bhi : k.blo;
        }
        if (kind == 'Q') {
            m.f.init();
            for (int i = 0; i < 8; i++) {
                m.f.se[i] = 0;
                m.f.sig[i] = 0;
                m.f.tag[i] = FpuState.TAG_VALID;
            }
            m.f.sig[0] = k.alo;
            m.f.se[0] = 0xFFFF;
            m.f.sig[1] = k.blo;
            m.f.se[1] = 0xFFFF;
            m.gpr[0] = k.blo;
        }
        int result = m.runAll(FpuTestMachine.bytes(k.op.bytes));
        long memLo = m.peek(memAddr, 8);
        long memHi = m.peek(memAddr + 8, 8);
        if (kind == 'Q') {
            if (result != -1) {
                return "unit returned vector " + result;
            }
            long status = m.f.tagWord() | (long) m.f.statusWord() << 16 | (long) (m.f.se[0] & 0xFFFF) << 32
                | (long) (m.f.se[1] & 0xFFFF) << 48;
            if (m.f.sig[0] != e[1] || m.f.sig[1] != e[0]) {
                return "MM0/MM1 " + Long.toHexString(m.f.sig[0]) + "/" + Long.toHexString(m.f.sig[1]) + " expected "
                    + Long.toHexString(e[1]) + "/" + Long.toHexString(e[0]);
            }
            if (status != e[2]) {
                return "FTW|FSW|exponents " + Long.toHexString(status) + " expected " + Long.toHexString(e[2]);
            }
            if (m.gpr[0] != e[6]) {
                return "RAX " + Long.toHexString(m.gpr[0]) + " expected " + Long.toHexString(e[6]);
            }
            if (memLo != e[4] || memHi != e[7]) {
                return "memory " + Long.toHexString(memHi) + ":" + Long.toHexString(memLo) + " expected "
                    + Long.toHexString(e[7]) + ":" + Long.toHexString(e[4]);
            }
            return null;
        }
        if (kind == 'V') {
            if (result != -1) {
                return "unit returned vector " + result;
            }
            for (int i = 0; i < 512; i++) {
                int want = Integer.parseInt(image.substring(2 * i, 2 * i + 2), 16);
                int got = (int) m.peek(memAddr + i, 1);
                if (want != got && !masked(k.op.name, i)) {
                    return "image byte " + i + " = " + Integer.toHexString(got) + " expected " + Integer.toHexString(want);
                }
            }
            return null;
        }
        if (x87) {
            if (result != X87Unit.OK) {
                return "unit returned vector " + result;
            }
            int sw = m.f.statusWord();
            boolean im = (m.f.fcw & 1) != 0;
            // Mirror the oracle's epilogue: FNCLEX; FSTP m80 (ST0); FNCLEX; FSTP m80 (the new ST0).
            long[] st = new long[4];
            for (int j = 0; j < 2; j++) {
                if (m.f.empty(0)) {
                    if (im) {
                        st[2 * j] = 0xFFFF;
                        st[2 * j + 1] = 0xC000_0000_0000_0000L;
                        m.f.tag[m.f.top] = FpuState.TAG_EMPTY;
                        m.f.top = (m.f.top + 1) & 7;
                    }
                } else {
                    st[2 * j] = m.stSe(0) & 0xFFFF;
                    st[2 * j + 1] = m.stSig(0);
                    m.f.tag[m.f.top] = FpuState.TAG_EMPTY;
                    m.f.top = (m.f.top + 1) & 7;
                }
            }
            int swMask = kind == 'F' || kind == 'M' ? 0xBAFF : 0xFFFF;
            if ((sw & swMask) != (e[2] & swMask)) {
                return "FSW " + Integer.toHexString(sw) + " expected " + Long.toHexString(e[2]);
            }
            if (st[0] != e[0] || st[1] != e[1]) {
                return "ST0 " + Long.toHexString(st[0]) + ":" + Long.toHexString(st[1]) + " expected "
                    + Long.toHexString(e[0]) + ":" + Long.toHexString(e[1]);
            }
            if (st[2] != e[8] || st[3] != e[9]) {
                return "ST1 " + Long.toHexString(st[2]) + ":" + Long.toHexString(st[3]) + " expected "
                    + Long.toHexString(e[8]) + ":" + Long.toHexString(e[9]);
            }
            if ((m.rflags & 0x8D5) != e[3]) {
                return "RFLAGS " + Long.toHexString(m.rflags & 0x8D5) + " expected " + Long.toHexString(e[3]);
            }
            if (memLo != e[4] || memHi != e[7]) {
                return "memory " + Long.toHexString(memHi) + ":" + Long.toHexString(memLo) + " expected "
                    + Long.toHexString(e[7]) + ":" + Long.toHexString(e[4]);
            }
            return null;
        }
        boolean fault = result == 19;
        if (result != -1 && !fault) {
            return "unit returned vector " + result;
        }
        if (fault != (e[5] != 0)) {
            return fault ? "#XM but the CPU completed" : "completed but the CPU raised #XM";
        }
        if (m.f.mxcsr != e[2]) {
            return "MXCSR " + Integer.toHexString(m.f.mxcsr) + " expected " + Long.toHexString(e[2]);
        }
        if (m.f.xmm[1] != e[0] || m.f.xmm[0] != e[1]) {
            return "XMM0 " + Long.toHexString(m.f.xmm[1]) + ":" + Long.toHexString(m.f.xmm[0]) + " expected "
                + Long.toHexString(e[0]) + ":" + Long.toHexString(e[1]);
        }
        if ((m.rflags & 0x8D5) != e[3]) {
            return "RFLAGS " + Long.toHexString(m.rflags & 0x8D5) + " expected " + Long.toHexString(e[3]);
        }
        if (m.gpr[0] != e[6]) {
            return "RAX " + Long.toHexString(m.gpr[0]) + " expected " + Long.toHexString(e[6]);
        }
        if (memLo != e[4] || memHi != e[7]) {
            return "memory " + Long.toHexString(memHi) + ":" + Long.toHexString(memLo) + " expected "
                + Long.toHexString(e[7]) + ":" + Long.toHexString(e[4]);
        }
        return null;
    }

    // ------------------------------------------------------------------ native tooling

    static Path workDirectory() throws IOException {
        Path dir = Paths.get(System.getProperty("hve.target", "target"), "native-tests").toAbsolutePath();
        Files.createDirectories(dir);
        return dir;
    }

    /** Compiles {@code src/test/native/NAME.c} with gcc into the work directory. */
    static Path compile(String name) throws Exception {
        String gcc = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, "gcc");
            if (f.canExecute()) {
                gcc = f.getAbsolutePath();
                break;
            }
        }
        if (gcc == null) {
            fail("gcc is required by the host-CPU oracle tests but was not found on PATH; install gcc");
        }
        Path src = Paths.get("src/test/native/" + name + ".c").toAbsolutePath();
        Path exe = workDirectory().resolve(name);
        run(List.of(gcc, "-O1", "-mno-red-zone", "-o", exe.toString(), src.toString()), null);
        return exe;
    }

    static String run(List<String> command, Path input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        Path out = Files.createTempFile(workDirectory(), "out", ".txt");
        Path err = Files.createTempFile(workDirectory(), "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        String stderr = Files.readString(err);
        String stdout = Files.readString(out);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            fail(command + " failed (" + p.exitValue() + "): " + stderr);
        }
        return stdout;
    }
}

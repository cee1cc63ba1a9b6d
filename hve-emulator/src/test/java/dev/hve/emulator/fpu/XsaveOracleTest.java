package dev.hve.emulator.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hve.emulator.simd.SimdUnit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The host CPU as the oracle for XSAVE64/XRSTOR64 on the x87 and SSE components:
 * {@code src/test/native/xsave_oracle.c} loads a random x87/SSE state with FXRSTOR64, then runs
 * XSAVE64 into a random area (and prints the area), or XRSTOR64 from a random area with a random
 * XSTATE_BV (and prints the state FXSAVE64 then stores, or that XRSTOR64 raised #GP). The core does
 * the same through {@link FpuTestMachine}; the images must match byte for byte, but for the
 * FOP/FIP/FDP fields (the host's own addresses, or zeros on AMD without FSW.ES) and MXCSR_MASK
 * (model-specific), as in {@link FpuOracleTest}. Instruction masks stay within bits 1:0, since the
 * host's XCR0 enables more components than the model's.
 *
 * <p>{@code -Dhve.xsave.oracle.cases=N} cases per kind (default 300); {@code -Dhve.xsave.oracle.seed}
 * repeats a run. Needs gcc and a host with XSAVE; without XSAVE the test is skipped, never passed.
 */
class XsaveOracleTest {

    private static final long STATE = FpuTestMachine.BASE + 0x1000;
    private static final long AREA = FpuTestMachine.BASE + 0x2000;
    private static final long OUT = FpuTestMachine.BASE + 0x3000;

    @Test
    void xsaveImagesAndXrstorResultsMatchHostCpu() throws Exception {
        String flags = Files.readString(Paths.get("/proc/cpuinfo"));
        Assumptions.assumeTrue(flags.matches("(?s).*\\bflags\\s*:.*\\bxsave\\b.*"), "the host has no XSAVE");
        int perKind = Integer.getInteger("hve.xsave.oracle.cases", 300);
        long seed = Long.getLong("hve.xsave.oracle.seed", System.nanoTime());
        Random r = new Random(seed);
        List<char[]> kinds = new ArrayList<>();
        List<long[]> masks = new ArrayList<>();
        List<byte[][]> inputs = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2 * perKind; i++) {
            char kind = i < perKind ? 'S' : 'R';
            long mask = r.nextInt(4);
            byte[] state = legacyRegion(r);
            byte[] area = new byte[576];
            if (kind == 'S') {
                r.nextBytes(area); // XSAVE neither checks nor reads the area but XSTATE_BV's bits outside RFBM
            } else {
                System.arraycopy(legacyRegion(r), 0, area, 0, 512);
                header(r, area);
            }
            kinds.add(new char[] {kind});
            masks.add(new long[] {mask});
            inputs.add(new byte[][] {state, area});
            text.append(kind).append(' ').append(Long.toHexString(mask)).append(' ').append(hex(state)).append(' ')
                .append(hex(area)).append('\n');
        }
        Path exe = FpuOracleTest.compile("xsave_oracle");
        Path input = Files.createTempFile(FpuOracleTest.workDirectory(), "xsave-cases", ".txt");
        Files.writeString(input, text.toString(), StandardCharsets.US_ASCII);
        String[] out = FpuOracleTest.run(List.of(exe.toString()), input).split("\n");
        Files.deleteIfExists(input);
        assertEquals(kinds.size(), out.length, "one oracle line per case");
        List<String> failures = new ArrayList<>();
        int faults = 0;
        for (int i = 0; i < out.length; i++) {
            String expected = out[i].trim();
            faults += "GP".equals(expected) ? 1 : 0;
            String diff = check(kinds.get(i)[0], masks.get(i)[0], inputs.get(i)[0], inputs.get(i)[1], expected);
            if (diff != null && failures.size() < 10) {
                failures.add(kinds.get(i)[0] + " mask=" + masks.get(i)[0] + " area=" + hex(inputs.get(i)[1]).substring(1024)
                    + " -> " + diff);
            }
        }
        if (!failures.isEmpty()) {
            fail("seed " + seed + ": mismatches (first 10):\n" + String.join("\n", failures));
        }
        if (perKind >= 100 && (faults == 0 || faults == perKind)) {
            fail("seed " + seed + ": the XRSTOR cases should include both faults and completions, had " + faults + " faults");
        }
    }

    /**
     * A random FXSAVE64-format image with a valid MXCSR, FCW without its reserved bits and FSW with
     * TOP and the condition codes only, so that loading it is defined the same way on both sides.
     */
    private static byte[] legacyRegion(Random r) {
        byte[] b = new byte[512];
        r.nextBytes(b);
        put(b, 0, 2, r.nextInt() & 0x0F3F | 0x40);
        put(b, 2, 2, r.nextInt() & 0x7F00);
        put(b, 24, 4, r.nextInt() & FpuState.MXCSR_MASK);
        return b;
    }

    /**
     * An XSAVE header for XRSTOR: XSTATE_BV bits 1:0 random, XCOMP_BV and bytes 23:16 zero, bytes
     * 63:24 random (XRSTOR does not check them); one case in six breaks a rule that is #GP: an
     * XSTATE_BV bit no XCR0 has, a nonzero XCOMP_BV or bytes 23:16, or MXCSR reserved bit 18.
     */
    private static void header(Random r, byte[] area) {
        for (int i = 512; i < 576; i++) {
            area[i] = (byte) r.nextInt();
        }
        put(area, 512, 8, r.nextInt(4));
        put(area, 520, 8, 0);
        put(area, 528, 8, 0);
        if (r.nextInt(6) == 0) {
            switch (r.nextInt(4)) {
                case 0: put(area, 512, 8, 1L << 62 | 3); break;
                case 1: put(area, 520, 8, 1); break;
                case 2: put(area, 528, 8, 1L << r.nextInt(64)); break;
                default: put(area, 24, 4, 1 << 18 | 0x1F80); break;
            }
        }
    }

    /** Runs one case through the core's units; returns the first difference from the host, or null. */
    private static String check(char kind, long mask, byte[] state, byte[] area, String expected) {
        FpuTestMachine m = new FpuTestMachine();
        m.cr4 |= 1L << 18; // CR4.OSXSAVE
        load(m, STATE, state);
        load(m, AREA, area);
        m.gpr[3] = STATE;
        if (m.run("480FAE0B") != SimdUnit.OK) { // FXRSTOR64 [rbx]
            return "FXRSTOR64 of the state failed";
        }
        m.gpr[3] = AREA;
        m.gpr[0] = mask;
        m.gpr[2] = 0;
        if (kind == 'S') {
            int v = m.run("480FAE23"); // XSAVE64 [rbx]
            return v != SimdUnit.OK ? "XSAVE64 raised vector " + v : compare(m, AREA, 576, expected);
        }
        int v = m.run("480FAE2B"); // XRSTOR64 [rbx]
        if ("GP".equals(expected) || v != SimdUnit.OK) {
            return "GP".equals(expected) && v == SimdUnit.GP ? null : "XRSTOR64: vector " + v + ", host " + expected;
        }
        m.gpr[3] = OUT;
        m.run("480FAE03"); // FXSAVE64 [rbx] into zeroed memory, as the oracle does
        return compare(m, OUT, 512, expected);
    }

    private static String compare(FpuTestMachine m, long at, int n, String expected) {
        if (expected.length() != 2 * n) {
            return "host printed " + expected;
        }
        for (int i = 0; i < n; i++) {
            boolean hostSpecific = i >= 6 && i < 24 || i >= 28 && i < 32;
            int want = Integer.parseInt(expected.substring(2 * i, 2 * i + 2), 16);
            int got = (int) m.peek(at + i, 1);
            if (want != got && !hostSpecific) {
                return "byte " + i + " = " + Integer.toHexString(got) + ", host " + Integer.toHexString(want);
            }
        }
        return null;
    }

    private static void load(FpuTestMachine m, long at, byte[] b) {
        for (int i = 0; i < b.length; i++) {
            m.poke(at + i, 1, b[i] & 0xFF);
        }
    }

    private static void put(byte[] b, int at, int size, long v) {
        for (int i = 0; i < size; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(2 * b.length);
        for (byte x : b) {
            s.append(Character.forDigit((x >>> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return s.toString();
    }
}

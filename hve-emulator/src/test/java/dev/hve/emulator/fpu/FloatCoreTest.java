package dev.hve.emulator.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks the SSE double-precision path against Java's own IEEE 754 binary64 arithmetic
 * (correctly rounded, round-to-nearest), independent of the host-CPU oracle, and the extended
 * engine against exact BigDecimal results.
 */
class FloatCoreTest {

    private final FpuTestMachine m = new FpuTestMachine();

    private long sse(String insn, long a, long b) {
        m.f.mxcsr = 0x1F80;
        m.f.xmm[0] = a;
        m.f.xmm[2] = b;
        m.run(insn);
        return m.f.xmm[0];
    }

    @Test
    void doubleArithmeticMatchesJava() {
        Random r = new Random(42);
        for (int i = 0; i < 20000; i++) {
            double a = Double.longBitsToDouble(CaseGenerator.f64(r));
            double b = Double.longBitsToDouble(r.nextBoolean() ? CaseGenerator.f64(r) : CaseGenerator.near64(r, Double.doubleToRawLongBits(a)));
            long la = Double.doubleToRawLongBits(a);
            long lb = Double.doubleToRawLongBits(b);
            check("add", a + b, sse("F20F58C1", la, lb));
            check("sub", a - b, sse("F20F5CC1", la, lb));
            check("mul", a * b, sse("F20F59C1", la, lb));
            check("div", a / b, sse("F20F5EC1", la, lb));
            check("sqrt", Math.sqrt(b), sse("F20F51C1", la, lb));
            check("cvtsd2ss", (float) b, sse("F20F5AC1", la, lb) & 0xFFFF_FFFFL, true);
        }
    }

    private static void check(String what, double expect, long actual) {
        long e = Double.doubleToRawLongBits(expect);
        if (Double.isNaN(expect)) {
            assertEquals(true, Double.isNaN(Double.longBitsToDouble(actual)), what);
            return;
        }
        assertEquals(Long.toHexString(e), Long.toHexString(actual), what);
    }

    private static void check(String what, float expect, long actual, boolean single) {
        if (Float.isNaN(expect)) {
            assertEquals(true, Float.isNaN(Float.intBitsToFloat((int) actual)), what);
            return;
        }
        assertEquals(Integer.toHexString(Float.floatToRawIntBits(expect)), Integer.toHexString((int) actual), what);
    }

    @Test
    void extendedDivisionIsCorrectlyRounded() {
        Random r = new Random(7);
        FloatCore c = new FloatCore();
        for (int i = 0; i < 5000; i++) {
            long ma = Long.MIN_VALUE | r.nextLong();
            long mb = Long.MIN_VALUE | r.nextLong();
            c.div(false, 0, ma, false, 0, mb);
            c.round(64, FloatCore.EMIN_EXTENDED, FloatCore.EMAX_EXTENDED, FloatCore.RC_NEAREST, false, false, false);
            java.math.BigInteger a = new java.math.BigInteger(Long.toUnsignedString(ma));
            java.math.BigInteger b = new java.math.BigInteger(Long.toUnsignedString(mb));
            // q = a/b in [0.5, 2): scale so the quotient has 64 significant bits, round half even.
            int shift = a.compareTo(b) >= 0 ? 63 : 64;
            java.math.BigInteger[] qr = a.shiftLeft(shift).divideAndRemainder(b);
            java.math.BigInteger q = qr[0];
            int cmp = qr[1].shiftLeft(1).compareTo(b);
            if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
                q = q.add(java.math.BigInteger.ONE);
            }
            long expect = q.bitLength() > 64 ? Long.MIN_VALUE : q.longValue();
            assertEquals(Long.toHexString(expect), Long.toHexString(c.sig), Long.toHexString(ma) + "/" + Long.toHexString(mb));
        }
    }
}

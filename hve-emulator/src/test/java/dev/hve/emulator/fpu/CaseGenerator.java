package dev.hve.emulator.fpu;

import java.lang.reflect.Field;
import java.util.Random;

/** Random operands for {@link FpuOracleTest}, biased towards the boundaries where units go wrong. */
final class CaseGenerator {

    private CaseGenerator() {
    }

    static Object newCase() {
        try {
            Class<?> c = Class.forName("dev.hve.emulator.fpu.FpuOracleTest$Case");
            var ctor = c.getDeclaredConstructor();
            ctor.setAccessible(true);
            return ctor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T generate(Random r, String name, char kind) {
        Object k = newCase();
        long ctl;
        long ahi;
        long alo;
        long bhi;
        long blo;
        if (kind == 'V') {
            long[] a = ext(r);
            long[] b = ext(r);
            int mx = (r.nextInt(64) << 7) | (r.nextInt(4) << 13) | r.nextInt(64) | (r.nextBoolean() ? 0x40 : 0)
                | (r.nextBoolean() ? 0x8000 : 0);
            ctl = (long) mx << 16 | r.nextInt(0x10000);
            set(k, "ctl", ctl);
            set(k, "ahi", a[0]);
            set(k, "alo", a[1]);
            set(k, "bhi", b[0]);
            set(k, "blo", b[1]);
            return (T) k;
        }
        if (kind == 'F' || kind == 'C' || kind == 'M') {
            int masks = r.nextInt(4) == 0 ? r.nextInt(64) : 0x3F;
            int pc = new int[] {0, 2, 3, 3}[r.nextInt(4)];
            ctl = masks | 0x40 | (pc << 8) | (r.nextInt(4) << 10);
            long[] a = ext(r);
            long[] b = r.nextInt(3) == 0 ? near(r, a) : ext(r);
            ahi = a[0];
            alo = a[1];
            bhi = b[0];
            blo = b[1];
            if (name.equals("fnstcw")) {
                ctl = r.nextInt(0x10000);
            }
            if (name.equals("ficom32")) {
                blo = integer(r);
            } else if (name.endsWith("32") && !name.startsWith("fi") && !name.startsWith("fst")) {
                blo = f32(r) & 0xFFFF_FFFFL;
            } else if (name.endsWith("64") && !name.startsWith("fi") && !name.startsWith("fst")) {
                blo = f64(r);
            } else if (name.startsWith("fild") || name.startsWith("fiadd") || name.startsWith("fimul")
                || name.startsWith("fidiv")) {
                blo = integer(r);
            } else if (name.startsWith("fist")) {
                long[] v = integral(r);
                ahi = v[0];
                alo = v[1];
                blo = r.nextLong();
            } else if (name.equals("frndint") && r.nextBoolean()) {
                long[] v = integral(r);
                ahi = v[0];
                alo = v[1];
            } else if (name.equals("fscale")) {
                long[] v = integral(r);
                bhi = v[0] & 0x8000 | Math.min(v[0] & 0x7FFF, 0x3FFF + 16);
                blo = v[1];
            } else if (name.startsWith("fst")) {
                blo = r.nextLong();
                if (r.nextInt(3) == 0) {
                    // values near the single/double limits
                    int e = r.nextBoolean() ? 0x3FFF + (r.nextBoolean() ? 127 : -126) + r.nextInt(5) - 2
                        : 0x3FFF + (r.nextBoolean() ? 1023 : -1022) + r.nextInt(5) - 2 - (r.nextInt(4) == 0 ? 50 : 0);
                    ahi = (r.nextBoolean() ? 0x8000 : 0) | e;
                    alo = Long.MIN_VALUE | r.nextLong();
                }
            }
        } else {
            int mx = 0x1F80;
            if (r.nextInt(4) == 0) {
                mx = (r.nextInt(64) << 7);
            }
            mx |= r.nextInt(4) << 13;
            if (r.nextInt(4) == 0) {
                mx |= 0x40; // DAZ
            }
            if (r.nextInt(4) == 0) {
                mx |= 0x8000; // FTZ
            }
            if (r.nextInt(5) == 0) {
                mx |= r.nextInt(64);
            }
            ctl = mx;
            if (name.equals("ldmxcsr_x")) {
                set(k, "ctl", ctl);
                set(k, "ahi", r.nextLong());
                set(k, "alo", r.nextLong());
                set(k, "bhi", r.nextLong());
                set(k, "blo", r.nextLong() & ~0xFFFF_0000L & 0xFFFF_FFFF_0000_FFFFL);
                return (T) k;
            }
            boolean dbl = name.contains("sd_") || name.contains("pd_") || name.equals("cvttsd2si_m") ||
                name.endsWith("sd") || name.endsWith("pd") || name.contains("sd2") || name.contains("pd2")
                || name.equals("cvtsd2ss") || name.equals("comisd") || name.equals("ucomisd") || name.startsWith("cmpsd")
                || name.startsWith("cmppd");
            if (name.startsWith("cvtdq2") || name.startsWith("p") || name.startsWith("mov") || name.startsWith("unpck")
                || name.startsWith("shuf") || name.startsWith("and") || name.startsWith("or") || name.startsWith("xor")) {
                alo = bits(r);
                ahi = bits(r);
                blo = bits(r);
                bhi = bits(r);
                if (name.matches("ps(ll|rl|ra)[wdq]")) {
                    blo = r.nextInt(8) == 0 ? r.nextLong() : r.nextInt(70);
                    bhi = r.nextLong();
                }
            } else if (name.startsWith("cvtsi2")) {
                alo = r.nextLong();
                ahi = r.nextLong();
                blo = integer(r);
                bhi = r.nextLong();
            } else if (kind == 'I') {
                blo = integer(r);
                alo = r.nextLong();
                ahi = r.nextLong();
                bhi = r.nextLong();
            } else if (dbl && !name.equals("cvtps2pd") && !name.equals("cvtss2sd")) {
                alo = f64(r);
                ahi = f64(r);
                blo = r.nextInt(3) == 0 ? near64(r, alo) : f64(r);
                bhi = f64(r);
                if (kind == 'G') {
                    blo = r.nextBoolean() ? f64(r) : integralDouble(r);
                }
            } else {
                alo = pair32(r);
                ahi = pair32(r);
                blo = pair32(r);
                bhi = pair32(r);
                if (r.nextInt(3) == 0) {
                    blo = (blo & 0xFFFF_FFFF_0000_0000L) | (near32(r, (int) alo) & 0xFFFF_FFFFL);
                }
                if (kind == 'G') {
                    blo = (blo & 0xFFFF_FFFF_0000_0000L) | (integralFloat(r) & 0xFFFF_FFFFL);
                    bhi = r.nextLong();
                }
            }
        }
        set(k, "ctl", ctl);
        set(k, "ahi", ahi);
        set(k, "alo", alo);
        set(k, "bhi", bhi);
        set(k, "blo", blo);
        return (T) k;
    }

    private static void set(Object o, String field, long v) {
        try {
            Field f = o.getClass().getDeclaredField(field);
            f.setAccessible(true);
            f.setLong(o, v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------ value shapes

    private static long bits(Random r) {
        switch (r.nextInt(4)) {
            case 0: {
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    long b = new long[] {0, 0x7F, 0x80, 0xFF, 1, 0xFE, 0x81, 0x7E}[r.nextInt(8)];
                    v |= (r.nextBoolean() ? b : r.nextInt(256)) << (8 * i);
                }
                return v;
            }
            default:
                return r.nextLong();
        }
    }

    static long integer(Random r) {
        switch (r.nextInt(5)) {
            case 0: return r.nextInt(200) - 100;
            case 1: return r.nextInt();
            case 2: return r.nextLong() >> r.nextInt(64);
            case 3: return new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x8000, 0x7FFF,
                -0x8000, (1L << 53) + 1, (1L << 24) + 1, -((1L << 63) - 1)}[r.nextInt(10)];
            default: return r.nextLong();
        }
    }

    /** A random double-extended value: (sign/exponent, significand). */
    static long[] ext(Random r) {
        long s = r.nextBoolean() ? 0x8000 : 0;
        long sig = Long.MIN_VALUE | r.nextLong();
        if (r.nextInt(3) == 0) {
            sig &= -1L << (r.nextBoolean() ? 40 : 11); // representable in single/double
        }
        switch (r.nextInt(20)) {
            case 0: return new long[] {s, 0};
            case 1: return new long[] {s | 0x7FFF, Long.MIN_VALUE};
            case 2: return new long[] {s | 0x7FFF, Long.MIN_VALUE | 0x4000_0000_0000_0000L | (r.nextLong() >>> 2)};
            case 3: return new long[] {s | 0x7FFF, Long.MIN_VALUE | ((r.nextLong() >>> 2) | 1)};
            case 4: return new long[] {s, r.nextLong() >>> (1 + r.nextInt(63))}; // denormal
            case 5: return new long[] {s | (1 + r.nextInt(0x7FFE)), r.nextLong() >>> 1}; // unnormal (unsupported)
            case 6: return new long[] {s | (1 + r.nextInt(40)), sig};
            case 7: return new long[] {s | (0x7FFE - r.nextInt(40)), sig};
            case 8: return new long[] {s, sig}; // pseudo-denormal
            default: return new long[] {s | (0x3FFF + r.nextInt(140) - 70), sig};
        }
    }

    static long[] near(Random r, long[] a) {
        int e = (int) (a[0] & 0x7FFF);
        if (e == 0 || e >= 0x7FFE) {
            return ext(r);
        }
        long s = r.nextBoolean() ? 0x8000 : 0;
        int ne = Math.max(1, Math.min(0x7FFE, e + r.nextInt(130) - 65));
        long sig = r.nextBoolean() ? a[1] ^ (1L << r.nextInt(63)) : Long.MIN_VALUE | r.nextLong();
        return new long[] {s | ne, sig};
    }

    /** Values that exercise integer conversion and rounding: near integers, halves, limits. */
    static long[] integral(Random r) {
        long s = r.nextBoolean() ? 0x8000 : 0;
        int e = 0x3FFF + (r.nextInt(4) == 0 ? r.nextInt(70) - 3 : r.nextInt(16) - 1);
        long sig = Long.MIN_VALUE | r.nextLong();
        if (r.nextBoolean()) {
            int frac = 63 - (e - 0x3FFF);
            if (frac > 1 && frac < 64) {
                sig &= -1L << (frac - 1); // exact .5 or integer
            }
        }
        if (r.nextInt(10) == 0) {
            return ext(r);
        }
        return new long[] {s | e, sig};
    }

    static int f32(Random r) {
        int s = r.nextBoolean() ? Integer.MIN_VALUE : 0;
        switch (r.nextInt(16)) {
            case 0: return s;
            case 1: return s | 0x7F80_0000;
            case 2: return s | 0x7FC0_0000 | r.nextInt(0x40_0000);
            case 3: return s | 0x7F80_0000 | (1 + r.nextInt(0x3F_FFFF));
            case 4: return s | (1 + r.nextInt(0x7F_FFFF));
            case 5: return s | 0x7F7F_FFFF;
            case 6: return s | 0x0080_0000 | r.nextInt(0x80_0000);
            case 7: return s | ((1 + r.nextInt(3)) << 23) | r.nextInt(0x80_0000);
            case 8: return s | ((0xFC + r.nextInt(3)) << 23) | r.nextInt(0x80_0000);
            default: return s | ((0x7F + r.nextInt(60) - 30) << 23) | r.nextInt(0x80_0000);
        }
    }

    static long f64(Random r) {
        long s = r.nextBoolean() ? Long.MIN_VALUE : 0;
        long frac = r.nextLong() & 0xF_FFFF_FFFF_FFFFL;
        switch (r.nextInt(16)) {
            case 0: return s;
            case 1: return s | 0x7FF0_0000_0000_0000L;
            case 2: return s | 0x7FF8_0000_0000_0000L | (frac >>> 1);
            case 3: return s | 0x7FF0_0000_0000_0000L | ((frac >>> 1) | 1);
            case 4: return s | (frac | 1);
            case 5: return s | 0x7FEF_FFFF_FFFF_FFFFL;
            case 6: return s | (1L << 52) | frac;
            case 7: return s | ((long) (1 + r.nextInt(3)) << 52) | frac;
            case 8: return s | ((long) (0x7FC + r.nextInt(3)) << 52) | frac;
            case 9: return s | ((long) (0x3FF + (r.nextBoolean() ? 128 : -126) + r.nextInt(5) - 2) << 52) | frac;
            case 10: return s | ((long) (0x3FF - 1022 - 126 + r.nextInt(40) - 20 + 1022) << 52) | frac;
            default: return s | ((long) (0x3FF + r.nextInt(120) - 60) << 52) | frac;
        }
    }

    static long pair32(Random r) {
        return (f32(r) & 0xFFFF_FFFFL) | ((long) f32(r) << 32);
    }

    static int near32(Random r, int a) {
        int e = (a >>> 23) & 0xFF;
        if (e == 0 || e == 0xFF) {
            return f32(r);
        }
        int ne = Math.max(1, Math.min(0xFE, e + r.nextInt(60) - 30));
        return (r.nextBoolean() ? Integer.MIN_VALUE : 0) | (ne << 23) | (r.nextBoolean() ? a & 0x7F_FFFF : r.nextInt(0x80_0000));
    }

    static long near64(Random r, long a) {
        long e = (a >>> 52) & 0x7FF;
        if (e == 0 || e == 0x7FF) {
            return f64(r);
        }
        long ne = Math.max(1, Math.min(0x7FE, e + r.nextInt(120) - 60));
        return (r.nextBoolean() ? Long.MIN_VALUE : 0) | (ne << 52) | (r.nextBoolean() ? a & 0xF_FFFF_FFFF_FFFFL : r.nextLong() & 0xF_FFFF_FFFF_FFFFL);
    }

    static int integralFloat(Random r) {
        if (r.nextInt(6) == 0) {
            return f32(r);
        }
        int e = 0x7F + (r.nextInt(4) == 0 ? r.nextInt(70) - 3 : r.nextInt(12) - 1);
        e = Math.min(e, 0xFE);
        int frac = r.nextInt(0x80_0000);
        if (r.nextBoolean()) {
            int fb = 23 - (e - 0x7F);
            if (fb > 1 && fb < 24) {
                frac &= -1 << (fb - 1);
            }
        }
        return (r.nextBoolean() ? Integer.MIN_VALUE : 0) | (e << 23) | frac;
    }

    static long integralDouble(Random r) {
        long e = 0x3FF + (r.nextInt(4) == 0 ? r.nextInt(70) - 3 : r.nextInt(35) - 1);
        long frac = r.nextLong() & 0xF_FFFF_FFFF_FFFFL;
        if (r.nextBoolean()) {
            long fb = 52 - (e - 0x3FF);
            if (fb > 1 && fb < 53) {
                frac &= -1L << (fb - 1);
            }
        }
        return (r.nextBoolean() ? Long.MIN_VALUE : 0) | (e << 52) | frac;
    }
}

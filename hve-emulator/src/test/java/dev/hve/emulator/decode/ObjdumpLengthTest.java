package dev.hve.emulator.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hve.emulator.oracle.NativeTools;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoder lengths against binutils (issue 3): random valid encodings in 16-, 32- and 64-bit modes
 * are concatenated, disassembled by {@code objdump}, and every instruction boundary objdump finds
 * must equal the length the core's decoder computes. A wrong length desynchronizes everything
 * after it, so one mismatch is reported with its bytes.
 *
 * <p>Left out of the generator, with the reason: VEX/EVEX/XOP and the 0F 38/0F 3A maps apart
 * from MOVBE (not modeled: #UD), x87 register forms and FWAIT (objdump merges FWAIT with the
 * following x87 instruction), 66h on near branches in 64-bit mode (Intel and AMD disagree on its
 * length), F2/F3 on SSE opcodes (AMD SSE4a EXTRQ/INSERTQ take two immediates).
 */
class ObjdumpLengthTest {

    private static final int COUNT = Integer.getInteger("hve.objdump.cases", 4000);

    private final Decoder decoder = new Decoder();
    private final Instruction insn = new Instruction();

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void lengthsMatchObjdump(int mode) throws Exception {
        String objdump = NativeTools.require("objdump");
        long seed = Long.getLong("hve.objdump.seed", System.nanoTime());
        Random r = new Random(seed);
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        List<Integer> lengths = new ArrayList<>();
        List<byte[]> encodings = new ArrayList<>();
        while (lengths.size() < COUNT) {
            byte[] candidate = generate(r, mode);
            if (candidate == null) {
                continue;
            }
            int status = decoder.decode(i -> candidate[i] & 0xFF, mode, insn);
            if (status != Decoder.OK) {
                continue;
            }
            byte[] exact = java.util.Arrays.copyOf(candidate, insn.length);
            encodings.add(exact);
            lengths.add(insn.length);
            code.writeBytes(exact);
        }
        Path bin = Files.createTempFile(NativeTools.workDirectory(), "decode", ".bin");
        Files.write(bin, code.toByteArray());
        String machine = mode == 2 ? "i8086" : mode == 4 ? "i386" : "i386:x86-64";
        String out = NativeTools.run(List.of(objdump, "-D", "-b", "binary", "-m", machine, "--insn-width=16",
            bin.toString()), null, 120);
        Files.deleteIfExists(bin);
        Pattern line = Pattern.compile("^\\s*([0-9a-f]+):\\t((?:[0-9a-f]{2} )+)");
        List<Long> starts = new ArrayList<>();
        List<Integer> found = new ArrayList<>();
        for (String l : out.split("\n")) {
            Matcher mt = line.matcher(l);
            if (mt.find()) {
                starts.add(Long.parseLong(mt.group(1), 16));
                found.add(mt.group(2).trim().split(" ").length);
            }
        }
        long offset = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int idx = i;
            long at = offset;
            assertTrue(i < found.size(), "objdump produced fewer instructions");
            assertEquals(offset, (long) starts.get(i), () -> "boundary mismatch before instruction " + idx + " at 0x"
                + Long.toHexString(at) + " (seed " + seed + ")");
            assertEquals((int) lengths.get(i), (int) found.get(i), () -> "mode " + mode + " length of "
                + hex(encodings.get(idx)) + " (seed " + seed + ")\n" + context(out, at));
            offset += lengths.get(i);
        }
    }

    private static String context(String out, long at) {
        String key = Long.toHexString(at) + ":";
        int i = out.indexOf(key);
        return i < 0 ? "" : out.substring(Math.max(0, i - 200), Math.min(out.length(), i + 200));
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x ", x & 0xFF));
        }
        return sb.toString().trim();
    }

    private static final int[] ONE_BYTE = oneByteOpcodes();
    private static final int[] TWO_BYTE = twoByteOpcodes();

    private static int[] oneByteOpcodes() {
        List<Integer> ops = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            boolean prefix = op == 0x26 || op == 0x2E || op == 0x36 || op == 0x3E || op == 0x64 || op == 0x65
                || op == 0x66 || op == 0x67 || op == 0xF0 || op == 0xF2 || op == 0xF3 || op == 0x0F;
            if (prefix || op == 0x9B || op == 0xD6) {
                continue;
            }
            ops.add(op);
        }
        return ops.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] twoByteOpcodes() {
        List<Integer> ops = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            int attr = OpcodeTable.attributes(0x100 | op);
            if ((attr & OpcodeTable.UD) != 0 || op == 0x38 || op == 0x3A || op == 0x37) {
                continue;
            }
            ops.add(op);
        }
        return ops.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One candidate: prefixes, opcode, a constrained ModRM, then random bytes for the rest. */
    private static byte[] generate(Random r, int mode) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean twoByte = r.nextInt(3) == 0;
        int op = twoByte ? TWO_BYTE[r.nextInt(TWO_BYTE.length)] : ONE_BYTE[r.nextInt(ONE_BYTE.length)];
        boolean mode64 = mode == 8;
        int attr = OpcodeTable.attributes(twoByte ? 0x100 | op : op);
        if (mode64 && (attr & OpcodeTable.INV64) != 0) {
            return null;
        }
        if (mode64 && !twoByte && op >= 0x40 && op <= 0x4F) {
            return null; // REX prefixes, not INC/DEC, in 64-bit mode
        }
        if (twoByte && (op == 0x1A || op == 0x1B)) {
            return null; // MPX forms: objdump decodes BND* (no 16-bit addressing); hints here
        }
        if (sseOrMmx(twoByte, op)) {
            return null; // SSE/MMX are not modeled yet (#UD); many prefix forms are undefined anyway
        }
        if (!mode64 && !twoByte && op >= 0x40 && op <= 0x4F && r.nextBoolean()) {
            return null; // keep INC/DEC rare
        }
        boolean sse = twoByte && ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2F) || (op >= 0x50 && op <= 0x7F)
            || (op >= 0xC2 && op <= 0xC6) || op >= 0xD0);
        boolean string = !twoByte && ((op >= 0xA4 && op <= 0xAF) || (op >= 0x6C && op <= 0x6F));
        boolean noOpsize = twoByte && (op == 0x78 || op == 0x79 || op == 0xC3 || op == 0xAE || op == 0xC7);
        if (r.nextInt(4) == 0 && !(mode64 && (attr & OpcodeTable.F64) != 0) && !noOpsize) {
            b.write(0x66);
        }
        if (r.nextInt(5) == 0) {
            b.write(0x67);
        }
        if (r.nextInt(5) == 0) {
            int[] segs = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65};
            b.write(segs[r.nextInt(6)]);
        }
        if (string && r.nextBoolean()) {
            b.write(r.nextBoolean() ? 0xF3 : 0xF2);
        } else if (r.nextInt(12) == 0 && !twoByte) {
            // A repeat prefix on a non-string instruction is ignored. (In the 0F map F2/F3 select
            // other instructions, and objdump calls many such forms "(bad)".)
            b.write(r.nextBoolean() ? 0xF3 : 0xF2);
        }
        if (r.nextInt(10) == 0) {
            b.write(0xF0); // LOCK: kept only where the decoder accepts it (lockable memory forms)
        }
        if (mode64 && r.nextInt(3) == 0) {
            b.write(0x40 | r.nextInt(16));
        }
        if (twoByte) {
            b.write(0x0F);
        }
        b.write(op);
        if ((attr & OpcodeTable.MODRM) != 0) {
            int modrm = r.nextInt(256);
            int mod = modrm >>> 6;
            int reg = (modrm >>> 3) & 7;
            if (!modrmAllowed(twoByte, op, mod, reg, modrm, mode64, sse)) {
                return null;
            }
            b.write(modrm);
        } else if (twoByte && op == 0x38) {
            return null;
        }
        for (int i = 0; i < 12; i++) {
            b.write(r.nextInt(256));
        }
        byte[] bytes = b.toByteArray();
        return bytes.length > 15 ? java.util.Arrays.copyOf(bytes, 15 + 12) : bytes;
    }

    private static boolean sseOrMmx(boolean twoByte, int op) {
        return twoByte && ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2F) || (op >= 0x50 && op <= 0x7F)
            || op == 0xC2 || (op >= 0xC4 && op <= 0xC6) || (op >= 0xD0 && op <= 0xFE) || op == 0xB8);
    }

    private static boolean modrmAllowed(boolean twoByte, int op, int mod, int reg, int modrm, boolean mode64, boolean sse) {
        if (!twoByte) {
            switch (op) {
                case 0x62: case 0xC4: case 0xC5: return mod != 3;
                case 0x8C: case 0x8E: return reg <= 5;
                case 0x8F: return reg == 0;
                case 0xC6: case 0xC7: return reg == 0;
                case 0xFE: return reg <= 1;
                case 0xFF: return reg <= 6 && !((reg == 3 || reg == 5) && mod == 3);
                case 0x8D: return mod != 3;
                default:
                    if (op >= 0xD8 && op <= 0xDF) {
                        return mod != 3;
                    }
                    return true;
            }
        }
        switch (op) {
            case 0x00: return reg <= 5;
            case 0x01: return mod != 3 && reg != 5;
            case 0x0D: return mod != 3 && reg <= 1;
            case 0x18: return mod != 3;
            case 0xAE: return mod != 3 && reg != 6;
            case 0xBA: return reg >= 4;
            case 0xC7: return mod != 3 && (reg == 1 || reg == 6 || reg == 7);
            case 0xB2: case 0xB4: case 0xB5: return mod != 3;
            case 0xC3: return mod != 3;
            case 0xFF: case 0xB9: return true;
            case 0x1A: case 0x1B: return mod != 3;
            default: return !sse || mod != 3 || true;
        }
    }
}

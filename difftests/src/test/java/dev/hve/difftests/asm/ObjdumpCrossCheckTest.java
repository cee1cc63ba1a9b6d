package dev.hve.difftests.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.hve.difftests.gen.ProgramGen;
import dev.hve.difftests.guest.GuestImage;
import dev.hve.difftests.guest.GuestProgram;
import dev.hve.difftests.props.Pbt;
import dev.hve.emulator.control.HypercallInstruction;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder is itself under test: every generated program, in every mode and with both
 * hypercall instructions, must decode under binutils' objdump to the same instruction boundaries
 * and mnemonics the assembler's listing claims. Without this, a differential failure could be an
 * encoder bug.
 */
class ObjdumpCrossCheckTest {

    @TempDir
    static Path scratch;

    @BeforeAll
    static void objdumpIsInstalled() {
        assertTrue(Objdump.available(),
            "objdump (GNU binutils) is required to cross-check the test encoder: apt-get install binutils");
    }

    @Test
    void generatedProgramsDecodeAsListed() {
        qt().withExamples(Math.min(Pbt.examples(), 150)).withFixedSeed(Pbt.seed())
            .forAll(ProgramGen.programs(), org.quicktheories.generators.Generate.enumValues(HypercallInstruction.class))
            .checkAssert((program, flavor) -> check(program.assemble(flavor)));
    }

    @Test
    void fixedGuestCodeDecodesAsListed() {
        for (Mode mode : Mode.values()) {
            check(GuestImage.handlers(mode));
        }
    }

    @Test
    void everyMnemonicTheEncoderKnowsAppears() {
        // Guards against a cross-check that passes because the generators never emit something.
        StringBuilder all = new StringBuilder();
        for (Mode mode : Mode.values()) {
            // Several seeds of 100: the rarer forms (BT* at MMIO) need a few hundred programs.
            for (long seed = Pbt.DEFAULT_SEED; seed < Pbt.DEFAULT_SEED + 4; seed++) {
                for (GuestProgram p : Pbt.samples(ProgramGen.programs(mode), seed, 100)) {
                    for (Emitted e : p.assemble(HypercallInstruction.VMMCALL).listing()) {
                        all.append(e.mnemonic()).append('\n');
                    }
                }
            }
        }
        for (String m : List.of("mov", "movabs", "add", "sub", "xor", "cmp", "test", "shl", "sar", "rol", "inc", "dec", "neg", "not",
            "mul", "imul", "div", "idiv", "lea", "push", "pop", "xchg", "call", "ret", "jmp", "in", "out", "ins", "outs",
            "rep ins", "rep outs", "cpuid", "hlt", "rdmsr", "wrmsr", "rdtsc", "vmmcall", "invlpg", "ud2", "sti", "cli", "cld",
            "movzx", "movsx", "bt", "bts", "btr", "btc", "and", "or", "adc", "sbb")) {
            assertTrue(all.toString().contains("\n" + m + "\n") || all.toString().startsWith(m + "\n"),
                "no generated program contains " + m);
        }
    }

    private static void check(Assembler asm) {
        byte[] code = asm.bytes();
        List<Emitted> listing = asm.listing();
        List<Objdump.Decoded> decoded;
        try {
            decoded = Objdump.decode(code, asm.mode(), asm.origin(), scratch);
        } catch (Exception e) {
            throw new AssertionError("objdump could not run", e);
        }
        String context = "\nlisting:\n" + Listing.render(listing) + "objdump:\n" + String.join("\n",
            decoded.stream().map(d -> Long.toHexString(d.address()) + " " + d.length() + " " + d.text()).toList());
        assertEquals(listing.size(), decoded.size(), "instruction count differs" + context);
        for (int i = 0; i < listing.size(); i++) {
            Emitted e = listing.get(i);
            Objdump.Decoded d = decoded.get(i);
            assertEquals(e.address(), d.address(), "boundary differs at instruction " + i + context);
            assertEquals(e.length(), d.length(), "length differs at " + Long.toHexString(e.address()) + context);
            assertEquals(e.mnemonic(), d.mnemonic(), "mnemonic differs at " + Long.toHexString(e.address()) + context);
        }
    }
}

package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --intercept} with {@code --trace-exits}: the guest {@code guests/exits/exits64.s} causes
 * every kind of exit, and the run shows them while the guest runs exactly as it would without.
 * This test checks the vendor-neutral part: the common exits and how intercepted exceptions are
 * given back to the guest. The vendor records are checked field by field in the backends' own
 * exit-trace tests.
 */
class InterceptedExitsTest {

    static final String INTERCEPTS = "all,exception=0,exception=3,exception=6,exception=13,exception=14";
    private static final int ALL_CHECKS_PASSED = 0x2A << 1 | 1;

    @TempDir
    static Path temp;
    private static GuestSymbols symbols;

    @BeforeAll
    static void readSymbols() throws IOException, InterruptedException {
        symbols = GuestSymbols.of(TestGuests.path("exits64"));
    }

    /** Runs exits64 on {@code backend} with {@code extra} options and returns the trace's lines. */
    private static List<String> trace(String backend, String name, String... extra) throws IOException {
        return trace(temp.resolve(name), backend, extra);
    }

    /** Runs exits64 on {@code backend}, tracing to {@code file}, and returns the trace's lines. */
    static List<String> trace(Path file, String backend, String... extra) throws IOException {
        String[] args = new String[] {"run", "-q", "--backend", backend, "--kernel",
            TestGuests.path("exits64").toString(), "--trace-exits", file.toString()};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        RunnerHarness.Result result = RunnerHarness.run(all);
        assertEquals(ALL_CHECKS_PASSED, result.status(), "every check in exits64 passed; stderr: " + result.err());
        assertEquals("exits\n", result.out());
        return Files.readAllLines(file);
    }

    private static List<Map<String, String>> parsed(List<String> lines, Predicate<Map<String, String>> filter) {
        return lines.stream().map(JsonLine::parse).filter(filter).collect(Collectors.toList());
    }

    private static Map<String, String> at(List<String> lines, String kind, String symbol) {
        String rip = Long.toUnsignedString(symbols.address(symbol));
        List<Map<String, String>> found = parsed(lines, e -> kind.equals(e.get("kind")) && rip.equals(e.get("rip")));
        assertEquals(1, found.size(), "one " + kind + " exit at " + symbol + " (" + rip + ")");
        return found.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void interceptedExceptionsExitAndAreGivenBackToTheGuest(String backend) throws IOException {
        List<String> lines = trace(backend, backend + "-exceptions.jsonl", "--intercept", INTERCEPTS);
        assertEquals("0", at(lines, "exception", "op_divide_error").get("vector"));
        assertEquals("3", at(lines, "exception", "op_int3").get("vector"));
        assertEquals("6", at(lines, "exception", "op_ud2").get("vector"));
        Map<String, String> gp = at(lines, "exception", "op_general_protection");
        assertEquals("13", gp.get("vector"));
        assertEquals("0", gp.get("error_code"), "#GP(0) for a non-canonical address");
        Map<String, String> pf = at(lines, "exception", "op_page_fault");
        assertEquals("14", pf.get("vector"));
        assertEquals("2", pf.get("error_code"), "#PF: a write (bit 1) to a non-present page (bit 0 clear) at CPL 0");
        // The guest itself checked that each handler ran, and that CR2 held the faulting address.
    }

    @ParameterizedTest
    @ValueSource(strings = {"vmx", "svm"})
    void everyCommonExitKindTheGuestCausesIsTraced(String backend) throws IOException {
        List<String> lines = trace(backend, backend + "-common.jsonl", "--intercept", INTERCEPTS);
        assertEquals("0", at(lines, "cpuid", "op_cpuid").get("leaf"));
        Map<String, String> outb = at(lines, "port-io", "op_outb");
        assertEquals(List.of("128", "1", "out", "17"), List.of(outb.get("port"), outb.get("size"),
            outb.get("direction"), outb.get("value")));
        assertEquals("2", at(lines, "port-io", "op_outw").get("size"));
        assertEquals("4", at(lines, "port-io", "op_outl").get("size"));
        assertEquals("in", at(lines, "port-io", "op_inb").get("direction"));
        Map<String, String> outs = at(lines, "port-io", "op_rep_outsb");
        assertEquals(List.of("true", "true", "out"), List.of(outs.get("string"), outs.get("rep"), outs.get("direction")));
        Map<String, String> ins = at(lines, "port-io", "op_rep_insb");
        assertEquals(List.of("true", "true", "in"), List.of(ins.get("string"), ins.get("rep"), ins.get("direction")));
        assertEquals(List.of("27", "false"), List.of(at(lines, "msr", "op_rdmsr").get("msr"),
            at(lines, "msr", "op_rdmsr").get("write")));
        assertEquals("true", at(lines, "msr", "op_wrmsr").get("write"));
        Map<String, String> mmio = at(lines, "mmio", "op_mmio_read");
        assertEquals(List.of(Long.toString(0xFEE00030L), "false"), List.of(mmio.get("gpa"), mmio.get("write")));
        String hypercall = "vmx".equals(backend) ? "op_vmcall" : "op_vmmcall";
        at(lines, "hypercall", hypercall);
        assertFalse(parsed(lines, e -> "interrupt-window".equals(e.get("kind"))).isEmpty(),
            "the PIT tick raised while IF = 0 waited for an interrupt window");
    }

    @Test
    void bothBackendsShowTheSameCommonExits() throws IOException {
        List<String> vmx = CommonExits.of(trace("vmx", "vmx.jsonl", "--intercept", INTERCEPTS));
        List<String> svm = CommonExits.of(trace("svm", "svm.jsonl", "--intercept", INTERCEPTS));
        // The hypercall instruction is the host vendor's own (VMCALL or VMMCALL, at different
        // addresses; everyCommonExitKindTheGuestCausesIsTraced checks which); every other common
        // exit must agree exactly.
        assertEquals(withoutHypercallRip(vmx), withoutHypercallRip(svm));
    }

    private static List<String> withoutHypercallRip(List<String> exits) {
        return exits.stream().map(e -> e.contains("kind=hypercall") ? e.replaceAll("rip=\\d+", "rip=?") : e)
            .collect(Collectors.toList());
    }

    @Test
    void withoutInterceptsNoExceptionExitsAndTheSameOutput() throws IOException {
        // trace() has checked the status and the serial output: the guest ran the same.
        List<String> lines = trace("vmx", "plain.jsonl");
        assertTrue(parsed(lines, e -> "exception".equals(e.get("kind"))).isEmpty(),
            "no exception exits without --intercept");
        assertFalse(parsed(lines, e -> "cpuid".equals(e.get("kind"))).isEmpty(), "the monitor's own exits remain");
    }

    @Test
    void exceptionsThatCannotBeReflectedAreAUsageError() {
        RunnerHarness.Result debug = RunnerHarness.run("run", "--intercept", "exception=1");
        assertEquals(2, debug.status());
        assertTrue(debug.err().contains("1, #DB"), debug.err());
        RunnerHarness.Result unknown = RunnerHarness.run("run", "--intercept", "rdtsc,bogus");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown item 'bogus'") && unknown.err().contains("mov-cr"), unknown.err());
    }
}

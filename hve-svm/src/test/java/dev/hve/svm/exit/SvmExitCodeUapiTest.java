package dev.hve.svm.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The EXITCODE values agree with the SVM_EXIT_* constants of the Linux UAPI header on this
 * machine. The header names exits differently from the APM (SVM_EXIT_READ_CR0 for
 * VMEXIT_CR0_READ), so the mapping below spells out each pair.
 */
class SvmExitCodeUapiTest {

    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/svm.h");
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+(SVM_EXIT_\\w+)\\s+(-?(?:0x[0-9a-fA-F]+|\\d+))\\b",
        Pattern.MULTILINE);

    /** APM name (our constant) -> UAPI name. */
    private static final Map<String, String> PAIRS = Map.ofEntries(
        Map.entry("VMEXIT_CR0_READ", "SVM_EXIT_READ_CR0"),
        Map.entry("VMEXIT_CR2_READ", "SVM_EXIT_READ_CR2"),
        Map.entry("VMEXIT_CR3_READ", "SVM_EXIT_READ_CR3"),
        Map.entry("VMEXIT_CR4_READ", "SVM_EXIT_READ_CR4"),
        Map.entry("VMEXIT_CR8_READ", "SVM_EXIT_READ_CR8"),
        Map.entry("VMEXIT_CR0_WRITE", "SVM_EXIT_WRITE_CR0"),
        Map.entry("VMEXIT_CR2_WRITE", "SVM_EXIT_WRITE_CR2"),
        Map.entry("VMEXIT_CR3_WRITE", "SVM_EXIT_WRITE_CR3"),
        Map.entry("VMEXIT_CR4_WRITE", "SVM_EXIT_WRITE_CR4"),
        Map.entry("VMEXIT_CR8_WRITE", "SVM_EXIT_WRITE_CR8"),
        Map.entry("VMEXIT_DR0_READ", "SVM_EXIT_READ_DR0"),
        Map.entry("VMEXIT_DR7_READ", "SVM_EXIT_READ_DR7"),
        Map.entry("VMEXIT_DR0_WRITE", "SVM_EXIT_WRITE_DR0"),
        Map.entry("VMEXIT_DR7_WRITE", "SVM_EXIT_WRITE_DR7"),
        Map.entry("VMEXIT_EXCP0", "SVM_EXIT_EXCP_BASE"),
        Map.entry("VMEXIT_EXCP31", "SVM_EXIT_LAST_EXCP"),
        Map.entry("VMEXIT_INTR", "SVM_EXIT_INTR"),
        Map.entry("VMEXIT_NMI", "SVM_EXIT_NMI"),
        Map.entry("VMEXIT_SMI", "SVM_EXIT_SMI"),
        Map.entry("VMEXIT_INIT", "SVM_EXIT_INIT"),
        Map.entry("VMEXIT_VINTR", "SVM_EXIT_VINTR"),
        Map.entry("VMEXIT_CR0_SEL_WRITE", "SVM_EXIT_CR0_SEL_WRITE"),
        Map.entry("VMEXIT_IDTR_READ", "SVM_EXIT_IDTR_READ"),
        Map.entry("VMEXIT_GDTR_READ", "SVM_EXIT_GDTR_READ"),
        Map.entry("VMEXIT_LDTR_READ", "SVM_EXIT_LDTR_READ"),
        Map.entry("VMEXIT_TR_READ", "SVM_EXIT_TR_READ"),
        Map.entry("VMEXIT_IDTR_WRITE", "SVM_EXIT_IDTR_WRITE"),
        Map.entry("VMEXIT_GDTR_WRITE", "SVM_EXIT_GDTR_WRITE"),
        Map.entry("VMEXIT_LDTR_WRITE", "SVM_EXIT_LDTR_WRITE"),
        Map.entry("VMEXIT_TR_WRITE", "SVM_EXIT_TR_WRITE"),
        Map.entry("VMEXIT_RDTSC", "SVM_EXIT_RDTSC"),
        Map.entry("VMEXIT_RDPMC", "SVM_EXIT_RDPMC"),
        Map.entry("VMEXIT_PUSHF", "SVM_EXIT_PUSHF"),
        Map.entry("VMEXIT_POPF", "SVM_EXIT_POPF"),
        Map.entry("VMEXIT_CPUID", "SVM_EXIT_CPUID"),
        Map.entry("VMEXIT_RSM", "SVM_EXIT_RSM"),
        Map.entry("VMEXIT_IRET", "SVM_EXIT_IRET"),
        Map.entry("VMEXIT_SWINT", "SVM_EXIT_SWINT"),
        Map.entry("VMEXIT_INVD", "SVM_EXIT_INVD"),
        Map.entry("VMEXIT_PAUSE", "SVM_EXIT_PAUSE"),
        Map.entry("VMEXIT_HLT", "SVM_EXIT_HLT"),
        Map.entry("VMEXIT_INVLPG", "SVM_EXIT_INVLPG"),
        Map.entry("VMEXIT_INVLPGA", "SVM_EXIT_INVLPGA"),
        Map.entry("VMEXIT_IOIO", "SVM_EXIT_IOIO"),
        Map.entry("VMEXIT_MSR", "SVM_EXIT_MSR"),
        Map.entry("VMEXIT_TASK_SWITCH", "SVM_EXIT_TASK_SWITCH"),
        Map.entry("VMEXIT_FERR_FREEZE", "SVM_EXIT_FERR_FREEZE"),
        Map.entry("VMEXIT_SHUTDOWN", "SVM_EXIT_SHUTDOWN"),
        Map.entry("VMEXIT_VMRUN", "SVM_EXIT_VMRUN"),
        Map.entry("VMEXIT_VMMCALL", "SVM_EXIT_VMMCALL"),
        Map.entry("VMEXIT_VMLOAD", "SVM_EXIT_VMLOAD"),
        Map.entry("VMEXIT_VMSAVE", "SVM_EXIT_VMSAVE"),
        Map.entry("VMEXIT_STGI", "SVM_EXIT_STGI"),
        Map.entry("VMEXIT_CLGI", "SVM_EXIT_CLGI"),
        Map.entry("VMEXIT_SKINIT", "SVM_EXIT_SKINIT"),
        Map.entry("VMEXIT_RDTSCP", "SVM_EXIT_RDTSCP"),
        Map.entry("VMEXIT_ICEBP", "SVM_EXIT_ICEBP"),
        Map.entry("VMEXIT_WBINVD", "SVM_EXIT_WBINVD"),
        Map.entry("VMEXIT_MONITOR", "SVM_EXIT_MONITOR"),
        Map.entry("VMEXIT_MWAIT", "SVM_EXIT_MWAIT"),
        Map.entry("VMEXIT_MWAIT_CONDITIONAL", "SVM_EXIT_MWAIT_COND"),
        Map.entry("VMEXIT_XSETBV", "SVM_EXIT_XSETBV"),
        Map.entry("VMEXIT_RDPRU", "SVM_EXIT_RDPRU"),
        Map.entry("VMEXIT_EFER_WRITE_TRAP", "SVM_EXIT_EFER_WRITE_TRAP"),
        Map.entry("VMEXIT_CR0_WRITE_TRAP", "SVM_EXIT_CR0_WRITE_TRAP"),
        Map.entry("VMEXIT_INVPCID", "SVM_EXIT_INVPCID"),
        Map.entry("VMEXIT_NPF", "SVM_EXIT_NPF"),
        Map.entry("VMEXIT_AVIC_INCOMPLETE_IPI", "SVM_EXIT_AVIC_INCOMPLETE_IPI"),
        Map.entry("VMEXIT_AVIC_NOACCEL", "SVM_EXIT_AVIC_UNACCELERATED_ACCESS"),
        Map.entry("VMEXIT_VMGEXIT", "SVM_EXIT_VMGEXIT"),
        Map.entry("VMEXIT_INVALID", "SVM_EXIT_ERR"));

    private static Map<String, Long> uapi() throws IOException {
        if (!Files.isReadable(HEADER)) {
            fail("the Linux UAPI header " + HEADER + " is missing: install linux-libc-dev to run the exit-code test");
        }
        Map<String, Long> values = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(HEADER));
        while (m.find()) {
            values.put(m.group(1), Long.decode(m.group(2)));
        }
        return values;
    }

    @Test
    void everyExitCodeMatchesTheUapiHeader() throws Exception {
        Map<String, Long> header = uapi();
        int checked = 0;
        for (Field field : SvmExitCode.class.getFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != long.class) {
                continue;
            }
            String uapiName = PAIRS.get(field.getName());
            assertNotNull(uapiName, "no UAPI counterpart listed for " + field.getName());
            Long expected = header.get(uapiName);
            assertNotNull(expected, uapiName + " not defined in " + HEADER);
            assertEquals(expected.longValue(), field.getLong(null), field.getName() + " vs " + uapiName);
            checked++;
        }
        assertEquals(PAIRS.size(), checked, "every pair was checked");
    }

    @Test
    void computedExitCodesMatchTheUapiHeader() throws Exception {
        Map<String, Long> header = uapi();
        for (int n : new int[] {0, 2, 3, 4, 8}) {
            assertEquals(header.get("SVM_EXIT_READ_CR" + n), SvmExitCode.crRead(n));
            assertEquals(header.get("SVM_EXIT_WRITE_CR" + n), SvmExitCode.crWrite(n));
        }
        for (int n = 0; n < 8; n++) {
            assertEquals(header.get("SVM_EXIT_READ_DR" + n), SvmExitCode.drRead(n));
            assertEquals(header.get("SVM_EXIT_WRITE_DR" + n), SvmExitCode.drWrite(n));
        }
        assertEquals(header.get("SVM_EXIT_EXCP_BASE") + 14, SvmExitCode.exception(14));
        assertEquals(header.get("SVM_EXIT_LAST_EXCP"), SvmExitCode.exception(31));
        assertTrue(header.get("SVM_EXIT_ERR") == -1L, "VMEXIT_INVALID is -1");
    }
}

package dev.hve.vmx.exit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The basic exit reasons agree with the EXIT_REASON_* constants of the Linux UAPI header, an
 * independent transcription of SDM Appendix C.
 */
class ExitReasonUapiTest {

    private static final Path HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/vmx.h");
    /** Header names that differ from the SDM names this model uses. */
    private static final Map<String, String> SDM_NAMES = Map.of(
        "VMOFF", "VMXOFF",
        "VMON", "VMXON",
        "INVALID_STATE", "INVALID_GUEST_STATE");

    @Test
    void everyUapiExitReasonMatches() throws IOException, IllegalAccessException {
        if (!Files.isReadable(HEADER)) {
            fail("the Linux UAPI header " + HEADER + " is missing: install linux-libc-dev to run this test");
        }
        Map<String, Long> header = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^#define\\s+EXIT_REASON_(\\w+)\\s+(\\d+|0x[0-9a-fA-F]+)\\s*$")
            .matcher(Files.readString(HEADER));
        while (m.find()) {
            header.put(m.group(1), Long.decode(m.group(2)));
        }
        assertTrue(header.size() >= 60, "parsed only " + header.size() + " EXIT_REASON_ constants");
        Map<String, Integer> model = new LinkedHashMap<>();
        for (Field f : ExitReason.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                model.put(f.getName(), f.getInt(null));
            }
        }
        for (Map.Entry<String, Long> e : header.entrySet()) {
            String name = SDM_NAMES.getOrDefault(e.getKey(), e.getKey());
            Integer value = model.get(name);
            assertNotNull(value, "ExitReason lacks EXIT_REASON_" + e.getKey());
            assertEquals(e.getValue().longValue(), value.longValue(), "EXIT_REASON_" + e.getKey());
        }
    }

    @Test
    void failedVmEntryBitMatches() throws IOException {
        if (!Files.isReadable(HEADER)) {
            fail("the Linux UAPI header " + HEADER + " is missing");
        }
        Matcher m = Pattern.compile("VMX_EXIT_REASONS_FAILED_VMENTRY\\s+(0x[0-9a-fA-F]+)").matcher(Files.readString(HEADER));
        assertTrue(m.find());
        assertEquals(Long.decode(m.group(1)).intValue(), ExitReason.VM_ENTRY_FAILURE);
    }
}

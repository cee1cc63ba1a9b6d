package dev.hve.difftests.harness;

import dev.hve.api.VendorRecord;
import dev.hve.api.VmExit;
import java.util.List;
import java.util.Map;

/**
 * Everything one backend did with a scenario: the common exits, the device transactions, how the
 * run ended, the final registers and the final guest memory. {@code records} and {@code raw}
 * (the vendor record and the common exit, per exit) feed the round-trip properties and are not
 * compared across backends.
 */
public record RunResult(String backend, List<ExitEvent> exits, List<Transaction> transactions, String end,
                        Map<String, String> registers, byte[] memory, List<VendorRecord> records, List<VmExit> raw) {
}

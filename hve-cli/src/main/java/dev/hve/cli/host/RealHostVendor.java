package dev.hve.cli.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The vendor of the machine HVE itself runs on, from {@code /proc/cpuinfo} where it exists. */
public final class RealHostVendor {

    private RealHostVendor() {
    }

    /** The {@code vendor_id} line of the first processor, such as {@code GenuineIntel}. */
    public static Optional<String> read(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("vendor_id")) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        return Optional.of(line.substring(colon + 1).trim());
                    }
                }
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

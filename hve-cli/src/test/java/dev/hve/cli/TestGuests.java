package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The test guests guests/build-all.sh built from guests/NAME/NAME.s for this test run. */
final class TestGuests {

    private TestGuests() {
    }

    static Path path(String name) {
        Path guest = Path.of(System.getProperty("hve.test.guests", "target/test-guests")).resolve(name + ".elf");
        assertTrue(Files.isRegularFile(guest), "test guest " + guest + " was built by guests/build-all.sh");
        return guest;
    }
}

package dev.hve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A test guest's symbols, from binutils' nm (the guests are built with binutils anyway). */
final class GuestSymbols {

    private final Map<String, Long> addresses;

    private GuestSymbols(Map<String, Long> addresses) {
        this.addresses = addresses;
    }

    static GuestSymbols of(Path elf) throws IOException, InterruptedException {
        Process nm = new ProcessBuilder("nm", elf.toString()).redirectErrorStream(true).start();
        String listing = new String(nm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, nm.waitFor(), "nm " + elf + ": " + listing);
        Map<String, Long> addresses = new HashMap<>();
        for (String line : listing.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3) {
                addresses.put(parts[2], Long.parseUnsignedLong(parts[0], 16));
            }
        }
        return new GuestSymbols(addresses);
    }

    long address(String symbol) {
        Long address = addresses.get(symbol);
        assertNotNull(address, "the guest defines " + symbol);
        return address;
    }
}

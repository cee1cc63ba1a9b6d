package dev.hve.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The micro-guests and decode corpora that bench/jmh-guests/build.sh put on the class path. */
final class GuestImages {

    private GuestImages() {
    }

    static byte[] load(String fileName) {
        String resource = "/dev/hve/bench/guests/" + fileName;
        try (InputStream in = GuestImages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path; rebuild hve-bench "
                    + "(it assembles bench/jmh-guests at build time)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

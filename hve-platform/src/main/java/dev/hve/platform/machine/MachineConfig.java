package dev.hve.platform.machine;

import dev.hve.api.HostCpu;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the virtual PC is made of.
 *
 * @param memoryBytes  guest RAM
 * @param vcpus        number of vCPUs
 * @param serialOutput where COM1's transmitted bytes go
 * @param serialInput  what COM1 receives, or null for nothing
 * @param hostClock    drive guest time from the host's clock instead of retired instructions
 *                     (interactive use; runs are then not reproducible)
 * @param guestCpu     the CPU model whose CPUID the guest sees, or null for the host's (filtered)
 */
public record MachineConfig(long memoryBytes, int vcpus, OutputStream serialOutput, InputStream serialInput,
                            boolean hostClock, HostCpu guestCpu) {

    public static final long MINIMUM_MEMORY = 2L << 20;

    public MachineConfig {
        if (memoryBytes < MINIMUM_MEMORY || memoryBytes % 4096 != 0) {
            throw new IllegalArgumentException("guest memory must be a multiple of 4 KiB and at least 2 MiB, not "
                + memoryBytes + " bytes");
        }
        if (vcpus < 1 || vcpus > 255) {
            throw new IllegalArgumentException("vCPU count must be 1-255, not " + vcpus);
        }
    }

    /** Deterministic defaults: the virtual clock, no serial input. */
    public MachineConfig(long memoryBytes, int vcpus, OutputStream serialOutput) {
        this(memoryBytes, vcpus, serialOutput, null, false, null);
    }
}

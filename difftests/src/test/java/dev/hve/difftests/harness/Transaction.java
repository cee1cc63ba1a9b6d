package dev.hve.difftests.harness;

/**
 * One device-visible effect of a run, in order: a port read or write, an MMIO read or write, an
 * MSR access or a hypercall. Two backends agree only if their transaction logs are equal.
 */
public record Transaction(String kind, long address, int size, long value) {

    @Override
    public String toString() {
        return String.format("%s 0x%x/%d = 0x%x", kind, address, size, value);
    }
}

package dev.hve.platform.pci;

/** One PCI function's configuration space, as configuration cycles reach it. */
public interface PciFunction {

    String name();

    /** Reads the dword at {@code register} (a multiple of 4 below 256). */
    int readConfig(int register);

    /** Writes {@code size} bytes (1, 2 or 4) at {@code offset}, which does not cross a dword. */
    void writeConfig(int offset, int size, int value);
}

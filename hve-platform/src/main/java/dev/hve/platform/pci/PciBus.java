package dev.hve.platform.pci;

/**
 * PCI bus 0: up to 32 devices of 8 functions each. An absent function answers configuration
 * reads with all ones (the master abort every PCI host bridge turns into 0xFFFFFFFF), which is
 * how software enumerates. There are no PCI-to-PCI bridges, so every other bus is empty.
 */
public final class PciBus {

    private final PciFunction[] functions = new PciFunction[32 * 8];

    public void register(int device, int function, PciFunction target) {
        int slot = slot(device, function);
        if (functions[slot] != null) {
            throw new IllegalArgumentException(String.format("PCI 00:%02x.%d is taken by %s", device, function,
                functions[slot].name()));
        }
        functions[slot] = target;
    }

    public PciFunction function(int bus, int device, int function) {
        return bus == 0 ? functions[slot(device, function)] : null;
    }

    public int readConfig(int bus, int device, int function, int register) {
        PciFunction target = function(bus, device, function);
        return target == null ? -1 : target.readConfig(register);
    }

    public void writeConfig(int bus, int device, int function, int offset, int size, int value) {
        PciFunction target = function(bus, device, function);
        if (target != null) {
            target.writeConfig(offset, size, value);
        }
    }

    private static int slot(int device, int function) {
        if (device < 0 || device > 31 || function < 0 || function > 7) {
            throw new IllegalArgumentException("no PCI device " + device + " function " + function);
        }
        return device * 8 + function;
    }
}

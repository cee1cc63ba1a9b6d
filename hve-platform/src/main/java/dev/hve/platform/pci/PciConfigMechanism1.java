package dev.hve.platform.pci;

import dev.hve.platform.io.PortDevice;
import java.util.function.Consumer;

/**
 * Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2): CONFIG_ADDRESS at
 * 0xCF8 (enable bit 31, bus 23:16, device 15:11, function 10:8, register 7:2), CONFIG_DATA at
 * 0xCFC-0xCFF. Only a dword access to 0xCF8 is CONFIG_ADDRESS; the byte at 0xCF9 is the PIIX
 * reset control register, whose RCPU bit (2) going from 0 to 1 resets the system (PIIX3 datasheet,
 * "RC—Reset Control Register"), which Linux's {@code reboot=pci} uses.
 *
 * <p>Claims 0xCF8-0xCFF.
 */
public final class PciConfigMechanism1 implements PortDevice {

    public static final int BASE_PORT = 0xCF8;
    public static final int PORT_COUNT = 8;

    private static final int ENABLE = 0x8000_0000;
    private static final int RESET_CONTROL = 1;
    private static final int RCPU = 0x04;
    private static final int SYSTEM_RESET = 0x02;
    private static final int DATA = 4;

    private final PciBus bus;
    private final Consumer<String> resetRequest;
    private int address;
    private int resetControl;

    /** @param resetRequest told the reason when the guest resets the system through 0xCF9 */
    public PciConfigMechanism1(PciBus bus, Consumer<String> resetRequest) {
        this.bus = bus;
        this.resetRequest = resetRequest;
    }

    @Override
    public String name() {
        return "pci-conf1";
    }

    @Override
    public long read(int offset, int size) {
        if (offset < DATA) {
            if (offset == 0 && size == 4) {
                return address & 0xFFFF_FFFFL;
            }
            return offset == RESET_CONTROL && size == 1 ? resetControl : allOnes(size);
        }
        if ((address & ENABLE) == 0) {
            return allOnes(size);
        }
        int byteOffset = offset - DATA;
        int dword = bus.readConfig(busNumber(), deviceNumber(), functionNumber(), address & 0xFC);
        return (dword >>> (8 * byteOffset)) & allOnes(size);
    }

    @Override
    public void write(int offset, int size, long value) {
        if (offset < DATA) {
            if (offset == 0 && size == 4) {
                // Bits 30:24 are reserved and bits 1:0 read as zero.
                address = (int) value & 0x80FF_FFFC;
            } else if (offset == RESET_CONTROL && size == 1) {
                writeResetControl((int) value & 0xFF);
            }
            return;
        }
        if ((address & ENABLE) == 0) {
            return;
        }
        int byteOffset = offset - DATA;
        int width = Math.min(size, 4 - byteOffset);
        bus.writeConfig(busNumber(), deviceNumber(), functionNumber(), (address & 0xFC) + byteOffset, width,
            (int) value);
    }

    private void writeResetControl(int v) {
        int old = resetControl;
        resetControl = v & (RCPU | SYSTEM_RESET);
        if ((old & RCPU) == 0 && (v & RCPU) != 0) {
            resetRequest.accept((v & SYSTEM_RESET) != 0 ? "PCI reset control 0xCF9 (hard reset)"
                : "PCI reset control 0xCF9 (soft reset)");
            resetControl &= ~RCPU;
        }
    }

    private int busNumber() {
        return (address >> 16) & 0xFF;
    }

    private int deviceNumber() {
        return (address >> 11) & 0x1F;
    }

    private int functionNumber() {
        return (address >> 8) & 7;
    }

    private static long allOnes(int size) {
        return size == 4 ? 0xFFFF_FFFFL : (1L << (8 * size)) - 1;
    }
}
